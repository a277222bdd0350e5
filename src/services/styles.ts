// House styles in the host (docs/CONTRACT.md, "House styles"): `.vscode/flux-styles.json` of each
// workspace folder, read when asked (so a saved change applies at once) and watched (so pickers and
// the status bar hear of it), and the style a document's images are made with, checked before
// anything is sent. Styles choose models, sizes and files to send: not applied in an untrusted workspace.
import * as vscode from 'vscode';
import { resolveInFolder } from '../core/editInput';
import { FluxError, type Text } from '../core/errors';
import { documentLanguage, languageOfExtension, type DocumentLanguage } from '../core/documents/types';
import { checkModelRequest, type OutputFormat } from '../core/models';
import { chooseStyle, declaredStyle, parseStylesFile, STYLES_FILE, styleFrom, type StyleDef, type StyleSource, type StylesFile } from '../core/styles';
import { plainLabel } from '../core/safeText';
import { readConfig } from './config';
import { readEditInputFile } from './editInputFile';
import { displayPath, statOrUndefined } from './imageStore';

/** A style as a job uses it, its references found and checked; snapshotted when the job starts. */
export interface ResolvedStyle {
  readonly name: string;
  /** The style's `prompt`: `{prompt}` where the writer's words go. */
  readonly template: string;
  readonly description?: string;
  /** Its reference images, in order, inside the workspace, checked to be images of at most 20 MB. */
  readonly references: readonly vscode.Uri[];
  readonly model?: string;
  readonly size?: string;
  readonly megapixels?: number;
  readonly outputFormat?: OutputFormat;
  /** The styles file it came from. */
  readonly file: vscode.Uri;
  /** What chose it: a command argument, the document's declaration, `flux.style`, the file's default. */
  readonly source: StyleSource;
}

/** What a document is, for choosing its style: its text and language, and where it lives. */
export type StyleSubject = vscode.TextDocument | vscode.Uri | undefined;

/** The styles file of a workspace folder. */
export function stylesFileOf(folder: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(folder, STYLES_FILE);
}

