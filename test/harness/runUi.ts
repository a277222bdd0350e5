// UI tests: packages the built extension into a .vsix, installs it into a fresh code-server,
// opens the workbench in Chromium and runs mocha over out/test/ui/**/*.ui.js in this process.
// Test files reach the server, page and fake service through uiContext.ts. Builds nothing
// itself: `npm run test:ui` builds first.
//
// Environment:
//   FLUX_TEST_TIMEOUT_MS   hard limit for the whole run (default 300000)
//   FLUX_TEST_GREP         only tests whose title matches
//   FLUX_HARNESS_VERBOSE   echo code-server's output
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { FakeService } from '../fake/fakeService';
import { artifactsDir, freshCopy, launchBrowser, lockRun, repoRoot, runRoot, startCodeServer } from './codeServer';
import type { Browser, CodeServer } from './codeServer';
import { timeHooks } from './hookTimes';
import { createUiContext, setUiContext } from './uiContext';
import { dismissDialog, resetWorkbench } from './workbench';
import { packageExtension } from './vsix';
import { openWorkbench, screenshot } from './workbench';

const timeoutMs = Number(process.env.FLUX_TEST_TIMEOUT_MS ?? 15 * 60_000);
const uiTestsDir = path.join(repoRoot, 'out', 'test', 'ui');

function findUiTests(): string[] {
  if (!fs.existsSync(uiTestsDir)) return [];
  return fs
    .readdirSync(uiTestsDir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ui.js'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function main(): Promise<number> {
  const started = Date.now();
  lockRun('ui');
  const files = findUiTests();
  if (files.length === 0) {
    throw new Error(`No UI tests in ${path.relative(repoRoot, uiTestsDir)}/**/*.ui.js. Build first: node esbuild.js --tests`);
  }

  const vsix = packageExtension(path.join(runRoot, 'flux-vscode.vsix'));
  process.stdout.write(`Packaged ${path.relative(repoRoot, vsix)} (${elapsed(started)})\n`);

  const workspace = freshCopy(path.join(repoRoot, 'test', 'fixtures', 'workspace'), 'ui-ws');
  const fake = await FakeService.start();
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({
      name: 'ui',
      workspace,
      installVsix: vsix,
      userSettings: { 'flux.baseUrl': fake.baseUrl },
      env: { FLUX_TEST_WORKSPACE: workspace },
    });
    browser = await launchBrowser({ name: 'ui-browser' });
    const page = browser.page;
    const consoleLog = path.join(server.baseDir, 'browser-console.log');
    page.on('console', (msg) => fs.appendFileSync(consoleLog, `[${msg.type()}] ${msg.text()}\n`));
    page.on('pageerror', (err) => fs.appendFileSync(consoleLog, `[pageerror] ${err.stack ?? err.message}\n`));
    await openWorkbench(page, server.url, workspace);
    process.stdout.write(`Workbench open at ${server.url} (${elapsed(started)})\n`);
    setUiContext(createUiContext(server, browser, workspace, fake));

    const mocha = new Mocha({
      ui: 'bdd',
      reporter: 'spec',
      timeout: 60_000,
      ...(process.env.FLUX_TEST_GREP ? { grep: process.env.FLUX_TEST_GREP } : {}),
    });
    mocha.suite.afterEach(async function () {
      const test = this.currentTest;
      if (test?.state === 'failed') {
        const file = await screenshot(page, `ui-failed-${test.fullTitle()}`).catch(() => undefined);
        if (file) process.stdout.write(`      screenshot: ${path.relative(repoRoot, file)}\n`);
      }
      // A dialog left open blocks every later test: answer it, whatever this test did.
      await dismissDialog(page).catch(() => undefined);
    });

    for (const file of files) mocha.addFile(file);
    await mocha.loadFilesAsync();
    // Each top-level suite starts from a clean workbench, whatever the one before it left open:
    // this hook goes first, before the suite's own set-up.
    for (const suite of mocha.suite.suites) {
      suite.beforeAll('a clean workbench', () => resetWorkbench(page));
      const hooks = (suite as unknown as { _beforeAll: unknown[] })._beforeAll;
      hooks.unshift(hooks.pop());
    }
    const failures = await new Promise<number>((resolve) => timeHooks(mocha.run(resolve), (line) => process.stdout.write(`${line}\n`)));
    process.stdout.write(
      `UI tests ${failures === 0 ? 'passed' : `failed (${failures})`} in ${elapsed(started)}; ` +
        `screenshots in ${path.relative(repoRoot, artifactsDir)}/\n`,
    );
    if (failures > 0) process.stdout.write(`Logs: ${path.relative(repoRoot, server.baseDir)}/{code-server.log,browser-console.log}\n`);
    return failures === 0 ? 0 : 1;
  } finally {
    setUiContext(undefined);
    await browser?.close();
    await server?.stop();
    await fake.close();
  }
}

const hardLimit = setTimeout(() => {
  process.stderr.write(`\nUI tests did not finish within ${Math.round(timeoutMs / 1000)} s (FLUX_TEST_TIMEOUT_MS); giving up.\n`);
  // process.exit runs codeServer.ts's exit hook, which kills the server's process group.
  process.exit(124);
}, timeoutMs);
hardLimit.unref();

main().then(
  (code) => {
    process.exitCode = code;
    // A test that leaves a handle open must not keep the run alive.
    setTimeout(() => process.exit(), 5_000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`UI run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
