// What the extension writes into every image it makes, and reads back from PNG, JPEG and WebP
// alike (docs/CONTRACT.md "Every image says it is AI-made, and keeps its recipe in every format").
// The pixels are never re-encoded: new chunks or segments go in, the rest is handed on as
// subarrays of the input. A file that carries Content Credentials (C2PA) is never changed.
import { APP0, APP1, hasJpegSignature, isC2paSegment, makeSegment, MAX_SEGMENT_PAYLOAD, scanJpegHead, segmentStartsWith } from './jpeg';
import { concatBytes, hasPngSignature, iTxtChunk, pngSize, PNG_SIGNATURE, readTextChunk, scanHead, textKeyword } from './png';
import type { Recipe } from './recipe';
import { parseRecipeJson, RECIPE_HEAD_BYTES, RECIPE_KEYWORD, RECIPE_KEYWORDS, recipeChunks, SOFTWARE, validRecipe, withHeadChunks } from './recipe';
import { alphaFlag, bitstreamSize, hasWebpSignature, makeRiffChunk, riffSize, scanRiff, VP8X_XMP_FLAG, vp8xChunk, WEBP_HEADER_BYTES, writeU32le } from './webp';
import type { XmpFound } from './xmp';
import { buildXmp, isAiSourceType, MAX_XMP_READ_BYTES, parseXmp, XMP_JPEG_HEADER, XMP_PNG_KEYWORD } from './xmp';

export interface LabelInput {
  /** The image's recipe: its model names the AI system; its fields go in only with `embedRecipe`. */
  readonly recipe: Recipe;
  /** flux.embedRecipe: false leaves the prompt and the recipe out (the AI label is still written). */
  readonly embedRecipe: boolean;
}

export interface ImageMeta {
  readonly format?: 'png' | 'jpeg' | 'webp';
  /** The validated recipe (PNG `flux` chunk, else `flux:recipe` in the XMP packet). */
  readonly recipe?: Recipe;
  /** The XMP packet says a model made (or changed) the image. */
  readonly aiGenerated: boolean;
  /** The AI system the packet names. */
  readonly aiSystem?: string;
  /** The file carries Content Credentials (C2PA). */
  readonly contentCredentials: boolean;
  /** The head ended before the metadata's place was passed: a longer head may hold more. */
  readonly needMore: boolean;
  /**
   * WebP: where to read on (`readWebpChunksAt`), as an offset in the bytes given: the XMP chunk the
   * bytes cut, or the chunk after the one they cut (the bitstream is skipped, never read).
   */
  readonly nextChunk?: number;
}

const XMP_HEADER_BYTES = new TextEncoder().encode(XMP_JPEG_HEADER);
const XMP_EXTENSION_HEADER = new TextEncoder().encode('http://ns.adobe.com/xmp/extension/\0');

/** An edit, or a generation with reference images (a field another part of the recipe may add). */
export function isComposite(recipe: Recipe): boolean {
  const references = (recipe as { references?: unknown }).references;
  return recipe.source !== undefined || (Array.isArray(references) && references.length > 0);
}

/** The packet for an image: with the recipe, or (`withRecipe` false) the label alone. */
export function xmpFor(recipe: Recipe, withRecipe: boolean): string {
  const valid = withRecipe ? validRecipe(recipe) : undefined;
  return buildXmp({
    model: recipe.model,
    composite: isComposite(recipe),
    software: SOFTWARE,
    ...(valid ? { recipeJson: JSON.stringify(valid), prompt: valid.prompt } : {}),
  });
}

/** Whether the bytes carry Content Credentials: PNG `caBX` anywhere, JPEG APP11 JUMBF `c2pa`, WebP `C2PA`. */
export function hasContentCredentials(bytes: Uint8Array): boolean {
  try {
    if (hasPngSignature(bytes)) return pngHasChunk(bytes, 'caBX');
    if (hasJpegSignature(bytes)) {
      const head = scanJpegHead(bytes);
      return head.segments.some((s) => isC2paSegment(bytes, s));
    }
    if (hasWebpSignature(bytes)) return scanRiff(bytes, WEBP_HEADER_BYTES).chunks.some((c) => c.fourcc === 'C2PA');
  } catch {
    // fall through: not something we know how to read
  }
  return false;
}

