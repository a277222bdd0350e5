import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImageMetaFile } from '../../src/services/fileHead';
import { hasContentCredentials, imageSize, isComposite, labelImage, readImageMeta, readWebpChunksAt } from '../../src/core/imageMeta';
import type { ImageMeta } from '../../src/core/imageMeta';
import { scanJpegHead } from '../../src/core/jpeg';
import { pngTextChunks } from '../../src/core/png';
import type { Recipe } from '../../src/core/recipe';
import { RECIPE_HEAD_BYTES } from '../../src/core/recipe';
import { scanRiff } from '../../src/core/webp';
import { buildXmp, COMPOSITE, parseXmp, TRAINED } from '../../src/core/xmp';
import { JPEG_BYTES, JPEG_C2PA_BYTES, makeC2paPng, makePng, NOT_AN_IMAGE, WEBP_BYTES, WEBP_LOSSY_BYTES } from '../fake/png';

export const recipe: Recipe = {
  v: 1,
  prompt: 'A red fox in fresh snow',
  model: 'flux-kontext-pro',
  size: '16x9',
  seed: 42,
  provider: 'dmxapi',
  created: '2026-01-31T09:05:07.123Z',
};

export const TRICKY_PROMPTS = [
  'Ends the section ]]> then <![CDATA[ x ]]> and </flux:recipe> <rdf:li>',
  'She said "hello" & \'goodbye\' &amp; &#x41; &lt;tag&gt;',
  'Fox 🦊 with emoji 👨‍👩‍👧 and ZWJ',
  'שועל אדום בשלג — ثعلب أحمر في الثلج',
  'Line one\nLine two\n\tindented\r\nCRLF',
];

export function written(bytes: Uint8Array, r: Recipe = recipe, embedRecipe = true): Buffer {
  const pieces = labelImage(bytes, { recipe: r, embedRecipe });
  assert.ok(pieces, 'labelImage refused a valid image');
  return Buffer.concat(pieces);
}

function meta(bytes: Uint8Array): ImageMeta {
  return readImageMeta(bytes.slice(0, RECIPE_HEAD_BYTES));
}

const FORMATS: [string, () => Buffer][] = [
  ['PNG', () => makePng(40, 30, { seed: 3 })],
  ['JPEG', () => JPEG_BYTES],
  ['WebP (lossless, simple)', () => WEBP_BYTES],
  ['WebP (lossy, simple)', () => WEBP_LOSSY_BYTES],
];

