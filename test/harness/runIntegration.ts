// Runs the mocha suite (out/test/suite/index.js) inside the real extension host of code-server.
// VS Code's web test hook: the `payload` query parameter names the extension under development
// and the tests module; the workbench then calls codeAutomationLog with the host's console
// output and codeAutomationExit with the result. See REAL-VSCODE.md.
//
// Environment:
//   FLUX_TEST_TIMEOUT_MS   hard limit for each run (default 900000)
//   FLUX_TEST_GREP         only tests whose title matches (read by test/suite/index.ts)
//   (more passes run the tests titled @zh-cn and @multi-root; see main())
//   FLUX_EXTENSION_PATH    extension under development (default: the repository root)
//   FLUX_HARNESS_VERBOSE   also echo code-server's and the workbench's own log lines
//   FLUX_TESTS_MODULE      another module with run() instead of out/test/suite/index (benchmarks; one pass)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import type { Page } from 'playwright-core';
import { HOST_CONSOLE_TAG } from '../suite/hostConsole';
import { freshCopy, launchBrowser, lockRun, repoRoot, startCodeServer } from './codeServer';
import type { Browser, CodeServer } from './codeServer';
import { HOSTILE_WORKSPACE_SETTINGS } from './hostileSettings';

const timeoutMs = Number(process.env.FLUX_TEST_TIMEOUT_MS ?? 15 * 60_000);
const verbose = Boolean(process.env.FLUX_HARNESS_VERBOSE);

interface LogFile {
  relativePath: string;
  contents: string;
}

function checkBuilt(extensionPath: string, testsModule: string): void {
  const problems: string[] = [];
  if (!fs.existsSync(`${testsModule}.js`)) problems.push(`${path.relative(repoRoot, testsModule)}.js is missing`);
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as { main?: string };
  if (pkg.main && !fs.existsSync(path.join(extensionPath, pkg.main))) {
    problems.push(`the extension's main ${pkg.main} is missing`);
  }
  if (problems.length > 0) {
    throw new Error(`Not built: ${problems.join('; ')}.\nBuild first: node esbuild.js && node esbuild.js --tests`);
  }
}

/** Workbench lines that arrive while the suite runs and say nothing about the tests. */
const workbenchNoise: readonly RegExp[] = [
  /^Ignoring fetching additional builtin extensions from gallery/,
  /^Updating additional builtin extensions cache/,
  /^\[node\.js fs\] /, // VS Code logs each failed fs call a test makes on purpose
  /^No extension gallery service configured/, // the zh-cn run's workbench looks for language packs offline
  // The chat test that cancels a tool call on purpose: the workbench logs the cancel as an error
  // (only a cancel, nothing else the tool throws).
  /^\[LanguageModelToolsService#invokeTool\] Error from tool flux_\w+ with parameters .*:\nCanceled(: Canceled)*\n/,
];

/**
 * What the workbench logs as an error when it refuses an edit made against an older version of a
 * document: the link inserter makes such edits on purpose (and tries again), and the tests that
 * type while an image is made cause them. Kept for a failing run's list, not printed in a passing one.
 */
const expectedRefusals: readonly RegExp[] = [/has changed in the meantime/, /have changed in the meantime/];

/** Turns a codeAutomationLog message (console-style arguments) into one line. */
function messageText(message: unknown): string {
  if (!Array.isArray(message)) return typeof message === 'string' ? message : JSON.stringify(message);
  return format(...(message as unknown[]));
}

function saveLogs(baseDir: string, logs: readonly LogFile[] | undefined): string {
  const dir = path.join(baseDir, 'workbench-logs');
  for (const log of logs ?? []) {
    const file = path.join(dir, log.relativePath);
    if (!file.startsWith(dir)) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, log.contents);
  }
  return dir;
}

