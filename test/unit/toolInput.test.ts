import * as assert from 'node:assert/strict';
import { FluxError } from '../../src/core/errors';
import { checkDestinationName, readToolInput, resolveInWorkspace } from '../../src/core/toolInput';

const WS = '/home/me/project';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof FluxError);
    assert.equal(err.kind, 'invalidInput');
    return err.message;
  }
  assert.fail('expected a refusal');
}

describe('chat tool input', () => {
  describe('readToolInput', () => {
    it('reads the contract fields and trims strings', () => {
      assert.deepEqual(readToolInput({ prompt: 'a fox', path: ' a/b.png ', size: '16x9', model: 'flux-kontext-max', seed: 3, image: 'x.jpg', extra: true }), {
        prompt: 'a fox',
        path: 'a/b.png',
        size: '16x9',
        model: 'flux-kontext-max',
        seed: 3,
        image: 'x.jpg',
      });
      assert.deepEqual(readToolInput({ prompt: 'a fox', path: '', seed: null }), { prompt: 'a fox' });
    });

    it('refuses what a model may send wrongly', () => {
      assert.match(refusal(() => readToolInput('a fox')), /must be an object/);
      assert.match(refusal(() => readToolInput(null)), /must be an object/);
      assert.match(refusal(() => readToolInput({})), /“prompt” string/);
      assert.match(refusal(() => readToolInput({ prompt: 'x', path: 3 })), /“path” must be a string/);
      assert.match(refusal(() => readToolInput({ prompt: 'x', seed: 1.5 })), /seed/);
      assert.match(refusal(() => readToolInput({ prompt: 'x', seed: -2 })), /seed/);
      assert.match(refusal(() => readToolInput({ prompt: 'x', seed: '3' })), /seed/);
    });
  });

  describe('resolveInWorkspace', () => {
    it('resolves relative paths inside the folder, keeping names as written', () => {
      assert.equal(resolveInWorkspace(WS, 'assets/fox.png', 'destination'), `${WS}/assets/fox.png`);
      assert.equal(resolveInWorkspace(WS, './docs//img/../fox.png', 'destination'), `${WS}/docs/fox.png`);
      assert.equal(resolveInWorkspace(WS, 'docs\\img\\fox.png', 'destination'), `${WS}/docs/img/fox.png`);
      assert.equal(resolveInWorkspace(WS, 'a%20b.png', 'destination'), `${WS}/a%20b.png`);
      assert.equal(resolveInWorkspace(`${WS}/`, 'fox.png', 'image'), `${WS}/fox.png`);
    });

    it('refuses every way out of the folder', () => {
      for (const path of ['../outside.png', 'a/../../outside.png', '%2e%2e/outside.png', 'a/%2E%2E/%2e%2e/x.png', '%252e%252e/x.png', '..\\x.png', '...', 'a/.. /x.png', '.', '']) {
        assert.match(refusal(() => resolveInWorkspace(WS, path, 'destination')), /outside the workspace/, path);
      }
      assert.match(refusal(() => resolveInWorkspace(WS, 'a\u0000b.png', 'image')), /The image .* outside the workspace/);
    });

    it('refuses absolute paths and URIs with a message that says so', () => {
      for (const path of ['/etc/x.png', '\\\\server\\share\\x.png', 'C:\\x.png', 'c:/x.png', 'file:///tmp/x.png', 'https://example.com/x.png']) {
        assert.match(refusal(() => resolveInWorkspace(WS, path, 'destination')), /absolute path/, path);
      }
    });

    it('does not mistake a sibling folder with the same prefix for the workspace', () => {
      assert.match(refusal(() => resolveInWorkspace(WS, '../project2/x.png', 'destination')), /outside the workspace/);
    });
  });

  describe('checkDestinationName', () => {
    it('takes .png in any case and refuses other names', () => {
      checkDestinationName(`${WS}/a/fox.png`);
      checkDestinationName(`${WS}/a/FOX.PNG`);
      for (const path of [`${WS}/fox.jpg`, `${WS}/fox.webp`, `${WS}/fox`, `${WS}/.png`, `${WS}/fox.png.txt`]) {
        assert.match(refusal(() => checkDestinationName(path)), /does not end in \.png/, path);
      }
    });
  });
});
