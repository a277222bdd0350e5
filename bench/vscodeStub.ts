// A minimal stand-in for the `vscode` module, enough for the bundle's activate() and one
// generate command, in a plain Node process. What the extension uses is implemented for real
// where it matters (Uri, commands, configuration, workspace.fs on node:fs, SecretStorage);
// anything else is a permissive no-op (a callable Proxy), so the Studio or later code touching
// more API at activation does not break the measurement. `then` is never faked: awaiting a
// stub gives the stub.
import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { Module as NodeModule } from 'node:module';
import * as nodePath from 'node:path';
// Its own namespace, handed out as the `vscode` module (complete by the time it is used).
import * as self from './vscodeStub';

type AnyFn = (...args: unknown[]) => unknown;

function permissive(name: string): unknown {
  const cache = new Map<PropertyKey, unknown>();
  const target = function stub(): void {} as unknown as AnyFn;
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => `[vscode stub ${name}]`;
      if (prop === 'toString' || prop === 'toJSON') return () => `[vscode stub ${name}]`;
      if (prop === Symbol.iterator) return function* () {};
      if (!cache.has(prop)) cache.set(prop, permissive(`${name}.${String(prop)}`));
      return cache.get(prop);
    },
    set(_t, prop, value) {
      cache.set(prop, value);
      return true;
    },
    apply: () => permissive(`${name}()`),
    construct: () => permissive(`new ${name}`) as object,
  });
}

/** Wraps a partial implementation: its own members win, the rest is permissive. */
function partial<T extends object>(name: string, own: T): T {
  const fallback = permissive(name) as Record<PropertyKey, unknown>;
  return new Proxy(own, {
    get(t, prop, receiver) {
      if (prop in t) return Reflect.get(t, prop, receiver);
      if (prop === 'then') return undefined;
      return fallback[prop];
    },
  });
}

export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  constructor(private readonly fn: () => unknown = () => undefined) {}
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners = new Set<(e: T) => unknown>();
  readonly event = (listener: (e: T) => unknown): Disposable => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

const noEvent = (): Disposable => new Disposable();

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', '', nodePath.resolve(p).split(nodePath.sep).join('/'), '', '');
  }
  static parse(value: string): Uri {
    const u = new URL(value);
    return new Uri(u.protocol.replace(/:$/, ''), u.host, decodeURIComponent(u.pathname), u.search.replace(/^\?/, ''), u.hash.replace(/^#/, ''));
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '', c.query ?? '', c.fragment ?? '');
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return base.with({ path: nodePath.posix.normalize(nodePath.posix.join(base.path, ...segments)) });
  }
  get fsPath(): string {
    return this.path;
  }
  with(c: { scheme?: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme ?? this.scheme, c.authority ?? this.authority, c.path ?? this.path, c.query ?? this.query, c.fragment ?? this.fragment);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${encodeURI(this.path)}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, authority: this.authority, path: this.path };
  }
}

export class FileSystemError extends Error {
  code = 'Unknown';
  static FileNotFound(what?: unknown): FileSystemError {
    const e = new FileSystemError(`not found: ${String(what)}`);
    e.code = 'FileNotFound';
    return e;
  }
  static FileExists(what?: unknown): FileSystemError {
    const e = new FileSystemError(`exists: ${String(what)}`);
    e.code = 'FileExists';
    return e;
  }
}

export class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
}

export class RelativePattern {
  constructor(
    readonly base: unknown,
    readonly pattern: string,
  ) {}
}

export const version = '1.100.0';
export const ExtensionMode = { Production: 1, Development: 2, Test: 3 } as const;
export const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 } as const;
export const ViewColumn = { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 } as const;
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 } as const;
export const EndOfLine = { LF: 1, CRLF: 2 } as const;
export const InputBoxValidationSeverity = { Info: 1, Warning: 2, Error: 3 } as const;
export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 } as const;
export const StatusBarAlignment = { Left: 1, Right: 2 } as const;
export const UIKind = { Desktop: 1, Web: 2 } as const;
export const LogLevel = { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 } as const;

