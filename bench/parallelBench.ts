// Figure 3: four images at once against one, with the fake answering after a fixed delay.
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FakeControl } from './fake';
import { ours } from './pipeline';

export interface ParallelResult {
  readonly delayMs: number;
  readonly one: number[];
  readonly four: number[];
  /** The fake's count of generation requests in flight at once, per batch of four. */
  readonly concurrency: number[];
}

export async function parallelBench(fake: FakeControl, delayMs: number, rounds: number, log: (line: string) => void): Promise<ParallelResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flux-bench-par-'));
  try {
    await fake.setShape('b64');
    const one: number[] = [];
    const four: number[] = [];
    const concurrency: number[] = [];
    const batch = async (n: number): Promise<number> => {
      const t0 = performance.now();
      // Each in its own folder, as four prompts would be named apart anyway.
      const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => ours(fake.baseUrl, path.join(dir, String(i)))));
      const ms = performance.now() - t0;
      await Promise.all(outcomes.map((o) => rm(o.file, { force: true })));
      return ms;
    };
    // One warm-up of each, then alternate so a noisy moment hits both.
    await batch(1);
    await batch(4);
    for (let round = 0; round < rounds; round++) {
      one.push(await batch(1));
      await fake.reset();
      four.push(await batch(4));
      concurrency.push((await fake.stats()).maxConcurrent);
      log(`  parallel round ${round + 1}/${rounds}: one ${one.at(-1)!.toFixed(0)} ms, four ${four.at(-1)!.toFixed(0)} ms, ${concurrency.at(-1)} requests in flight at once`);
    }
    return { delayMs, one, four, concurrency };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