/**
 * The image with its label (and recipe), as pieces to write one after another. Undefined when
 * the bytes must be written as they came: an unknown or malformed file, or one with Content
 * Credentials (inserting anything would break its signature).
 */
export function labelImage(bytes: Uint8Array, input: LabelInput): Uint8Array[] | undefined {
  try {
    if (!validRecipe(input.recipe) || hasContentCredentials(bytes)) return undefined;
    if (hasPngSignature(bytes)) return labelPng(bytes, input);
    if (hasJpegSignature(bytes)) return labelJpeg(bytes, input);
    if (hasWebpSignature(bytes)) return labelWebp(bytes, input);
  } catch {
    // A writer never throws on bytes it checked; this is only a guard.
  }
  return undefined;
}

/** The metadata in a file's head (its first bytes; RECIPE_HEAD_BYTES as today). Never throws. */
export function readImageMeta(head: Uint8Array): ImageMeta {
  try {
    if (hasPngSignature(head) || (head.length < 8 && head.every((b, i) => b === PNG_SIGNATURE[i]))) return readPng(head);
    if (hasJpegSignature(head)) return readJpeg(head);
    if (hasWebpSignature(head)) return readWebp(head, WEBP_HEADER_BYTES);
  } catch {
    // untrusted bytes: nothing found
  }
  return { aiGenerated: false, contentCredentials: false, needMore: false };
}

/** WebP: the chunks in a window read from the file at an offset `readImageMeta` gave as `nextChunk`. */
export function readWebpChunksAt(window: Uint8Array): ImageMeta {
  try {
    return readWebp(window, 0);
  } catch {
    return { aiGenerated: false, contentCredentials: false, needMore: false };
  }
}

/** Width and height of a PNG (IHDR), a JPEG (its SOF segment) or a WebP (VP8X canvas, else its bitstream). */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  try {
    if (hasPngSignature(bytes)) return pngSize(bytes);
    if (hasJpegSignature(bytes)) {
      // SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
      const sof = scanJpegHead(bytes).segments.find((s) => s.marker >= 0xc0 && s.marker <= 0xcf && s.marker !== 0xc4 && s.marker !== 0xc8 && s.marker !== 0xcc);
      if (!sof || sof.end - sof.dataStart < 5) return undefined;
      const height = (bytes[sof.dataStart + 1]! << 8) | bytes[sof.dataStart + 2]!;
      const width = (bytes[sof.dataStart + 3]! << 8) | bytes[sof.dataStart + 4]!;
      return width && height ? { width, height } : undefined;
    }
    if (hasWebpSignature(bytes)) {
      const first = scanRiff(bytes, WEBP_HEADER_BYTES, WEBP_HEADER_BYTES + 8 + 64).chunks[0];
      if (!first) return undefined;
      if (first.fourcc !== 'VP8X') {
        const size = bitstreamSize(bytes, first);
        return size && { width: size.width, height: size.height };
      }
      if (first.dataEnd - first.dataStart < 10) return undefined;
      const d = first.dataStart;
      return { width: (bytes[d + 4]! | (bytes[d + 5]! << 8) | (bytes[d + 6]! << 16)) + 1, height: (bytes[d + 7]! | (bytes[d + 8]! << 8) | (bytes[d + 9]! << 16)) + 1 };
    }
  } catch {
    // untrusted bytes
  }
  return undefined;
}

/** What a head and the windows read after it found together (WebP). */
export function mergeMeta(a: ImageMeta, b: ImageMeta): ImageMeta {
  const recipe = a.recipe ?? b.recipe;
  const aiSystem = a.aiSystem ?? b.aiSystem;
  return {
    ...(a.format ? { format: a.format } : {}),
    ...(recipe ? { recipe } : {}),
    aiGenerated: a.aiGenerated || b.aiGenerated,
    ...(aiSystem ? { aiSystem } : {}),
    contentCredentials: a.contentCredentials || b.contentCredentials,
    needMore: b.needMore,
  };
}

// ---- PNG ----

