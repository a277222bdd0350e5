import * as vscode from 'vscode';
import { FluxError } from './core/errors';
import { markdownImageLink, relativePath } from './core/markdown';
import { candidateFileName } from './core/naming';
import { outputFolderSegments } from './core/outputFolder';
import { linkBlockAfterLine } from './core/tracking';
import type { TrackedAnchor } from './anchor';

export interface ImageToSave {
  readonly bytes: Uint8Array;
  readonly extension: string;
  readonly prompt: string;
}

/** Where a link goes: the document and an anchor that has followed its edits. */
export interface LinkTarget {
  readonly document: vscode.TextDocument;
  readonly anchor: TrackedAnchor;
  /** `cursor`: the link goes at the anchor; `belowLine`: in a new paragraph under its line. */
  readonly placement: 'cursor' | 'belowLine';
}

const MAX_NAME_TRIES = 100;

/** Writes images into the output folder and links them into documents, undoably. */
export class ImageFiles {
  constructor(private readonly now: () => Date = () => new Date()) {}

  /**
   * The output folder for a document: in the workspace folder that holds it, else the first
   * workspace folder, else (a file outside any workspace) beside the document.
   */
  async outputFolder(setting: string, document?: vscode.Uri): Promise<{ root: vscode.Uri; folder: vscode.Uri }> {
    const segments = outputFolderSegments(setting);
    const root =
      (document && vscode.workspace.getWorkspaceFolder(document)?.uri) ??
      vscode.workspace.workspaceFolders?.[0]?.uri ??
      (document && document.scheme !== 'untitled' ? vscode.Uri.joinPath(document, '..') : undefined);
    if (!root) {
      throw new FluxError('write', vscode.l10n.t('There is no folder to save the image in. Open a folder (File > Open Folder), then try again.'));
    }
    let folder = root;
    for (const segment of segments) {
      folder = vscode.Uri.joinPath(folder, segment);
      const stat = await statOrUndefined(folder);
      if (!stat) break; // the rest will be created
      if (stat.type & vscode.FileType.SymbolicLink) {
        throw new FluxError('invalidInput', vscode.l10n.t('The output folder “{0}” goes through a symbolic link ({1}), which may lead out of the workspace. Choose a real folder in flux.outputFolder.', setting, vscode.workspace.asRelativePath(folder)));
      }
      if (!(stat.type & vscode.FileType.Directory)) {
        throw new FluxError('write', vscode.l10n.t('Cannot save into {0}: it is a file, not a folder. Change flux.outputFolder.', vscode.workspace.asRelativePath(folder)));
      }
    }
    return { root, folder: joinSegments(root, segments) };
  }

  /** A name in `folder` that no file has yet. */
  async freeUri(folder: vscode.Uri, prompt: string, extension: string): Promise<vscode.Uri> {
    const date = this.now();
    for (let n = 0; n < MAX_NAME_TRIES; n++) {
      const uri = vscode.Uri.joinPath(folder, candidateFileName(prompt, date, extension, n));
      if (!(await statOrUndefined(uri))) return uri;
    }
    throw new FluxError('write', vscode.l10n.t('Could not find a free file name in {0}.', folder.toString(true)));
  }

