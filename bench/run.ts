// npm run bench: how much the extension adds to the service's own time, its memory per image,
// parallel images, activation cost and package size, and the Studio with a long history.
// Progress goes to stderr; the header, one summary line per figure (`name: value unit (ratio
// x vs reference)`), the checks and the targets go to stdout. Exits 0 even when a target is
// missed (those print `TARGET MISSED:`); exits 1 only when the benchmark itself fails.
// See CONTRIBUTING.md, "Performance".
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { activationBench, measureSizes, writeActivationFloor } from './activationBench';
import { editBench } from './editBench';
import { FakeControl } from './fake';
import { hostSaveBench } from './hostSaveBench';
import { textBench, textBenchMedians } from './textBench';
import { memoryBench } from './memoryBench';
import { missingBench } from './missingBench';
import type { GcMode } from './memoryBench';
import type { MemoryRun } from './memoryChild';
import { parallelBench } from './parallelBench';
import { pipelineBench } from './pipelineBench';
import { referencesBench } from './referencesBench';
import { makeSnapshot } from './snapshot';
import type { Snapshot } from './snapshot';
import type { PipelineResult } from './pipelineBench';
import { fmt, median, pairedRatio, summaryLine } from './stats';
import { studioBench } from './studioBench';

const ROOT = path.resolve(__dirname, '..', '..');
const DOC = process.env.FLUX_API_DOC ?? path.resolve(ROOT, '..', 'shared', 'reference', 'flux-kontext-api-doc.txt');
const QUICK = process.argv.includes('--quick');

const ROUNDS = {
  pipelineWarmup: 3,
  pipeline: QUICK ? 5 : 21,
  memoryProcesses: QUICK ? 1 : 3,
  memoryRuns: 3,
  parallelDelayMs: 2000,
  parallel: QUICK ? 2 : 5,
  activation: QUICK ? 5 : 15,
  firstCommand: QUICK ? 2 : 5,
  studio: QUICK ? 3 : 7,
};

const TARGETS = { pipelineVsFloor: 1.5, memoryVsImage: 3, parallelVsOne: 1.15, missingVsIdeal: 1.15, activationMs: 5, linkedVsPlain: 1.5 };

const lines: string[] = [];
const checks: string[] = [];
const targets: string[] = [];
const results: Record<string, unknown> = {};

function say(line: string): void {
  lines.push(line);
  process.stdout.write(`${line}\n`);
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function target(ok: boolean, text: string): void {
  targets.push(ok ? `target met: ${text}` : `TARGET MISSED: ${text}`);
}

function check(ok: boolean, text: string): void {
  checks.push(`check ${ok ? 'ok' : 'FAILED'}: ${text}`);
}

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
  } catch {
    return `${cmd}: not found`;
  }
}

const KIB = 1024;
const MIB = 1024 * 1024;
const shapeName = (s: 'b64' | 'url') => (s === 'b64' ? 'b64_json' : 'url');

