// FLUX.2 with references: one `flux-2-pro` request with 8 references of 4 MB each, through
// DMXAPI's `/flux/v1/` route and BFL's `/v1/`; the time from the call to the first body byte at
// a local server, against a bare undici POST of the same headers and a body already held whole
// (the floor); the peak memory of the request (the 8 files read, the body streamed) against the
// body's size; and how much FLUX.2 polling adds to the service's own time.
//   node out/bench/referencesBench.js [--quick]      (npm run bench runs it too)
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import { providerFor } from '../src/core/providers';
import { DEFAULT_POLL_INTERVAL_MS } from '../src/core/providers/native';
import type { ProviderId } from '../src/core/providers/types';
import type { EditBenchResult } from './editBench';
import type { ChildRun } from './referencesChild';
import { REFS_MODEL } from './referencesChild';
import { startReferencesServer } from './referencesServer';
import type { ReferencesServer } from './referencesServer';
import { fmt, median, range, run, summaryLine } from './stats';

const MIB = 1024 * 1024;
export const REFS_TARGETS = { memoryVsBody: 1.5, ttfbMs: 100, pollingMs: 1000 };
const REFS = 8;
const REF_BYTES = 4 * 1000 * 1000;

export interface ReferencesBenchOptions {
  readonly processes: number;
  readonly runs: number;
  readonly pollRounds: number;
  readonly log: (line: string) => void;
}

/** Summary lines, checks, targets and raw results, as the edit benchmark gives them. */
export type ReferencesBenchResult = EditBenchResult;

/** 8 files of 4 MB of random bytes behind a PNG signature (random bytes: base64 cannot shrink them). */
function makeReferences(dir: string): void {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let i = 1; i <= REFS; i++) {
    const bytes = Buffer.alloc(REF_BYTES);
    for (let off = 0; off < REF_BYTES; off += 65536) randomFillSync(bytes, off, Math.min(65536, REF_BYTES - off));
    signature.copy(bytes);
    fs.writeFileSync(path.join(dir, `reference ${i}.png`), bytes);
  }
}

