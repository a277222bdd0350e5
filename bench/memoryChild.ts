// Figure 2, measured in a fresh Node process so nothing else lives in its heap:
//   node --expose-gc out/bench/memoryChild.js BASE_URL ours|floor b64|url RUNS
// For each run: two full GCs, a baseline, then one image through the pipeline while a 1 ms
// timer samples process.memoryUsage(), with the kernel's RSS high-water mark (memorySampler.ts).
// Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { floor, ours } from './pipeline';
import type { Shape } from './pipeline';
import { measureMemory } from './memorySampler';

export type { MemoryRun } from './memorySampler';

async function main(): Promise<void> {
  const [baseUrl, who, shape, runsText] = process.argv.slice(2) as [string, 'ours' | 'floor', Shape, string];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flux-bench-mem-'));
  const once = async (): Promise<void> => {
    const { file } = who === 'ours' ? await ours(baseUrl, dir) : await floor(baseUrl, dir, shape);
    rmSync(file, { force: true });
  };
  try {
    // Warm-up: loads undici, opens the keep-alive connection, compiles the hot paths.
    for (let i = 0; i < 3; i++) await once();
    const runs = await measureMemory(once, Number(runsText));
    process.stdout.write(`${JSON.stringify(runs)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
