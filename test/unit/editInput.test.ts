// What may be sent to be edited: the bytes decide the type, 20 MB at most, never a path outside.
import * as assert from 'node:assert/strict';
import { checkEditImage, checkEditImageSize, MAX_EDIT_IMAGE_BYTES, resolveInFolder } from '../../src/core/editInput';
import { IMAGE_FILE_NAME as EDITABLE_IMAGE_NAME } from '../../src/core/imageType';
import { FluxError } from '../../src/core/errors';
import { JPEG_BYTES, makePng } from '../fake/png';

function refused(f: () => unknown, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof FluxError && e.kind === 'invalidInput' && pattern.test(e.message));
}

describe('edit input', () => {
  it('takes PNG, JPEG and WebP by their bytes, whatever the name', () => {
    assert.equal(checkEditImage(makePng(4, 4), 'a.jpg').mime, 'image/png');
    assert.equal(checkEditImage(JPEG_BYTES, 'photo.png').mime, 'image/jpeg');
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);
    assert.equal(checkEditImage(webp, 'x').mime, 'image/webp');
  });

  it('refuses a text file named .png, and an empty file', () => {
    refused(() => checkEditImage(Buffer.from('# not an image\n'), 'notes.png'), /notes\.png is not a PNG, JPEG or WebP image/);
    refused(() => checkEditImage(new Uint8Array(0), 'empty.png'), /not a PNG/);
  });

  it('allows exactly 20 MB and refuses one byte more, before reading', () => {
    assert.doesNotThrow(() => checkEditImageSize(MAX_EDIT_IMAGE_BYTES, 'big.png'));
    refused(() => checkEditImageSize(MAX_EDIT_IMAGE_BYTES + 1, 'big.png'), /big\.png is 20\.1 MB; an image to edit may be at most 20 MB/);
    refused(() => checkEditImageSize(25 * 1024 * 1024, 'huge.png'), /25\.0 MB/);
  });

  it('names images by extension for the menus and the pick, in any case', () => {
    for (const n of ['a.png', 'b.JPG', 'c.jpeg', 'd.WebP']) assert.ok(EDITABLE_IMAGE_NAME.test(n), n);
    for (const n of ['a.gif', 'b.png.txt', 'c.svg', 'png']) assert.ok(!EDITABLE_IMAGE_NAME.test(n), n);
  });

  it('resolves workspace-relative paths inside the folder', () => {
    assert.equal(resolveInFolder('/ws', 'assets/a.png'), '/ws/assets/a.png');
    assert.equal(resolveInFolder('/ws', './assets/../b.png'), '/ws/b.png');
    assert.equal(resolveInFolder('/ws', 'assets\\c.png'), '/ws/assets/c.png');
    assert.equal(resolveInFolder('/ws/', 'a b (1).png'), '/ws/a b (1).png');
    assert.equal(resolveInFolder('/ws', '/ws/inside.png'), '/ws/inside.png');
    assert.equal(resolveInFolder('/c:/Users/me/ws', 'c:\\Users\\me\\ws\\x.png'), '/c:/Users/me/ws/x.png');
  });

  it('refuses every way out of the folder', () => {
    for (const p of ['../secret.png', 'assets/../../secret.png', '..\\secret.png', '%2e%2e/secret.png', '%252e%252e/secret.png', '/etc/passwd', '/ws2/a.png', 'c:\\Windows\\x.png', '', '.', 'a/..', 'nul\0.png', '.. /x.png']) {
      assert.equal(resolveInFolder('/ws', p), undefined, JSON.stringify(p));
    }
  });
});
