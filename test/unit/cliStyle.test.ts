// flux-docs' house styles (src/cli/style.ts): the styles file read as the extension reads it, and
// reference images only from the repository itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { styleForDocument } from '../../src/cli/style';
import { makePng } from '../fake/png';

describe('flux-docs: house styles', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-cli-style-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-cli-outside-'));
    fs.mkdirSync(path.join(root, '.vscode'));
    fs.mkdirSync(path.join(root, 'art'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
  const styles = (value: unknown, bom = '') => fs.writeFileSync(path.join(root, '.vscode', 'flux-styles.json'), bom + JSON.stringify(value));
  const doc = (text: string) => ({ file: path.join(root, 'a.md'), text, language: 'markdown' as const });

  it('reads a styles file that starts with a byte-order mark, as VS Code does', () => {
    fs.writeFileSync(path.join(root, 'art', 'ink.png'), makePng(8, 8, { seed: 1 }));
    styles({ default: 'ink', styles: { ink: { prompt: '{prompt}, ink', references: ['art/ink.png'] } } }, '\uFEFF');
    const style = styleForDocument(doc('x\n'), root);
    assert.equal(style?.name, 'ink');
    assert.equal(style?.references?.[0]?.path, 'art/ink.png');
  });

  it('sends no reference that is, or lies behind, a symbolic link', () => {
    fs.writeFileSync(path.join(outside, 'secret.png'), makePng(8, 8, { seed: 2 }));
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(root, 'art', 'link.png'));
    fs.symlinkSync(outside, path.join(root, 'linked'));
    styles({ styles: { a: { prompt: 'x', references: ['art/link.png'] }, b: { prompt: 'x', references: ['linked/secret.png'] } } });
    assert.throws(() => styleForDocument(doc('---\nflux-style: a\n---\n\nx\n'), root), /“art\/link\.png”, which is or lies behind a symbolic link/);
    assert.throws(() => styleForDocument(doc('---\nflux-style: b\n---\n\nx\n'), root), /“linked\/secret\.png”, which is or lies behind a symbolic link/);
  });

  it('a document that declares nothing fails on a broken styles file; one that says none does not', () => {
    fs.writeFileSync(path.join(root, '.vscode', 'flux-styles.json'), '{ "default": "ink", "styles": {');
    assert.throws(() => styleForDocument(doc('x\n'), root), /flux-styles\.json is not valid JSON/);
    assert.equal(styleForDocument(doc('---\nflux-style: none\n---\n\nx\n'), root), undefined);
  });
});