export class StyleRegistry implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** A styles file was created, changed or deleted (its folder), `flux.style` changed, or trust was granted (undefined). */
  readonly onDidChange: vscode.Event<vscode.Uri | undefined> = this.changed.event;
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.watchFolders();
    this.subscriptions.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.watchFolders()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('flux.style')) this.changed.fire(undefined);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire(undefined)),
    );
  }

  /** False in an untrusted workspace: no style is applied (see `untrustedReason`). */
  get applies(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Why styles are not applied (for the status bar), or undefined when they are. */
  untrustedReason(): string | undefined {
    return vscode.workspace.isTrusted ? undefined : vscode.l10n.t('House styles are not applied in an untrusted workspace: they choose models, sizes and files to send.');
  }

  /** The workspace folder whose styles apply to `subject` (the first folder when it is in none). */
  folderOf(subject: StyleSubject): vscode.WorkspaceFolder | undefined {
    const uri = subject instanceof vscode.Uri ? subject : subject?.uri;
    return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
  }

  /** The folder's styles file as read now; undefined when there is none. */
  async read(folder: vscode.WorkspaceFolder | vscode.Uri): Promise<StylesFile | undefined> {
    const file = stylesFileOf(folder instanceof vscode.Uri ? folder : folder.uri);
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(file);
    } catch {
      return undefined;
    }
    return parseStylesFile(new TextDecoder().decode(bytes), displayPath(file));
  }

  /** The folder's well-written styles, by name in the file's order, for pickers (empty without a file). */
  async list(folder: vscode.WorkspaceFolder | vscode.Uri): Promise<{ readonly name: string; readonly style: StyleDef }[]> {
    const file = await this.read(folder);
    return file ? Object.entries(file.styles).map(([name, style]) => ({ name, style })) : [];
  }

  /**
   * The style name `subject` uses and what chose it (explicit, its own declaration, `flux.style`,
   * the file's default), without checking the style; undefined for none. Ignores trust (see `applies`).
   */
  async choose(subject: StyleSubject, explicit?: string | null): Promise<{ readonly name: string; readonly source: StyleSource } | undefined> {
    if (explicit === null) return undefined;
    const folder = this.folderOf(subject);
    const scope = subject instanceof vscode.Uri ? subject : (subject?.uri ?? folder?.uri);
    const { style: setting } = readConfig(scope);
    const declared = explicit ? undefined : await declarationOf(subject);
    // The file's default is read only when nothing else said.
    const first = chooseStyle({ explicit: explicit ?? undefined, declared, setting });
    if (first || [explicit, declared, setting].some((v) => typeof v === 'string' && v.trim() !== '')) return first;
    const file = folder ? await this.read(folder) : undefined;
    // Nothing said, and the file cannot be read: its default, if it has one, is unknown. Making the
    // image without the house style would be paying for the wrong picture, so `resolve` says so.
    if (file?.error) throw new FluxError('invalidInput', vscode.l10n.t(file.error.template, ...file.error.args));
    return chooseStyle({ fileDefault: file?.default });
  }

  /**
   * The style `subject`'s images are made with (`explicit`: a command's or the chat tool's
   * `style`, `null` for none), its references checked; undefined for none, and always in an
   * untrusted workspace. Throws a FluxError (invalidInput) naming the file and the style when it
   * cannot be used, before anything is sent. `options.model`: the model the request sends when the
   * style names none (the Studio's form), for the references' limit; default `flux.model`.
   */
  async resolve(subject: StyleSubject, explicit?: string | null, options: { readonly model?: string } = {}): Promise<ResolvedStyle | undefined> {
    if (!this.applies) return undefined;
    const chosen = await this.choose(subject, explicit);
    if (!chosen) return undefined;
    const folder = this.folderOf(subject);
    if (!folder) {
      throw new FluxError('invalidInput', vscode.l10n.t('The style “{0}” was asked for, but no workspace folder is open, so there is no {1}. Nothing was sent.', chosen.name, STYLES_FILE));
    }
    const file = stylesFileOf(folder.uri);
    const shown = displayPath(file);
    const read = await this.read(folder);
    if (!read) throw new FluxError('invalidInput', vscode.l10n.t('The style “{0}” was asked for, but {1} does not exist. Nothing was sent.', chosen.name, shown));
    let style: StyleDef;
    try {
      style = styleFrom(read, chosen.name, shown);
    } catch (err) {
      throw localized(err);
    }
    const references: vscode.Uri[] = [];
    for (const path of style.references ?? []) references.push(await this.checkReference(folder.uri, path, chosen.name, shown));
    // More references than the model takes: said now, naming the style.
    const scope = subject instanceof vscode.Uri ? subject : (subject?.uri ?? folder.uri);
    const config = readConfig(scope);
    // A style without a model: the model the caller sends (the Studio's form), else the setting.
    const model = style.model ?? options.model ?? config.model;
    try {
      const placeholder = { bytes: new Uint8Array(), name: '', mime: 'image/png' };
      checkModelRequest({ prompt: '', model, size: undefined, seed: -1, references: references.map(() => placeholder) }, config.provider);
    } catch (err) {
      throw inStyle(chosen.name, shown, err);
    }
    return {
      name: chosen.name,
      template: style.prompt,
      ...(style.description !== undefined ? { description: style.description } : {}),
      references,
      ...(style.model !== undefined ? { model: style.model } : {}),
      ...(style.size !== undefined ? { size: style.size } : {}),
      ...(style.megapixels !== undefined ? { megapixels: style.megapixels } : {}),
      ...(style.outputFormat !== undefined ? { outputFormat: style.outputFormat } : {}),
      file,
      source: chosen.source,
    };
  }

  private async checkReference(folder: vscode.Uri, path: string, name: string, shown: string): Promise<vscode.Uri> {
    const resolved = resolveInFolder(folder.path, path);
    if (resolved === undefined) {
      throw new FluxError('invalidInput', vscode.l10n.t('The style “{0}” in {1} names the reference image “{2}”, which is outside the workspace, so it is not sent anywhere.', name, shown, plainLabel(path, 200)));
    }
    const uri = folder.with({ path: resolved });
    if (!(await statOrUndefined(uri))) {
      throw new FluxError('invalidInput', vscode.l10n.t('The style “{0}” in {1} names the reference image “{2}”, which is not there. Nothing was sent.', name, shown, plainLabel(path, 200)));
    }
    // A link (the file, or a folder on the way) could lead out of the workspace: only the workspace's own files are sent.
    if (await throughLink(folder, resolved)) {
      throw new FluxError('invalidInput', vscode.l10n.t('The style “{0}” in {1} names the reference image “{2}”, which is or lies behind a symbolic link, so it is not sent anywhere. Name the file itself.', name, shown, plainLabel(path, 200)));
    }
    try {
      const input = await readEditInputFile(uri, plainLabel(path, 200));
      if (!input) throw new FluxError('invalidInput', vscode.l10n.t('The style “{0}” in {1} names the reference image “{2}”, which is not there. Nothing was sent.', name, shown, plainLabel(path, 200)));
    } catch (err) {
      throw inStyle(name, shown, err);
    }
    return uri;
  }

  private watchFolders(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const keys = new Set(folders.map((f) => f.uri.toString()));
    for (const [key, watcher] of this.watchers) {
      if (keys.has(key)) continue;
      watcher.dispose();
      this.watchers.delete(key);
    }
    for (const folder of folders) {
      const key = folder.uri.toString();
      if (this.watchers.has(key)) continue;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, STYLES_FILE));
      const fire = () => this.changed.fire(folder.uri);
      this.watchers.set(key, vscode.Disposable.from(watcher, watcher.onDidChange(fire), watcher.onDidCreate(fire), watcher.onDidDelete(fire)));
    }
  }

  dispose(): void {
    for (const watcher of this.watchers.values()) watcher.dispose();
    this.watchers.clear();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** The language of a document for its declaration: its language id, else its file extension. */
export function styleLanguageOf(document: { readonly languageId?: string; readonly uri: vscode.Uri }): DocumentLanguage | undefined {
  const byId = document.languageId ? documentLanguage(document.languageId) : undefined;
  return byId ?? languageOfExtension(document.uri.path.slice(document.uri.path.lastIndexOf('.') + 1));
}

/** The style a document declares: its text as open in the editor, else as saved. */
async function declarationOf(subject: StyleSubject): Promise<string | undefined> {
  if (!subject) return undefined;
  const open = subject instanceof vscode.Uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === subject.toString()) : subject;
  if (open) {
    const language = styleLanguageOf(open);
    return language ? declaredStyle(open.getText(), language) : undefined;
  }
  const uri = subject as vscode.Uri;
  const language = styleLanguageOf({ uri });
  if (!language) return undefined;
  try {
    return declaredStyle(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), language);
  } catch {
    return undefined;
  }
}

/** A core message shown in the person's language. */
function localized(err: unknown): unknown {
  if (!(err instanceof FluxError)) return err;
  return new FluxError(err.kind, vscode.l10n.t(err.text.template, ...err.text.args), err.details);
}

/** A reason a style cannot be used, prefixed with the style and its file. */
function inStyle(name: string, shown: string, err: unknown): unknown {
  if (!(err instanceof FluxError)) return err;
  const reason: Text = err.text;
  return new FluxError(err.kind, vscode.l10n.t('The style “{0}” in {1}: {2}', name, shown, vscode.l10n.t(reason.template, ...reason.args)), err.details);
}

/** Whether `path` (inside `folder`) is a symbolic link, or lies in a folder that is one. */
async function throughLink(folder: vscode.Uri, path: string): Promise<boolean> {
  const base = folder.path.replace(/\/$/, '');
  const parts = path.slice(base.length + 1).split('/');
  for (let n = 1; n <= parts.length; n++) {
    const stat = await statOrUndefined(folder.with({ path: `${base}/${parts.slice(0, n).join('/')}` }));
    if (stat && (stat.type & vscode.FileType.SymbolicLink) !== 0) return true;
  }
  return false;
}
