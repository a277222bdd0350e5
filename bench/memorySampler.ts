// How much memory one run of something takes, measured in the child process that runs it (see
// memoryChild.ts and editChild.ts): two full GCs, a baseline, then the run while a 1 ms timer
// samples process.memoryUsage(); the kernel's RSS high-water mark (VmHWM, reset through
// /proc/self/clear_refs) catches peaks between samples where the kernel allows it.
import * as fs from 'node:fs';

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

/** `runs` measured runs of `once` (warm it up first); needs `node --expose-gc`. */
export async function measureMemory(once: () => Promise<void>, runs: number): Promise<MemoryRun[]> {
  if (!gc) throw new Error('run with --expose-gc');
  const out: MemoryRun[] = [];
  for (let i = 0; i < runs; i++) {
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
    out.push({ jsPeak: js, arrayBuffersPeak: ab, rssPeak: fromKernel ? Math.max(rss, hwm - base.rss) : rss, rssFromKernel: fromKernel, samples });
  }
  return out;
}