async function main(): Promise<void> {
  const started = performance.now();
  const undiciVersion = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'undici', 'package.json'), 'utf8')) as { version: string }).version;
  const cpu = os.cpus();
  say(`Flux for VS Code benchmark, ${new Date().toISOString()}${QUICK ? ' (--quick: fewer rounds, figures are rough)' : ''}`);
  say(`machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'} x ${cpu.length}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.type()} ${os.release()}, ${Math.round(os.totalmem() / MIB / 1024)} GB; Node ${process.version}, undici ${undiciVersion}, ${version('python3', ['--version'])}, ${version('curl', ['--version']).split(' ').slice(0, 2).join(' ')}`);
  say(
    `method: the fake service (test/fake) runs in its own process on 127.0.0.1 and answers every request with the same ` +
      `1024x1024 PNG of photographic noise; contenders take turns in rotating order each round; ` +
      `figures are medians after warm-up, ratios are medians of per-round ratios (same round, same server). ` +
      `"pipeline" = normalizeParams + generateImage (verifies the bytes are an image) + the file writer's steps, ` +
      `with node:fs/promises standing in for vscode.workspace.fs.`,
  );
  say(`rounds: pipeline ${ROUNDS.pipelineWarmup} warm-up + ${ROUNDS.pipeline}; memory ${ROUNDS.memoryProcesses} processes x ${ROUNDS.memoryRuns} images per case; parallel ${ROUNDS.parallel} (delay ${ROUNDS.parallelDelayMs} ms); activation ${ROUNDS.activation} fresh processes; studio ${ROUNDS.studio} page loads`);

  const pythonMissing = version('python3', ['--version']).endsWith('not found')
    ? 'python3 is not installed'
    : !fs.existsSync(DOC)
      ? `the API doc with the reference script is not at ${DOC} (set FLUX_API_DOC)`
      : undefined;
  const hasPython = !pythonMissing;
  const hasCurl = !version('curl', ['--version']).endsWith('not found');
  const fake = await FakeControl.start(0);
  const imageBytes = fake.info.imageBytes;
  const b64AnswerBytes = Math.ceil(imageBytes / 3) * 4;
  say(`image: ${fake.info.width}x${fake.info.height} PNG, ${fmt(imageBytes / MIB, 2)} MiB; as b64_json about ${fmt(b64AnswerBytes / MIB, 2)} MiB of JSON`);
  say('');
  const summary: string[] = [];
  let snapshot: Snapshot | undefined;
  try {
    // ---- 1. pipeline
    const have = { python: hasPython, curl: hasCurl };
    const pipe: Partial<Record<'b64' | 'url', PipelineResult>> = {};
    for (const shape of ['b64', 'url'] as const) {
      progress(`pipeline, ${shapeName(shape)} answers`);
      pipe[shape] = await pipelineBench(fake, shape, { warmup: ROUNDS.pipelineWarmup, rounds: ROUNDS.pipeline, docPath: DOC, ...have, log: progress });
    }
    for (const shape of ['b64', 'url'] as const) {
      const t = pipe[shape]!.times;
      const name = shapeName(shape);
      const vsFloor = pairedRatio(t.ours, t.floor);
      summary.push(summaryLine(`pipeline ${name}`, median(t.ours), 'ms', vsFloor, 'floor'));
      summary.push(summaryLine(`pipeline ${name} overhead over floor`, median(t.ours.map((v, i) => v - t.floor[i]!)), 'ms', vsFloor - 1, 'floor'));
      summary.push(summaryLine(`floor ${name} (bare undici request, bytes written unparsed)`, median(t.floor), 'ms', 1, 'floor'));
      if (have.curl) summary.push(summaryLine(`curl ${name} (curl -o${shape === 'url' ? ', then curl -o the image' : ''})`, median(t.curl), 'ms', pairedRatio(t.curl, t.floor), 'floor'));
      else summary.push(`curl ${name}: n/a (curl is not installed)`);
      target(vsFloor <= TARGETS.pipelineVsFloor, `pipeline ${name} at most ${TARGETS.pipelineVsFloor}x the floor (${vsFloor.toFixed(2)}x)`);
      if (shape === 'b64' && have.python) {
        const vsPy = pairedRatio(t.ours, t.python);
        const start = pipe.b64!.pythonStartup;
        summary.push(summaryLine(`pipeline ${name}`, median(t.ours), 'ms', vsPy, 'python reference'));
        summary.push(summaryLine(`python reference ${name} (doc script, python3 process)`, median(t.python), 'ms', pairedRatio(t.python, t.floor), 'floor'));
        summary.push(summaryLine('python3 start + the script\'s imports, no request', median(start), 'ms', pairedRatio(start, t.python), 'python reference'));
        const pyWork = t.python.map((v, i) => v - start[i]!);
        summary.push(summaryLine(`python reference ${name} past its start (wall - start, same round)`, median(pyWork), 'ms', pairedRatio(pyWork, t.floor), 'floor'));
        target(vsPy < 1, `pipeline ${name} faster than the Python reference (${vsPy.toFixed(2)}x; ${pairedRatio(t.ours, pyWork).toFixed(2)}x even against its time past start)`);
      } else if (shape === 'b64') {
        summary.push(`python reference ${name}: n/a (${pythonMissing})`);
        target(false, `faster than the Python reference: not measured, ${pythonMissing}`);
      } else {
        summary.push(`python reference ${name}: n/a (the documented script only saves b64_json answers)`);
      }
    }
    if (have.curl) {
      const curlStart = [...pipe.b64!.curlStartup, ...pipe.url!.curlStartup];
      summary.push(summaryLine('curl start, no request', median(curlStart), 'ms', median(curlStart) / median(pipe.b64!.times.curl), 'curl b64_json'));
    }
    results.pipeline = pipe;
    check(true, 'every file each contender left matched what the service sent (sha-256 of the PNG, or the JSON holding it)');

    // ---- 2. memory
    const mem: Record<string, MemoryRun[]> = {};
    for (const shape of ['b64', 'url'] as const) {
      for (const [who, mode] of [['ours', 'default'], ['ours', 'noGc'], ['floor', 'noGc']] as const) {
        progress(`memory, ${shapeName(shape)}, ${who}, ${mode === 'noGc' ? 'no GC during the image' : 'default GC'}`);
        mem[`${shape}/${who}/${mode}`] = await memoryBench(fake, shape, who, mode as GcMode, ROUNDS.memoryProcesses, ROUNDS.memoryRuns);
      }
    }
    results.memory = mem;
    for (const shape of ['b64', 'url'] as const) {
      const name = shapeName(shape);
      const peak = (k: string) => median(mem[k]!.map((r) => r.jsPeak));
      const worst = (k: string) => Math.max(...mem[k]!.map((r) => r.jsPeak));
      const typical = peak(`${shape}/ours/default`);
      const bound = peak(`${shape}/ours/noGc`);
      summary.push(summaryLine(`memory ${name} peak per image (heap + external above baseline, default GC)`, typical / MIB, 'MiB', typical / imageBytes, 'image size', 2));
      summary.push(summaryLine(`memory ${name} worst of ${mem[`${shape}/ours/default`]!.length} (default GC)`, worst(`${shape}/ours/default`) / MIB, 'MiB', worst(`${shape}/ours/default`) / imageBytes, 'image size', 2));
      summary.push(summaryLine(`memory ${name} upper bound (nothing collected during the image)`, bound / MIB, 'MiB', bound / imageBytes, 'image size', 2));
      summary.push(summaryLine(`memory ${name} floor, upper bound (same, for the bare request)`, peak(`${shape}/floor/noGc`) / MIB, 'MiB', peak(`${shape}/floor/noGc`) / imageBytes, 'image size', 2));
      const rss = median(mem[`${shape}/ours/noGc`]!.map((r) => r.rssPeak));
      summary.push(summaryLine(`memory ${name} RSS growth (kernel high-water mark, upper-bound run)`, rss / MIB, 'MiB', rss / imageBytes, 'image size', 2));
      target(Math.max(bound, typical) < TARGETS.memoryVsImage * imageBytes, `memory ${name} under ${TARGETS.memoryVsImage}x the image, even when nothing is collected meanwhile (median ${(bound / imageBytes).toFixed(2)}x; worst single run ${(worst(`${shape}/ours/default`) / imageBytes).toFixed(2)}x)`);
    }

    // ---- 3. parallel
    progress(`parallel: 4 images vs 1, the service answering after ${ROUNDS.parallelDelayMs} ms`);
    const slow = await FakeControl.start(ROUNDS.parallelDelayMs);
    try {
      const par = await parallelBench(slow, ROUNDS.parallelDelayMs, ROUNDS.parallel, progress);
      results.parallel = par;
      const ratio = pairedRatio(par.four, par.one);
      summary.push(summaryLine(`parallel 4 images (service delay ${par.delayMs} ms)`, median(par.four), 'ms', ratio, 'one image'));
      summary.push(summaryLine(`parallel 1 image (service delay ${par.delayMs} ms)`, median(par.one), 'ms', median(par.one) / par.delayMs, 'service delay'));
      check(par.concurrency.every((c) => c === 4), `the service saw 4 requests in flight at once in every batch of four (${par.concurrency.join(', ')}): undici's default Agent opens a connection per request, no per-origin cap`);
      target(ratio <= TARGETS.parallelVsOne, `4 parallel images at most ${TARGETS.parallelVsOne}x one (${ratio.toFixed(2)}x)`);

      progress(`missing images: 12 images at a limit of 4, the service answering after ${ROUNDS.parallelDelayMs} ms`);
      const miss = await missingBench(slow, ROUNDS.parallelDelayMs, ROUNDS.parallel, progress);
      results.missing = miss;
      const ideal = Math.ceil(miss.images / miss.limit) * miss.delayMs;
      const missRatio = median(miss.wall) / ideal;
      summary.push(summaryLine(`missing images ${miss.images} at limit ${miss.limit} (service delay ${miss.delayMs} ms; references read, planned, queued, written at their paths)`, median(miss.wall), 'ms', missRatio, `ideal ${ideal / miss.delayMs} rounds`));
      summary.push(summaryLine(`missing images, the same ${miss.images} as back-to-back batches of ${miss.limit} (plain requests and writes)`, median(miss.batches), 'ms', pairedRatio(miss.wall, miss.batches), 'missing images (paired)'));
      check(miss.concurrency.every((c) => c === miss.limit), `missing images: the service saw at most and at least ${miss.limit} in flight (${miss.concurrency.join(', ')})`);
      check(miss.leftovers.every((n) => n === 0), 'missing images: no temporary file left beside the images');
      target(missRatio <= TARGETS.missingVsIdeal, `missing images within ${TARGETS.missingVsIdeal}x the ideal ${ideal / miss.delayMs} rounds (${missRatio.toFixed(2)}x)`);
    } finally {
      await slow.close();
    }

    // ---- 4. activation and size (on a private production build: see snapshot.ts)
    progress('activation: a private production build, then fresh Node processes with a stand-in for `vscode`');
    const snap = await makeSnapshot(ROOT, progress);
    snapshot = snap;
    const bundle = snap.bundle;
    await fake.setShape('b64');
    const [act, floor] = await activationBench([bundle, writeActivationFloor(snap.dir)], ROUNDS.activation, undefined, progress);
    const [first] = await activationBench([bundle], ROUNDS.firstCommand, fake.baseUrl, progress);
    results.activation = { act, floor, first };
    const total = (r: { requireMs: number; activateMs: number }) => r.requireMs + r.activateMs;
    const actMs = median(act!.map(total));
    const floorMs = median(floor!.map(total));
    summary.push(summaryLine('activation (require dist/extension.js + activate())', actMs, 'ms', pairedRatio(act!.map(total), floor!.map(total)), 'floor'));
    summary.push(summaryLine('activation floor (an extension that registers the same commands and providers, doing nothing)', floorMs, 'ms', floorMs / TARGETS.activationMs, `${TARGETS.activationMs} ms target`));
    summary.push(summaryLine('activation', actMs, 'ms', actMs / TARGETS.activationMs, `${TARGETS.activationMs} ms target`));
    summary.push(summaryLine('activation require(dist/extension.js)', median(act!.map((r) => r.requireMs)), 'ms', median(act!.map((r) => r.requireMs)) / actMs, 'activation'));
    summary.push(summaryLine('activation activate()', median(act!.map((r) => r.activateMs)), 'ms', median(act!.map((r) => r.activateMs)) / actMs, 'activation'));
    const firstMs = median(first!.map((r) => r.firstCommandMs!));
    summary.push(summaryLine('first flux.generateImage after activation (loads the HTTP client)', firstMs, 'ms', pairedRatio(first!.map((r) => r.firstCommandMs!), first!.map((r) => r.secondCommandMs!)), 'second command'));
    check(act!.every((r) => !r.undiciAtActivation), 'undici is not loaded at activation: dist/undici.js is required on the first request (its global dispatcher is not set before)');
    check(act!.every((r) => r.bundlesAtActivation.join() === 'dist/extension.js'), `bundles loaded at activation: ${act![0]!.bundlesAtActivation.join(', ')}; after the first generate: ${first![0]!.bundlesAfterCommand!.join(', ')}`);
    check(act!.every((r) => r.builtinsAtActivation.length === 0), `Node built-ins the bundle requires at load + activation: ${act![0]!.builtinsAtActivation.join(', ') || 'none'}; after the first generate: ${first![0]!.builtinsAfterCommand!.length} (${first![0]!.builtinsAfterCommand!.join(', ')})`);
    check(first!.every((r) => r.undiciAfterCommand && r.commandWrote && !r.messages!.length), 'through the stand-in, flux.generateImage loaded undici on first use and wrote both images, with no error message');
    target(actMs <= TARGETS.activationMs, `activation at most ${TARGETS.activationMs} ms (${actMs.toFixed(1)} ms; ${pairedRatio(act!.map(total), floor!.map(total)).toFixed(2)}x the floor of ${floorMs.toFixed(1)} ms in the same run)`);

    progress('sizes: dist/ and the .vsix');
    const sizes = await measureSizes(snap.dir, progress);
    results.sizes = sizes;
    const undiciBytes = sizes.distFiles.find((f) => f.name === 'dist/undici.js')?.bytes ?? Number.NaN;
    summary.push(summaryLine('dist/extension.js (production bundle, loaded at activation)', sizes.bundle / KIB, 'KiB', sizes.bundle / undiciBytes, 'dist/undici.js, loaded on the first request'));
    const featuresBytes = sizes.distFiles.find((f) => f.name === 'dist/features.js')?.bytes ?? Number.NaN;
    summary.push(summaryLine('dist/features.js (loaded on first use)', featuresBytes / KIB, 'KiB', featuresBytes / sizes.bundle, 'dist/extension.js'));
    const distTotal = sizes.distFiles.reduce((s, f) => s + f.bytes, 0);
    summary.push(summaryLine(`dist/ after a production build (${sizes.distFiles.map((f) => f.name).join(', ')})`, distTotal / KIB, 'KiB', distTotal / sizes.bundle, 'dist/extension.js'));
    const stale = fs.existsSync(path.join(ROOT, 'dist')) ? fs.readdirSync(path.join(ROOT, 'dist')).filter((n) => !sizes.distFiles.some((f) => f.name === `dist/${n}`)) : [];
    if (stale.length) check(true, `the working tree's dist/ also holds ${stale.join(', ')} from a development build; a production build does not remove it (.vscodeignore keeps it out of the .vsix)`);
    if (sizes.vsix !== undefined) {
      const files = sizes.vsixFiles!.filter((f) => !f.name.endsWith('/'));
      summary.push(summaryLine(`.vsix (npm run package, ${files.length} files)`, sizes.vsix / KIB, 'KiB', sizes.vsix / sizes.bundle, 'dist/extension.js'));
      check(true, `.vsix contents: ${files.map((f) => `${f.name} (${fmt(f.bytes / KIB)} KiB)`).join(', ')}`);
    } else {
      summary.push(`.vsix: n/a (vsce package failed: ${sizes.vsixError})`);
      check(false, `vsce package failed: ${sizes.vsixError}`);
    }

    // ---- 5. Studio with history
    progress('studio: 500 history entries');
    const studio = await studioBench(snap.dir, 500, ROUNDS.studio, progress);
    results.studio = studio;
    if (studio.ok) {
      summary.push(summaryLine('studio host: flux.openStudio with 500 entries until the panel has its HTML', studio.hostOpenMs, 'ms', studio.hostOpenMs / studio.emptyHostOpenMs, 'empty history'));
      summary.push(summaryLine('studio host: webview ready -> init posted, 500 entries', studio.hostInitMs, 'ms', studio.hostInitMs / studio.emptyHostInitMs, 'empty history'));
      summary.push(summaryLine('studio init message, 500 entries', studio.initBytes / KIB, 'KiB', studio.initBytes / (500 * imageBytes), 'the 500 images it lists'));
      summary.push(summaryLine('studio page HTML (bootstrap data included)', studio.htmlBytes / KIB, 'KiB', studio.htmlBytes / studio.initBytes, 'init message'));
      summary.push(summaryLine('studio first screen, 500 entries (init posted -> cards in the DOM, next frame)', studio.firstScreenMs, 'ms', studio.firstScreenMs / studio.emptyFirstScreenMs, 'empty history'));
      summary.push(summaryLine('studio page load to first screen, 500 entries (navigation start -> first screen)', studio.loadToScreenMs, 'ms', studio.loadToScreenMs / studio.emptyLoadToScreenMs, 'empty history'));
      summary.push(summaryLine('studio cards rendered in the first screen', studio.cards, 'cards', studio.cards / 500, 'history', 0));
      summary.push(summaryLine('studio images requested by the first screen', studio.imagesRequested, 'images', studio.imagesRequested / 500, 'history', 0));
      check(studio.noImageBytes, `studio messages carry no image bytes: init ${fmt(studio.initBytes / KIB)} KiB for 500 entries (${fmt(studio.initBytes / 500)} B each), no data: URIs, longest base64-like run ${studio.longestBase64Run} chars`);
      target(studio.noImageBytes, 'studio with 500 entries posts no image bytes through messages');
    } else {
      summary.push(`studio: n/a (${studio.reason})`);
      target(false, `studio figures not measured: ${studio.reason}`);
    }

    // ---- 6. outside text: a 45 MB error message redacted and shortened for a person
    progress('text: a 45 MB message redacted and neutralised');
    const text = textBench(QUICK ? 3 : 7);
    results.text = text;
    const tm = textBenchMedians(text);
    summary.push(summaryLine(`redact a ${fmt(text.megabytes, 0)} MB message (whole text, for the log)`, tm.redact, 'ms', tm.redact / tm.floor, 'one native scan'));
    summary.push(summaryLine(`redactForDisplay the same message (shortened first, for a notification)`, tm.redactForDisplay, 'ms', tm.redactForDisplay / tm.floor, 'one native scan'));
    summary.push(summaryLine(`plainText the same message (no link can form)`, tm.plainText, 'ms', tm.plainText / tm.floor, 'one native scan'));
    summary.push(summaryLine(`floor: one native indexOf over the same message`, tm.floor, 'ms', 1, 'one native scan'));
    target(tm.redactForDisplay < 100, `a ${fmt(text.megabytes, 0)} MB message reaches a notification in well under 100 ms (${fmt(tm.redactForDisplay, 2)} ms)`);

    // ---- 7. the linked save in the real extension host (code-server), against the plain save
    progress('host save: the linked save against the plain save of the same bytes, in code-server');
    const host = await hostSaveBench(ROOT, progress);
    results.hostSave = host;
    for (const r of host.results) {
      const ratio = pairedRatio(r.linked, r.plain);
      summary.push(summaryLine(`save ${r.size} PNG with its link in the document (extension host, one WorkspaceEdit)`, median(r.linked), 'ms', ratio, 'plain save of the same bytes'));
      summary.push(summaryLine(`save ${r.size} PNG alone (extension host, the plain save)`, median(r.plain), 'ms', 1, 'plain save'));
      target(ratio <= TARGETS.linkedVsPlain, `linked save of ${r.size} within ${TARGETS.linkedVsPlain}x the plain save (${ratio.toFixed(2)}x)`);
    }
    target(host.unresponsive === 0, `no "extension host is unresponsive" warning during the host save bench (${host.unresponsive})`);
    // ---- 6. editing: a 10 MB input, memory, BFL polling (bench/editBench.ts)
    progress('edit: a 10 MB input image');
    const edit = await editBench({ warmup: 2, rounds: QUICK ? 5 : 15, memoryProcesses: QUICK ? 1 : 3, memoryRuns: 3, bflRounds: QUICK ? 4 : 11, log: progress });
    results.edit = edit.results;
    summary.push(...edit.summary);
    for (const c of edit.checks) check(c.ok, c.text);
    for (const t of edit.targets) target(t.ok, t.text);
    // ---- 8. FLUX.2: 8 references of 4 MB (first byte, memory), FLUX.2 polling (bench/referencesBench.ts)
    progress('references: flux-2-pro with 8 references of 4 MB, both routes; FLUX.2 polling');
    const refs = await referencesBench({ processes: QUICK ? 2 : 4, runs: 3, pollRounds: QUICK ? 4 : 11, log: progress });
    results.references = refs.results;
    summary.push(...refs.summary);
    for (const c of refs.checks) check(c.ok, c.text);
    for (const t of refs.targets) target(t.ok, t.text);
  } finally {
    await fake.close();
    snapshot?.dispose();
  }

  say('summary:');
  for (const l of summary) say(l);
  say('');
  for (const c of checks) say(c);
  say('');
  for (const t of targets) say(t);
  const missed = targets.filter((t) => t.startsWith('TARGET MISSED'));
  say(missed.length ? `${missed.length} target(s) missed; see the lines above and CONTRIBUTING.md, "Performance".` : 'All targets met.');
  say(`(benchmark took ${fmt((performance.now() - started) / 1000, 0)} s)`);
  const outFile = path.join(ROOT, 'out', 'bench', 'last-run.json');
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify({ lines, results }, null, 1));
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
