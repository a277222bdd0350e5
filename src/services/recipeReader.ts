import * as vscode from 'vscode';
import type { ImageMeta } from '../core/imageMeta';
import { mergeMeta, readImageMeta, readWebpChunksAt } from '../core/imageMeta';
import type { Recipe } from '../core/recipe';
import { RECIPE_HEAD_BYTES } from '../core/recipe';
import { readImageMetaFile } from './fileHead';

/** Files larger than this are never read where only a whole-file read exists (virtual file systems). */
export const MAX_RECIPE_FILE_BYTES = 20 * 1024 * 1024;

export interface RecipeRead {
  /** The validated recipe; undefined when the file has none (or not a valid one). */
  readonly recipe?: Recipe;
  /** The file's XMP packet says a model made it (IPTC DigitalSourceType). */
  readonly aiGenerated?: boolean;
  /** The AI system the packet names. */
  readonly aiSystem?: string;
  /** The file carries the service's Content Credentials (C2PA); its recipe, if any, came from the history. */
  readonly contentCredentials?: boolean;
  /** How many bytes were read from the file: the benchmark and tests check the read stays bounded. */
  readonly bytesRead: number;
  /** The file could not be read (gone, a folder, no permission) or was too big to read whole. */
  readonly unreadable?: 'missing' | 'tooBig' | 'error';
}

/**
 * The recipe and AI label in an image file (PNG, JPEG, WebP), reading only its head: on disk
 * (`file:`) the first RECIPE_HEAD_BYTES, wherever `labelImage` writes ends (a WebP's XMP chunk
 * follows its bitstream: a few more bounded windows skip to it); elsewhere (remote, virtual
 * file systems have no partial read) the whole file, but only up to MAX_RECIPE_FILE_BYTES.
 * Never throws. What is found is validated by `readImageMeta`: the file is untrusted.
 */
export async function readImageRecipe(uri: vscode.Uri): Promise<RecipeRead> {
  try {
    if (uri.scheme !== 'file') {
      const whole = await readWholeSmall(uri);
      if (!whole) return { bytesRead: 0, unreadable: 'tooBig' };
      const meta = readImageMeta(whole.subarray(0, RECIPE_HEAD_BYTES));
      return fromMeta({ ...(meta.nextChunk === undefined ? meta : mergeMeta(meta, readWebpChunksAt(whole.subarray(meta.nextChunk)))), bytesRead: whole.length });
    }
    return fromMeta(await readImageMetaFile(uri.fsPath));
  } catch (err) {
    const code = (err as { code?: string } | undefined)?.code;
    return { bytesRead: 0, unreadable: code === 'ENOENT' || code === 'FileNotFound' ? 'missing' : 'error' };
  }
}

function fromMeta(meta: ImageMeta & { bytesRead: number }): RecipeRead {
  const { bytesRead } = meta;
  return {
    ...(meta.recipe ? { recipe: meta.recipe } : {}),
    ...(meta.aiGenerated ? { aiGenerated: true } : {}),
    ...(meta.aiSystem ? { aiSystem: meta.aiSystem } : {}),
    ...(meta.contentCredentials ? { contentCredentials: true } : {}),
    bytesRead,
  };
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

  /**
   * `fromHistory`: the recipe the history keeps for a file, asked when a file with Content
   * Credentials has none of its own (its bytes are never changed, so the recipe is not in it).
   */
  constructor(
    private readonly maxEntries = 2000,
    private readonly fromHistory?: (uri: vscode.Uri) => Recipe | undefined,
  ) {}

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
    if (hit && hit.mtime === stat.mtime && hit.size === stat.size) return { ...this.withHistory(uri, hit.read), stat };
    const read = await readImageRecipe(uri);
    if (!read.unreadable || read.unreadable === 'tooBig') {
      this.entries.delete(key);
      this.entries.set(key, { mtime: stat.mtime, size: stat.size, read });
      // Oldest first in a Map: drop from the front to stay bounded.
      while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    return { ...this.withHistory(uri, read), stat };
  }

  private withHistory(uri: vscode.Uri, read: RecipeRead): RecipeRead {
    if (read.recipe || !read.contentCredentials || !this.fromHistory) return read;
    const recipe = this.fromHistory(uri);
    // The history knows this file because the extension made it: a model did.
    return recipe ? { ...read, recipe, aiGenerated: true } : read;
  }

  forget(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }
}
