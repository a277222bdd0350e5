// Figure 5: the Image Studio opened with a long history.
//   Host: the production bundle, activated through the `vscode` stand-in with N history
//   entries in its workspace state, opens the Studio and answers the webview's `ready`
//   (bench/studioHostChild.js). We keep its page HTML and its `init` message and check that
//   no image bytes travel in them.
//   Webview: that HTML, served with media/ and N small PNG files from a local HTTP server
//   whose origin plays the webview resource origin (so the page's own CSP applies), loaded in
//   headless Chromium with a stand-in `acquireVsCodeApi`; when the page says `ready`, the
//   `init` message is posted to it. Timed: init posted -> the next frame after the cards are
//   in the DOM, and navigation start -> that frame; the same with an empty history as the
//   reference.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import type * as HistoryModule from '../src/core/history';
import { makePng } from '../test/fake/png';
import type { StudioHostResult } from './studioHostChild';
import { median, run } from './stats';

export type StudioResult =
  | { readonly ok: false; readonly reason: string }
  | {
      readonly ok: true;
      readonly entries: number;
      readonly initBytes: number;
      readonly htmlBytes: number;
      readonly noImageBytes: boolean;
      readonly longestBase64Run: number;
      /** flux.openStudio until the panel has its HTML (host, fresh process). */
      readonly hostOpenMs: number;
      /** The webview's `ready` until the host posted `init`. */
      readonly hostInitMs: number;
      readonly emptyHostOpenMs: number;
      readonly emptyHostInitMs: number;
      readonly firstScreenMs: number;
      readonly loadToScreenMs: number;
      readonly emptyFirstScreenMs: number;
      readonly emptyLoadToScreenMs: number;
      readonly cards: number;
      readonly imagesRequested: number;
      readonly samples: { full: PageTiming[]; empty: PageTiming[] };
    };

