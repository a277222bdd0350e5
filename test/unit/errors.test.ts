import * as assert from 'node:assert/strict';
import { redact } from '../../src/core/errors';
import { pngDimensions, sniffImageType } from '../../src/core/imageType';

describe('redaction', () => {
  const key = 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
  it('removes the key wherever it appears', () => {
    assert.equal(redact(`Invalid token: ${key} (${key})`, key), 'Invalid token: *** (***)');
  });
  it('removes long fragments of the key that servers echo shortened', () => {
    const out = redact(`Invalid token sk-AbCdEfGh...3456789`, key);
    assert.ok(!out.includes('AbCdEfGh'), out);
  });
  it('leaves text without the key alone', () => {
    assert.equal(redact('quota exceeded for sk-other', key), 'quota exceeded for sk-other');
    assert.equal(redact('anything', undefined), 'anything');
  });
});

describe('image signatures', () => {
  it('knows PNG, JPEG and WebP by their bytes', () => {
    assert.equal(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))?.extension, '.png');
    assert.equal(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))?.extension, '.jpg');
    assert.equal(sniffImageType(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 ', 'latin1'))?.extension, '.webp');
    assert.equal(sniffImageType(Buffer.from('<html>')), undefined);
    assert.equal(sniffImageType(Buffer.alloc(0)), undefined);
  });
  it('reads PNG dimensions', () => {
    const header = Buffer.alloc(24);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header);
    header.writeUInt32BE(1024, 16);
    header.writeUInt32BE(576, 20);
    assert.deepEqual(pngDimensions(header), { width: 1024, height: 576 });
  });
});
