import * as assert from 'node:assert/strict';
import { redact, redactForDisplay } from '../../src/core/errors';
import { pngDimensions, sniffImageType } from '../../src/core/imageType';

describe('redaction', () => {
  const key = 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
  it('removes the key wherever it appears', () => {
    assert.equal(redact(`Invalid token: ${key} (${key})`, key), 'Invalid token: *** (***)');
    assert.equal(redact(key, key), '***');
  });
  it('removes the key in any letter case', () => {
    assert.equal(redact(`token ${key.toUpperCase()} / ${key.toLowerCase()}`, key), 'token *** / ***');
  });
  it('removes long fragments of the key that servers echo shortened', () => {
    const out = redact(`Invalid token sk-AbCdEfGh...3456789`, key);
    assert.ok(!out.includes('AbCdEfGh'), out);
    assert.equal(out, 'Invalid token ***...3456789');
  });
  it('removes every run of 8 or more characters of a long key, and only those', () => {
    for (let len = 8; len <= key.length; len++) {
      for (let i = 0; i + len <= key.length; i++) {
        const piece = key.slice(i, i + len);
        assert.equal(redact(`<${piece}>`, key), '<***>', piece);
      }
    }
    assert.equal(redact('<sk-AbCd> <3456789>', key), '<sk-AbCd> <3456789>'); // 7 characters
  });
  it('removes the key encoded in base64, at each alignment, standard and URL-safe', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    for (const prefix of ['', 'a', 'ab', 'Bearer ', 'user:', 'xx:']) {
      for (const suffix of ['', 'z', 'zz', '\n']) {
        const encoded = b64(`${prefix}${key}${suffix}`);
        const safeForUrl = encoded.replace(/\+/g, '-').replace(/\//g, '_');
        for (const sent of [encoded, safeForUrl]) {
          const out = redact(`Authorization: Basic ${sent}`, key);
          assert.ok(out.includes('***'), out);
          // What is left can hold at most a few bits of the key at each edge.
          const left = out.slice('Authorization: Basic '.length).replace('***', '');
          assert.ok(left.length <= 2 + Math.ceil((prefix.length * 4) / 3) + 4, `${prefix}|${suffix}: ${out}`);
          assert.ok(!Buffer.from(left.replace(/=+$/, ''), 'base64').toString('latin1').includes(key.slice(0, 4)), out);
        }
      }
    }
    assert.ok(redact(b64(`Bearer ${key}`), key).startsWith(b64('Bearer ').slice(0, 8)));
  });
  it('matches short keys (4 to 11 characters) whole, in any case, and never in part', () => {
    assert.equal(redact('key abcd, ABCD and abc', 'aBcD'), 'key ***, *** and abc');
    assert.equal(redact('use KEY-1234567 or key-123456 or ey-1234567', 'key-1234567'), 'use *** or key-123456 or ey-1234567');
    assert.equal(redact('token short-key1 was refused (short-key)', 'short-key1'), 'token *** was refused (short-key)');
    assert.equal(redact('abc', 'abc'), 'abc'); // under 4 characters: not looked for
  });
  it('leaves text without the key alone', () => {
    assert.equal(redact('quota exceeded for sk-other', key), 'quota exceeded for sk-other');
    assert.equal(redact('anything', undefined), 'anything');
    assert.equal(redact('anything', ''), 'anything');
    assert.equal(redact('', key), '');
  });
  it('redacts a 45 MB message (its speed is measured by npm run bench)', () => {
    const chunk = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251)).toString('base64');
    const filler = chunk.repeat(Math.ceil(22_500_000 / chunk.length)).slice(0, 22_500_000);
    const bearer = Buffer.from(`Bearer ${key}`).toString('base64');
    const huge = `${filler} ${key} ${filler} ${bearer}.`;
    const out = redact(huge, key);
    assert.equal(out.split('***').length - 1, 2);
    assert.equal(out.slice(0, filler.length + 5), `${filler} *** `);
    assert.ok(out.endsWith(` ${bearer.slice(0, 10)}***${bearer.slice(-3)}.`), out.slice(-80)); // "Bearer " and padding stay
  });
});

describe('redaction for display', () => {
  const key = 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
  it('shortens first and still removes a key that crosses the cut', () => {
    const text = `${'x'.repeat(95)}${key} tail`;
    const out = redactForDisplay(text, key, 100);
    assert.equal(out, `${'x'.repeat(95)}***…`);
    assert.ok(out.length <= 100);
  });
  it('does not leave a short piece of the key at the cut', () => {
    for (let at = 80; at <= 100; at++) {
      const out = redactForDisplay(`${'x'.repeat(at)}${key}${'y'.repeat(200)}`, key, 100);
      assert.ok(!/sk-|Ab/i.test(out), `${at}: ${out}`);
      assert.ok(out.length <= 100, `${at}: ${out.length}`);
    }
  });
  it('reads further when keys made the start shorter than the limit', () => {
    const text = `${key} `.repeat(50) + 'end';
    const out = redactForDisplay(text, key, 100);
    assert.equal(out, '*** '.repeat(24) + '***…');
    assert.equal(redactForDisplay(`${key} `.repeat(3) + 'end', key, 100), '*** *** *** end');
  });
  it('keeps short text whole and never cuts a surrogate pair', () => {
    assert.equal(redactForDisplay('fine', key, 100), 'fine');
    assert.equal(redactForDisplay('🦊🦊🦊', undefined, 4), '🦊…');
    assert.equal(redactForDisplay('🦊🦊🦊', key, 3), '🦊…');
    assert.equal(redactForDisplay('abc', key, 3), 'abc');
  });
  it('shortens a 45 MB message (its speed is measured by npm run bench)', () => {
    const huge = `${key} ${'a'.repeat(45_000_000)}`;
    const out = redactForDisplay(huge, key, 200);
    assert.equal(out, `*** ${'a'.repeat(195)}…`);
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