export interface PageTiming {
  readonly ready: number;
  readonly posted: number;
  readonly screen: number;
  readonly cards: number;
  readonly images: number;
  readonly errors: string[];
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** What a history card is in the webview's DOM. */
const CARD_SELECTOR = 'li.item';

const SUBJECTS = ['a red fox in fresh snow', 'a lighthouse at dusk', 'a bowl of ramen, steam rising', 'an old tram in Lisbon', 'a paper crane on a desk', 'mountains above the clouds', 'a cat asleep on a keyboard', '雨后的江南小巷', 'a robot watering plants', 'a cup of coffee, latte art'];
const STYLES = ['watercolour', 'isometric illustration', '35mm film photo', 'flat vector icon', 'oil painting, impasto', 'pencil sketch', 'studio product shot', '漫画风格'];
const LIGHT = ['morning light', 'golden hour', 'overcast, soft shadows', 'neon at night', 'candle light'];

export async function studioBench(root: string, entries: number, rounds: number, log: (line: string) => void): Promise<StudioResult> {
  const bundle = path.join(root, 'dist', 'extension.js');
  const script = path.join(root, 'media', 'build', 'studio.js');
  if (!fs.existsSync(path.join(root, 'src', 'studio')) || !fs.existsSync(script)) return { ok: false, reason: 'the Studio is not built (src/studio/ or media/build/studio.js missing)' };
  if (!fs.existsSync(CHROMIUM)) return { ok: false, reason: `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)` };
  let historyModule: typeof HistoryModule;
  try {
    // Loaded here, not imported: the rest of the benchmark runs without the Studio.
    historyModule = createRequire(__filename)('../src/core/history') as typeof HistoryModule;
  } catch (err) {
    return { ok: false, reason: `src/studio/historyStore could not be loaded: ${String(err)}` };
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-bench-studio-'));
  const workspace = path.join(dir, 'workspace');
  const assets = path.join(workspace, 'assets');
  fs.mkdirSync(assets, { recursive: true });
  const imageRequests: number[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = decodeURIComponent(url.pathname);
    const page = pages.get(file);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page);
      return;
    }
    // Only the extension's media/ and the workspace's images, as localResourceRoots allows.
    const allowed = [path.join(root, 'media') + path.sep, workspace + path.sep].some((r) => file.startsWith(r));
    if (!allowed || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    if (file.startsWith(workspace)) imageRequests.push(performance.now());
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.svg') ? 'image/svg+xml' : file.endsWith('.png') ? 'image/png' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type });
    fs.createReadStream(file).pipe(res);
  });
  const pages = new Map<string, string>();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  let browser: Browser | undefined;
  try {
    const host = async (n: number): Promise<StudioHostResult> => {
      const stateFile = path.join(dir, `state-${n}.json`);
      if (!fs.existsSync(stateFile)) fs.writeFileSync(stateFile, JSON.stringify(await historyState(historyModule, assets, n)));
      const outFile = path.join(dir, `host-${n}.json`);
      const r = await run(process.execPath, [path.join(__dirname, 'studioHostChild.js'), bundle, origin, workspace, stateFile, outFile]);
      if (r.code !== 0) throw new Error(`studio host child failed: ${r.stderr.trim().split('\n').slice(0, 4).join(' / ')}`);
      return JSON.parse(fs.readFileSync(outFile, 'utf8')) as StudioHostResult;
    };
    // The host side in fresh processes, interleaved with an empty history as the reference.
    const hosts = { full: [] as StudioHostResult[], empty: [] as StudioHostResult[] };
    for (let i = 0; i < Math.max(3, rounds); i++) {
      hosts.full.push(await host(entries));
      hosts.empty.push(await host(0));
    }
    const full = hosts.full[0]!;
    const empty = hosts.empty[0]!;
    const init = full.posted.find((m) => (m as { type?: string }).type === 'init') as { items?: unknown[] } | undefined;
    const emptyInit = empty.posted.find((m) => (m as { type?: string }).type === 'init');
    if (!init || !emptyInit) return { ok: false, reason: 'the host posted no `init` after `ready`' };
    if (init.items?.length !== entries) return { ok: false, reason: `the host's init lists ${init.items?.length} of ${entries} entries` };
    const initJson = JSON.stringify(init);
    const allPosted = JSON.stringify(full.posted) + full.html;
    const longestBase64Run = Math.max(0, ...(allPosted.match(/[A-Za-z0-9+/=]{64,}/g) ?? []).map((s) => s.length));
    const noImageBytes = !/data:image\//i.test(allPosted) && !/iVBORw0KGgo/.test(allPosted) && longestBase64Run < 1024;
    pages.set('/__studio-full.html', full.html);
    pages.set('/__studio-empty.html', empty.html);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const load = async (name: string, message: unknown): Promise<PageTiming> => {
      const context = await browser!.newContext({ viewport: { width: 800, height: 1000 } });
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        await page.addInitScript(benchScript, { message, selector: CARD_SELECTOR });
        const before = imageRequests.length;
        await page.goto(`${origin}/__studio-${name}.html`);
        await page.waitForFunction(() => (window as unknown as { __bench: { screen: number } }).__bench.screen > 0, undefined, { timeout: 15000 });
        // Let the lazy images of the first screen start loading before counting them.
        await page.waitForTimeout(400);
        const t = await page.evaluate(() => (window as unknown as { __bench: Omit<PageTiming, 'images' | 'errors'> }).__bench);
        return { ready: t.ready, posted: t.posted, screen: t.screen, cards: t.cards, images: imageRequests.length - before, errors };
      } finally {
        await context.close();
      }
    };
    const samples = { full: [] as PageTiming[], empty: [] as PageTiming[] };
    await load('full', init);
    await load('empty', emptyInit);
    for (let i = 0; i < rounds; i++) {
      samples.full.push(await load('full', init));
      samples.empty.push(await load('empty', emptyInit));
    }
    const errors = [...samples.full, ...samples.empty].flatMap((s) => s.errors);
    if (errors.length) log(`  studio page reported errors: ${[...new Set(errors)].slice(0, 3).join(' / ')}`);
    log(`  studio first screen (ms): full ${samples.full.map((s) => (s.screen - s.posted).toFixed(1)).join(' ')}; empty ${samples.empty.map((s) => (s.screen - s.posted).toFixed(1)).join(' ')}`);
    return {
      ok: true,
      entries,
      initBytes: Buffer.byteLength(initJson),
      htmlBytes: Buffer.byteLength(full.html),
      noImageBytes,
      longestBase64Run,
      hostOpenMs: median(hosts.full.map((h) => h.openMs)),
      hostInitMs: median(hosts.full.map((h) => h.initMs)),
      emptyHostOpenMs: median(hosts.empty.map((h) => h.openMs)),
      emptyHostInitMs: median(hosts.empty.map((h) => h.initMs)),
      firstScreenMs: median(samples.full.map((s) => s.screen - s.posted)),
      loadToScreenMs: median(samples.full.map((s) => s.screen)),
      emptyFirstScreenMs: median(samples.empty.map((s) => s.screen - s.posted)),
      emptyLoadToScreenMs: median(samples.empty.map((s) => s.screen)),
      cards: median(samples.full.map((s) => s.cards)),
      imagesRequested: median(samples.full.map((s) => s.images)),
      samples,
    };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    await browser?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs in the page before its scripts: the webview's `acquireVsCodeApi`. When the Studio says
 * `ready`, the host's `init` is posted to the window, as VS Code delivers host messages; the
 * first screen is the frame after the init handler ran (rAF, then a task: after paint).
 */
function benchScript(arg: { message: unknown; selector: string }): void {
  const bench = { ready: 0, posted: 0, screen: 0, cards: 0 };
  (window as unknown as { __bench: typeof bench }).__bench = bench;
  let state: unknown;
  (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
    postMessage(m: { type?: string }) {
      if (m?.type !== 'ready' || bench.ready) return;
      bench.ready = performance.now();
      // Registered after the Studio's own listener, so it runs once the Studio has handled init.
      window.addEventListener(
        'message',
        () => {
          requestAnimationFrame(() =>
            setTimeout(() => {
              bench.cards = document.querySelectorAll(arg.selector).length;
              bench.screen = performance.now();
            }, 0),
          );
        },
        { once: true },
      );
      setTimeout(() => {
        bench.posted = performance.now();
        window.postMessage(arg.message, '*');
      }, 0);
    },
    getState: () => state,
    setState: (s: unknown) => (state = s),
  });
}

