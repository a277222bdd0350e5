import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { chunkCrcOk, crc32, iTxtChunk, makeChunk, pngSize, pngTextChunks, readTextChunk, scanHead, tableCrc32, textChunk } from '../../src/core/png';
import { JPEG_BYTES, makePng } from '../fake/png';

function chunkAt(chunk: Uint8Array) {
  const head = scanHead(headBytes(chunk));
  return { head, chunk: head.chunks[1]! };
}

describe('png chunks', () => {
  it('computes the CRC-32 PNG uses, natively and with the table, alike', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(tableCrc32(Buffer.from('123456789')), 0xcbf43926);
    let s = 7;
    for (const n of [0, 1, 255, 4096, 70000]) {
      const data = Buffer.alloc(n, 0).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24));
      assert.equal(tableCrc32(data), crc32(data), `length ${n}`);
      assert.equal(tableCrc32(data.subarray(n >> 1), tableCrc32(data.subarray(0, n >> 1))), crc32(data), 'continued');
    }
  });

  it('lays a chunk out as length, type, data, CRC over type and data', () => {
    const c = Buffer.from(makeChunk('abCd', Buffer.from('hi')));
    assert.equal(c.length, 14);
    assert.equal(c.readUInt32BE(0), 2);
    assert.equal(c.toString('latin1', 4, 10), 'abCdhi');
    assert.equal(c.readUInt32BE(10), zlib.crc32(c.subarray(4, 10)) >>> 0);
    assert.throws(() => makeChunk('ab1d', Buffer.alloc(0)), RangeError);
  });

  it('writes tEXt for Latin-1 text and iTXt with empty tag and translation otherwise', () => {
    const latin = Buffer.from(textChunk('Description', 'Café, "déjà" vu\nline 2'));
    assert.equal(latin.toString('latin1', 4, 8), 'tEXt');
    assert.equal(latin.toString('latin1', 8, latin.length - 4), 'Description\0Café, "déjà" vu\nline 2');

    const cjk = Buffer.from(textChunk('Description', '狐狸 🦊'));
    assert.equal(cjk.toString('latin1', 4, 8), 'iTXt');
    const data = cjk.subarray(8, cjk.length - 4);
    assert.deepEqual([...data.subarray(0, 'Description'.length + 5)], [...Buffer.from('Description'), 0, 0, 0, 0, 0]);
    assert.equal(data.subarray('Description'.length + 5).toString('utf8'), '狐狸 🦊');
    assert.deepEqual(Buffer.from(iTxtChunk('Description', '狐狸 🦊')), cjk);

    // C1 controls are not text in tEXt; NUL would end the keyword's field early.
    assert.equal(Buffer.from(textChunk('k', 'a\u0085b')).toString('latin1', 4, 8), 'iTXt');
    assert.equal(readTextChunk(...argsOf(textChunk('k', 'a\0b')))?.text, 'ab');
  });

  it('refuses keywords the spec does not allow', () => {
    for (const k of ['', ' lead', 'trail ', 'two  spaces', 'x'.repeat(80), '狐', 'a\0b']) assert.throws(() => textChunk(k, 'v'), RangeError, k);
    assert.doesNotThrow(() => textChunk('x'.repeat(79), 'v'));
  });

  it('reads back tEXt and iTXt, and ignores a chunk whose CRC is wrong', () => {
    for (const value of ['plain', 'Ünïcödé ÿ', '中文\n"引号"', '🦊'.repeat(1000), '']) {
      assert.deepEqual(readTextChunk(...argsOf(textChunk('key', value))), { keyword: 'key', text: value });
    }
    const bad = Buffer.from(textChunk('key', 'value'));
    bad[bad.length - 1]! ^= 1;
    const { head, chunk } = chunkAt(bad);
    assert.equal(chunkCrcOk(headBytes(bad), chunk), false);
    assert.equal(readTextChunk(headBytes(bad), chunk), undefined);
    assert.equal(head.state, 'idat');
  });

  it('does not read compressed or broken iTXt', () => {
    const data = Buffer.concat([Buffer.from('key\0'), Buffer.from([1, 0]), Buffer.from('\0\0'), zlib.deflateSync('text')]);
    assert.equal(readTextChunk(...argsOf(makeChunk('iTXt', data))), undefined);
    assert.equal(readTextChunk(...argsOf(makeChunk('iTXt', Buffer.from('key\0\0\0no-terminators')))), undefined);
    assert.equal(readTextChunk(...argsOf(makeChunk('iTXt', Buffer.from([...Buffer.from('key\0\0\0\0\0'), 0xff, 0xfe])))), undefined, 'bad UTF-8');
    assert.equal(readTextChunk(...argsOf(makeChunk('tEXt', Buffer.from('no keyword end')))), undefined);
  });

  it('scans to the first IDAT and says why it stopped', () => {
    const png = makePng(4, 3);
    const head = scanHead(png);
    assert.equal(head.state, 'idat');
    assert.equal(head.chunks[0]!.type, 'IHDR');
    assert.equal(png.toString('latin1', head.idat! + 4, head.idat! + 8), 'IDAT');
    assert.equal(scanHead(png.subarray(0, 20)).state, 'truncated');
    assert.equal(scanHead(png.subarray(0, 5)).state, 'truncated');
    assert.equal(scanHead(new Uint8Array(0)).state, 'truncated');
    assert.equal(scanHead(JPEG_BYTES).state, 'malformed');
    const noIhdr = Buffer.concat([png.subarray(0, 8), png.subarray(33)]);
    assert.equal(scanHead(noIhdr).state, 'malformed');
  });

  it('reads the size from IHDR, and nothing when IHDR is damaged', () => {
    assert.deepEqual(pngSize(makePng(37, 5)), { width: 37, height: 5 });
    const bad = Buffer.from(makePng(37, 5));
    bad[17]! ^= 1;
    assert.equal(pngSize(bad), undefined);
    assert.equal(pngSize(JPEG_BYTES), undefined);
    assert.equal(pngSize(bad.subarray(0, 30)), undefined);
  });

  it('lists the text chunks of a head', () => {
    const png = makePng(2, 2);
    const bytes = Buffer.concat([png.subarray(0, 33), textChunk('a', 'b'), iTxtChunk('c', '狐'), png.subarray(33)]);
    assert.deepEqual(pngTextChunks(bytes), [
      { keyword: 'a', text: 'b' },
      { keyword: 'c', text: '狐' },
    ]);
  });
});

/** A small PNG with this chunk right after IHDR. */
function headBytes(chunk: Uint8Array): Buffer {
  const png = makePng(1, 1);
  return Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
}

function argsOf(chunk: Uint8Array): [Uint8Array, ReturnType<typeof scanHead>['chunks'][number]] {
  const bytes = headBytes(chunk);
  return [bytes, scanHead(bytes).chunks[1]!];
}
