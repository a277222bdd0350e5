// Memory of one edit, in a fresh Node process so nothing else lives in its heap:
//   node --expose-gc out/bench/editChild.js BASE_URL INPUT ours|floor RUNS
// For each run: two full GCs, a baseline, then one edit while a 1 ms timer samples
// process.memoryUsage(). Prints one JSON line: MemoryRun[] (see memoryChild.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeAgents, editFloor, editOurs } from './editPipeline';
import type { MemoryRun } from './memoryChild';

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const [baseUrl, input, who, runsText] = process.argv.slice(2) as [string, string, 'ours' | 'floor', string];
  if (!gc) throw new Error('run with --expose-gc');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flux-bench-editmem-'));
  const once = async (): Promise<void> => {
    const { file } = who === 'ours' ? await editOurs(baseUrl, input, dir) : await editFloor(baseUrl, input, dir);
    rmSync(file, { force: true });
  };
  try {
    for (let i = 0; i < 2; i++) await once();
    const runs: MemoryRun[] = [];
    for (let i = 0; i < Number(runsText); i++) {
      gc();
      gc();
      await new Promise((r) => setTimeout(r, 10));
      const base = process.memoryUsage();
      let js = 0;
      let ab = 0;
      let rss = 0;
      let samples = 0;
      const sample = (): void => {
        const m = process.memoryUsage();
        js = Math.max(js, m.heapUsed + m.external - base.heapUsed - base.external);
        ab = Math.max(ab, m.arrayBuffers - base.arrayBuffers);
        rss = Math.max(rss, m.rss - base.rss);
        samples++;
      };
      const timer = setInterval(sample, 1);
      await once();
      sample();
      clearInterval(timer);
      runs.push({ jsPeak: js, arrayBuffersPeak: ab, rssPeak: rss, rssFromKernel: false, samples });
    }
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
