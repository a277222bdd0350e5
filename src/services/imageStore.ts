import * as vscode from 'vscode';
import { FluxError } from '../core/errors';
import { relativePath } from '../core/markdown';
import { candidateFileName } from '../core/naming';
import { outputFolderSegments } from '../core/outputFolder';
import { isInsideFolder } from '../core/workspacePath';

export interface ImageToSave {
  /** The image, whole or as pieces written one after another (the image with its recipe). */
  readonly bytes: Uint8Array | readonly Uint8Array[];
  readonly extension: string;
  readonly prompt: string;
}

/** A file name held for one save, from choosing it until the file exists under it. */
export interface Reservation {
  readonly uri: vscode.Uri;
  release(): void;
}

const MAX_NAME_TRIES = 100;
/** Temporary files we wrote, remembered so that an Undo that moves one back can be cleaned up. */
const MAX_REMEMBERED_TEMPS = 2000;

/**
 * Where images go and how they get there. Names are reserved inside the extension, so two
 * saves never choose the same one; bytes are written under a temporary name and checked before
 * anything points at them; nothing is deleted that this store did not write.
 */
export class ImageStore implements vscode.Disposable {
  private readonly reserved = new Set<string>();
  /** Temporary URIs we wrote → their size. */
  private readonly temps = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[] = [];

  /** Temporary files an Undo moved back: kept while a Redo can still move them forward again. */
  private readonly undone = new Set<string>();

