import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { iTxtChunk, makeChunk, pngTextChunks, textChunk } from '../../src/core/png';
import type { Recipe } from '../../src/core/recipe';
import {
  MAX_RECIPE_JSON_BYTES,
  parametersText,
  parseRecipeJson,
  pngSize,
  readRecipe,
  RECIPE_HEAD_BYTES,
  recipeChunks,
  recipeLines,
  sizeToRepeat,
  withRecipe,
} from '../../src/core/recipe';
import { JPEG_BYTES, makePng, NOT_AN_IMAGE, WEBP_BYTES } from '../fake/png';

const base: Recipe = {
  v: 1,
  prompt: 'A red fox in fresh snow',
  model: 'flux-kontext-pro',
  size: '16x9',
  seed: 42,
  provider: 'dmxapi',
  created: '2026-01-31T09:05:07.123Z',
};

interface RawChunk {
  type: string;
  offset: number;
  data: Buffer;
  crcOk: boolean;
}

/** Every chunk to IEND, walked independently of the code under test. */
function allChunks(png: Buffer): RawChunk[] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: RawChunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    const crcOk = png.readUInt32BE(at + 8 + length) === zlib.crc32(png.subarray(at + 4, at + 8 + length)) >>> 0;
    out.push({ type, offset: at, data, crcOk });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  assert.equal(at, png.length, 'nothing after IEND');
  return out;
}

function write(png: Uint8Array, recipe: Recipe): Buffer {
  const pieces = withRecipe(png, recipe);
  assert.ok(pieces, 'withRecipe refused a valid PNG');
  return Buffer.concat(pieces);
}

function firstIdat(png: Buffer): number {
  return allChunks(png).find((c) => c.type === 'IDAT')!.offset;
}

/** A copy of the first n bytes, so the reader cannot see past them. */
function headOf(png: Uint8Array, n = RECIPE_HEAD_BYTES): Uint8Array {
  return png.slice(0, n);
}

