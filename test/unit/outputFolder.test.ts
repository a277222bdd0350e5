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
