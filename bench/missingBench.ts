// Figure: Generate Missing Images, twelve missing images, the service answering after a fixed
// delay, at most four at once. Outside VS Code: the command's pure pieces (read the references,
// plan each one, resolve it inside the workspace, check it is missing) and a loop shaped like
// GenerationService.run (the shared RequestQueue, generateImage, a temporary file renamed to
// the exact path). The ideal is three rounds of the service's delay.
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateImage } from './pipeline';
import { readImageReferences } from '../src/core/documents';
import { placeInside, planReference } from '../src/core/missingImages';
import { normalizeParams } from '../src/core/params';
import { RequestQueue } from '../src/core/queue';
import type { FakeControl } from './fake';
import { clientConfig } from './pipeline';

export interface MissingResult {
  readonly images: number;
  readonly limit: number;
  readonly delayMs: number;
  readonly wall: number[];
  /** The same images as back-to-back batches of `limit` (no reading, planning or queue), same round. */
  readonly batches: number[];
  /** The fake's peak of requests in flight, per round. */
  readonly concurrency: number[];
  /** Files left in the workspace per round besides the images (temporary files): must be 0. */
  readonly leftovers: number[];
}

function documentText(n: number): string {
  return Array.from({ length: n }, (_, i) => `![A harbour scene, number ${i + 1}](figures/scene-${i + 1}.png)\n`).join('\n');
}

/** One run of the command's work over a fresh document; returns its wall time. */
async function once(baseUrl: string, root: string, images: number, limit: number): Promise<number> {
  const docDir = path.join(root, 'docs');
  await mkdir(docDir, { recursive: true });
  const text = documentText(images);
  const queue = new RequestQueue(() => limit);
  const t0 = performance.now();
  const refs = readImageReferences(text, 'markdown');
  const jobs: Promise<void>[] = [];
  for (const ref of refs) {
    const plan = planReference(ref, 'markdown');
    if (plan.kind === 'skip' || !plan.prompt) continue;
    const place = placeInside(docDir, plan.writePath, [root]);
    if (!place) continue;
    if (await stat(place.path).then(() => true, () => false)) continue;
    // Started at once, as the command starts every job; the queue holds them to the limit.
    jobs.push(
      (async () => {
        const params = normalizeParams({ prompt: plan.prompt, model: 'flux-kontext-pro', size: '1x1', seed: -1 });
        const image = await queue.run(() => generateImage(params, clientConfig(baseUrl)));
        const folder = path.dirname(place.path);
        await mkdir(folder, { recursive: true });
        const temp = path.join(folder, `.flux-${globalThis.crypto.randomUUID().slice(0, 12)}.part`);
        await writeFile(temp, image.bytes, { flag: 'wx' });
        await rename(temp, place.path);
      })(),
    );
  }
  await Promise.all(jobs);
  return performance.now() - t0;
}

/** The reference: the images in batches of `limit`, each batch waiting for the one before. */
async function inBatches(baseUrl: string, root: string, images: number, limit: number): Promise<number> {
  const folder = path.join(root, 'batches');
  await mkdir(folder, { recursive: true });
  const t0 = performance.now();
  for (let first = 0; first < images; first += limit) {
    await Promise.all(
      Array.from({ length: Math.min(limit, images - first) }, async (_, k) => {
        const params = normalizeParams({ prompt: `A harbour scene, number ${first + k + 1}`, model: 'flux-kontext-pro', size: '1x1', seed: -1 });
        const image = await generateImage(params, clientConfig(baseUrl));
        const temp = path.join(folder, `.flux-${globalThis.crypto.randomUUID().slice(0, 12)}.part`);
        await writeFile(temp, image.bytes, { flag: 'wx' });
        await rename(temp, path.join(folder, `scene-${first + k + 1}.png`));
      }),
    );
  }
  return performance.now() - t0;
}

export async function missingBench(fake: FakeControl, delayMs: number, rounds: number, log: (line: string) => void, images = 12, limit = 4): Promise<MissingResult> {
  const wall: number[] = [];
  const batches: number[] = [];
  const concurrency: number[] = [];
  const leftovers: number[] = [];
  await fake.setShape('b64');
  for (let round = -1; round < rounds; round++) {
    const root = await mkdtemp(path.join(os.tmpdir(), 'flux-bench-missing-'));
    try {
      await fake.reset();
      // Alternating which goes first, so a noisy moment hits both.
      const batchFirst = round % 2 === 1;
      const batchMs = batchFirst ? await inBatches(fake.baseUrl, root, images, limit) : 0;
      await fake.reset();
      const ms = await once(fake.baseUrl, root, images, limit);
      const peak = (await fake.stats()).maxConcurrent;
      const reference = batchFirst ? batchMs : await inBatches(fake.baseUrl, root, images, limit);
      const written = await readdir(path.join(root, 'docs', 'figures'));
      if (written.filter((n) => n.endsWith('.png') && !n.startsWith('.')).length !== images) throw new Error(`round ${round}: ${written.length} files written, ${images} expected`);
      // The first run warms up the connection pool and the parser.
      if (round < 0) continue;
      wall.push(ms);
      batches.push(reference);
      concurrency.push(peak);
      leftovers.push(written.filter((n) => !/^scene-\d+\.png$/.test(n)).length);
      log(`  missing images round ${round + 1}/${rounds}: ${images} images in ${ms.toFixed(0)} ms (ideal ${Math.ceil(images / limit) * delayMs} ms), ${concurrency.at(-1)} in flight at once; as ${Math.ceil(images / limit)} batches of ${limit}: ${reference.toFixed(0)} ms`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  return { images, limit, delayMs, wall, batches, concurrency, leftovers };
}
