// Memory of one edit, in a fresh Node process so nothing else lives in its heap:
//   node --expose-gc out/bench/editChild.js BASE_URL INPUT ours|floor RUNS
// For each run: two full GCs, a baseline, then one edit while a 1 ms timer samples
// process.memoryUsage() (memorySampler.ts). Prints one JSON line: MemoryRun[].
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeAgents, editFloor, editOurs } from './editPipeline';
import { measureMemory } from './memorySampler';

async function main(): Promise<void> {
  const [baseUrl, input, who, runsText] = process.argv.slice(2) as [string, string, 'ours' | 'floor', string];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flux-bench-editmem-'));
  const once = async (): Promise<void> => {
    const { file } = who === 'ours' ? await editOurs(baseUrl, input, dir) : await editFloor(baseUrl, input, dir);
    rmSync(file, { force: true });
  };
  try {
    for (let i = 0; i < 2; i++) await once();
    const runs = await measureMemory(once, Number(runsText));
    process.stdout.write(`${JSON.stringify(runs)}\n`);
  } finally {
    await closeAgents();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