/** What the bench can see and set from outside. */
export const stubState = {
  commands: new Map<string, AnyFn>(),
  executed: [] as string[],
  messages: [] as string[],
  log: [] as string[],
  config: {} as Record<string, unknown>,
  workspaceFolder: undefined as string | undefined,
  /** Set by the Studio bench: what a webview panel's `asWebviewUri` and `cspSource` give. */
  webviewOrigin: 'https://file+.vscode-resource.vscode-cdn.net',
  panels: [] as WebviewPanelStub[],
};

/** A webview panel that keeps what the extension gives it: its HTML and its posted messages. */
export interface WebviewPanelStub {
  html: string;
  readonly posted: { at: number; message: unknown }[];
  readonly receive: ((message: unknown) => unknown)[];
  readonly panel: unknown;
}

function createWebviewPanel(viewType: string, title: string): unknown {
  const record: WebviewPanelStub = { html: '', posted: [], receive: [], panel: undefined };
  const disposeListeners = new EventEmitter<void>();
  const webview = partial('Webview', {
    options: {} as unknown,
    get cspSource() {
      return stubState.webviewOrigin;
    },
    get html() {
      return record.html;
    },
    set html(value: string) {
      record.html = value;
    },
    asWebviewUri: (uri: Uri) => Uri.parse(`${stubState.webviewOrigin}${encodeURI(uri.path)}`),
    postMessage: async (message: unknown) => {
      record.posted.push({ at: performance.now(), message });
      return true;
    },
    onDidReceiveMessage: (listener: (message: unknown) => unknown) => {
      record.receive.push(listener);
      return new Disposable(() => record.receive.splice(record.receive.indexOf(listener), 1));
    },
  });
  const panel = partial('WebviewPanel', {
    viewType,
    title,
    webview,
    visible: true,
    active: true,
    viewColumn: ViewColumn.Two,
    options: {},
    iconPath: undefined as unknown,
    reveal: () => undefined,
    onDidDispose: disposeListeners.event,
    onDidChangeViewState: noEvent,
    dispose: () => disposeListeners.fire(),
  });
  (record as { panel: unknown }).panel = panel;
  stubState.panels.push(record);
  return panel;
}

export const l10n = partial('l10n', {
  t(message: string | { message: string; args?: unknown[] }, ...args: unknown[]): string {
    const text = typeof message === 'string' ? message : message.message;
    const values = typeof message === 'string' ? (Array.isArray(args[0]) ? (args[0] as unknown[]) : args) : (message.args ?? []);
    return text.replace(/\{(\d+)\}/g, (m, i: string) => (values[Number(i)] === undefined ? m : String(values[Number(i)])));
  },
  bundle: undefined,
  uri: undefined,
});

export const commands = partial('commands', {
  registerCommand(id: string, fn: AnyFn): Disposable {
    stubState.commands.set(id, fn);
    return new Disposable(() => stubState.commands.delete(id));
  },
  registerTextEditorCommand(id: string, fn: AnyFn): Disposable {
    stubState.commands.set(id, fn);
    return new Disposable(() => stubState.commands.delete(id));
  },
  async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    stubState.executed.push(id);
    const fn = stubState.commands.get(id);
    return fn ? fn(...args) : undefined;
  },
  async getCommands(): Promise<string[]> {
    return [...stubState.commands.keys()];
  },
});

function outputChannel(name: string): unknown {
  const line = (level: string) => (msg: string) => stubState.log.push(`[${name} ${level}] ${msg}`);
  return partial(`OutputChannel(${name})`, {
    name,
    logLevel: LogLevel.Info,
    onDidChangeLogLevel: noEvent,
    trace: line('trace'),
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    append: line('append'),
    appendLine: line('line'),
    replace: () => undefined,
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
  });
}

const message = async (text: string): Promise<undefined> => {
  stubState.messages.push(text);
  return undefined;
};

