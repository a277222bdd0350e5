import * as assert from 'node:assert/strict';
import { FluxError } from '../../src/core/errors';
import { outputFolderSegments } from '../../src/core/outputFolder';

describe('output folder setting', () => {
  it('splits relative folders', () => {
    assert.deepEqual(outputFolderSegments('assets'), ['assets']);
    assert.deepEqual(outputFolderSegments('docs/images/'), ['docs', 'images']);
    assert.deepEqual(outputFolderSegments('docs\\images'), ['docs', 'images']);
    assert.deepEqual(outputFolderSegments('./a/../b'), ['b']);
    assert.deepEqual(outputFolderSegments(''), []);
  });
  it('refuses absolute paths and escapes', () => {
    for (const bad of ['/etc', 'C:\\Users', 'c:/x', '~/pics', '..', '../outside', 'a/../../b', 'file:///tmp', 'a/con?']) {
      assert.throws(() => outputFolderSegments(bad), (e: unknown) => e instanceof FluxError && e.kind === 'invalidInput', bad);
    }
  });
});

describe('output folder variables', () => {
  const isInvalid = (e: unknown) => e instanceof FluxError && e.kind === 'invalidInput';
  it('puts images beside the document or in a folder named after it', () => {
    const vars = { documentDirName: 'docs/guide', documentBaseName: 'intro' };
    assert.deepEqual(outputFolderSegments('${documentDirName}/images', vars), ['docs', 'guide', 'images']);
    assert.deepEqual(outputFolderSegments('assets/${documentBaseName}', vars), ['assets', 'intro']);
    assert.deepEqual(outputFolderSegments('${documentDirName}/${documentBaseName}-img', vars), ['docs', 'guide', 'intro-img']);
    assert.deepEqual(outputFolderSegments('out${documentDirName}x', { documentDirName: 'a/b' }), ['outa', 'bx']);
    assert.deepEqual(outputFolderSegments('${documentDirName}/../shared', vars), ['docs', 'shared']);
  });
  it('treats a document at the workspace root as no folder', () => {
    assert.deepEqual(outputFolderSegments('${documentDirName}/images', { documentDirName: '' }), ['images']);
    assert.deepEqual(outputFolderSegments('${documentDirName}', { documentDirName: '' }), []);
  });
  it('keeps working without variables or a document', () => {
    assert.deepEqual(outputFolderSegments('assets', { documentDirName: 'x', documentBaseName: 'y' }), ['assets']);
    assert.deepEqual(outputFolderSegments('docs/images'), ['docs', 'images']);
  });
  it('refuses a variable with no document, and unknown variables', () => {
    assert.throws(() => outputFolderSegments('${documentDirName}/images'), (e: unknown) => isInvalid(e) && /needs a document/.test((e as Error).message) && (e as Error).message.includes('${documentDirName}'));
    assert.throws(() => outputFolderSegments('assets/${documentBaseName}', { documentDirName: 'a' }), isInvalid);
    assert.throws(() => outputFolderSegments('assets/${workspaceFolder}', { documentDirName: 'a', documentBaseName: 'b' }), (e: unknown) => isInvalid(e) && (e as Error).message.includes('workspaceFolder'));
  });
  it('never lets a variable lead out of the workspace', () => {
    for (const documentDirName of ['..', '../outside', 'a/../../b', '/etc', 'C:/Users', 'C:', '~']) {
      assert.throws(() => outputFolderSegments('${documentDirName}/images', { documentDirName }), isInvalid, documentDirName);
    }
    assert.throws(() => outputFolderSegments('assets/${documentBaseName}', { documentBaseName: '..' }), isInvalid);
    assert.deepEqual(outputFolderSegments('assets/${documentBaseName}', { documentBaseName: '.' }), ['assets']);
    assert.throws(() => outputFolderSegments('${documentBaseName}', { documentBaseName: '..' }), isInvalid);
  });
  it('keeps a base name with separators as one folder name', () => {
    assert.deepEqual(outputFolderSegments('assets/${documentBaseName}', { documentBaseName: '../../etc' }), ['assets', '.._.._etc']);
    assert.deepEqual(outputFolderSegments('assets/${documentBaseName}', { documentBaseName: 'a\\b/c' }), ['assets', 'a_b_c']);
  });
  it('refuses names that are not valid on every system after expansion', () => {
    assert.throws(() => outputFolderSegments('assets/${documentBaseName}', { documentBaseName: 'a:b' }), isInvalid);
    assert.throws(() => outputFolderSegments('${documentBaseName}.', { documentBaseName: 'x' }), isInvalid);
  });
});