  /**
   * Writes the image and, with a target, inserts its link: one WorkspaceEdit, so one Undo
   * takes back both. A name taken meanwhile is replaced by a free one; a document that cannot
   * take the link (read-only, gone) keeps nothing half-done: the image is saved on its own and
   * the result says the link is missing.
   */
  async save(image: ImageToSave, folder: vscode.Uri, target?: LinkTarget): Promise<SaveResult> {
    const where = displayPath(folder);
    if (!target) return { uri: await this.saveAlone(image, folder), linked: false };
    const alone = async (): Promise<SaveResult> => ({ uri: await this.saveAlone(image, folder), linked: false });
    // Closed while the image was made (no tab shows it): a saved file gets its link and is
    // saved again, so the link is not left in a buffer nobody sees. An untitled document that
    // is gone, a file that is gone, or a hidden one with unsaved changes (saving would save
    // those too) gets no link: the image is kept and the person is offered the link.
    const hidden = target.document.isClosed || !isShownInTab(target.document.uri);
    if (hidden && target.document.uri.scheme === 'untitled') return alone();
    let document = target.document;
    if (document.isClosed) {
      try {
        document = await vscode.workspace.openTextDocument(document.uri);
      } catch {
        return alone();
      }
    }
    if ((hidden && document.isDirty) || (await isReadonlyFile(document.uri))) return alone();
    // A full disk or a read-only folder fails here, before the document is touched: a
    // WorkspaceEdit can report success for a file it could only half write.
    await proveWritable(folder, image.bytes, where);
    for (let attempt = 0; attempt < 3; attempt++) {
      const uri = await this.freeUri(folder, image.prompt, image.extension);
      const link = markdownImageLink(image.prompt, linkPathFor(document.uri, uri));
      const position = document.positionAt(target.anchor.offset);
      let insertAt = position;
      let text = link;
      if (target.placement === 'belowLine') {
        const line = document.lineAt(position.line);
        const next = line.lineNumber + 1 < document.lineCount ? document.lineAt(line.lineNumber + 1).text : undefined;
        insertAt = line.range.end;
        text = linkBlockAfterLine(link, next, eolOf(document));
      }
      const edit = new vscode.WorkspaceEdit();
      edit.createFile(uri, { contents: image.bytes, overwrite: false, ignoreIfExists: false });
      edit.insert(document.uri, insertAt, text);
      const insertedAt = document.offsetAt(insertAt);
      const kept = selectionsBefore(document, insertedAt);
      let applied: boolean;
      try {
        applied = await vscode.workspace.applyEdit(edit, { isRefactoring: false });
      } catch (e) {
        await removeIfOurs(uri, image.bytes);
        throw writeError(where, e);
      }
      if (applied && (await statOrUndefined(uri))?.size !== image.bytes.length) {
        // Written short after all: take back the link and the partial file, say where.
        const back = new vscode.WorkspaceEdit();
        back.delete(document.uri, new vscode.Range(document.positionAt(insertedAt), document.positionAt(insertedAt + text.length)));
        await vscode.workspace.applyEdit(back);
        await removeIfOurs(uri, image.bytes);
        throw new FluxError('write', vscode.l10n.t('Could not save the image in {0}: the file could not be written completely. Check that the disk has room.', where));
      }
      if (applied) {
        restoreSelections(kept);
        if (hidden) await document.save();
        return { uri, linked: true };
      }
      // Failed. Whose file is at that name now decides what comes next.
      const ours = await removeIfOurs(uri, image.bytes);
      if (!ours && (await statOrUndefined(uri))) continue; // someone else's file appeared: take another name
      // The document refused the link (read-only, changed meanwhile): keep the image alone.
      return alone();
    }
    throw new FluxError('write', vscode.l10n.t('Could not find a free file name in {0}.', where));
  }

