// Starts and stops code-server (VS Code 1.100.3 in a browser) for the integration and UI
// harnesses and `npm start`, and launches Debian's Chromium to drive it. Everything a run
// writes lives under .run/<name>/ so runs never share state with each other or with $HOME.
// Recipe and reasons: /work/shared/reference/REAL-VSCODE.md.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

/** The folder holding the project's package.json, found from here (test/harness or out/test/harness). */
export function findRepoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, 'esbuild.js'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No project root (package.json + esbuild.js) above ${from}`);
    dir = parent;
  }
}

export const repoRoot = findRepoRoot();
export const runRoot = path.join(repoRoot, '.run');
export const artifactsDir = path.join(repoRoot, 'test-artifacts');
export const codeServerPackageDir = path.join(repoRoot, '.vscode-test', 'code-server', 'node_modules', 'code-server');
const codeServerEntry = path.join(codeServerPackageDir, 'out', 'node', 'entry.js');
export const chromiumPath = process.env.FLUX_CHROMIUM ?? '/usr/bin/chromium';

/** Settings that keep the workbench predictable for automation (see REAL-VSCODE.md). */
export const automationSettings: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none', // the Welcome page steals focus from the palette
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

export interface RunDirs {
  /** .run/<name> */
  readonly base: string;
  readonly home: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly logFile: string;
}

export function runDirs(name: string, extensionsDir?: string): RunDirs {
  const base = path.join(runRoot, name);
  return {
    base,
    home: path.join(base, 'home'),
    userDataDir: path.join(base, 'user-data'),
    extensionsDir: extensionsDir ?? path.join(base, 'extensions'),
    logFile: path.join(base, 'code-server.log'),
  };
}

/** Environment for a code-server process: HOME and XDG dirs inside the run folder. */
function serverEnv(dirs: RunDirs, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
    XDG_DATA_HOME: path.join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
    // No marketplace: the machines are offline, and each gallery query logs an ENOTFOUND error.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
  // A password from the caller's shell would switch auth back on behind --auth none's back.
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  // Inherited from an `npm run`; would make the extension host think it runs under npm.
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  return env;
}

function assertCodeServerInstalled(): void {
  if (!fs.existsSync(codeServerEntry)) {
    throw new Error(
      `code-server is not installed (${codeServerEntry} is missing).\n` +
        'Install it with: bash scripts/install-code-server.sh',
    );
  }
}

function prepareDirs(dirs: RunDirs, fresh: boolean): void {
  if (fresh) fs.rmSync(dirs.base, { recursive: true, force: true });
  for (const d of [dirs.home, path.join(dirs.userDataDir, 'User'), dirs.extensionsDir]) {
    fs.mkdirSync(d, { recursive: true });
  }
}

export function writeUserSettings(dirs: RunDirs, settings: Readonly<Record<string, unknown>>): void {
  const file = path.join(dirs.userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...automationSettings, ...settings }, null, 2) + '\n');
}

/** Installs a .vsix into the run folder's extensions dir with code-server's own CLI. */
export function installExtension(vsixPath: string, dirs: RunDirs): void {
  assertCodeServerInstalled();
  if (!fs.existsSync(vsixPath)) throw new Error(`No extension package at ${vsixPath}`);
  prepareDirs(dirs, false);
  const result = spawnSync(
    process.execPath,
    [
      codeServerEntry,
      '--user-data-dir', dirs.userDataDir,
      '--extensions-dir', dirs.extensionsDir,
      '--disable-telemetry',
      '--install-extension', path.resolve(vsixPath),
      '--force',
    ],
    { env: serverEnv(dirs), encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`Installing ${vsixPath} failed (exit ${String(result.status)}):\n${output}`);
  }
}

/**
 * What an installed language pack leaves behind, as VS Code's server reads it at start
 * (languagepacks.json in the user data folder, pointing at the pack's translations of VS Code).
 */
function writeLanguagePack(dirs: RunDirs, locale: string): void {
  const translations = path.join(dirs.base, 'language-pack', 'main.i18n.json');
  fs.mkdirSync(path.dirname(translations), { recursive: true });
  fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  const packs = {
    [locale]: {
      hash: `flux-test-${locale}`,
      extensions: [{ extensionIdentifier: { id: `flux-test.language-pack-${locale}` }, version: '0.0.1' }],
      translations: { vscode: translations },
      label: locale,
    },
  };
  fs.writeFileSync(path.join(dirs.userDataDir, 'languagepacks.json'), JSON.stringify(packs, null, 2));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** Folder opened in the workbench (absolute). */
  workspace: string;
  /** Run folder name under .run/; default "code-server". */
  name?: string;
  /** Extra environment for the server and so for the extension host and the tests in it. */
  env?: Readonly<Record<string, string>>;
  /** Merged over automationSettings into the user settings.json. */
  userSettings?: Readonly<Record<string, unknown>>;
  extensionsDir?: string;
  /** A .vsix to install before the server starts. */
  installVsix?: string;
  port?: number;
  /** Wipe .run/<name>/ first (default true). */
  fresh?: boolean;
  /** Echo code-server's own output to this process's stderr (default: FLUX_HARNESS_VERBOSE). */
  verbose?: boolean;
  /** More code-server arguments, e.g. ['--locale', 'zh-cn']. */
  extraArgs?: readonly string[];
  /**
   * Display language, e.g. 'zh-cn': `--locale` plus a minimal language pack for it. VS Code
   * switches its language (vscode.env.language, and so the extensions' l10n bundles) only when a
   * language pack for it is installed; the machines are offline, so this one has no translations
   * of VS Code's own words (they stay English) and exists only to switch the language.
   */
  locale?: string;
  /**
   * VS Code's workspace trust on (default off, `--disable-workspace-trust`). On, the folder opens
   * in Restricted Mode without asking: what a person sees who has not trusted a cloned repository.
   */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  /** .run/<name> */
  readonly baseDir: string;
  readonly dirs: RunDirs;
  readonly workspace: string;
  /** http://127.0.0.1:PORT/?folder=<workspace> */
  readonly workbenchUrl: string;
  /** Installs into this server's extensions dir; the window must reload to pick it up. */
  installExtension(vsixPath: string): void;
  /** Settles when the code-server process ends (with its exit code, or the signal's name). */
  readonly exited: Promise<number | string>;
  /** Last lines of code-server's log, for error messages. */
  logTail(lines?: number): string;
  /** Stops the server and everything it started (extension hosts, pty hosts). */
  stop(): Promise<void>;
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Process ids still in the group (the server forks extension hosts into it). */
function groupMembers(pgid: number): number[] {
  const result = spawnSync('ps', ['-e', '-o', 'pid=,pgid='], { encoding: 'utf8' });
  return (result.stdout ?? '')
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([pid, group]) => group === pgid && pid !== undefined && pid > 0)
    .map(([pid]) => pid as number);
}

let signalsWatched = false;

/**
 * On Ctrl+C or a kill, exit (which runs every server's exit hook) unless the program handles
 * the signal itself, as start.ts does to stop gracefully.
 */
function watchSignals(): void {
  if (signalsWatched) return;
  signalsWatched = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    const handler = (): void => {
      if (process.listenerCount(signal) > 1) return;
      process.stderr.write(`\n${signal}: stopping code-server\n`);
      process.exit(code);
    };
    process.on(signal, handler);
  }
}

async function waitForHealth(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${String(child.exitCode ?? child.signalCode)}) before it was healthy:\n${tail(logFile, 30)}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms:\n${tail(logFile, 30)}`);
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  assertCodeServerInstalled();
  const dirs = runDirs(options.name ?? 'code-server', options.extensionsDir);
  prepareDirs(dirs, options.fresh ?? true);
  writeUserSettings(dirs, {
    ...(options.workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } : {}),
    ...options.userSettings,
  });
  if (options.installVsix) installExtension(options.installVsix, dirs);
  if (options.locale) writeLanguagePack(dirs, options.locale);

  const workspace = path.resolve(options.workspace);
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const verbose = options.verbose ?? Boolean(process.env.FLUX_HARNESS_VERBOSE);
  const log = fs.openSync(dirs.logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      codeServerEntry,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--user-data-dir', dirs.userDataDir,
      '--extensions-dir', dirs.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(options.locale ? ['--locale', options.locale] : []),
      ...(options.extraArgs ?? []),
      workspace,
    ],
    {
      env: serverEnv(dirs, options.env),
      cwd: dirs.base,
      // Own process group: stop() can then take down the extension hosts it forks too.
      detached: true,
      stdio: ['ignore', verbose ? 'pipe' : log, verbose ? 'pipe' : log],
    },
  );
  if (verbose) {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        fs.appendFileSync(dirs.logFile, chunk);
        process.stderr.write(`[code-server] ${chunk.toString()}`);
      });
    }
  }
  fs.closeSync(log);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });

  // If this process ends without calling stop(), do not leave a server behind. Its own
  // process group does not get the terminal's Ctrl+C, so signals are handled here too.
  const onExit = (): void => killGroup(child, 'SIGKILL');
  process.on('exit', onExit);
  watchSignals();

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.off('exit', onExit);
      const pgid = child.pid;
      if (pgid === undefined) return;
      killGroup(child, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && groupMembers(pgid).length > 0) {
        await new Promise((r) => setTimeout(r, 100));
      }
      if (groupMembers(pgid).length > 0) {
        killGroup(child, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    return stopped;
  };

  try {
    await waitForHealth(url, child, dirs.logFile, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    url,
    port,
    baseDir: dirs.base,
    dirs,
    workspace,
    workbenchUrl: `${url}/?folder=${encodeURIComponent(workspace)}`,
    installExtension: (vsixPath: string) => installExtension(vsixPath, dirs),
    exited,
    logTail: (lines = 40) => tail(dirs.logFile, lines),
    stop,
  };
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export interface LaunchBrowserOptions {
  /** Profile folder name under .run/ (wiped first); default "browser". */
  name?: string;
  headless?: boolean;
  viewport?: { width: number; height: number };
}

/** Debian's Chromium through playwright-core, with a fresh profile and no background traffic. */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}. Install it with: apt-get install -y chromium (or set FLUX_CHROMIUM).`);
  }
  const profile = path.join(runRoot, options.name ?? 'browser');
  fs.rmSync(profile, { recursive: true, force: true });
  fs.mkdirSync(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    // Chromium's crash handler and caches write under $HOME; keep them in the profile folder.
    env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: path.join(profile, '.config'), XDG_CACHE_HOME: path.join(profile, '.cache') },
    headless: options.headless ?? true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
    },
  };
}

/**
 * Claims .run/<name>.lock for this process, so two runs of the same kind (two terminals, or a
 * person and CI) do not wipe each other's run folders. Released when this process exits.
 */
export function lockRun(name: string): void {
  const lock = path.join(runRoot, `${name}.lock`);
  fs.mkdirSync(runRoot, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      process.on('exit', () => {
        try {
          if (fs.readFileSync(lock, 'utf8') === String(process.pid)) fs.rmSync(lock);
        } catch {
          // already gone
        }
      });
      return;
    } catch {
      const owner = Number(fs.readFileSync(lock, 'utf8'));
      let alive: boolean;
      try {
        process.kill(owner, 0);
        alive = owner > 0 && owner !== process.pid;
      } catch {
        alive = false;
      }
      if (alive) {
        throw new Error(`Another "${name}" run is in progress (pid ${owner}); wait for it, or remove ${lock} if that is wrong.`);
      }
      fs.rmSync(lock, { force: true }); // left by a run that died
    }
  }
  throw new Error(`Could not take ${lock}`);
}

/** Copies a folder to .run/<name>/ (wiped first) and returns the copy's absolute path. */
export function freshCopy(source: string, name: string): string {
  const target = path.join(runRoot, name);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(source, target, { recursive: true });
  return target;
}