function withChunksAfterIhdr(png: Buffer, ...chunks: Uint8Array[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

/** A PNG of about `bytes` size: stored (uncompressed) random RGB rows in 1 MiB IDAT chunks. */
function bigPng(bytes: number): Buffer {
  const width = 2048;
  const height = Math.ceil(bytes / (width * 3 + 1));
  const raw = crypto.randomBytes((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) raw[y * (width * 3 + 1)] = 0; // filter type None
  const z = zlib.deflateSync(raw, { level: 0 });
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const idats: Uint8Array[] = [];
  for (let i = 0; i < z.length; i += 1 << 20) idats.push(makeChunk('IDAT', z.subarray(i, i + (1 << 20))));
  return Buffer.concat([makePng(1, 1).subarray(0, 8), makeChunk('IHDR', ihdr), ...idats, makeChunk('IEND', new Uint8Array(0))]);
}

describe('recipes: writing and reading', () => {
  const prompts = [
    'A red fox in fresh snow',
    '一只在雪地里的红狐狸,水彩风格',
    'Fox 🦊 with emoji 👨‍👩‍👧 and ZWJ',
    'She said "hello" and \'goodbye\'; back\\slash',
    'Line one\nLine two\n\tindented\r\nCRLF',
    'Café déjà vu — Ünïcödé',
    '[link](command:workbench.action.quit) <img src=x onerror=alert(1)> **bold**',
  ];

  for (const prompt of prompts) {
    it(`round-trips ${JSON.stringify(prompt.slice(0, 24))}`, () => {
      const recipe: Recipe = { ...base, prompt, seed: 1234567, source: { path: 'images/in put/fox.png', sha256: 'ab'.repeat(32) } };
      const out = write(makePng(40, 30, { seed: 3 }), recipe);
      const read = readRecipe(headOf(out));
      assert.deepEqual(read, { recipe, needMore: false });
      const texts = pngTextChunks(out);
      assert.deepEqual(
        texts.map((t) => t.keyword),
        ['flux', 'Description', 'Software', 'parameters'],
      );
      assert.equal(texts[1]!.text, prompt);
      assert.equal(texts[2]!.text, 'Flux for VS Code');
      assert.equal(texts[3]!.text, `${prompt}\nSeed: 1234567, Size: 40x30, Model: flux-kontext-pro`);
      assert.deepEqual(JSON.parse(texts[0]!.text), recipe);
    });
  }

  it('uses tEXt for Latin-1 text and iTXt for the rest; the recipe is always iTXt', () => {
    const latin = allChunks(write(makePng(8, 8), { ...base, prompt: 'Café' })).map((c) => c.type);
    assert.deepEqual(latin.slice(0, 5), ['IHDR', 'iTXt', 'tEXt', 'tEXt', 'tEXt']);
    const cjk = allChunks(write(makePng(8, 8), { ...base, prompt: '狐狸' })).map((c) => c.type);
    assert.deepEqual(cjk.slice(0, 5), ['IHDR', 'iTXt', 'iTXt', 'tEXt', 'iTXt']);
  });

  it('leaves the pixels, IHDR and the IDAT stream as they were, and every CRC right', () => {
    for (const [w, h, style] of [
      [64, 48, 'photo'],
      [300, 200, 'gradient'],
    ] as const) {
      const png = makePng(w, h, { seed: 9, style });
      const out = write(png, { ...base, prompt: '狐狸 🦊 "fox"' });
      assert.ok(PNG.sync.read(out).data.equals(PNG.sync.read(png).data), 'pixels');
      assert.ok(out.subarray(0, 33).equals(png.subarray(0, 33)), 'signature and IHDR');
      assert.ok(out.subarray(firstIdat(out)).equals(png.subarray(firstIdat(png))), 'IDAT on, byte for byte');
      const chunks = allChunks(out);
      assert.ok(chunks.every((c) => c.crcOk));
      const idat = chunks.findIndex((c) => c.type === 'IDAT');
      for (const keyword of ['flux', 'Description', 'Software', 'parameters']) {
        const i = chunks.findIndex((c) => c.data.subarray(0, keyword.length + 1).equals(Buffer.from(`${keyword}\0`)));
        assert.ok(i > 0 && i < idat, `${keyword} before the first IDAT`);
      }
    }
  });

  it('hands back pieces of the input, not a copy of the image', () => {
    const png = makePng(64, 64, { style: 'photo' });
    const pieces = withRecipe(png, base)!;
    const shared = pieces.filter((p) => p.buffer === png.buffer);
    assert.equal(shared.reduce((n, p) => n + p.length, 0), png.length);
    assert.ok(pieces.reduce((n, p) => n + p.length, 0) - png.length < 1024);
  });

  it('replaces an older recipe and other tools\' same-named chunks, keeping everything else', () => {
    const png = withChunksAfterIhdr(
      makePng(16, 16),
      textChunk('Comment', 'keep me'),
      textChunk('parameters', 'from another tool\nSteps: 20'),
      iTxtChunk('Description', '旧的'),
      makeChunk('zTXt', Buffer.concat([Buffer.from('Software\0\0'), zlib.deflateSync('Other')])),
    );
    const first = write(png, { ...base, prompt: 'first' });
    const second = write(first, { ...base, prompt: 'second 第二', seed: null, provider: 'bfl' });
    const keywords = pngTextChunks(second).map((t) => t.keyword);
    assert.deepEqual(keywords.sort(), ['Comment', 'Description', 'Software', 'flux', 'parameters']);
    assert.equal(allChunks(second).filter((c) => c.type === 'zTXt').length, 0);
    assert.equal(readRecipe(second).recipe?.prompt, 'second 第二');
    assert.equal(pngTextChunks(second).find((t) => t.keyword === 'parameters')!.text, 'second 第二\nSize: 16x16, Model: flux-kontext-pro');
    assert.ok(PNG.sync.read(second).data.equals(PNG.sync.read(png).data));
  });

  it('finds the recipe in the first 64 KiB of a 20 MB PNG, even behind a large chunk before IDAT', () => {
    const png = bigPng(20 * 1024 * 1024);
    assert.ok(png.length >= 20 * 1024 * 1024);
    const out = write(png, base);
    assert.deepEqual(readRecipe(headOf(out)), { recipe: base, needMore: false });
    // A 3 MB ICC-like private chunk before IDAT does not push the recipe out of the head.
    const behindBlob = write(withChunksAfterIhdr(makePng(32, 32), makeChunk('prVt', Buffer.alloc(3 << 20, 7))), base);
    assert.deepEqual(readRecipe(headOf(behindBlob)), { recipe: base, needMore: false });
  });

  it('fits the largest valid recipe in RECIPE_HEAD_BYTES', () => {
    assert.ok(8 + 25 + 12 + 'flux'.length + 5 + MAX_RECIPE_JSON_BYTES <= RECIPE_HEAD_BYTES);
    const huge: Recipe = { ...base, prompt: '狐'.repeat(4000), source: { path: `${'目'.repeat(1000)}/a.png`, sha256: 'f'.repeat(64) } };
    const out = write(makePng(8, 8), huge);
    assert.deepEqual(readRecipe(headOf(out)).recipe, huge);
  });

  it('says when it needs more bytes, and when more would not help', () => {
    const out = write(withChunksAfterIhdr(makePng(8, 8), makeChunk('prVt', Buffer.alloc(100))), base);
    const fluxEnd = allChunks(out)[1]!.offset + 12 + allChunks(out)[1]!.data.length;
    for (let n = 0; n < fluxEnd; n++) assert.deepEqual(readRecipe(headOf(out, n)), { needMore: true }, `${n} bytes`);
    for (let n = fluxEnd; n <= out.length; n += 7) assert.deepEqual(readRecipe(headOf(out, n)), { recipe: base, needMore: false }, `${n} bytes`);
    const plain = makePng(8, 8);
    assert.deepEqual(readRecipe(plain), { needMore: false }, 'reached IDAT: there is none');
    assert.deepEqual(readRecipe(plain.subarray(0, 40)), { needMore: true });
  });

  it('ignores a recipe whose CRC is wrong', () => {
    const out = write(makePng(8, 8), base);
    const flux = allChunks(out)[1]!;
    const crcAt = flux.offset + 8 + flux.data.length;
    const badCrc = Buffer.from(out);
    badCrc[crcAt + 3]! ^= 0x01;
    assert.deepEqual(readRecipe(badCrc), { needMore: false });
    // Still valid JSON, another prompt, stale CRC.
    const changed = Buffer.from(out);
    const at = changed.indexOf('red fox', flux.offset);
    changed.write('big', at, 'latin1');
    assert.deepEqual(readRecipe(changed), { needMore: false });
    // A later good copy is still found.
    const good = Buffer.from(iTxtChunk('flux', JSON.stringify(base)));
    assert.deepEqual(readRecipe(withChunksAfterIhdr(badCrc, good)).recipe, base);
  });

  it('refuses a 10 MB recipe quickly', () => {
    const json = JSON.stringify({ ...base, prompt: 'x'.repeat(10 * 1024 * 1024) });
    assert.equal(parseRecipeJson(json), undefined);
    const png = withChunksAfterIhdr(makePng(8, 8), iTxtChunk('flux', json));
    const started = Date.now();
    assert.deepEqual(readRecipe(png), { needMore: false });
    assert.deepEqual(readRecipe(headOf(png)), { needMore: true }, 'the head ends inside that chunk');
    assert.ok(Date.now() - started < 5000, 'refused by its declared length, not parsed');
  });

  it('finds nothing, and does not throw, in what is not a PNG', () => {
    for (const bytes of [JPEG_BYTES, WEBP_BYTES, NOT_AN_IMAGE, Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\x0dJUNK'), crypto.randomBytes(5000)]) {
      assert.deepEqual(readRecipe(bytes), { needMore: false });
      assert.equal(withRecipe(bytes, base), undefined);
      assert.equal(pngSize(bytes), undefined);
    }
    // The start of a PNG: a longer head could still hold a recipe.
    for (const bytes of [new Uint8Array(0), Buffer.from('\x89PN', 'latin1'), Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR', 'latin1')]) {
      assert.deepEqual(readRecipe(bytes), { needMore: true });
      assert.equal(withRecipe(bytes, base), undefined);
      assert.equal(pngSize(bytes), undefined);
    }
  });

  it('writes nothing into truncated PNGs that end before IDAT', () => {
    const png = makePng(8, 8);
    const idat = firstIdat(png);
    for (let n = 0; n <= idat + 7; n++) assert.equal(withRecipe(png.subarray(0, n), base), undefined, `${n} bytes`);
  });

  it('survives thousands of random mutations without throwing or hanging', function () {
    this.timeout(60_000);
    const valid = withChunksAfterIhdr(write(makePng(24, 24, { style: 'photo' }), { ...base, prompt: '狐狸 fox', source: { path: 'a/b.png', sha256: '0'.repeat(64) } }), textChunk('Comment', 'c'));
    let s = 12345;
    const rnd = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const started = Date.now();
    let found = 0;
    for (let i = 0; i < 4000; i++) {
      let m = Buffer.from(valid);
      const kind = i % 5;
      if (kind === 0) for (let k = 1 + rnd(8); k > 0; k--) m[rnd(m.length)] = rnd(256);
      else if (kind === 1) m = m.subarray(0, rnd(m.length));
      else if (kind === 2) m.writeUInt32BE(rnd(2) ? rnd(0x100000) : 0xffffffff - rnd(1000), 8 + rnd(200)); // lengths and types near the head
      else if (kind === 3) m = Buffer.concat([m.subarray(0, rnd(400)), crypto.randomBytes(rnd(64)), m.subarray(rnd(400))]);
      else m = Buffer.concat([m.subarray(0, 33 + rnd(300)), m.subarray(33)]);
      const read = readRecipe(m);
      if (read.recipe) found++;
      assert.equal(typeof read.needMore, 'boolean');
      const pieces = withRecipe(m, base);
      if (pieces) assert.deepEqual(readRecipe(Buffer.concat(pieces)).recipe, base);
      pngSize(m);
      pngTextChunks(m);
    }
    assert.ok(found > 100 && found < 4000, `recipes still read: ${found}`);
    assert.ok(Date.now() - started < 30_000, 'bounded work');
  });

  it('refuses to write a recipe that would not read back', () => {
    const png = makePng(8, 8);
    for (const bad of [{ ...base, prompt: '' }, { ...base, seed: 1.5 }, { ...base, provider: 'other' }, { ...base, extra: 1 }] as unknown as Recipe[]) {
      assert.equal(withRecipe(png, bad), undefined);
      assert.throws(() => recipeChunks(bad), RangeError);
    }
  });
});

describe('recipes: validation', () => {
  const ok = (r: unknown) => parseRecipeJson(JSON.stringify(r));

  it('accepts the contract\'s shape, with and without source and seed', () => {
    assert.deepEqual(ok(base), base);
    assert.deepEqual(ok({ ...base, seed: null, provider: 'bfl' }), { ...base, seed: null, provider: 'bfl' });
    const src = { ...base, source: { path: 'docs/img/fox 1.png', sha256: 'AB'.repeat(32) } };
    assert.deepEqual(ok(src), { ...src, source: { path: 'docs/img/fox 1.png', sha256: 'ab'.repeat(32) } });
    for (const created of ['2026-01-31T09:05:07Z', '2026-01-31T09:05+08:00', '2024-02-29T23:59:59.999999-05:30']) assert.ok(ok({ ...base, created }), created);
  });

  it('refuses wrong types, unknown values and extra fields or nesting', () => {
    const bad: Record<string, unknown>[] = [
      { ...base, v: 2 },
      { ...base, v: '1' },
      { ...base, prompt: 42 },
      { ...base, prompt: ['a'] },
      { ...base, prompt: { text: 'a' } },
      { ...base, prompt: '   ' },
      { ...base, model: null },
      { ...base, model: 'has, comma' },
      { ...base, size: 1024 },
      { ...base, size: 'big' },
      { ...base, seed: '42' },
      { ...base, seed: 1.5 },
      { ...base, seed: 2 ** 53 },
      { ...base, provider: 'openai' },
      { ...base, created: 'yesterday' },
      { ...base, created: '2026-02-30T00:00:00Z' },
      { ...base, created: '2026-01-31' },
      { ...base, created: '2026-01-31T25:00:00Z' },
      { ...base, source: 'a.png' },
      { ...base, source: { path: 'a.png' } },
      { ...base, source: { path: 'a.png', sha256: 'xyz' } },
      { ...base, source: { path: 'a.png', sha256: '0'.repeat(64), more: { deep: [1] } } },
      { ...base, extra: { nested: { deeper: true } } },
      { ...base, workflow: 'x' },
    ];
    for (const r of bad) assert.equal(ok(r), undefined, JSON.stringify(r).slice(0, 120));
    for (const text of ['', 'null', '[]', '"s"', '1', '{', JSON.stringify([base]), '['.repeat(30000) + ']'.repeat(30000)]) {
      assert.equal(parseRecipeJson(text), undefined, text.slice(0, 20));
    }
  });

  it('refuses paths that leave the workspace or are not relative', () => {
    for (const path of ['../x.png', 'a/../../x.png', 'a/..', '/etc/passwd', 'C:/x.png', 'C:x.png', 'a\\..\\x.png', '\\\\server\\share', 'file:///x', 'a//b.png', './a.png', '', 'a/\u0000b', 'a\nb']) {
      assert.equal(ok({ ...base, source: { path, sha256: '0'.repeat(64) } }), undefined, path);
    }
    assert.ok(ok({ ...base, source: { path: '..a/b..c/...png', sha256: '0'.repeat(64) } }), 'dots inside names are fine');
  });

  it('refuses long fields, control characters and broken text', () => {
    assert.ok(ok({ ...base, prompt: 'x'.repeat(4000) }));
    assert.equal(ok({ ...base, prompt: 'x'.repeat(4001) }), undefined);
    assert.equal(ok({ ...base, model: 'm'.repeat(101) }), undefined);
    assert.equal(ok({ ...base, source: { path: 'a/'.repeat(600) + 'b', sha256: '0'.repeat(64) } }), undefined);
    assert.equal(ok({ ...base, prompt: 'a\u0000b' }), undefined);
    assert.equal(ok({ ...base, prompt: 'a\u202eb' }), undefined, 'bidi override');
    assert.equal(ok({ ...base, prompt: 'a\ud800b' }), undefined, 'lone surrogate');
    assert.equal(parseRecipeJson(JSON.stringify(base).replace('}', `, "pad": "${' '.repeat(MAX_RECIPE_JSON_BYTES)}"}`)), undefined);
  });
});

describe('recipes: text for people and other tools', () => {
  it('lists the fields as plain strings, markup left as it is', () => {
    const prompt = '**bold** [x](command:workbench.action.quit) <b>';
    const lines = recipeLines({ ...base, prompt, source: { path: 'in/a.png', sha256: '0'.repeat(64) } });
    assert.deepEqual(
      lines.map((l) => [l.key, l.label, l.value]),
      [
        ['prompt', 'Prompt', prompt],
        ['model', 'Model', 'flux-kontext-pro'],
        ['size', 'Size', '16x9'],
        ['seed', 'Seed', '42'],
        ['provider', 'Provider', 'DMXAPI'],
        ['created', 'Created', '2026-01-31T09:05:07.123Z'],
        ['source', 'Source', 'in/a.png'],
      ],
    );
    const noSeed = recipeLines({ ...base, seed: null, provider: 'bfl' });
    assert.deepEqual(
      noSeed.map((l) => l.key),
      ['prompt', 'model', 'size', 'provider', 'created'],
    );
    assert.equal(noSeed.find((l) => l.key === 'provider')!.value, 'Black Forest Labs');
  });

  it('writes the parameters line other image tools read', () => {
    assert.equal(parametersText(base, { width: 1392, height: 752 }), 'A red fox in fresh snow\nSeed: 42, Size: 1392x752, Model: flux-kontext-pro');
    assert.equal(parametersText({ ...base, size: '1024x768' }), 'A red fox in fresh snow\nSeed: 42, Size: 1024x768, Model: flux-kontext-pro');
    assert.equal(parametersText(base), 'A red fox in fresh snow\nSeed: 42, Model: flux-kontext-pro', 'a ratio is not a pixel size');
  });
});

describe('sizeToRepeat', () => {
  it('asks FLUX.2 for the pixels it was sent, whatever the ratio was; Kontext for the size as asked', () => {
    assert.equal(sizeToRepeat({ model: 'flux-2-pro', size: '3x2', width: 624, height: 416 }), '624x416');
    assert.equal(sizeToRepeat({ model: 'flux-2-pro', size: '3x2' }), '3x2', 'no pixels recorded');
    assert.equal(sizeToRepeat({ model: 'flux-kontext-pro', size: '16x9', width: 1392, height: 752 }), '16x9');
    assert.equal(sizeToRepeat({ model: 'flux-kontext-pro', size: '' }), '');
  });
});
