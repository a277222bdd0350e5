// The edit upload's multipart body: the fields, the file's bytes as they are (not copied), exact length.
import * as assert from 'node:assert/strict';
import { multipartBody } from '../../src/core/http/multipart';

async function collect(body: ReturnType<typeof multipartBody>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body.stream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('multipart body', () => {
  it('holds the fields and the file, with an exact length', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 13, 10, 255]);
    const body = multipartBody([['prompt', 'make it\nsnow'], ['n', '1']], { name: 'image', filename: 'a "b"\r\n.png', contentType: 'image/png', bytes });
    const boundary = /boundary=(.+)$/.exec(body.contentType)![1]!;
    const all = await collect(body);
    assert.equal(all.length, body.length);
    const text = all.toString('latin1');
    assert.ok(text.startsWith(`--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nmake it\r\nsnow\r\n`));
    assert.ok(text.includes('name="image"; filename="a %22b%22%0D%0A.png"\r\nContent-Type: image/png\r\n\r\n'));
    assert.ok(text.endsWith(`\r\n--${boundary}--\r\n`));
    assert.ok(all.includes(Buffer.from(bytes)));
    assert.equal(text.split(boundary).length, 5, 'three parts and the end: the boundary appears nowhere else');
  });

  it('streams the caller\'s bytes without copying them, afresh for each attempt', async () => {
    const bytes = new Uint8Array(1024).fill(7);
    const body = multipartBody([], { name: 'image', filename: 'x.png', contentType: 'image/png', bytes });
    const pieces: Buffer[] = [];
    for await (const c of body.stream()) pieces.push(c as Buffer);
    assert.ok(pieces.some((p) => p.buffer === bytes.buffer && p.byteOffset === bytes.byteOffset), 'the image piece views the same memory');
    assert.equal((await collect(body)).length, body.length, 'a second stream for a retry');
  });
});
