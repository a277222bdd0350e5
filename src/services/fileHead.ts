// No `vscode` import: the benchmark measures this in plain Node.
import { open } from 'node:fs/promises';
import type { ImageMeta } from '../core/imageMeta';
import { mergeMeta, readImageMeta, readWebpChunksAt } from '../core/imageMeta';
import { RECIPE_HEAD_BYTES } from '../core/recipe';

/** A WebP's XMP chunk comes after its bitstream: at most this many more windows are read to reach it. */
const MAX_WEBP_WINDOWS = 3;

/**
 * The label and recipe of an image file on disk (PNG, JPEG, WebP), reading its first
 * RECIPE_HEAD_BYTES; for a WebP whose XMP chunk follows a big bitstream, up to
 * MAX_WEBP_WINDOWS more windows of that size, each skipping to the next chunk. `bytesRead`
 * says how much was read.
 */
export async function readImageMetaFile(path: string): Promise<ImageMeta & { bytesRead: number }> {
  const head = await readFileHead(path, RECIPE_HEAD_BYTES);
  let bytesRead = head.length;
  let meta = readImageMeta(head);
  let next = meta.nextChunk;
  for (let i = 0; i < MAX_WEBP_WINDOWS && next !== undefined && head.length === RECIPE_HEAD_BYTES; i++) {
    const window = await readFileRange(path, next, RECIPE_HEAD_BYTES);
    bytesRead += window.length;
    const more = readWebpChunksAt(window);
    meta = mergeMeta(meta, more);
    next = more.nextChunk !== undefined && more.nextChunk > 0 && window.length === RECIPE_HEAD_BYTES ? next + more.nextChunk : undefined;
  }
  return { ...meta, bytesRead };
}

/** The first `length` bytes of a file on disk (fewer when it is shorter), without reading the rest. */
export async function readFileHead(path: string, length: number): Promise<Uint8Array> {
  return readFileRange(path, 0, length);
}

/** `length` bytes of a file from `offset` on (fewer at its end), without reading the rest. */
export async function readFileRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
