// The recipe and the history record keep what a FLUX.2 request sent: pixels, format, upsampling, references.
import * as assert from 'node:assert/strict';
import { sanitizeRecord } from '../../src/core/imageRecord';
import { parseRecipeJson, validRecipe } from '../../src/core/recipe';
import { readToolInput } from '../../src/core/toolInput';
import { FluxError } from '../../src/core/errors';

const SHA = 'ab'.repeat(32);
const base = { v: 1, prompt: 'the dog from image 1', model: 'flux-2-pro', size: '16x9', seed: 7, provider: 'dmxapi', created: '2026-12-07T10:00:00.000Z' };

describe('FLUX.2 recipe fields', () => {
  it('keeps width, height, outputFormat, promptUpsampling and references in order', () => {
    const full = { ...base, width: 1360, height: 768, outputFormat: 'jpeg', promptUpsampling: false, references: [{ path: 'docs/dog.png', sha256: SHA }, { path: 'docs/garden.jpg', sha256: SHA.toUpperCase() }] };
    const r = parseRecipeJson(JSON.stringify(full));
    assert.ok(r);
    assert.equal(r.width, 1360);
    assert.equal(r.outputFormat, 'jpeg');
    assert.equal(r.promptUpsampling, false);
    assert.deepEqual(r.references, [{ path: 'docs/dog.png', sha256: SHA }, { path: 'docs/garden.jpg', sha256: SHA }]);
    assert.deepEqual(validRecipe(base), base, 'a Kontext recipe stays as it was');
  });
  it('refuses malformed fields rather than guessing', () => {
    for (const bad of [
      { width: 0, height: 768 },
      { width: 1.5 },
      { outputFormat: 'webp' },
      { promptUpsampling: 'no' },
      { references: [] },
      { references: [{ path: '../outside.png', sha256: SHA }] },
      { references: [{ path: 'a.png', sha256: 'nope' }] },
      { references: Array.from({ length: 9 }, () => ({ path: 'a.png', sha256: SHA })) },
    ]) {
      assert.equal(validRecipe({ ...base, ...bad }), undefined, JSON.stringify(bad));
    }
  });
  it('the history record keeps them too', () => {
    const rec = sanitizeRecord({ id: 'x1', prompt: 'p', model: 'flux-2-pro', size: '16x9', createdAt: Date.UTC(2026, 0, 1), file: 'file:///w/a.jpg', outputFormat: 'jpeg', promptUpsampling: true, references: [{ path: 'r.png', sha256: SHA }] });
    assert.equal(rec?.outputFormat, 'jpeg');
    assert.equal(rec?.promptUpsampling, true);
    assert.deepEqual(rec?.references, [{ path: 'r.png', sha256: SHA }]);
  });
  it('the chat tool takes references as a list of strings', () => {
    assert.deepEqual(readToolInput({ prompt: 'p', references: [' a.png ', 'b/c.jpg'] }).references, ['a.png', 'b/c.jpg']);
    assert.equal(readToolInput({ prompt: 'p', references: [] }).references, undefined);
    assert.throws(() => readToolInput({ prompt: 'p', references: 'a.png' }), FluxError);
    assert.throws(() => readToolInput({ prompt: 'p', references: [3] }), FluxError);
  });
});
