import * as vscode from 'vscode';
import type { Recipe } from '../core/recipe';
import { readRecipe, RECIPE_HEAD_BYTES } from '../core/recipe';
import { readFileHead } from './fileHead';

/** Files larger than this are never read where only a whole-file read exists (virtual file systems). */
export const MAX_RECIPE_FILE_BYTES = 20 * 1024 * 1024;

export interface RecipeRead {
  /** The validated recipe; undefined when the file has none (or not a valid one). */
  readonly recipe?: Recipe;
  /** How many bytes were read from the file: the benchmark and tests check the read stays bounded. */
  readonly bytesRead: number;
  /** The file could not be read (gone, a folder, no permission) or was too big to read whole. */
  readonly unreadable?: 'missing' | 'tooBig' | 'error';
}

/**
 * The recipe in an image file, reading only its head: on disk (`file:`) the first
 * RECIPE_HEAD_BYTES, wherever the recipe `withRecipe` writes ends; elsewhere (remote, virtual
 * file systems have no partial read) the whole file, but only up to MAX_RECIPE_FILE_BYTES.
 * Never throws. What is found is validated by `readRecipe`: the file is untrusted.
 */
export async function readImageRecipe(uri: vscode.Uri): Promise<RecipeRead> {
  try {
    const head = uri.scheme === 'file' ? await readFileHead(uri.fsPath, RECIPE_HEAD_BYTES) : await readWholeSmall(uri);
    if (!head) return { bytesRead: 0, unreadable: 'tooBig' };
    const { recipe } = readRecipe(head.subarray(0, RECIPE_HEAD_BYTES));
    return { ...(recipe ? { recipe } : {}), bytesRead: head.length };
  } catch (err) {
    const code = (err as { code?: string } | undefined)?.code;
    return { bytesRead: 0, unreadable: code === 'ENOENT' || code === 'FileNotFound' ? 'missing' : 'error' };
  }
}

async function readWholeSmall(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type & vscode.FileType.Directory) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
  if (stat.size > MAX_RECIPE_FILE_BYTES) return undefined;
  return vscode.workspace.fs.readFile(uri);
}

interface Cached {
  readonly mtime: number;
  readonly size: number;
  readonly read: RecipeRead;
}

/**
 * Recipes by file, remembered as long as the file's (mtime, size) stay the same: a hover or a
 * rescan of the output folders costs one `stat` for a file already read.
 */
export class RecipeCache {
  private readonly entries = new Map<string, Cached>();

  constructor(private readonly maxEntries = 2000) {}

  /** The recipe of `uri`, with the stat used (undefined when the file is not there). */
  async get(uri: vscode.Uri, known?: vscode.FileStat): Promise<RecipeRead & { stat?: vscode.FileStat }> {
    let stat = known;
    try {
      stat ??= await vscode.workspace.fs.stat(uri);
    } catch {
      this.entries.delete(uri.toString());
      return { bytesRead: 0, unreadable: 'missing' };
    }
    const key = uri.toString();
    const hit = this.entries.get(key);
    if (hit && hit.mtime === stat.mtime && hit.size === stat.size) return { ...hit.read, stat };
    const read = await readImageRecipe(uri);
    if (!read.unreadable || read.unreadable === 'tooBig') {
      this.entries.delete(key);
      this.entries.set(key, { mtime: stat.mtime, size: stat.size, read });
      // Oldest first in a Map: drop from the front to stay bounded.
      while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    return { ...read, stat };
  }

  forget(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }
}