export async function referencesBench(options: ReferencesBenchOptions): Promise<ReferencesBenchResult> {
  const summary: string[] = [];
  const checks: { ok: boolean; text: string }[] = [];
  const targets: { ok: boolean; text: string }[] = [];
  const results: Record<string, unknown> = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-bench-refs-'));
  const server = await startReferencesServer();
  try {
    makeReferences(dir);
    for (const provider of ['dmxapi', 'bfl'] as const) {
      const got: Record<'ours' | 'floor', ChildRun[]> = { ours: [], floor: [] };
      // Fresh processes, the contenders taking turns.
      for (let p = 0; p < options.processes; p++) {
        for (const who of p % 2 ? (['floor', 'ours'] as const) : (['ours', 'floor'] as const)) {
          const r = await run(process.execPath, ['--expose-gc', path.join(__dirname, 'referencesChild.js'), server.baseUrl, provider, who, dir, String(options.runs)]);
          if (r.code !== 0) throw new Error(`references child failed: ${r.stderr}`);
          got[who].push(JSON.parse(r.stdout) as ChildRun);
        }
        options.log(`  references ${provider} process ${p + 1}/${options.processes}: ours ttfb ${got.ours.at(-1)!.ttfbMs.map((v) => v.toFixed(1)).join(' ')} ms, floor ${got.floor.at(-1)!.ttfbMs.map((v) => v.toFixed(1)).join(' ')} ms`);
      }
      results[provider] = got;
      const route = provider === 'dmxapi' ? 'DMXAPI /flux/v1/' : 'BFL /v1/';
      const body = got.ours[0]!.bodyBytes;
      const ttfb = got.ours.flatMap((g) => g.ttfbMs);
      const ttfbFloor = got.floor.flatMap((g) => g.ttfbMs);
      const mem = got.ours.flatMap((g) => g.memory.map((m) => m.jsPeak));
      const memFloor = got.floor.flatMap((g) => g.memory.map((m) => m.jsPeak));
      const rss = got.ours.flatMap((g) => g.memory.map((m) => m.rssPeak));
      const name = `${REFS_MODEL}, ${REFS} references of ${fmt(REF_BYTES / 1e6, 0)} MB, ${route}`;
      summary.push(summaryLine(`${name}: request body (JSON, references as base64)`, body / MIB, 'MiB', body / (REFS * REF_BYTES), 'the references\' bytes', 2));
      summary.push(summaryLine(`${name}: time to the first body byte at the server [${range(ttfb)}]`, median(ttfb), 'ms', median(ttfb) / median(ttfbFloor), 'floor'));
      summary.push(summaryLine(`${name}: floor, bare undici POST of the same headers, body held whole [${range(ttfbFloor)}]`, median(ttfbFloor), 'ms', 1, 'floor'));
      summary.push(summaryLine(`${name}: memory peak (heap + external above baseline, the 8 files read included)`, median(mem) / MIB, 'MiB', median(mem) / body, 'body size', 2));
      const beyond = mem.map((m) => m - REFS * REF_BYTES);
      summary.push(summaryLine(`${name}: memory peak beyond the 8 files' bytes (the body's building and streaming)`, median(beyond) / MIB, 'MiB', median(beyond) / body, 'body size', 2));
      summary.push(summaryLine(`${name}: memory worst of ${mem.length}`, Math.max(...mem) / MIB, 'MiB', Math.max(...mem) / body, 'body size', 2));
      summary.push(summaryLine(`${name}: memory floor peak (files read, body built whole, bare POST)`, median(memFloor) / MIB, 'MiB', median(memFloor) / body, 'body size', 2));
      summary.push(summaryLine(`${name}: RSS growth`, median(rss) / MIB, 'MiB', median(rss) / body, 'body size', 2));
      checks.push({ ok: got.ours.every((g) => g.bodyBytes === body) && got.floor.every((g) => g.bodyBytes === body), text: `${route}: ours and the floor sent bodies of the same length (${body} bytes)` });
      targets.push({ ok: median(ttfb) <= REFS_TARGETS.ttfbMs, text: `${route} with ${REFS} references of 4 MB: first body byte within ${REFS_TARGETS.ttfbMs} ms (median ${fmt(median(ttfb), 1)} ms; ${(median(ttfb) / median(ttfbFloor)).toFixed(2)}x the floor)` });
      targets.push({ ok: median(mem) <= REFS_TARGETS.memoryVsBody * body, text: `${route} with ${REFS} references of 4 MB: memory peak within ${REFS_TARGETS.memoryVsBody}x the body (median ${(median(mem) / body).toFixed(2)}x, worst ${(Math.max(...mem) / body).toFixed(2)}x)` });
    }

    // ---- FLUX.2 polling
    for (const provider of ['dmxapi', 'bfl'] as const) {
      const poll = await polling(server, provider, options.pollRounds, options.log);
      results[`${provider}Polling`] = poll;
      const overhead = poll.map((r) => r.wallMs - r.serviceMs);
      const route = provider === 'dmxapi' ? 'DMXAPI /flux/v1/' : 'BFL /v1/';
      summary.push(summaryLine(`${REFS_MODEL} ${route}: submit + poll every ${DEFAULT_POLL_INTERVAL_MS} ms + download, beyond the service's own time [${range(overhead)}]`, median(overhead), 'ms', median(overhead) / REFS_TARGETS.pollingMs, `${REFS_TARGETS.pollingMs} ms target`));
      summary.push(summaryLine(`${REFS_MODEL} ${route}: polls per image`, median(poll.map((r) => r.polls)), 'polls', median(poll.map((r) => r.polls)) / median(poll.map((r) => r.serviceMs / DEFAULT_POLL_INTERVAL_MS)), 'service time / interval', 1));
      targets.push({ ok: median(overhead) <= REFS_TARGETS.pollingMs, text: `FLUX.2 polling through ${route} adds at most ${REFS_TARGETS.pollingMs} ms to the service's own time (median ${fmt(median(overhead), 0)} ms)` });
    }
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { summary, checks, targets, results };
}

/** Tasks ready a set time after the submit (drawn per round so polls fall at every phase); the provider's whole wall time. */
async function polling(server: ReferencesServer, provider: ProviderId, rounds: number, log: (line: string) => void): Promise<{ serviceMs: number; wallMs: number; polls: number }[]> {
  const dispatcher = new Agent();
  const serviceTimes = Array.from({ length: rounds + 1 }, (_, i) => 1500 + ((i * 613) % 2000));
  const out: { serviceMs: number; wallMs: number; polls: number }[] = [];
  try {
    for (let i = 0; i <= rounds; i++) {
      server.serviceMs = serviceTimes[i]!;
      const before = new Set(server.polls.keys());
      const t0 = performance.now();
      await providerFor(provider).generate({ prompt: 'a gull over the pier', model: REFS_MODEL, size: '1x1', seed: -1 }, { baseUrl: provider === 'dmxapi' ? `${server.baseUrl}/v1` : server.baseUrl, apiKey: 'bench-key-poll', timeoutMs: 60_000, dispatcher });
      const wallMs = performance.now() - t0;
      const id = [...server.polls.keys()].find((k) => !before.has(k))!;
      // The first round warms up undici and the JIT.
      if (i > 0) out.push({ serviceMs: serviceTimes[i]!, wallMs, polls: server.polls.get(id)! });
      log(`  ${provider} FLUX.2 polling round ${i + 1}/${rounds + 1}${i === 0 ? ' (warm-up)' : ''}: service ${serviceTimes[i]} ms, wall ${wallMs.toFixed(0)} ms`);
    }
  } finally {
    await dispatcher.close();
  }
  return out;
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  process.stdout.write(`references bench, ${new Date().toISOString()}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  void referencesBench({ processes: quick ? 2 : 4, runs: 3, pollRounds: quick ? 4 : 11, log: (l) => process.stderr.write(`${l}\n`) }).then(
    (r) => {
      for (const l of r.summary) process.stdout.write(`${l}\n`);
      for (const c of r.checks) process.stdout.write(`check ${c.ok ? 'ok' : 'FAILED'}: ${c.text}\n`);
      for (const t of r.targets) process.stdout.write(`${t.ok ? 'target met' : 'TARGET MISSED'}: ${t.text}\n`);
      process.stdout.write(`load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
