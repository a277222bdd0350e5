// Small numeric and process helpers shared by the benchmark's parts.
import { spawn } from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median of the per-round ratios a[i] / b[i]: noise that hits one round hits both sides. */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((v, i) => v / b[i]!));
}

/** Spread shown next to medians so a reader can judge the noise: [min–max]. */
export function range(values: readonly number[], digits = 1): string {
  if (values.length === 0) return '';
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
}

/**
 * Three warm-up pairs, then `rounds` pairs of `once(true)` and `once(false)` in alternating
 * order, so neither side always runs on a warmer machine; `check` looks at each "with" result
 * after its pair. The times of each side, and the last "with" result.
 */
export async function pairedRounds<T extends { ms: number }>(once: (withIt: boolean, n: number) => Promise<T>, rounds: number, check: (withResult: T) => Promise<void>): Promise<{ withMs: number[]; withoutMs: number[]; last: T | undefined }> {
  for (let i = 0; i < 3; i++) {
    await once(true, -1 - i);
    await once(false, -1 - i);
  }
  const withMs: number[] = [];
  const withoutMs: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < rounds; i++) {
    const first = i % 2 === 0;
    const a = await once(first, i);
    const b = await once(!first, i);
    const [w, wo] = first ? [a, b] : [b, a];
    withMs.push(w.ms);
    withoutMs.push(wo.ms);
    last = w;
    await check(w);
  }
  return { withMs, withoutMs, last };
}

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** `name: value unit (ratio x vs reference)`, the one format every summary line has. */
export function summaryLine(name: string, value: number | string, unit: string, ratio: number | undefined, reference: string, digits = 1): string {
  const v = typeof value === 'number' ? fmt(value, digits) : value;
  const r = ratio === undefined || !Number.isFinite(ratio) ? 'n/a' : `${ratio.toFixed(2)}x`;
  return `${name}: ${v}${unit ? ` ${unit}` : ''} (${r} vs ${reference})`;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit, as seen by this process. */
  readonly ms: number;
}

/** Runs a program to completion and measures its wall time from spawn to exit. */
export function run(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - t0 });
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}
