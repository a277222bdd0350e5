// Editing figures: a 10 MB input image through the extension's edit path against a bare undici
// multipart POST of the same file to the same server (the floor); the peak memory of one edit
// against the input's size; and how much BFL's submit-and-poll adds to the service's own time.
//   node out/bench/editBench.js [--quick]      (npm run bench runs it too, as its last part)
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Agent } from 'undici';
import { providerFor } from '../src/core/providers';
import { DEFAULT_POLL_INTERVAL_MS } from '../src/core/providers/bfl';
import { makePng } from '../test/fake/png';
import { closeAgents, editFloor, editOurs } from './editPipeline';
import { FakeControl } from './fake';
import type { MemoryRun } from './memoryChild';
import { fmt, median, pairedRatio, range, run, summaryLine } from './stats';

const MIB = 1024 * 1024;
export const EDIT_TARGETS = { timeVsFloor: 1.3, memoryVsInput: 2.5, bflPollingMs: 1000 };

export interface EditBenchOptions {
  readonly warmup: number;
  readonly rounds: number;
  readonly memoryProcesses: number;
  readonly memoryRuns: number;
  readonly bflRounds: number;
  readonly log: (line: string) => void;
}

export interface EditBenchResult {
  readonly summary: string[];
  readonly checks: { ok: boolean; text: string }[];
  readonly targets: { ok: boolean; text: string }[];
  readonly results: Record<string, unknown>;
}

/** A ~10 MB PNG of photographic noise (2048x2048), the kind of photo people edit. */
function makeInput(dir: string): { file: string; bytes: number; sha256: string } {
  const png = makePng(2048, 2048, { seed: 31, style: 'photo' });
  const file = path.join(dir, 'harbour photo.png');
  fs.writeFileSync(file, png);
  return { file, bytes: png.length, sha256: createHash('sha256').update(png).digest('hex') };
}

