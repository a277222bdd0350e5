// Figure 2: runs bench/memoryChild.js in fresh processes and gathers the peaks.
import * as path from 'node:path';
import type { FakeControl } from './fake';
import type { MemoryRun } from './memoryChild';
import type { Shape } from './pipeline';
import { run } from './stats';

export type GcMode = 'default' | 'noGc';

/**
 * 'default': Node's own GC settings, as in the extension host; whether a scavenge happens
 * during the image decides whether its garbage counts, so the peak is not stable.
 * 'noGc': the young generation made large enough (64 MB) that nothing is collected while
 * one image goes through: the peak is then everything the image allocated, an upper bound.
 */
const FLAGS: Record<GcMode, string[]> = {
  default: [],
  noGc: ['--min-semi-space-size=64', '--max-semi-space-size=64'],
};

export async function memoryBench(fake: FakeControl, shape: Shape, who: 'ours' | 'floor', mode: GcMode, processes: number, runsEach: number): Promise<MemoryRun[]> {
  await fake.setShape(shape);
  const out: MemoryRun[] = [];
  for (let p = 0; p < processes; p++) {
    const r = await run(process.execPath, ['--expose-gc', ...FLAGS[mode], path.join(__dirname, 'memoryChild.js'), fake.baseUrl, who, shape, String(runsEach)]);
    if (r.code !== 0) throw new Error(`memory child failed: ${r.stderr}`);
    out.push(...(JSON.parse(r.stdout) as MemoryRun[]));
  }
  return out;
}
