import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { checkEditImage, checkEditImageSize, outsideWorkspace, resolveInFolder } from '../core/editInput';
import { FluxError } from '../core/errors';
import type { InputImage } from '../core/providers/types';
import { plainLabel } from '../core/safeText';
import { isInsideFolder } from '../core/workspacePath';
import { statOrUndefined } from './imageStore';

/** An edit's input image as read from its file, with its SHA-256 for the recipe. */
export interface EditInputFile {
  readonly image: InputImage;
  readonly sha256: string;
}

/**
 * Reads the image an edit sends, for every way of editing (Flux: Edit Image…, the Studio, the
 * chat tool, Regenerate): refused over 20 MB before it is read and again after, and taken only as
 * a PNG, JPEG or WebP by its bytes, whatever its name says.
 * `shown` names the file in the messages. A folder, a file too large or one that is not an image
 * throws a FluxError; a file that is not there gives `undefined`, because what to do next
 * depends on the caller (choose another image, give another path, edit this one instead).
 */
export async function readEditInputFile(uri: vscode.Uri, shown: string): Promise<EditInputFile | undefined> {
  const stat = await statOrUndefined(uri);
  if (!stat) return undefined;
  if (stat.type & vscode.FileType.Directory) throw new FluxError('invalidInput', vscode.l10n.t('{0} is a folder, not an image.', shown));
  checkEditImageSize(stat.size, shown);
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch {
    return undefined; // gone between the stat and the read
  }
  const type = checkEditImage(bytes, shown);
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1) || `image${type.extension}`;
  return { image: { bytes, name, mime: type.mime }, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The image a person chose to edit (a pick, a drop, a reference): as readEditInputFile, and a file that is gone is said so. */
export async function readChosenEditInput(uri: vscode.Uri, shown: string): Promise<EditInputFile> {
  const input = await readEditInputFile(uri, shown);
  if (!input) throw new FluxError('invalidInput', vscode.l10n.t('{0} is not there any more. Choose another image.', shown));
  return input;
}

/** An image named by an argument (a `Uri`, or a path relative to the workspace), refused when it is not inside a workspace folder. */
export function workspaceImageUri(image: vscode.Uri | string): vscode.Uri {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (image instanceof vscode.Uri) {
    const folder = folders.find((f) => f.uri.scheme === image.scheme && f.uri.authority === image.authority && isInsideFolder(image.path, f.uri.path));
    if (!folder || image.query || image.fragment) throw outsideWorkspace(image.toString(true));
    return image;
  }
  // In a multi-root workspace a relative path may start with a folder's name, as asRelativePath writes it.
  const first = image.replace(/\\/g, '/').split('/')[0];
  const named = folders.length > 1 ? folders.find((f) => f.name === first) : undefined;
  const candidates = named ? [{ folder: named, path: image.replace(/\\/g, '/').slice(first!.length + 1) }] : folders.map((folder) => ({ folder, path: image }));
  for (const { folder, path } of candidates) {
    const resolved = resolveInFolder(folder.uri.path, path);
    if (resolved) return folder.uri.with({ path: resolved });
  }
  throw outsideWorkspace(image);
}

/**
 * The `references` of a command or the chat tool: each a `Uri` or a workspace-relative path,
 * inside the workspace. Checked before anything is asked or sent.
 */
export function referenceUris(references: readonly unknown[] | undefined): vscode.Uri[] {
  return (references ?? []).map((r) => {
    if (r instanceof vscode.Uri || (typeof r === 'string' && r.trim())) return workspaceImageUri(r);
    throw new FluxError('invalidInput', vscode.l10n.t('Each of the command\'s “references” must be a Uri or a path relative to the workspace.'));
  });
}

/** A reference image as sent, and how the recipe names it. */
export interface ReferenceFile {
  readonly uri: vscode.Uri;
  readonly image: InputImage;
  /** Workspace-relative, with `/`. */
  readonly path: string;
  readonly sha256: string;
}

/** Reads the references as an edit's input is read (type by bytes, 20 MB, still there), in order. */
export async function readReferences(uris: readonly vscode.Uri[]): Promise<ReferenceFile[]> {
  const out: ReferenceFile[] = [];
  for (const uri of uris) {
    const path = vscode.workspace.asRelativePath(uri, false);
    const input = await readChosenEditInput(uri, plainLabel(path, 200));
    out.push({ uri, image: input.image, path, sha256: input.sha256 });
  }
  return out;
}