export async function editBench(options: EditBenchOptions): Promise<EditBenchResult> {
  const summary: string[] = [];
  const checks: { ok: boolean; text: string }[] = [];
  const targets: { ok: boolean; text: string }[] = [];
  const results: Record<string, unknown> = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-bench-edit-'));
  const fake = await FakeControl.start(0);
  try {
    const input = makeInput(dir);
    summary.push(summaryLine('edit input (2048x2048 PNG)', input.bytes / MIB, 'MiB', input.bytes / (20 * MIB), 'the 20 MiB limit', 2));

    // ---- time
    await fake.setShape('b64');
    const times = { ours: [] as number[], floor: [] as number[] };
    const out = path.join(dir, 'out');
    for (let round = 0; round < options.warmup + options.rounds; round++) {
      const measured = round >= options.warmup;
      const order = round % 2 ? (['floor', 'ours'] as const) : (['ours', 'floor'] as const);
      for (const who of order) {
        const outcome = who === 'ours' ? await editOurs(fake.baseUrl, input.file, out) : await editFloor(fake.baseUrl, input.file, out);
        fs.rmSync(outcome.file, { force: true });
        if (measured) times[who].push(outcome.ms);
      }
      options.log(`  edit round ${round + 1}/${options.warmup + options.rounds}${measured ? '' : ' (warm-up)'}: ours ${times.ours.at(-1)?.toFixed(1) ?? '-'}, floor ${times.floor.at(-1)?.toFixed(1) ?? '-'}`);
    }
    const sent = await fake.stats();
    checks.push({ ok: fs.readFileSync(input.file).length === input.bytes && createHash('sha256').update(fs.readFileSync(input.file)).digest('hex') === input.sha256, text: 'the input file is byte-identical after every edit' });
    checks.push({ ok: sent.generationRequests === 0, text: `the fake saw no generation request, only edits (${sent.generationRequests})` });
    const ratio = pairedRatio(times.ours, times.floor);
    results.time = times;
    summary.push(summaryLine(`edit, 10 MB input [${range(times.ours)}]`, median(times.ours), 'ms', ratio, 'floor'));
    summary.push(summaryLine('edit overhead over floor', median(times.ours.map((v, i) => v - times.floor[i]!)), 'ms', ratio - 1, 'floor'));
    summary.push(summaryLine(`floor: bare undici multipart POST of the same file [${range(times.floor)}]`, median(times.floor), 'ms', 1, 'floor'));
    targets.push({ ok: ratio <= EDIT_TARGETS.timeVsFloor, text: `edit with a 10 MB input at most ${EDIT_TARGETS.timeVsFloor}x the floor (${ratio.toFixed(2)}x)` });

    // ---- memory, in fresh processes
    const mem: Record<'ours' | 'floor', MemoryRun[]> = { ours: [], floor: [] };
    for (const who of ['ours', 'floor'] as const) {
      options.log(`  edit memory, ${who}`);
      for (let p = 0; p < options.memoryProcesses; p++) {
        const r = await run(process.execPath, ['--expose-gc', path.join(__dirname, 'editChild.js'), fake.baseUrl, input.file, who, String(options.memoryRuns)]);
        if (r.code !== 0) throw new Error(`edit memory child failed: ${r.stderr}`);
        mem[who].push(...(JSON.parse(r.stdout) as MemoryRun[]));
      }
    }
    results.memory = mem;
    const peak = (who: 'ours' | 'floor') => median(mem[who].map((m) => m.jsPeak));
    const worst = Math.max(...mem.ours.map((m) => m.jsPeak));
    summary.push(summaryLine('edit memory peak (heap + external above baseline)', peak('ours') / MIB, 'MiB', peak('ours') / input.bytes, 'input size', 2));
    summary.push(summaryLine(`edit memory worst of ${mem.ours.length}`, worst / MIB, 'MiB', worst / input.bytes, 'input size', 2));
    summary.push(summaryLine('edit memory floor peak (same, bare request)', peak('floor') / MIB, 'MiB', peak('floor') / input.bytes, 'input size', 2));
    targets.push({ ok: peak('ours') <= EDIT_TARGETS.memoryVsInput * input.bytes, text: `edit memory peak within ${EDIT_TARGETS.memoryVsInput}x the input (median ${(peak('ours') / input.bytes).toFixed(2)}x, worst ${(worst / input.bytes).toFixed(2)}x)` });

    // ---- BFL polling
    const bfl = await bflPolling(options.bflRounds, options.log);
    results.bfl = bfl;
    const overhead = bfl.map((r) => r.wallMs - r.serviceMs);
    summary.push(summaryLine(`bfl: submit + poll every ${DEFAULT_POLL_INTERVAL_MS} ms + download, beyond the service's own time [${range(overhead)}]`, median(overhead), 'ms', median(overhead) / EDIT_TARGETS.bflPollingMs, `${EDIT_TARGETS.bflPollingMs} ms target`));
    summary.push(summaryLine('bfl: polls per image', median(bfl.map((r) => r.polls)), 'polls', median(bfl.map((r) => r.polls)) / median(bfl.map((r) => r.serviceMs / DEFAULT_POLL_INTERVAL_MS)), 'service time / interval', 1));
    targets.push({ ok: median(overhead) <= EDIT_TARGETS.bflPollingMs, text: `BFL polling adds at most ${EDIT_TARGETS.bflPollingMs} ms to the service's own time (median ${fmt(median(overhead), 0)} ms)` });
  } finally {
    await fake.close();
    await closeAgents();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { summary, checks, targets, results };
}

/**
 * A BFL stand-in whose tasks are ready a set time after they were submitted (the service's own
 * time, drawn per round so polls fall at every phase), then the provider's whole wall time.
 */
async function bflPolling(rounds: number, log: (line: string) => void): Promise<{ serviceMs: number; wallMs: number; polls: number }[]> {
  const image = makePng(1024, 1024, { seed: 5, style: 'photo' });
  const tasks = new Map<string, { readyAt: number; polls: number }>();
  let next = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    req.resume();
    req.on('end', () => {
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'POST' && url.pathname === '/v1/flux-kontext-pro') {
        const id = String(next++);
        tasks.set(id, { readyAt: Date.now() + serviceTimes[Number(id)]!, polls: 0 });
        return json({ id, polling_url: `http://127.0.0.1:${port}/v1/get_result?id=${id}` });
      }
      if (url.pathname === '/v1/get_result') {
        const task = tasks.get(url.searchParams.get('id') ?? '');
        if (!task) return json({ status: 'Task not found' });
        task.polls++;
        if (Date.now() < task.readyAt) return json({ status: 'Pending' });
        return json({ status: 'Ready', result: { sample: `http://127.0.0.1:${port}/files/sample.png`, seed: 1 } });
      }
      if (url.pathname === '/files/sample.png') return res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length }).end(image);
      res.writeHead(404).end();
    });
  });
  const serviceTimes = Array.from({ length: rounds + 1 }, (_, i) => 1500 + ((i * 613) % 2000));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const dispatcher = new Agent();
  const out: { serviceMs: number; wallMs: number; polls: number }[] = [];
  try {
    for (let i = 0; i <= rounds; i++) {
      const t0 = performance.now();
      await providerFor('bfl').generate({ prompt: 'a gull over the pier', model: 'flux-kontext-pro', size: '1x1', seed: -1 }, { baseUrl: `http://127.0.0.1:${port}`, apiKey: 'bfl-bench-key', timeoutMs: 60_000, dispatcher });
      const wallMs = performance.now() - t0;
      // The first round warms up undici and the JIT.
      if (i > 0) out.push({ serviceMs: serviceTimes[i]!, wallMs, polls: tasks.get(String(i))!.polls });
      log(`  bfl round ${i + 1}/${rounds + 1}${i === 0 ? ' (warm-up)' : ''}: service ${serviceTimes[i]} ms, wall ${wallMs.toFixed(0)} ms`);
    }
  } finally {
    await dispatcher.close();
    await new Promise((r) => server.close(r));
  }
  return out;
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  void editBench({ warmup: 2, rounds: quick ? 5 : 15, memoryProcesses: quick ? 1 : 3, memoryRuns: 3, bflRounds: quick ? 4 : 11, log: (l) => process.stderr.write(`${l}\n`) }).then(
    (r) => {
      for (const l of r.summary) process.stdout.write(`${l}\n`);
      for (const c of r.checks) process.stdout.write(`check ${c.ok ? 'ok' : 'FAILED'}: ${c.text}\n`);
      for (const t of r.targets) process.stdout.write(`${t.ok ? 'target met' : 'TARGET MISSED'}: ${t.text}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