function labelPng(png: Uint8Array, input: LabelInput): Uint8Array[] | undefined {
  const replaced = input.embedRecipe ? [...RECIPE_KEYWORDS, XMP_PNG_KEYWORD] : [XMP_PNG_KEYWORD];
  return withHeadChunks(
    png,
    (pixels, ihdrEnd) => {
      const recipe = input.embedRecipe ? recipeChunks(input.recipe, pixels) : new Uint8Array(0);
      // The recipe goes into the packet too while both still end inside the head a reader reads.
      let xmp = iTxtChunk(XMP_PNG_KEYWORD, xmpFor(input.recipe, input.embedRecipe));
      if (ihdrEnd + recipe.length + xmp.length > RECIPE_HEAD_BYTES) xmp = iTxtChunk(XMP_PNG_KEYWORD, xmpFor(input.recipe, false));
      return concatBytes([recipe, xmp]);
    },
    replaced,
  );
}

function readPng(head: Uint8Array): ImageMeta {
  const scan = scanHead(head);
  let recipe: Recipe | undefined;
  let xmp: XmpFound = {};
  let contentCredentials = false;
  for (const chunk of scan.chunks) {
    if (chunk.type === 'caBX') contentCredentials = true;
    if (chunk.type !== 'iTXt') continue;
    const keyword = textKeyword(head, chunk);
    if (keyword !== RECIPE_KEYWORD && keyword !== XMP_PNG_KEYWORD) continue;
    if (chunk.dataEnd - chunk.dataStart > MAX_XMP_READ_BYTES) continue;
    const text = readTextChunk(head, chunk)?.text;
    if (text === undefined) continue;
    if (keyword === RECIPE_KEYWORD) recipe ??= parseRecipeJson(text);
    else xmp = parseXmp(text);
  }
  recipe ??= xmp.recipeJson === undefined ? undefined : parseRecipeJson(xmp.recipeJson);
  const aiGenerated = isAiSourceType(xmp.digitalSourceType);
  return found('png', recipe, xmp, aiGenerated, contentCredentials, scan.state === 'truncated' && (!recipe || !aiGenerated));
}

/** Every chunk of the whole file, not only up to IDAT (a `caBX` may come after it). */
function pngHasChunk(png: Uint8Array, type: string): boolean {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = PNG_SIGNATURE.length;
  while (at + 8 <= png.length) {
    const length = view.getUint32(at);
    let t = '';
    for (let i = 0; i < 4; i++) t += String.fromCharCode(png[at + 4 + i]!);
    if (t === type) return true;
    if (t === 'IEND' || length > 0x7fffffff) return false;
    at += 12 + length;
  }
  return false;
}

// ---- JPEG ----

function labelJpeg(jpeg: Uint8Array, input: LabelInput): Uint8Array[] | undefined {
  const head = scanJpegHead(jpeg);
  if (head.state !== 'sos') return undefined;
  const first = head.segments[0];
  const insertAt = first && first.marker === APP0 ? first.end : 2;
  // At most a segment's payload, and ending inside the head a reader reads.
  const limit = Math.min(MAX_SEGMENT_PAYLOAD, RECIPE_HEAD_BYTES - insertAt - 4);
  let segment: Uint8Array | undefined;
  for (const withRecipe of input.embedRecipe ? [true, false] : [false]) {
    const packet = new TextEncoder().encode(xmpFor(input.recipe, withRecipe));
    if (XMP_HEADER_BYTES.length + packet.length > limit) continue;
    segment = makeSegment(APP1, concatBytes([XMP_HEADER_BYTES, packet]));
    break;
  }
  if (!segment) return undefined;
  const pieces: Uint8Array[] = [jpeg.subarray(0, insertAt), segment];
  let keepFrom = insertAt;
  for (const s of head.segments) {
    if (s.start < insertAt || s.marker !== APP1) continue;
    if (!segmentStartsWith(jpeg, s, XMP_HEADER_BYTES) && !segmentStartsWith(jpeg, s, XMP_EXTENSION_HEADER)) continue;
    if (s.start > keepFrom) pieces.push(jpeg.subarray(keepFrom, s.start));
    keepFrom = s.end;
  }
  pieces.push(jpeg.subarray(keepFrom));
  return pieces;
}

function readJpeg(head: Uint8Array): ImageMeta {
  const scan = scanJpegHead(head);
  let xmp: XmpFound = {};
  let contentCredentials = false;
  for (const s of scan.segments) {
    if (isC2paSegment(head, s)) contentCredentials = true;
    if (s.marker !== APP1 || !segmentStartsWith(head, s, XMP_HEADER_BYTES)) continue;
    const text = utf8(head.subarray(s.dataStart + XMP_HEADER_BYTES.length, s.end));
    if (text !== undefined) xmp = parseXmp(text);
  }
  const recipe = xmp.recipeJson === undefined ? undefined : parseRecipeJson(xmp.recipeJson);
  const aiGenerated = isAiSourceType(xmp.digitalSourceType);
  return found('jpeg', recipe, xmp, aiGenerated, contentCredentials, scan.state === 'truncated' && !aiGenerated);
}

