// Recipes (issue #14): `node out/bench/recipeBench.js [--quick]` after `node esbuild.js --tests`.
// 1. Hover on a 20 MB PNG: what the host reads (its head, RECIPE_HEAD_BYTES, with node:fs `open`
//    + `read`, as src/services/recipeReader.ts does for file: URIs) against reading the whole
//    file, both followed by the same `readRecipe`. Bytes read and median time.
// 2. The pipeline with recipes against without: prompt -> fake service (a separate process,
//    ~2.4 MB photo-like PNGs) -> verified bytes -> file, as bench/pipeline.ts `ours`; "with" adds
//    `withRecipe` and joins its pieces before the write (what ImageStore.writeTemp does). The
//    editor's part (workspace.fs, the link) is the same in both and left out. Paired rounds.
import * as fs from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateImage } from './pipeline';
import { normalizeParams } from '../src/core/params';
import type { Recipe } from '../src/core/recipe';
import { readRecipe, RECIPE_HEAD_BYTES, withRecipe } from '../src/core/recipe';
import { readFileHead } from '../src/services/fileHead';
import { makePng } from '../test/fake/png';
import { FakeControl } from './fake';
import { clientConfig, PROMPT, saveLikeTheExtension } from './pipeline';
import { fmt, median, pairedRatio, pairedRounds } from './stats';

const QUICK = process.argv.includes('--quick');
const TARGET_BYTES = 20 * 1024 * 1024;
const recipe: Recipe = { v: 1, prompt: PROMPT, model: 'flux-kontext-pro', size: '1x1', seed: 1234, provider: 'dmxapi', created: new Date().toISOString() };

/** A valid PNG with its recipe, padded to 20 MB with a private ancillary chunk after IDAT (readers skip it). */
function bigPng(): Buffer {
  const pieces = withRecipe(makePng(1024, 1024, { seed: 1, style: 'photo' }), recipe);
  if (!pieces) throw new Error('withRecipe refused the PNG');
  const png = Buffer.concat(pieces);
  const iend = png.length - 12;
  const padLength = TARGET_BYTES - png.length - 12;
  const pad = Buffer.alloc(12 + padLength);
  pad.writeUInt32BE(padLength, 0);
  pad.write('prVt', 4, 'latin1');
  for (let i = 8; i < pad.length - 4; i += 4096) pad[i] = i & 0xff;
  return Buffer.concat([png.subarray(0, iend), pad, png.subarray(iend)]);
}

async function hoverBench(dir: string): Promise<void> {
  const file = path.join(dir, 'big.png');
  fs.writeFileSync(file, bigPng());
  const size = fs.statSync(file).size;
  const rounds = QUICK ? 9 : 31;
  const head: number[] = [];
  const whole: number[] = [];
  let headBytes = 0;
  let wholeBytes = 0;
  for (let i = 0; i < rounds + 2; i++) {
    let t = performance.now();
    const h = await readFileHead(file, RECIPE_HEAD_BYTES);
    const a = readRecipe(h).recipe;
    const headMs = performance.now() - t;
    t = performance.now();
    const w = await readFile(file);
    const b = readRecipe(w).recipe;
    const wholeMs = performance.now() - t;
    if (a?.prompt !== PROMPT || b?.prompt !== PROMPT) throw new Error('the recipe was not read back');
    headBytes = h.length;
    wholeBytes = w.length;
    if (i >= 2) {
      head.push(headMs);
      whole.push(wholeMs);
    }
  }
  console.log(`hover recipe read, ${fmt(size / 1024 / 1024)} MB PNG: head ${headBytes} bytes in ${fmt(median(head), 2)} ms median; whole file ${wholeBytes} bytes in ${fmt(median(whole), 2)} ms median (${fmt(median(whole) / median(head))}x slower, ${fmt(wholeBytes / headBytes, 0)}x the bytes)`);
}

async function pipelineBench(dir: string): Promise<void> {
  const fake = await FakeControl.start(0);
  try {
    const params = normalizeParams({ prompt: PROMPT, model: 'flux-kontext-pro', size: '1x1', seed: -1 });
    const once = async (embed: boolean, n: number) => {
      const t0 = performance.now();
      const image = await generateImage(params, clientConfig(fake.baseUrl));
      const pieces = embed ? withRecipe(image.bytes, recipe) : undefined;
      if (embed && !pieces) throw new Error('no recipe written');
      const bytes = pieces ? Buffer.concat(pieces) : image.bytes;
      const file = await saveLikeTheExtension(path.join(dir, embed ? `with-${n}` : `without-${n}`), params.prompt, bytes, image.type.extension);
      const ms = performance.now() - t0;
      return { ms, file, imageBytes: image.bytes.length };
    };
    const { withMs, withoutMs, last } = await pairedRounds(once, QUICK ? 7 : 21, async (w) => {
      const written = await readFile(w.file);
      if (readRecipe(written.subarray(0, RECIPE_HEAD_BYTES)).recipe?.prompt !== PROMPT) throw new Error('the written file has no recipe');
    });
    const imageBytes = last?.imageBytes ?? 0;
    const ratio = pairedRatio(withMs, withoutMs);
    console.log(`pipeline, ${fmt(imageBytes / 1024 / 1024, 2)} MB PNG: with recipe ${fmt(median(withMs))} ms median, without ${fmt(median(withoutMs))} ms median, paired ratio ${fmt(ratio, 3)}x (target <= 1.05x: ${ratio <= 1.05 ? 'met' : 'MISSED'})`);
  } finally {
    await fake.close();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-recipe-bench-'));
  try {
    await hoverBench(dir);
    await pipelineBench(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
