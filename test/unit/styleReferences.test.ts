import * as assert from 'node:assert/strict';
import { FluxError } from '../../src/core/errors';
import { addReferenceToText } from '../../src/core/styleReferences';
import { parseStylesFile } from '../../src/core/styles';

const refs = (text: string, style: string) => parseStylesFile(text).styles[style]?.references;
const names = (text: string) => Object.keys(parseStylesFile(text).styles);

const FILE = '.vscode/flux-styles.json';

describe('adding an image to a style', () => {
  it('makes the file and the style from nothing', () => {
    const out = addReferenceToText('', { style: 'ink', reference: 'docs/a.png', newPrompt: '{prompt}, ink' }, FILE);
    assert.deepEqual(JSON.parse(out ?? ''), { styles: { ink: { prompt: '{prompt}, ink', references: ['docs/a.png'] } } });
  });

  it('appends to an existing style and keeps comments, order and indentation', () => {
    const before = ['{', '    // the house look', '    "styles": {', '        "ink": {', '            "prompt": "{prompt}. Ink", // loose', '            "references": ["a.png"]', '        }', '    }', '}', ''].join('\n');
    const out = addReferenceToText(before, { style: 'ink', reference: 'b.png' }, FILE) ?? '';
    assert.match(out, /\/\/ the house look/);
    assert.match(out, /"prompt": "\{prompt\}\. Ink", \/\/ loose/);
    assert.deepEqual(refs(out, 'ink'), ['a.png', 'b.png']);
    assert.ok(out.startsWith('{\n    // the house look\n    "styles": {\n        "ink": {'), out);
  });

  it('adds a new style next to the others, and references to a style without them', () => {
    const before = '{ "styles": { "ink": { "prompt": "x" } } }';
    const withRef = addReferenceToText(before, { style: 'ink', reference: 'a.png' }, FILE) ?? '';
    assert.deepEqual(refs(withRef, 'ink'), ['a.png']);
    const added = addReferenceToText(withRef, { style: 'clay', reference: 'c.png', newPrompt: 'clay' }, FILE) ?? '';
    assert.deepEqual(names(added), ['ink', 'clay']);
  });

  it('changes nothing when the style already lists the image', () => {
    assert.equal(addReferenceToText('{ "styles": { "ink": { "prompt": "x", "references": ["a.png"] } } }', { style: 'ink', reference: 'a.png' }, FILE), undefined);
  });

  it('refuses a file that is not JSON, naming it and the line', () => {
    assert.throws(
      () => addReferenceToText('{\n "styles": {\n  "ink": \n}', { style: 'ink', reference: 'a.png' }, FILE),
      (e: unknown) => e instanceof FluxError && e.kind === 'invalidInput' && e.message.includes(FILE) && /line \d/.test(e.message),
    );
  });

  it('refuses a style the file does not have unless it is to be made', () => {
    assert.throws(() => addReferenceToText('{ "styles": {} }', { style: 'ink', reference: 'a.png' }, FILE), /has no style "ink"/);
  });
});