/** The workspace state a Studio with `n` images would have: written by the HistoryStore itself. */
async function historyState(mod: typeof HistoryModule, assets: string, n: number): Promise<Record<string, unknown>> {
  const stored = new Map<string, unknown>();
  const storage = { get: <T>(key: string) => stored.get(key) as T | undefined, update: async (key: string, value: unknown) => void stored.set(key, value) };
  const store = new mod.HistoryStore(storage, { maxEntries: Math.max(n, 1), maxChars: 50_000_000 });
  const thumb = makePng(96, 96, { seed: 3 });
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    const prompt = `${SUBJECTS[i % SUBJECTS.length]}, ${STYLES[(i * 7) % STYLES.length]}, ${LIGHT[(i * 3) % LIGHT.length]}${i % 5 === 0 ? ', highly detailed, wide angle, shallow depth of field, rule of thirds' : ''}`;
    const name = `${prompt.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 40).replace(/-+$/, '')}-${i}.png`;
    const file = path.join(assets, name);
    if (!fs.existsSync(file)) fs.writeFileSync(file, thumb);
    await store.add({
      id: `bench-${i.toString(36).padStart(4, '0')}`,
      prompt,
      model: ['flux-kontext-pro', 'flux-kontext-max', 'flux-kontext-dev'][i % 3]!,
      size: ['1x1', '16x9', '3x4', '1024x768'][i % 4]!,
      seed: 1000 + i * 7919,
      createdAt: start + i * 60_000,
      durationMs: 8000 + (i % 13) * 700,
      width: 1024,
      height: 1024,
      file: `file://${encodeURI(file)}`,
    });
  }
  await store.flush();
  return Object.fromEntries(stored);
}