  constructor(private readonly now: () => Date = () => new Date()) {
    // A linked save renames its temporary file to the real name in the same edit as the link, so
    // one Undo moves the image back to the temporary name, and a Redo forward again. The file is
    // kept for that Redo until a plain edit (which ends what Redo can bring back) or the window closes.
    this.subscriptions.push(
      vscode.workspace.onDidRenameFiles((e) => {
        for (const { oldUri, newUri } of e.files) {
          if (this.temps.has(newUri.toString())) this.undone.add(newUri.toString());
          this.undone.delete(oldUri.toString());
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!this.undone.size || e.reason !== undefined || !e.contentChanges.length) return;
        // Typing in a document of the workspace, not the log or another output.
        if (e.document.uri.scheme !== 'file' && e.document.uri.scheme !== 'untitled' && !vscode.workspace.getWorkspaceFolder(e.document.uri)) return;
        this.discardUndone();
      }),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.discardUndone();
  }

  private discardUndone(): void {
    for (const key of [...this.undone]) void this.discardTemp(vscode.Uri.parse(key));
    this.undone.clear();
  }

  /**
   * The output folder for a document: in the workspace folder that holds it, else the first
   * workspace folder, else (a file outside any workspace) beside the document. Checked for
   * symbolic links and files in the way.
   */
  async outputFolder(setting: string, document?: vscode.Uri): Promise<{ root: vscode.Uri; folder: vscode.Uri }> {
    const root =
      (document && vscode.workspace.getWorkspaceFolder(document)?.uri) ??
      vscode.workspace.workspaceFolders?.[0]?.uri ??
      (document && document.scheme !== 'untitled' ? vscode.Uri.joinPath(document, '..') : undefined);
    if (!root) {
      throw new FluxError('write', vscode.l10n.t('There is no folder to save the image in. Open a folder (File > Open Folder), then try again.'));
    }
    const segments = outputFolderSegments(setting, documentVariables(root, document));
    const folder = joinSegments(root, segments);
    await this.checkFolder(root, segments, setting);
    return { root, folder };
  }

  /** Refuses a path through a symbolic link or a file; run again right before writing. */
  async checkFolder(root: vscode.Uri, segments: readonly string[], setting: string): Promise<void> {
    let folder = root;
    for (const segment of segments) {
      folder = vscode.Uri.joinPath(folder, segment);
      const stat = await statOrUndefined(folder);
      if (!stat) return; // the rest will be created
      if (stat.type & vscode.FileType.SymbolicLink) {
        throw new FluxError('invalidInput', vscode.l10n.t('The output folder “{0}” goes through a symbolic link ({1}), which may lead out of the workspace. Choose a real folder in flux.outputFolder.', setting, vscode.workspace.asRelativePath(folder)));
      }
      if (!(stat.type & vscode.FileType.Directory)) {
        throw new FluxError('write', vscode.l10n.t('Cannot save into {0}: it is a file, not a folder. Change flux.outputFolder.', vscode.workspace.asRelativePath(folder)));
      }
    }
  }

  /** Reserves a name in `folder` that no file has and no other save holds. */
  async reserve(folder: vscode.Uri, prompt: string, extension: string): Promise<Reservation> {
    const date = this.now();
    for (let n = 0; n < MAX_NAME_TRIES; n++) {
      const uri = vscode.Uri.joinPath(folder, candidateFileName(prompt, date, extension, n));
      const key = uri.toString();
      if (this.reserved.has(key)) continue;
      // Held before the look-up: a save that starts meanwhile takes the next name.
      this.reserved.add(key);
      if (!(await statOrUndefined(uri))) return { uri, release: () => this.reserved.delete(key) };
      this.reserved.delete(key);
    }
    throw new FluxError('write', vscode.l10n.t('Could not find a free file name in {0}.', displayPath(folder)));
  }

  /** Reserves exactly `uri` (Generate Missing Images writes where the document points). */
  async reserveExact(uri: vscode.Uri): Promise<Reservation | undefined> {
    const key = uri.toString();
    if (this.reserved.has(key)) return undefined;
    this.reserved.add(key);
    if (await statOrUndefined(uri)) {
      this.reserved.delete(key);
      return undefined;
    }
    return { uri, release: () => this.reserved.delete(key) };
  }

  /**
   * Writes the bytes under a temporary name in `folder` and checks that all of them arrived
   * (a full disk can cut a write short): nothing points at the file yet.
   */
  async writeTemp(folder: vscode.Uri, bytes: Uint8Array | readonly Uint8Array[]): Promise<vscode.Uri> {
    const where = displayPath(folder);
    const temp = vscode.Uri.joinPath(folder, `.flux-${globalThis.crypto.randomUUID().slice(0, 12)}.part`);
    const pieces: readonly Uint8Array[] = Array.isArray(bytes) ? (bytes as readonly Uint8Array[]) : [bytes as Uint8Array];
    const size = pieces.reduce((n, p) => n + p.byteLength, 0);
    this.remember(temp, size);
    try {
      await vscode.workspace.fs.createDirectory(folder);
      if (temp.scheme === 'file') {
        // Local disk: the pieces (image and recipe) go out one after another, never copied into one buffer.
        await writePieces(temp.fsPath, pieces);
      } else {
        await vscode.workspace.fs.writeFile(temp, concat(pieces));
      }
      const stat = await vscode.workspace.fs.stat(temp);
      if (stat.size !== size) {
        throw new FluxError('write', vscode.l10n.t('Could not save the image in {0}: the file could not be written completely. Check that the disk has room.', where));
      }
    } catch (e) {
      await this.discardTemp(temp);
      throw e instanceof FluxError ? e : writeError(where, e);
    }
    return temp;
  }

  /** Moves a checked temporary file to its reserved name, never over another file. */
  async commit(temp: vscode.Uri, target: vscode.Uri): Promise<void> {
    try {
      await vscode.workspace.fs.rename(temp, target, { overwrite: false });
    } catch (e) {
      await this.discardTemp(temp);
      throw writeError(displayPath(vscode.Uri.joinPath(target, '..')), e);
    }
  }

  /** Writes an image on its own (no link): temporary file, checked, renamed to a reserved name. */
  async saveAlone(image: ImageToSave, folder: vscode.Uri): Promise<vscode.Uri> {
    const reservation = await this.reserve(folder, image.prompt, image.extension);
    try {
      const temp = await this.writeTemp(folder, image.bytes);
      await this.commit(temp, reservation.uri);
      return reservation.uri;
    } finally {
      reservation.release();
    }
  }

  /** Deletes a temporary file this store wrote (and only such a file). */
  async discardTemp(temp: vscode.Uri): Promise<void> {
    const key = temp.toString();
    if (!this.temps.has(key)) return;
    this.temps.delete(key);
    try {
      await vscode.workspace.fs.delete(temp, { useTrash: false });
    } catch {
      // already gone
    }
  }

  private remember(temp: vscode.Uri, size: number): void {
    this.temps.set(temp.toString(), size);
    if (this.temps.size > MAX_REMEMBERED_TEMPS) this.temps.delete(this.temps.keys().next().value!);
  }
}

async function writePieces(path: string, pieces: readonly Uint8Array[]): Promise<void> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'wx');
  try {
    await handle.writev(pieces.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  } finally {
    await handle.close();
  }
}