describe('XMP packet', () => {
  for (const prompt of TRICKY_PROMPTS) {
    it(`round-trips ${JSON.stringify(prompt.slice(0, 24))}`, () => {
      const json = JSON.stringify({ ...recipe, prompt });
      const xml = buildXmp({ model: 'flux-kontext-pro', composite: false, recipeJson: json, prompt });
      const found = parseXmp(xml);
      assert.equal(found.recipeJson, json);
      assert.equal(found.digitalSourceType, TRAINED);
      assert.equal(found.aiSystem, 'flux-kontext-pro');
      // The prompt's markup stays text: exactly one recipe element, closed where we closed it.
      assert.equal(xml.split('<flux:recipe>').length, 2);
      assert.ok(!xml.includes(']]>'), 'no CDATA end in the packet');
    });
  }

  it('reads properties written as attributes and under other prefixes', () => {
    const xml = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:ie='http://iptc.org/std/Iptc4xmpExt/2008-02-29/' ie:DigitalSourceType='${COMPOSITE}' ie:AISystemUsed='Model &amp; Co'/></rdf:RDF></x:xmpmeta>`;
    assert.deepEqual(parseXmp(xml), { digitalSourceType: COMPOSITE, aiSystem: 'Model & Co' });
  });

  it('finds nothing in what is not our packet', () => {
    for (const xml of ['', '<x/>', '<Iptc4xmpExt:DigitalSourceType>x</Iptc4xmpExt:DigitalSourceType>', 'x'.repeat(300_000)]) assert.deepEqual(parseXmp(xml), {});
  });
});

describe('image labels: writing and reading in PNG, JPEG and WebP', () => {
  for (const [name, make] of FORMATS) {
    it(`${name}: the label and the recipe read back`, () => {
      for (const prompt of TRICKY_PROMPTS) {
        const r = { ...recipe, prompt };
        const m = meta(written(make(), r));
        assert.deepEqual(m.recipe, r, prompt);
        assert.equal(m.aiGenerated, true);
        assert.equal(m.aiSystem, 'flux-kontext-pro');
        assert.equal(m.contentCredentials, false);
      }
    });

    it(`${name}: with recipes off, the label without the prompt`, () => {
      const out = written(make(), recipe, false);
      const m = meta(out);
      assert.equal(m.recipe, undefined);
      assert.equal(m.aiGenerated, true);
      assert.ok(!out.toString('latin1').includes('red fox'), 'the prompt stays out');
      assert.ok(out.toString('latin1').includes('trainedAlgorithmicMedia'));
    });

    it(`${name}: an edit is marked composite, and a second label replaces the first`, () => {
      const edit = { ...recipe, source: { path: 'images/in.png', sha256: 'ab'.repeat(32) } };
      const once = written(make(), edit);
      const twice = written(once, { ...recipe, prompt: 'second' });
      assert.ok(once.toString('latin1').includes(COMPOSITE));
      assert.equal(meta(twice).recipe?.prompt, 'second');
      assert.equal(twice.toString('latin1').split('Iptc4xmpExt:DigitalSourceType>').length, 3, 'one packet');
    });
  }

  it('treats a recipe with reference images as composite', () => {
    const withRefs = { ...recipe, references: [{ path: 'a.png', sha256: '0'.repeat(64) }] } as unknown as Recipe;
    assert.equal(isComposite(withRefs), true);
    assert.equal(isComposite({ ...recipe, references: [] } as unknown as Recipe), false);
    assert.equal(isComposite(recipe), false);
    assert.equal(isComposite({ ...recipe, source: { path: 'a.png', sha256: '0'.repeat(64) } }), true);
  });

  it('PNG: the packet is an uncompressed iTXt before IDAT, beside the flux chunk', () => {
    const out = written(makePng(8, 8));
    const keywords = pngTextChunks(out).map((t) => t.keyword);
    assert.deepEqual(keywords, ['flux', 'Description', 'Software', 'parameters', 'XML:com.adobe.xmp']);
    assert.deepEqual(pngTextChunks(written(makePng(8, 8), recipe, false)).map((t) => t.keyword), ['XML:com.adobe.xmp']);
  });

  it('JPEG: one APP1 right after APP0, and everything from SOS on untouched', () => {
    const out = written(JPEG_BYTES);
    const before = scanJpegHead(JPEG_BYTES);
    const after = scanJpegHead(out);
    assert.equal(after.segments[0]!.marker, 0xe0);
    assert.equal(after.segments[1]!.marker, 0xe1);
    assert.equal(out.toString('latin1', after.segments[1]!.dataStart, after.segments[1]!.dataStart + 29), 'http://ns.adobe.com/xap/1.0/\0');
    assert.deepEqual(out.subarray(after.sos!), JPEG_BYTES.subarray(before.sos!));
    assert.deepEqual(
      after.segments.filter((s) => s.marker !== 0xe1).map((s) => out.subarray(s.start, s.end).toString('hex')),
      before.segments.map((s) => JPEG_BYTES.subarray(s.start, s.end).toString('hex')),
    );
  });

  it('JPEG: a packet that would not fit drops the recipe, never splits', () => {
    // A big APP0 (a thumbnail) leaves less room before the head a reader reads.
    const app0 = Buffer.alloc(40_000, 0x20);
    app0.write('JFIF\0', 0, 'latin1');
    const big = Buffer.concat([JPEG_BYTES.subarray(0, 2), Buffer.from([0xff, 0xe0, (app0.length + 2) >> 8, (app0.length + 2) & 0xff]), app0, JPEG_BYTES.subarray(20)]);
    const long = { ...recipe, prompt: '&'.repeat(4000) };
    const out = written(big, long);
    const m = meta(out);
    assert.equal(m.aiGenerated, true);
    assert.equal(m.recipe, undefined, 'the recipe was left out');
    const app1 = scanJpegHead(out).segments.filter((s) => s.marker === 0xe1);
    assert.equal(app1.length, 1);
    assert.ok(app1[0]!.end <= RECIPE_HEAD_BYTES);
    // The same recipe fits in a plain JPEG (≤ 65,533 bytes of payload).
    assert.deepEqual(meta(written(JPEG_BYTES, long)).recipe, long);
  });

  it('WebP: a simple file becomes VP8X with the XMP flag and the canvas of its bitstream; the bitstream is untouched', () => {
    for (const [source, width, height] of [
      [WEBP_BYTES, 1, 1],
      [WEBP_LOSSY_BYTES, 1, 1],
    ] as const) {
      const out = written(source);
      assert.equal(out.readUInt32LE(4), out.length - 8, 'RIFF size');
      const chunks = scanRiff(out, 12);
      assert.equal(chunks.state, 'end');
      assert.deepEqual(
        chunks.chunks.map((c) => c.fourcc),
        ['VP8X', source === WEBP_BYTES ? 'VP8L' : 'VP8 ', 'XMP '],
      );
      const vp8x = chunks.chunks[0]!;
      assert.equal(out[vp8x.dataStart]! & 0x04, 0x04, 'XMP flag');
      assert.equal(out.readUIntLE(vp8x.dataStart + 4, 3) + 1, width);
      assert.equal(out.readUIntLE(vp8x.dataStart + 7, 3) + 1, height);
      const original = scanRiff(source, 12).chunks[0]!;
      const copy = chunks.chunks[1]!;
      assert.deepEqual(out.subarray(copy.start, copy.end), source.subarray(original.start, original.end));
      for (const c of chunks.chunks) assert.equal((c.end - c.start) % 2, 0, 'even chunks (padding)');
    }
  });

  it('WebP: an XMP chunk behind a big bitstream is found by reading on from where the head stopped', () => {
    const bitstream = Buffer.concat([WEBP_BYTES.subarray(20, 20 + 13), crypto.randomBytes(300_000)]);
    const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8L'), Buffer.alloc(4), bitstream, Buffer.alloc(1)]);
    riff.writeUInt32LE(bitstream.length, 16);
    riff.writeUInt32LE(riff.length - 8, 4);
    const out = written(riff);
    const head = meta(out);
    assert.equal(head.aiGenerated, false);
    assert.equal(head.needMore, true);
    assert.ok(head.nextChunk !== undefined && head.nextChunk > RECIPE_HEAD_BYTES);
    const rest = readWebpChunksAt(out.subarray(head.nextChunk, head.nextChunk + RECIPE_HEAD_BYTES));
    assert.deepEqual(rest.recipe, recipe);
    assert.equal(rest.aiGenerated, true);
  });

  it('writes nothing into what is not an image, or not a whole one', () => {
    assert.equal(labelImage(NOT_AN_IMAGE, { recipe, embedRecipe: true }), undefined);
    assert.equal(labelImage(JPEG_BYTES.subarray(0, 30), { recipe, embedRecipe: true }), undefined);
    assert.equal(labelImage(WEBP_BYTES.subarray(0, 30), { recipe, embedRecipe: true }), undefined);
    assert.equal(labelImage(makePng(8, 8).subarray(0, 40), { recipe, embedRecipe: true }), undefined);
    assert.deepEqual(readImageMeta(NOT_AN_IMAGE), { aiGenerated: false, contentCredentials: false, needMore: false });
  });
});

describe('image sizes of every format', () => {
  it('reads PNG IHDR, JPEG SOF, WebP VP8X and simple bitstreams, and nothing from other bytes', () => {
    const jpeg = Buffer.from(JPEG_BYTES);
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(0x123, sof + 5);
    jpeg.writeUInt16BE(0x456, sof + 7);
    assert.deepEqual(imageSize(jpeg), { width: 0x456, height: 0x123 });
    assert.deepEqual(imageSize(written(jpeg)), { width: 0x456, height: 0x123 });
    assert.deepEqual(imageSize(makePng(40, 30)), { width: 40, height: 30 });
    for (const webp of [WEBP_BYTES, WEBP_LOSSY_BYTES, written(WEBP_BYTES)]) assert.deepEqual(imageSize(webp), { width: 1, height: 1 });
    assert.equal(imageSize(NOT_AN_IMAGE), undefined);
    assert.equal(imageSize(JPEG_BYTES.subarray(0, 40)), undefined);
  });
});

describe('Content Credentials (C2PA)', () => {
  for (const [name, signed] of [
    ['PNG with caBX', makeC2paPng(16, 16)],
    ['JPEG with APP11 JUMBF', JPEG_C2PA_BYTES],
  ] as const) {
    it(`${name}: never changed, and the reader says so`, () => {
      const copy = Buffer.from(signed);
      assert.equal(hasContentCredentials(signed), true);
      assert.equal(labelImage(signed, { recipe, embedRecipe: true }), undefined);
      assert.equal(labelImage(signed, { recipe, embedRecipe: false }), undefined);
      assert.deepEqual(signed, copy, 'the bytes are untouched');
      const m = meta(signed);
      assert.equal(m.contentCredentials, true);
      assert.equal(m.aiGenerated, false);
    });
  }

  it('a file without Content Credentials is not taken for one', () => {
    for (const bytes of [makePng(8, 8), JPEG_BYTES, WEBP_BYTES, written(JPEG_BYTES)]) assert.equal(hasContentCredentials(bytes), false);
  });
});

describe('image labels: hostile files', () => {
  function fuzz(valid: Buffer, seed: number, read: (m: Buffer) => void): void {
    let s = seed;
    const rnd = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const started = Date.now();
    for (let i = 0; i < 3000; i++) {
      let m = Buffer.from(valid);
      const kind = i % 5;
      if (kind === 0) for (let k = 1 + rnd(8); k > 0; k--) m[rnd(m.length)] = rnd(256);
      else if (kind === 1) m = m.subarray(0, rnd(m.length));
      else if (kind === 2) m.writeUInt16BE(rnd(0x10000), 2 + rnd(Math.min(200, m.length - 3))); // lengths and sizes near the head
      else if (kind === 3) m = Buffer.concat([m.subarray(0, rnd(400)), crypto.randomBytes(rnd(64)), m.subarray(rnd(400))]);
      else m.writeUInt32LE(rnd(2) ? rnd(0x100000) : 0xffffffff - rnd(1000), 4 + rnd(Math.min(200, m.length - 5)));
      read(m);
    }
    assert.ok(Date.now() - started < 20_000, 'bounded work');
  }

  for (const [name, valid] of [
    ['PNG', written(makePng(24, 24, { style: 'photo' }), { ...recipe, prompt: '狐狸 fox' })],
    ['JPEG', written(JPEG_BYTES, { ...recipe, prompt: '狐狸 fox' })],
    ['WebP', written(WEBP_BYTES, { ...recipe, prompt: '狐狸 fox' })],
    ['lossy WebP', written(WEBP_LOSSY_BYTES)],
    ['signed JPEG', JPEG_C2PA_BYTES],
    ['signed PNG', makeC2paPng(16, 16)],
  ] as const) {
    it(`${name}: thousands of mutations read and write without throwing or hanging`, function () {
      this.timeout(60_000);
      let found = 0;
      fuzz(valid, name.length * 7919, (m) => {
        const r = readImageMeta(m);
        assert.equal(typeof r.needMore, 'boolean');
        if (r.recipe) found++;
        if (r.nextChunk !== undefined) readWebpChunksAt(m.subarray(r.nextChunk));
        const pieces = labelImage(m, { recipe, embedRecipe: true });
        if (pieces) {
          const out = Buffer.concat(pieces);
          assert.deepEqual(readImageMeta(out).recipe, recipe, 'what is written reads back');
          if (out.subarray(0, 4).toString('latin1') === 'RIFF') assert.equal(out.readUInt32LE(4), out.length - 8);
        }
        hasContentCredentials(m);
      });
      if (!name.startsWith('signed')) assert.ok(found > 50, `recipes still read: ${found}`);
    });
  }
});

describe('reading a file on disk stays bounded', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'flux-meta-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A labelled JPEG padded to 20 MB inside its entropy-coded data (before EOI). */
  function bigJpeg(): Buffer {
    const labelled = written(JPEG_BYTES);
    return Buffer.concat([labelled.subarray(0, labelled.length - 2), Buffer.alloc(20 * 1024 * 1024, 0x11), labelled.subarray(labelled.length - 2)]);
  }

  it('a 20 MB JPEG: the label and recipe from its first 64 KiB', async () => {
    const file = join(dir, 'big.jpg');
    writeFileSync(file, bigJpeg());
    const m = await readImageMetaFile(file);
    assert.deepEqual(m.recipe, recipe);
    assert.equal(m.aiGenerated, true);
    assert.equal(m.bytesRead, RECIPE_HEAD_BYTES);
  });

  it('a WebP with its XMP after a big bitstream: one more window, skipping the bitstream', async () => {
    const bitstream = Buffer.concat([WEBP_BYTES.subarray(20, 33), crypto.randomBytes(5 * 1024 * 1024)]);
    const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8L'), Buffer.alloc(4), bitstream, Buffer.alloc(1)]);
    riff.writeUInt32LE(bitstream.length, 16);
    riff.writeUInt32LE(riff.length - 8, 4);
    const file = join(dir, 'big.webp');
    writeFileSync(file, written(riff));
    const m = await readImageMetaFile(file);
    assert.deepEqual(m.recipe, recipe);
    assert.ok(m.bytesRead <= 2 * RECIPE_HEAD_BYTES, `${m.bytesRead} bytes read`);
  });
});