export const window = partial('window', {
  createOutputChannel: (name: string) => outputChannel(name),
  createWebviewPanel,
  registerWebviewPanelSerializer: () => new Disposable(),
  registerWebviewViewProvider: () => new Disposable(),
  registerUriHandler: () => new Disposable(),
  showInformationMessage: message,
  showWarningMessage: message,
  showErrorMessage: message,
  activeTextEditor: undefined,
  visibleTextEditors: [],
  onDidChangeActiveTextEditor: noEvent,
  onDidChangeVisibleTextEditors: noEvent,
  onDidChangeTextEditorSelection: noEvent,
  onDidChangeActiveColorTheme: noEvent,
  onDidChangeWindowState: noEvent,
  async withProgress<R>(_options: unknown, task: (progress: { report(v: unknown): void }, token: unknown) => Promise<R>): Promise<R> {
    const token = { isCancellationRequested: false, onCancellationRequested: noEvent };
    return task({ report: () => undefined }, token);
  },
});

function configuration(section?: string): unknown {
  const key = (k: string) => (section ? `${section}.${k}` : k);
  return partial('WorkspaceConfiguration', {
    get: (k: string, def?: unknown) => (key(k) in stubState.config ? stubState.config[key(k)] : def),
    has: (k: string) => key(k) in stubState.config,
    inspect: (k: string) => ({ key: key(k), defaultValue: undefined, globalValue: stubState.config[key(k)] }),
    update: async (k: string, v: unknown) => {
      stubState.config[key(k)] = v;
    },
  });
}

async function toStat(p: string): Promise<{ type: number; ctime: number; mtime: number; size: number }> {
  try {
    const s = await fs.lstat(p);
    const type = (s.isFile() ? FileType.File : s.isDirectory() ? FileType.Directory : FileType.Unknown) | (s.isSymbolicLink() ? FileType.SymbolicLink : 0);
    return { type, ctime: s.ctimeMs, mtime: s.mtimeMs, size: s.size };
  } catch {
    throw FileSystemError.FileNotFound(p);
  }
}

export const workspace = partial('workspace', {
  getConfiguration: (section?: string) => configuration(section),
  onDidChangeConfiguration: noEvent,
  onDidChangeTextDocument: noEvent,
  onDidCloseTextDocument: noEvent,
  onDidOpenTextDocument: noEvent,
  onDidSaveTextDocument: noEvent,
  onDidChangeWorkspaceFolders: noEvent,
  onDidGrantWorkspaceTrust: noEvent,
  onDidCreateFiles: noEvent,
  onDidDeleteFiles: noEvent,
  onDidRenameFiles: noEvent,
  isTrusted: true,
  textDocuments: [],
  get workspaceFolders() {
    return stubState.workspaceFolder ? [{ uri: Uri.file(stubState.workspaceFolder), name: 'bench', index: 0 }] : undefined;
  },
  getWorkspaceFolder: (uri: Uri) => (stubState.workspaceFolder && uri.path.startsWith(Uri.file(stubState.workspaceFolder).path) ? { uri: Uri.file(stubState.workspaceFolder), name: 'bench', index: 0 } : undefined),
  asRelativePath: (p: Uri | string) => (typeof p === 'string' ? p : p.path),
  createFileSystemWatcher: () => partial('FileSystemWatcher', { onDidCreate: noEvent, onDidChange: noEvent, onDidDelete: noEvent, dispose: () => undefined }),
  fs: partial('workspace.fs', {
    stat: (u: Uri) => toStat(u.fsPath),
    readFile: async (u: Uri) => new Uint8Array(await fs.readFile(u.fsPath)),
    writeFile: (u: Uri, bytes: Uint8Array) => fs.writeFile(u.fsPath, bytes),
    createDirectory: (u: Uri) => fs.mkdir(u.fsPath, { recursive: true }).then(() => undefined),
    readDirectory: async (u: Uri) => (await fs.readdir(u.fsPath, { withFileTypes: true })).map((d) => [d.name, d.isDirectory() ? FileType.Directory : FileType.File]),
    delete: (u: Uri) => fs.rm(u.fsPath, { recursive: true, force: false }),
    async rename(from: Uri, to: Uri, options?: { overwrite?: boolean }) {
      if (!options?.overwrite) {
        const exists = await fs.stat(to.fsPath).then(() => true, () => false);
        if (exists) throw FileSystemError.FileExists(to.fsPath);
      }
      await fs.rename(from.fsPath, to.fsPath);
    },
    copy: (a: Uri, b: Uri) => fs.copyFile(a.fsPath, b.fsPath),
    isWritableFileSystem: () => true,
  }),
});