/** `${documentDirName}` and `${documentBaseName}` of a saved document (none for an untitled one). */
function documentVariables(root: vscode.Uri, document: vscode.Uri | undefined): { documentDirName?: string; documentBaseName?: string } {
  if (!document || document.scheme === 'untitled') return {};
  const name = document.path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  const dir = document.path.slice(0, document.path.length - name.length);
  const inside = isInside(document, root) && document.scheme === root.scheme;
  return {
    documentBaseName: dot > 0 ? name.slice(0, dot) : name,
    ...(inside ? { documentDirName: relativePath(root.path, `${dir}x`).replace(/\/?x$/, '') } : {}),
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

/** The link path from the document's folder, `/`-separated; untitled documents link from the workspace root. */
export function linkPathFor(documentUri: vscode.Uri, imageUri: vscode.Uri): string {
  if (documentUri.scheme === 'untitled' || documentUri.scheme !== imageUri.scheme || documentUri.authority !== imageUri.authority) {
    return workspaceLinkPath(imageUri);
  }
  return relativePath(vscode.Uri.joinPath(documentUri, '..').path, imageUri.path);
}

/** The link path from the image's workspace folder (its full URI outside any). */
export function workspaceLinkPath(imageUri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(imageUri);
  return folder ? relativePath(folder.uri.path, imageUri.path) : imageUri.toString(true);
}

/** `folder/a/b` from `folder` and `['a', 'b']`. */
export function joinSegments(folder: vscode.Uri, segments: readonly string[]): vscode.Uri {
  return segments.reduce((u, s) => vscode.Uri.joinPath(u, s), folder);
}

export function eolOf(document: vscode.TextDocument): string {
  return document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
}

export function writeError(where: string, e: unknown): FluxError {
  // The error's code (NoPermissions, ENOSPC…), never its message: that names the temporary file's full path.
  const code = (e as { code?: unknown } | undefined)?.code;
  const reason = typeof code === 'string' && code && code !== 'Unknown' ? code : vscode.l10n.t('the file system refused');
  return new FluxError('write', vscode.l10n.t('Could not save the image in {0} ({1}). Check that the folder is writable and the disk has room.', where, reason));
}

export async function statOrUndefined(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
}

export function displayPath(uri: vscode.Uri): string {
  const rel = vscode.workspace.asRelativePath(uri, true);
  return rel === uri.fsPath || rel === uri.path ? uri.toString(true) : rel;
}

/** Inside one of the workspace folders. */
export function isInWorkspace(uri: vscode.Uri): boolean {
  return (vscode.workspace.workspaceFolders ?? []).some((f) => isInside(uri, f.uri));
}

/** `uri` is `root` or below it, compared on normalised paths (`..` and encoded `%2e%2e` resolved first). */
export function isInside(uri: vscode.Uri, root: vscode.Uri): boolean {
  if (uri.scheme !== root.scheme || uri.authority !== root.authority) return false;
  return isInsideFolder(uri.path, root.path);
}
