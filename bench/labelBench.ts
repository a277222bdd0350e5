// The AI label (issue #26): `node out/bench/labelBench.js [--quick]` after `node esbuild.js --tests`.
// 1. Hover on a 20 MB JPEG (and a 20 MB WebP, whose XMP chunk follows the bitstream): the bytes
//    `readImageMetaFile` reads (what src/services/recipeReader.ts does for file: URIs) and its
//    median time, against reading the whole file.
// 2. The pipeline with the label and recipe against with nothing added: prompt -> fake service
//    (a separate process, ~2.4 MB photo-like PNGs) -> verified bytes -> file, as
//    bench/recipeBench.ts; "with" runs `labelImage` and joins its pieces. Paired rounds.
// 3. `labelImage` alone on a 20 MB JPEG: the cost of a big answer (no pixel is copied or decoded).
import * as fs from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { labelImage, readImageMeta } from '../src/core/imageMeta';
import { normalizeParams } from '../src/core/params';
import type { Recipe } from '../src/core/recipe';
import { RECIPE_HEAD_BYTES } from '../src/core/recipe';
import { readImageMetaFile } from '../src/services/fileHead';
import { JPEG_BYTES, WEBP_BYTES } from '../test/fake/png';
import { FakeControl } from './fake';
import { clientConfig, generateImage, PROMPT, saveLikeTheExtension } from './pipeline';
import { fmt, median, pairedRatio, pairedRounds } from './stats';

const QUICK = process.argv.includes('--quick');
const TARGET_BYTES = 20 * 1024 * 1024;
const recipe: Recipe = { v: 1, prompt: PROMPT, model: 'flux-kontext-pro', size: '1x1', seed: 1234, provider: 'dmxapi', created: new Date().toISOString() };

function labelled(bytes: Uint8Array): Buffer {
  const pieces = labelImage(bytes, { recipe, embedRecipe: true });
  if (!pieces) throw new Error('labelImage refused the image');
  return Buffer.concat(pieces);
}

/** A JPEG of 20 MB: padding inside its entropy-coded data, before EOI (readers stop at SOS). */
function bigJpeg(): Buffer {
  return Buffer.concat([JPEG_BYTES.subarray(0, JPEG_BYTES.length - 2), Buffer.alloc(TARGET_BYTES - JPEG_BYTES.length, 0x11), JPEG_BYTES.subarray(JPEG_BYTES.length - 2)]);
}

/** A lossless WebP of 20 MB: the 1x1 header, then filler in its VP8L chunk. */
function bigWebp(): Buffer {
  const bitstream = Buffer.concat([WEBP_BYTES.subarray(20, 33), Buffer.alloc(TARGET_BYTES - 34, 0x5a)]);
  const pad = bitstream.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0);
  const riff = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8L'), Buffer.alloc(4), bitstream, pad]);
  riff.writeUInt32LE(bitstream.length, 16);
  riff.writeUInt32LE(riff.length - 8, 4);
  return riff;
}

async function hoverBench(dir: string, name: string, bytes: Buffer): Promise<void> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, labelled(bytes));
  const size = fs.statSync(file).size;
  const rounds = QUICK ? 9 : 31;
  const head: number[] = [];
  const whole: number[] = [];
  let headBytes = 0;
  for (let i = 0; i < rounds + 2; i++) {
    let t = performance.now();
    const m = await readImageMetaFile(file);
    const headMs = performance.now() - t;
    t = performance.now();
    const w = await readFile(file);
    const b = readImageMeta(w.subarray(0, RECIPE_HEAD_BYTES));
    const wholeMs = performance.now() - t;
    if (m.recipe?.prompt !== PROMPT || !m.aiGenerated) throw new Error(`the label was not read back from ${name}`);
    if (name.endsWith('.jpg') && b.recipe?.prompt !== PROMPT) throw new Error('the whole-file read found nothing');
    headBytes = m.bytesRead;
    if (i >= 2) {
      head.push(headMs);
      whole.push(wholeMs);
    }
  }
  const limit = name.endsWith('.jpg') ? RECIPE_HEAD_BYTES : 2 * RECIPE_HEAD_BYTES;
  console.log(
    `hover label read, ${fmt(size / 1024 / 1024)} MB ${name}: ${headBytes} bytes in ${fmt(median(head), 2)} ms median (target <= ${limit} bytes: ${headBytes <= limit ? 'met' : 'MISSED'}); whole file ${fmt(median(whole), 2)} ms median`,
  );
}

async function pipelineBench(dir: string): Promise<void> {
  const fake = await FakeControl.start(0);
  try {
    const params = normalizeParams({ prompt: PROMPT, model: 'flux-kontext-pro', size: '1x1', seed: -1 });
    // The label's own time inside each "with" round: on a loaded machine the paired ratio of two
    // ~100 ms network round trips is noise, the step itself is not.
    const labelMs: number[] = [];
    const once = async (label: boolean, n: number) => {
      const t0 = performance.now();
      const image = await generateImage(params, clientConfig(fake.baseUrl));
      const tl = performance.now();
      const bytes = label ? labelled(image.bytes) : image.bytes;
      if (label) labelMs.push(performance.now() - tl);
      const file = await saveLikeTheExtension(path.join(dir, label ? `with-${n}` : `without-${n}`), params.prompt, bytes, image.type.extension);
      return { ms: performance.now() - t0, file, imageBytes: image.bytes.length };
    };
    const { withMs, withoutMs, last } = await pairedRounds(once, QUICK ? 7 : 21, async (w) => {
      if (!readImageMeta((await readFile(w.file)).subarray(0, RECIPE_HEAD_BYTES)).aiGenerated) throw new Error('the written file has no label');
    });
    const imageBytes = last?.imageBytes ?? 0;
    const ratio = pairedRatio(withMs, withoutMs);
    const share = median(labelMs) / median(withoutMs);
    console.log(`label step (labelImage + joining the pieces) on the pipeline's PNG: ${fmt(median(labelMs), 3)} ms median, ${fmt(share * 100, 2)} % of the pipeline's ${fmt(median(withoutMs))} ms (target <= 5 %: ${share <= 0.05 ? 'met' : 'MISSED'})`);
    console.log(`pipeline, ${fmt(imageBytes / 1024 / 1024, 2)} MB PNG: with label and recipe ${fmt(median(withMs))} ms median, with nothing added ${fmt(median(withoutMs))} ms median, paired ratio ${fmt(ratio, 3)}x (target <= 1.05x: ${ratio <= 1.05 ? 'met' : 'MISSED'})`);
  } finally {
    await fake.close();
  }
}

function labelCost(): void {
  const jpeg = bigJpeg();
  const times: number[] = [];
  for (let i = 0; i < (QUICK ? 9 : 31); i++) {
    const t = performance.now();
    if (!labelImage(jpeg, { recipe, embedRecipe: true })) throw new Error('no label');
    times.push(performance.now() - t);
  }
  console.log(`labelImage on a ${fmt(jpeg.length / 1024 / 1024)} MB JPEG: ${fmt(median(times), 3)} ms median (pieces of the input, nothing copied)`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-label-bench-'));
  try {
    await hoverBench(dir, 'big.jpg', bigJpeg());
    await hoverBench(dir, 'big.webp', bigWebp());
    labelCost();
    await pipelineBench(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