async function runSuite(page: Page, server: CodeServer, extensionPath: string, testsModule: string, workbenchUrl = server.workbenchUrl): Promise<number> {
  const workbenchLog = path.join(server.baseDir, 'workbench.log');
  const appendLog = (line: string): void => fs.appendFileSync(workbenchLog, `${line}\n`);

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  // The workbench sends its own log and the extension host's console through the same
  // function. Mocha's reporter lines carry a tag (test/suite/hostConsole.ts); once the first
  // one arrives the suite is running, and untagged lines are then the tests' and the
  // extension's console output (with the odd workbench line), so those are printed too.
  const workbenchErrors: string[] = [];
  let suiteStarted = false;
  await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
    const text = messageText(message);
    appendLog(`[${level}] ${text}`);
    if (text.includes(HOST_CONSOLE_TAG)) {
      suiteStarted = true;
      process.stdout.write(`${text.split(HOST_CONSOLE_TAG).join('')}\n`);
    } else if (suiteStarted && expectedRefusals.some((re) => re.test(text))) {
      workbenchErrors.push(text);
    } else if (suiteStarted && !workbenchNoise.some((re) => re.test(text))) {
      process.stdout.write(`${level === 'info' ? '' : `[${level}] `}${text}\n`);
    } else if (verbose) {
      process.stderr.write(`[workbench ${level}] ${text}\n`);
    } else if (level === 'error') {
      workbenchErrors.push(text);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code: number, logs?: LogFile[]) => {
    const dir = saveLogs(server.baseDir, logs);
    appendLog(`[exit] ${code}; logs in ${dir}`);
    finish(code);
  });
  page.on('pageerror', (err) => appendLog(`[pageerror] ${err.stack ?? err.message}`));
  page.on('console', (msg) => appendLog(`[console.${msg.type()}] ${msg.text()}`));
  page.on('crash', () => {
    process.stderr.write('The browser page crashed.\n');
    finish(1);
  });

  const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsModule)],
  ];
  const url = `${workbenchUrl}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      process.stderr.write(
        `\nIntegration tests did not finish within ${Math.round(timeoutMs / 1000)} s (FLUX_TEST_TIMEOUT_MS).\n` +
          `Workbench log: ${path.relative(repoRoot, workbenchLog)}\n` +
          `code-server log (last lines):\n${server.logTail(20)}\n`,
      );
      resolve(124);
    }, timeoutMs);
  });
  try {
    const code = await Promise.race([finished, timedOut]);
    if (code !== 0 && workbenchErrors.length > 0) {
      // The expected refusals are counted, not listed: a run that types while links land logs dozens.
      const refusals = workbenchErrors.filter((e) => expectedRefusals.some((re) => re.test(e))).length;
      const listed = workbenchErrors.filter((e) => !expectedRefusals.some((re) => re.test(e)));
      const list = listed.map((e) => `  ${e.split('\n').join('\n  ')}`).join('\n');
      const counted = refusals > 0 ? `  (and ${refusals} expected 'has changed in the meantime' refusals of link edits, each tried again)\n` : '';
      process.stderr.write(`\nErrors the workbench logged:\n${list ? `${list}\n` : ''}${counted}`);
    }
    return code;
  } finally {
    clearTimeout(timer);
  }
}

/** A pass of the suite: the English one, or one that runs only the tests titled with its tag. */
interface Pass {
  readonly name: string;
  /** FLUX_TEST_PASS inside the host, which test/suite/index.ts turns into the tag filter. */
  readonly tag?: 'zh-cn' | 'multi-root' | 'untrusted';
  readonly locale?: string;
  /** Workspace trust on, the folder not trusted, and workspace settings a hostile repository might ship. */
  readonly untrusted?: boolean;
}

/** Two folders (first/, second/) copied from the fixture, and a .code-workspace that opens both. */
function multiRootWorkspace(name: string): string {
  const base = path.join(repoRoot, '.run', name);
  fs.rmSync(base, { recursive: true, force: true });
  for (const folder of ['first', 'second']) fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'), path.join(base, folder), { recursive: true });
  const file = path.join(base, 'multi.code-workspace');
  fs.writeFileSync(file, JSON.stringify({ folders: [{ path: 'first' }, { path: 'second' }], settings: {} }, null, 2));
  return file;
}

/** One code-server + Chromium run of the suite. */
async function runOnce(pass: Pass, extensionPath: string, testsModule: string): Promise<number> {
  const started = Date.now();
  const workspace = pass.tag === 'multi-root' ? multiRootWorkspace(`${pass.name}-ws`) : freshCopy(path.join(repoRoot, 'test', 'fixtures', 'workspace'), `${pass.name}-ws`);
  if (pass.untrusted) {
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(HOSTILE_WORKSPACE_SETTINGS, null, 2));
  }
  const server = await startCodeServer({
    name: pass.name,
    workspace,
    ...(pass.untrusted ? { workspaceTrust: true } : {}),
    env: { FLUX_TEST_WORKSPACE: workspace, FLUX_TEST_RUNNER: 'code-server', ...(pass.tag ? { FLUX_TEST_PASS: pass.tag } : {}) },
    ...(pass.locale ? { locale: pass.locale } : {}),
  });
  let browser: Browser | undefined;
  try {
    process.stdout.write(`code-server ${server.url}${pass.tag ? ` (tests titled @${pass.tag})` : ''} (run folder ${path.relative(repoRoot, server.baseDir)})\n`);
    browser = await launchBrowser({ name: `${pass.name}-browser` });
    const url = pass.tag === 'multi-root' ? `${server.url}/?workspace=${encodeURIComponent(workspace)}` : server.workbenchUrl;
    const code = await runSuite(browser.page, server, extensionPath, testsModule, url);
    // VS Code warns when the extension host stops answering; a run that caused that says so
    // (counted from the suite's `measuring` marker on, when it prints one, so start-up is not blamed).
    const log = fs.readFileSync(path.join(server.baseDir, 'workbench.log'), 'utf8');
    const marker = log.indexOf('measuring:start');
    const unresponsive = log.slice(Math.max(0, marker)).match(/^\[info\] Extension host .* is unresponsive/gm)?.length ?? 0;
    process.stdout.write(`Extension host unresponsive warnings: ${unresponsive}\n`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`\nIntegration tests${pass.tag ? ` (@${pass.tag})` : ''} ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${seconds} s.\n`);
    if (code !== 0) {
      process.stdout.write(`Logs: ${path.relative(repoRoot, server.baseDir)}/{workbench.log,code-server.log,workbench-logs/}\n`);
    }
    return code;
  } finally {
    await browser?.close();
    await server.stop();
  }
}

async function main(): Promise<number> {
  lockRun('integration');
  const extensionPath = path.resolve(process.env.FLUX_EXTENSION_PATH ?? repoRoot);
  const otherModule = process.env.FLUX_TESTS_MODULE;
  const testsModule = path.join(repoRoot, otherModule ?? path.join('out', 'test', 'suite', 'index'));
  checkBuilt(extensionPath, testsModule);
  if (otherModule) return runOnce({ name: 'integration' }, extensionPath, testsModule);

  // Tests titled "@zh-cn" run only in a second, short run with VS Code's display language set
  // to Chinese: that is what makes vscode.l10n pick l10n/bundle.l10n.zh-cn.json in the host.
  // Tests titled "@multi-root" run in a window with two workspace folders, and "@untrusted" in a
  // folder VS Code does not trust (Restricted Mode) whose settings try to redirect. With FLUX_TEST_GREP
  // set, a tagged pass runs only when the pattern names its tag, and the plain pass unless the
  // pattern is just a tag.
  const grep = process.env.FLUX_TEST_GREP;
  const passes: Pass[] = [
    { name: 'integration' },
    { name: 'integration-zh-cn', tag: 'zh-cn', locale: 'zh-cn' },
    { name: 'integration-multi-root', tag: 'multi-root' },
    { name: 'integration-untrusted', tag: 'untrusted', untrusted: true },
  ];
  const wanted = passes.filter((p) => !grep || (p.tag ? grep.includes(p.tag) : !/^@[\w-]+$/.test(grep)));
  let result = 0;
  for (const pass of wanted) {
    const code = await runOnce(pass, extensionPath, testsModule);
    if (result === 0) result = code;
  }
  return result;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`Integration run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