export const languages = partial('languages', {
  registerHoverProvider: () => new Disposable(() => undefined),
  registerCodeActionsProvider: () => new Disposable(() => undefined),
  match: () => 0,
});

export const lm = partial('lm', {
  registerTool: () => new Disposable(() => undefined),
  tools: [],
});

export const env = partial('env', {
  language: 'en',
  appName: 'vscode-stub',
  uiKind: UIKind.Desktop,
  machineId: 'stub',
  sessionId: 'stub',
  remoteName: undefined,
  clipboard: { readText: async () => '', writeText: async () => undefined },
  openExternal: async () => true,
  asExternalUri: async (u: Uri) => u,
});

export function makeContext(root: string, secret: string | undefined, workspaceState: Record<string, unknown> = {}): Record<string, unknown> {
  const secrets = new Map<string, string>();
  if (secret) secrets.set('flux.apiKey', secret);
  const memento = (initial: Record<string, unknown> = {}) => {
    const m = new Map<string, unknown>(Object.entries(initial));
    return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()], setKeysForSync: () => undefined };
  };
  const packageJSON = JSON.parse(readFileSync(nodePath.join(root, 'package.json'), 'utf8')) as unknown;
  const extensionUri = Uri.file(root);
  return partial('ExtensionContext', {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri,
    extensionPath: root,
    extensionMode: ExtensionMode.Production,
    extension: { id: 'flux-vscode.flux-vscode', extensionUri, extensionPath: root, packageJSON, isActive: true, extensionKind: 1 },
    secrets: {
      get: async (k: string) => secrets.get(k),
      store: async (k: string, v: string) => void secrets.set(k, v),
      delete: async (k: string) => void secrets.delete(k),
      onDidChange: noEvent,
    },
    globalState: memento(),
    workspaceState: memento(workspaceState),
    storageUri: Uri.file(nodePath.join(root, 'out', 'bench-storage', 'workspace')),
    globalStorageUri: Uri.file(nodePath.join(root, 'out', 'bench-storage', 'global')),
    logUri: Uri.file(nodePath.join(root, 'out', 'bench-storage', 'log')),
    asAbsolutePath: (p: string) => nodePath.join(root, p),
  }) as unknown as Record<string, unknown>;
}

// Anything the list above does not name (new API the Studio uses, types used as values)
// resolves to a permissive stub through the module Proxy installed by the loader.
export const fallback = permissive('vscode');

/**
 * Makes `require('vscode')` return this stand-in (members above, permissive stubs for the
 * rest), and records which Node modules `bundle` (and the bundles beside it) require, for the
 * activation checks.
 */
export function installVscodeStub(bundle?: string): { builtins: Set<string> } {
  const Module = NodeModule as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown; prototype: { require: (id: string) => unknown } };
  const api = new Proxy(self as unknown as Record<PropertyKey, unknown>, {
    get: (t, p) => (p in t ? t[p] : p === 'then' || p === '__esModule' ? undefined : (fallback as Record<PropertyKey, unknown>)[p]),
  });
  const load = Module._load;
  Module._load = function (request: string, parent: unknown, isMain: boolean) {
    return request === 'vscode' ? api : load.call(this, request, parent, isMain);
  };
  const builtins = new Set<string>();
  const req = Module.prototype.require;
  Module.prototype.require = function (this: { filename?: string }, id: string) {
    // The bundle and the bundles it loads from its own folder (dist/features.js on first use).
    if (bundle && this.filename && nodePath.dirname(this.filename) === nodePath.dirname(bundle) && id !== 'vscode' && !id.startsWith('.')) builtins.add(id.replace(/^node:/, ''));
    return req.call(this, id);
  };
  return { builtins };
}
