// flux-docs figures (issue 29): `check` over generated documents (500 / 1,000 / 2,000 documents,
// five references each: linear, and at most 2 s for 2,000 / 10,000), `fill` of 24 images at
// concurrency 4 with the fake answering after 2 s (within 1.1x of the ideal six rounds), and the
// start-up of `check` on an empty folder (at most 150 ms, shown beside a bare `node -e 0`).
// Run: node esbuild.js --cli && node esbuild.js --tests && node out/bench/cliBench.js [--quick]
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeService } from '../test/fake/fakeService';
import { fmt, median } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'cli/dist/flux-docs.js');
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 3 : 7;

function timed(cwd: string, args: string[], env: Record<string, string> = {}): { ms: number; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
  return { ms: performance.now() - t0, status: r.status };
}

function makeDocs(dir: string, documents: number, refsPerDoc: number): void {
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  for (let d = 0; d < documents; d++) {
    const folder = path.join(dir, 'docs', `part-${d % 40}`);
    fs.mkdirSync(folder, { recursive: true });
    const body = Array.from({ length: refsPerDoc }, (_, r) => `Paragraph ${r} of document ${d}, with some words around it.\n\n![Figure ${r} of document ${d}](img/d${d}-f${r}.png)\n`).join('\n');
    fs.writeFileSync(path.join(folder, `doc-${d}.md`), `# Document ${d}\n\n${body}`);
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run node esbuild.js --cli first`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-docs-bench-'));
  try {
    // Start-up on an empty folder, beside Node's own start.
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(path.join(empty, '.git'), { recursive: true });
    const node: number[] = [];
    const check: number[] = [];
    for (let i = 0; i < RUNS * 2; i++) {
      const t0 = performance.now();
      // The same environment as flux-docs gets (NODE_EXTRA_CA_CERTS alone adds ~20 ms to a start).
      spawnSync(process.execPath, ['-e', '0'], { env: { PATH: process.env.PATH ?? '' }, stdio: 'ignore' });
      node.push(performance.now() - t0);
      const run = timed(empty, ['check']);
      // A start that ends in an error ("outside the repository", say) would time the wrong thing.
      if (run.status !== 0) throw new Error(`check on an empty folder exited ${run.status}, not 0`);
      check.push(run.ms);
    }
    const startup = median(check);
    console.log(`startup: check on an empty folder ${fmt(startup)} ms (node -e 0: ${fmt(median(node))} ms; flux-docs adds ${fmt(startup - median(node))} ms) ${startup <= 150 ? 'ok' : 'TARGET MISSED: 150 ms'}`);

    // check over 500 / 1,000 / 2,000 documents, five references each.
    const sizes = [500, 1000, 2000];
    const per: number[] = [];
    for (const n of sizes) {
      const dir = path.join(tmp, `docs-${n}`);
      makeDocs(dir, n, 5);
      const times = Array.from({ length: RUNS }, () => timed(dir, ['check', '--json']));
      if (times.some((t) => t.status !== 1)) throw new Error(`check over ${n} documents did not exit 1`);
      const ms = median(times.map((t) => t.ms));
      per.push(ms);
      console.log(`check: ${n} documents, ${n * 5} references: ${fmt(ms)} ms (${fmt((ms - startup) / n, 3)} ms per document after start-up)`);
    }
    const [small, , large] = per as [number, number, number];
    console.log(`check: 2,000 / 500 = ${fmt(large / small, 2)}x (4x would be linear with no start-up); 2,000 documents ${large <= 2000 ? 'ok' : 'TARGET MISSED: 2 s'}`);

    // fill: 24 images, concurrency 4, answers after 2 s: the ideal is six rounds.
    const fake = await FakeService.start({ delayMs: 2000 });
    try {
      const dir = path.join(tmp, 'fill');
      makeDocs(dir, 24, 1);
      const env = { FLUX_API_KEY: 'sk-bench', FLUX_BASE_URL: fake.baseUrl };
      const t0 = performance.now();
      const status = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'fill', '--concurrency', '4'], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
        child.on('close', (code) => resolve(code));
      });
      const wall = performance.now() - t0;
      if (status !== 0) throw new Error(`fill exited ${status}`);
      const ideal = 6 * 2000;
      console.log(`fill: 24 images at concurrency 4, 2 s answers: ${fmt(wall)} ms, ${fmt(wall / ideal, 3)}x the ideal ${ideal} ms (peak in flight ${fake.maxConcurrent}) ${wall / ideal <= 1.1 ? 'ok' : 'TARGET MISSED: 1.1x'}`);
    } finally {
      await fake.close();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