// ---- WebP ----

function labelWebp(webp: Uint8Array, input: LabelInput): Uint8Array[] | undefined {
  if (riffSize(webp) + 8 !== webp.length) return undefined;
  const scan = scanRiff(webp, WEBP_HEADER_BYTES);
  if (scan.state !== 'end' || scan.chunks.length === 0) return undefined;
  const first = scan.chunks[0]!;
  let vp8x: Uint8Array;
  let rest = scan.chunks;
  if (first.fourcc === 'VP8X') {
    if (first.dataEnd - first.dataStart < 10) return undefined;
    vp8x = webp.slice(first.start, first.end);
    vp8x[8] = vp8x[8]! | VP8X_XMP_FLAG;
    rest = scan.chunks.slice(1);
  } else {
    // The simple layout: the canvas is the bitstream's own size, read from its header.
    const size = bitstreamSize(webp, first);
    if (!size) return undefined;
    vp8x = vp8xChunk(VP8X_XMP_FLAG | alphaFlag(size.alpha), size.width, size.height);
  }
  const xmp = makeRiffChunk('XMP ', new TextEncoder().encode(xmpFor(input.recipe, input.embedRecipe)));
  const pieces: Uint8Array[] = [new Uint8Array(WEBP_HEADER_BYTES), vp8x];
  for (const chunk of rest) {
    if (chunk.fourcc === 'XMP ') continue;
    pieces.push(webp.subarray(chunk.start, chunk.dataEnd));
    // The padding byte of an odd chunk, even when the service left the last one out.
    if ((chunk.dataEnd - chunk.dataStart) & 1) pieces.push(new Uint8Array(1));
  }
  pieces.push(xmp);
  const header = pieces[0]!;
  header.set(webp.subarray(0, WEBP_HEADER_BYTES));
  const total = pieces.reduce((n, p) => n + p.length, 0);
  if (total - 8 > 0xfffffff0) return undefined;
  writeU32le(header, 4, total - 8);
  return pieces;
}

function readWebp(bytes: Uint8Array, from: number): ImageMeta {
  const scan = scanRiff(bytes, from);
  let xmp: XmpFound = {};
  let contentCredentials = false;
  let sawXmp = false;
  for (const chunk of scan.chunks) {
    if (chunk.fourcc === 'C2PA') contentCredentials = true;
    if (chunk.fourcc !== 'XMP ' || chunk.dataEnd - chunk.dataStart > MAX_XMP_READ_BYTES) continue;
    sawXmp = true;
    const text = utf8(bytes.subarray(chunk.dataStart, chunk.dataEnd));
    if (text !== undefined) xmp = parseXmp(text);
  }
  const recipe = xmp.recipeJson === undefined ? undefined : parseRecipeJson(xmp.recipeJson);
  const more = scan.state === 'truncated' && !sawXmp;
  const meta = found('webp', recipe, xmp, isAiSourceType(xmp.digitalSourceType), contentCredentials, more);
  if (!more || scan.next === undefined) return meta;
  // A cut chunk that is not ours to read (the bitstream) is skipped: read on after it.
  const next = scan.cut && scan.cut.fourcc !== 'XMP ' && scan.cut.fourcc !== 'C2PA' ? scan.cut.end : scan.next;
  return { ...meta, nextChunk: next };
}

// ---- shared ----

function found(format: ImageMeta['format'], recipe: Recipe | undefined, xmp: XmpFound, aiGenerated: boolean, contentCredentials: boolean, needMore: boolean): ImageMeta {
  return {
    format,
    ...(recipe ? { recipe } : {}),
    aiGenerated,
    ...(aiGenerated && xmp.aiSystem ? { aiSystem: xmp.aiSystem } : {}),
    contentCredentials,
    needMore,
  };
}

function utf8(bytes: Uint8Array): string | undefined {
  if (bytes.length > MAX_XMP_READ_BYTES) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
