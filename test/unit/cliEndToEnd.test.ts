// flux-docs end to end: the built bin (cli/dist/flux-docs.js, as `npm run cli` runs it) in a child
// process against the test fake, on a folder mixing the five document languages.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { concatBytes } from '../../src/core/png';
import { labelImage, readImageMeta } from '../../src/core/imageMeta';
import { FakeService } from '../fake/fakeService';
import { startProxy } from '../fake/proxy';

const REPO = path.resolve(__dirname, '../../..');
const BIN = path.join(REPO, 'cli/dist/flux-docs.js');
const KEY = 'sk-cli-e2e-secret-0123456789';

interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function flux(cwd: string, args: string[], env: Record<string, string> = {}, whileRunning?: (child: ReturnType<typeof spawn>) => void, user?: { uid: number; gid: number; bin: string }): Promise<Ran> {
  return new Promise((resolve, reject) => {
    // A clean environment: no proxy or key of the machine's own.
    const child = spawn(process.execPath, [user?.bin ?? BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(user ? { uid: user.uid, gid: user.gid } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    whileRunning?.(child);
  });
}

function write(root: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

/** Every file under `dir`, relative, `/` separators. */
function files(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('flux-docs end to end (the built CLI against the fake)', function () {
  this.timeout(60_000);
  let fake: FakeService;
  let dir: string;

  before(async () => {
    execFileSync(process.execPath, ['esbuild.js', '--cli'], { cwd: REPO, stdio: 'inherit' });
    fake = await FakeService.start();
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-docs-e2e-'));
    fs.mkdirSync(path.join(dir, '.git'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ FLUX_API_KEY: KEY, FLUX_BASE_URL: fake.baseUrl });

  it('check → fill → check over Markdown, HTML, reStructuredText, AsciiDoc and LaTeX, with .jpg, a failure and a blocked folder', async () => {
    write(dir, 'docs/guide.md', '# Guide\n\n![A red fox in snow](img/fox.png)\n\nA lighthouse: ![A lighthouse at dusk](img/light.jpg)\n\nAgain ![A lighthouse at dusk](img/light.jpg)\n\n![[moderated] a thing](img/bad.png)\n\n![A blocked bird](blocked/bird.png)\n');
    write(dir, 'docs/blocked', 'a file where a folder would go');
    write(dir, 'docs/other.md', 'The same picture: ![Lighthouse](img/light.jpg)\n');
    write(dir, 'site/page.html', '<p><img src="html/cat.png" alt="A cat on a mat"></p>\n');
    write(dir, 'docs/index.rst', 'Title\n=====\n\n.. image:: rst/owl.png\n   :alt: An owl at night\n');
    write(dir, 'docs/book.adoc', '= Book\n\nimage::adoc/bee.png[A bee on a flower]\n');
    write(dir, 'paper/paper.tex', '\\begin{figure}\n\\includegraphics{tex/wave}\n\\caption{A wave}\n\\end{figure}\n');

    const first = await flux(dir, ['check', '--json']);
    assert.equal(first.code, 1, first.stderr);
    const missing = (JSON.parse(first.stdout) as { missing: { path: string; prompt: string }[] }).missing;
    // Each document that names it: light.jpg from guide.md and other.md.
    assert.deepEqual(missing.map((m) => m.path).sort(), ['docs/adoc/bee.png', 'docs/blocked/bird.png', 'docs/img/bad.png', 'docs/img/fox.png', 'docs/img/light.png', 'docs/img/light.png', 'docs/rst/owl.png', 'paper/tex/wave.png', 'site/html/cat.png']);

    const fill = await flux(dir, ['fill', '--json'], env());
    assert.equal(fill.code, 1, fill.stderr);
    assert.doesNotMatch(fill.stdout + fill.stderr, new RegExp(KEY));
    const result = JSON.parse(fill.stdout) as { written: { path: string; changed: string[] }[]; failed: { path: string; message: string }[]; estimate: number };
    assert.deepEqual(result.written.map((w) => w.path).sort(), ['docs/adoc/bee.png', 'docs/img/fox.png', 'docs/img/light.png', 'docs/rst/owl.png', 'paper/tex/wave.png', 'site/html/cat.png']);
    assert.deepEqual(result.failed.map((f) => f.path).sort(), ['docs/blocked/bird.png', 'docs/img/bad.png']);
    assert.match(result.failed.find((f) => f.path === 'docs/img/bad.png')!.message, /safety|moderat|refused/i);
    assert.ok(result.estimate > 0);
    // The .jpg references now name the .png written for them, both of them; nothing else changed.
    const guide = fs.readFileSync(path.join(dir, 'docs/guide.md'), 'utf8');
    assert.equal(guide.match(/img\/light\.png/g)?.length, 2, guide);
    assert.doesNotMatch(guide, /light\.jpg/);
    assert.match(guide, /!\[A red fox in snow\]\(img\/fox\.png\)/);
    assert.deepEqual(result.written.find((w) => w.path === 'docs/img/light.png')!.changed, ['img/light.jpg → img/light.png', 'img/light.jpg → img/light.png', 'img/light.jpg → img/light.png in docs/other.md']);
    // Named from another document too: made once, that document's reference changed with it.
    assert.equal(fs.readFileSync(path.join(dir, 'docs/other.md'), 'utf8'), 'The same picture: ![Lighthouse](img/light.png)\n');
    // Made once each; no temporary file left anywhere.
    assert.equal(fake.generationRequests.length, 7);
    assert.deepEqual(files(dir).filter((f) => f.includes('.flux-')), []);

    // Each file carries the label and the recipe the extension writes: the same bytes as its pipeline's labelImage.
    const fox = fs.readFileSync(path.join(dir, 'docs/img/fox.png'));
    const meta = readImageMeta(fox);
    assert.equal(meta.aiGenerated, true);
    assert.equal(meta.aiSystem, 'flux-kontext-pro');
    const recipe = meta.recipe!;
    assert.deepEqual(Object.keys(recipe).sort(), ['created', 'model', 'prompt', 'provider', 'seed', 'size', 'v']);
    assert.equal(recipe.prompt, 'A red fox in snow');
    assert.equal(recipe.model, 'flux-kontext-pro');
    assert.equal(recipe.size, '1x1');
    assert.equal(recipe.provider, 'dmxapi');
    assert.equal(typeof recipe.seed, 'number');
    const again = await fetch(fake.generationsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: recipe.prompt, model: recipe.model, size: recipe.size, n: 1, seed: recipe.seed }),
    });
    const raw = Buffer.from(((await again.json()) as { data: { b64_json: string }[] }).data[0]!.b64_json, 'base64');
    assert.deepEqual(Buffer.from(concatBytes(labelImage(raw, { recipe, embedRecipe: true })!)), fox);
    assert.equal(readImageMeta(fs.readFileSync(path.join(dir, 'paper/tex/wave.png'))).recipe?.prompt, 'A wave');

    const recipeOut = await flux(dir, ['recipe', 'docs/img/fox.png']);
    assert.equal(recipeOut.code, 0);
    assert.deepEqual(JSON.parse(recipeOut.stdout), recipe);

    const last = await flux(dir, ['check', '--json']);
    assert.equal(last.code, 1);
    assert.deepEqual((JSON.parse(last.stdout) as { missing: { path: string }[] }).missing.map((m) => m.path).sort(), ['docs/blocked/bird.png', 'docs/img/bad.png']);
    fs.rmSync(path.join(dir, 'docs/blocked'));
    write(dir, 'docs/guide.md', guide.replace('![[moderated] a thing](img/bad.png)', '![A good thing](img/bad.png)'));
    const rest = await flux(dir, ['fill'], env());
    assert.equal(rest.code, 0, rest.stdout + rest.stderr);
    assert.match(rest.stdout, /^written docs\/img\/bad\.png$/m);
    assert.equal((await flux(dir, ['check'])).code, 0);
  });

  it('splits the work across shards: each image made once by 3 jobs, and a dry run lists with the estimate', async () => {
    for (let i = 0; i < 9; i++) write(dir, `docs/p${i}.md`, `![Picture number ${i}](img/p${i}.png)\n`);
    const dry = await flux(dir, ['fill', '--dry-run', '--json', '--budget', '0.2']);
    assert.equal(dry.code, 0, dry.stderr);
    const planned = JSON.parse(dry.stdout) as { planned: unknown[]; skipped: { reason: string }[]; estimate: number };
    assert.equal(planned.planned.length, 5);
    assert.equal(planned.skipped.filter((s) => /budget/.test(s.reason)).length, 4);
    assert.ok(planned.estimate <= 0.2);
    assert.equal(fake.generationRequests.length, 0);
    const made: string[] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const r = await flux(dir, ['fill', '--shard', shard, '--json'], env());
      assert.equal(r.code, 0, r.stderr);
      made.push(...(JSON.parse(r.stdout) as { written: { path: string }[] }).written.map((w) => w.path));
    }
    assert.deepEqual(made.sort(), Array.from({ length: 9 }, (_, i) => `docs/img/p${i}.png`));
    assert.equal(fake.generationRequests.length, 9);
    assert.equal((await flux(dir, ['check'])).code, 0);
  });

  it('stops on Ctrl+C: exit 130, nothing half-made, no temporary file left', async () => {
    for (let i = 0; i < 6; i++) write(dir, `docs/p${i}.md`, `![Picture number ${i}](img/p${i}.png)\n`);
    fake.hold();
    let held: Promise<void> | undefined;
    const r = await flux(dir, ['fill', '--concurrency', '2'], env(), (child) => {
      held = fake.waitForHeld(2, 20_000).then(() => {
        child.kill('SIGINT');
      });
    });
    await held;
    fake.release();
    assert.equal(r.code, 130, r.stdout + r.stderr);
    assert.equal(fake.generationRequests.length, 2);
    assert.deepEqual(files(dir).filter((f) => !f.endsWith('.md')), []);
  });

  it('goes through the proxy of HTTP_PROXY, and never prints its credentials', async () => {
    const proxy = await startProxy({ auth: { username: 'corp', password: 'proxy-pass-4321' }, hosts: { 'flux-upstream.test': '127.0.0.1' } });
    try {
      write(dir, 'a.md', '![A quiet harbour](img/harbour.png)\n');
      const port = new URL(fake.baseUrl).port;
      const proxyUrl = proxy.url.replace('http://', 'http://corp:proxy-pass-4321@');
      const r = await flux(dir, ['fill'], { FLUX_API_KEY: KEY, FLUX_BASE_URL: `http://flux-upstream.test:${port}`, HTTP_PROXY: proxyUrl });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok((proxy.requests.get('flux-upstream.test') ?? 0) >= 1, proxy.log.join('\n'));
      assert.doesNotMatch(r.stdout + r.stderr, /proxy-pass-4321|sk-cli-e2e/);
      assert.ok(fs.existsSync(path.join(dir, 'img/harbour.png')));
    } finally {
      await proxy.close();
    }
  });

  it('fails the image of a read-only folder and makes the others', async () => {
    write(dir, 'a.md', '![One](ro/one.png)\n\n![Two](rw/two.png)\n');
    fs.mkdirSync(path.join(dir, 'ro'));
    fs.chmodSync(path.join(dir, 'ro'), 0o555);
    // Root writes anywhere: as root (CI), the run is made as the unprivileged user "nobody".
    const asRoot = process.getuid?.() === 0;
    let bin = BIN;
    if (asRoot) {
      fs.mkdirSync(path.join(dir, 'rw'));
      fs.chmodSync(path.join(dir, 'rw'), 0o777);
      fs.chmodSync(dir, 0o755);
      // The built tool beside the documents: the repository's folders may be closed to "nobody".
      const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-docs-bin-'));
      fs.cpSync(path.dirname(BIN), copy, { recursive: true });
      fs.chmodSync(copy, 0o755);
      bin = path.join(copy, path.basename(BIN));
    }
    try {
      const r = await flux(dir, ['fill', '--json'], env(), undefined, asRoot ? { uid: 65534, gid: 65534, bin } : undefined);
      assert.equal(r.code, 1);
      const result = JSON.parse(r.stdout) as { written: { path: string }[]; failed: { path: string }[] };
      assert.deepEqual(result.written.map((w) => w.path), ['rw/two.png']);
      assert.deepEqual(result.failed.map((f) => f.path), ['ro/one.png']);
    } finally {
      fs.chmodSync(path.join(dir, 'ro'), 0o755);
      if (bin !== BIN) fs.rmSync(path.dirname(bin), { recursive: true, force: true });
    }
  });
});