  private async saveAlone(image: ImageToSave, folder: vscode.Uri): Promise<vscode.Uri> {
    const where = displayPath(folder);
    await vscode.workspace.fs.createDirectory(folder).then(undefined, (e: unknown) => {
      throw writeError(where, e);
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      const uri = await this.freeUri(folder, image.prompt, image.extension);
      if (await writeNew(uri, image.bytes, where)) return uri;
    }
    throw new FluxError('write', vscode.l10n.t('Could not find a free file name in {0}.', where));
  }
}

export interface SaveResult {
  readonly uri: vscode.Uri;
  /** False when a link was wanted but the document could not take it. */
  readonly linked: boolean;
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

/** Writes the bytes under a temporary name and removes them again: can the folder take them? */
async function proveWritable(folder: vscode.Uri, bytes: Uint8Array, where: string): Promise<void> {
  const probe = vscode.Uri.joinPath(folder, `.flux-${Math.random().toString(36).slice(2, 10)}.part`);
  try {
    await vscode.workspace.fs.createDirectory(folder);
    await vscode.workspace.fs.writeFile(probe, bytes);
  } catch (e) {
    throw writeError(where, e);
  } finally {
    await removeIfPresent(probe);
  }
}

/** Writes under a temporary name, then renames: never a half image under the real name. False when the name was taken meanwhile. */
async function writeNew(uri: vscode.Uri, bytes: Uint8Array, where: string): Promise<boolean> {
  // A temporary name of its own, so two saves racing for one name never share it.
  const temp = vscode.Uri.joinPath(uri, '..', `.${uri.path.split('/').pop()}.${Math.random().toString(36).slice(2, 10)}.part`);
  try {
    await vscode.workspace.fs.writeFile(temp, bytes);
  } catch (e) {
    await removeIfPresent(temp);
    throw writeError(where, e);
  }
  try {
    await vscode.workspace.fs.rename(temp, uri, { overwrite: false });
    return true;
  } catch (e) {
    await removeIfPresent(temp);
    if (e instanceof vscode.FileSystemError && e.code === 'FileExists') return false;
    throw writeError(where, e);
  }
}

/**
 * Deletes the file at `uri` only when it holds our bytes or a start of them (a write cut short
 * by a full disk): then it is the one we wrote. Anyone else's file is left alone.
 */
async function removeIfOurs(uri: vscode.Uri, bytes: Uint8Array): Promise<boolean> {
  try {
    const there = Buffer.from(await vscode.workspace.fs.readFile(uri));
    const ours = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (there.length <= ours.length && ours.subarray(0, there.length).equals(there)) {
      await vscode.workspace.fs.delete(uri, { useTrash: false });
      return true;
    }
  } catch {
    // not there, or unreadable: not ours to delete
  }
  return false;
}

function writeError(where: string, e: unknown): FluxError {
  const reason = e instanceof vscode.FileSystemError ? e.code : e instanceof Error ? e.message : String(e);
  return new FluxError('write', vscode.l10n.t('Could not save the image in {0} ({1}). Check that the folder is writable and the disk has room.', where, reason));
}

/** The selections of the document's editors that end at or before where the link goes. */
function selectionsBefore(document: vscode.TextDocument, offset: number): { editor: vscode.TextEditor; selections: readonly vscode.Selection[] }[] {
  return vscode.window.visibleTextEditors
    .filter((e) => e.document === document && e.selections.some((sel) => document.offsetAt(sel.end) <= offset))
    .map((editor) => ({ editor, selections: editor.selections }));
}

/**
 * Text inserted right where a selection ends makes VS Code stretch the selection over it;
 * selections that ended before the link are put back as the person left them.
 */
function restoreSelections(kept: { editor: vscode.TextEditor; selections: readonly vscode.Selection[] }[]): void {
  for (const { editor, selections } of kept) {
    const now = editor.selections;
    if (now.length !== selections.length) continue;
    editor.selections = now.map((sel, i) => {
      const old = selections[i]!;
      return old.end.isBeforeOrEqual(sel.end) && old.start.isEqual(sel.start) ? old : sel;
    });
  }
}

function isShownInTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  const shows = (input: unknown) =>
    (input instanceof vscode.TabInputText && input.uri.toString() === key) ||
    (input instanceof vscode.TabInputTextDiff && (input.modified.toString() === key || input.original.toString() === key));
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => shows(t.input)));
}

/** A document the file system will not let us change (read-only mount, no write permission). */
async function isReadonlyFile(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme === 'untitled') return false;
  if (vscode.workspace.fs.isWritableFileSystem(uri.scheme) === false) return true;
  const stat = await statOrUndefined(uri);
  return Boolean(stat?.permissions && stat.permissions & vscode.FilePermission.Readonly);
}

async function statOrUndefined(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
}

async function removeIfPresent(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.workspace.fs.delete(uri, { useTrash: false });
  } catch {
    // not there: nothing to clean
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

export function isInside(uri: vscode.Uri, root: vscode.Uri): boolean {
  if (uri.scheme !== root.scheme || uri.authority !== root.authority) return false;
  const base = root.path.endsWith('/') ? root.path : `${root.path}/`;
  return uri.path === root.path || uri.path.startsWith(base);
}
