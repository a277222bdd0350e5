import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { checkEditImage, checkEditImageSize } from '../core/editInput';
import { FluxError } from '../core/errors';
import type { InputImage } from '../core/providers/types';
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
