// Figure 2, measured in a fresh Node process so nothing else lives in its heap:
//   node --expose-gc out/bench/memoryChild.js BASE_URL ours|floor b64|url RUNS
// For each run: two full GCs, a baseline, then one image through the pipeline while a 1 ms
// timer samples process.memoryUsage(); the kernel's RSS high-water mark (VmHWM, reset through
// /proc/self/clear_refs) catches peaks between samples. Prints one JSON line.
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { floor, ours } from './pipeline';
import type { Shape } from './pipeline';

export interface MemoryRun {
  /** Peak of heapUsed + external (external includes ArrayBuffers) above the baseline. */
  readonly jsPeak: number;
  /** Peak of ArrayBuffer memory (Buffers) above the baseline. */
  readonly arrayBuffersPeak: number;
  /** Peak RSS above the baseline, from VmHWM when it can be reset, else from the samples. */
  readonly rssPeak: number;
  readonly rssFromKernel: boolean;
  readonly samples: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function hwmBytes(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function resetHwm(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const [baseUrl, who, shape, runsText] = process.argv.slice(2) as [string, 'ours' | 'floor', Shape, string];
  if (!gc) throw new Error('run with --expose-gc');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flux-bench-mem-'));
  const once = async (): Promise<void> => {
    const { file } = who === 'ours' ? await ours(baseUrl, dir) : await floor(baseUrl, dir, shape);
    rmSync(file, { force: true });
  };
  try {
    // Warm-up: loads undici, opens the keep-alive connection, compiles the hot paths.
    for (let i = 0; i < 3; i++) await once();
    const runs: MemoryRun[] = [];
    for (let i = 0; i < Number(runsText); i++) {
      gc();
      gc();
      await new Promise((r) => setTimeout(r, 10));
      const base = process.memoryUsage();
      const kernel = resetHwm();
      const hwmBase = hwmBytes();
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
      const hwm = hwmBytes();
      const fromKernel = kernel && hwm !== undefined && hwmBase !== undefined;
      runs.push({ jsPeak: js, arrayBuffersPeak: ab, rssPeak: fromKernel ? Math.max(rss, hwm - base.rss) : rss, rssFromKernel: fromKernel, samples });
    }
    process.stdout.write(`${JSON.stringify(runs)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
