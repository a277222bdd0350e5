// PNG chunk reading and writing, just what text metadata needs (PNG spec, 3rd ed., §5 and §11.3.3).
// Everything here is bounded by the input's length and never throws on hostile bytes.
import * as zlib from 'node:zlib';

export const PNG_SIGNATURE: Uint8Array = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** The spec's limit on a chunk's length (2^31 - 1). */
const MAX_CHUNK_LENGTH = 0x7fffffff;
/** A chunk's length, type and CRC fields. */
const CHUNK_OVERHEAD = 12;

/** Where one chunk lies in the bytes: [start, dataStart) is length + type, [dataEnd, end) the CRC. */
export interface PngChunk {
  readonly type: string;
  readonly start: number;
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly end: number;
}

export interface PngHead {
  /** The chunks from IHDR up to (not including) the first IDAT, or up to where reading stopped. */
  readonly chunks: readonly PngChunk[];
  /** Offset of the first IDAT chunk, when reached. */
  readonly idat?: number;
  /**
   * 'idat': the first IDAT was reached. 'truncated': the bytes ended first (a longer head may
   * go further). 'malformed': not a PNG, or a chunk that cannot be (bad length or type).
   */
  readonly state: 'idat' | 'truncated' | 'malformed';
}

// VS Code 1.100+ runs Node 20.19, which has zlib.crc32 (added in 20.15); the table is for older hosts.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

let table: Uint32Array | undefined;

/** CRC-32 (ISO 3309, as PNG uses it) without zlib: the fallback, exported so tests can compare. */
export function tableCrc32(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32(data: Uint8Array, value = 0): number {
  return typeof nativeCrc32 === 'function' ? nativeCrc32(data, value) >>> 0 : tableCrc32(data, value);
}

export function hasPngSignature(bytes: Uint8Array): boolean {
  if (bytes.length < PNG_SIGNATURE.length) return false;
  for (let i = 0; i < PNG_SIGNATURE.length; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return false;
  return true;
}

/**
 * Walks the chunks from the signature to the first IDAT. Work is linear in the bytes (each step
 * moves at least 12 bytes on) and nothing is copied.
 */
export function scanHead(bytes: Uint8Array): PngHead {
  const chunks: PngChunk[] = [];
  if (!hasPngSignature(bytes)) {
    const prefix = bytes.length < PNG_SIGNATURE.length && bytes.every((b, i) => b === PNG_SIGNATURE[i]);
    return { chunks, state: prefix ? 'truncated' : 'malformed' };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = PNG_SIGNATURE.length;
  for (;;) {
    if (at + 8 > bytes.length) return { chunks, state: 'truncated' };
    const length = view.getUint32(at);
    const type = chunkType(bytes, at + 4);
    if (length > MAX_CHUNK_LENGTH || type === undefined) return { chunks, state: 'malformed' };
    // The spec wants IHDR first, and it has a fixed length.
    if (chunks.length === 0 && (type !== 'IHDR' || length !== 13)) return { chunks, state: 'malformed' };
    if (chunks.length > 0 && type === 'IHDR') return { chunks, state: 'malformed' };
    if (type === 'IDAT') {
      if (chunks.length === 0) return { chunks, state: 'malformed' };
      return { chunks, idat: at, state: 'idat' };
    }
    if (type === 'IEND') return { chunks, state: 'malformed' };
    const end = at + CHUNK_OVERHEAD + length;
    if (end > bytes.length) return { chunks, state: 'truncated' };
    chunks.push({ type, start: at, dataStart: at + 8, dataEnd: end - 4, end });
    at = end;
  }
}

/** Whether the chunk's stored CRC matches its type and data. */
export function chunkCrcOk(bytes: Uint8Array, chunk: PngChunk): boolean {
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(chunk.dataEnd);
  return crc32(bytes.subarray(chunk.start + 4, chunk.dataEnd)) === stored;
}

/** One chunk: length, type, data, CRC over type and data. */
export function makeChunk(type: string, data: Uint8Array): Uint8Array {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new RangeError(`not a chunk type: ${type}`);
  if (data.length > MAX_CHUNK_LENGTH) throw new RangeError('chunk too long');
  const out = new Uint8Array(CHUNK_OVERHEAD + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Characters a tEXt chunk may hold: printable Latin-1, tab and line breaks. */
const LATIN1_TEXT = /^[\t\n\r\x20-\x7e\xa0-\xff]*$/;
const KEYWORD = /^[\x21-\x7e\xa1-\xff](?:[\x20-\x7e\xa1-\xff]{0,77}[\x21-\x7e\xa1-\xff])?$/;

/** A `tEXt` chunk when the text is Latin-1, else an uncompressed `iTXt` (UTF-8). NULs are dropped. */
export function textChunk(keyword: string, value: string): Uint8Array {
  const clean = value.replace(/\0/g, '');
  if (!LATIN1_TEXT.test(clean)) return iTxtChunk(keyword, clean);
  const k = keywordBytes(keyword);
  const data = new Uint8Array(k.length + 1 + clean.length);
  data.set(k, 0);
  for (let i = 0; i < clean.length; i++) data[k.length + 1 + i] = clean.charCodeAt(i);
  return makeChunk('tEXt', data);
}

/** `iTXt`: keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty translated keyword, NUL, UTF-8 text. */
export function iTxtChunk(keyword: string, value: string): Uint8Array {
  const k = keywordBytes(keyword);
  const t = new TextEncoder().encode(value.replace(/\0/g, ''));
  const data = new Uint8Array(k.length + 5 + t.length);
  data.set(k, 0);
  // data[k.length .. k.length + 4] stay 0: NUL, flag, method, NUL after the tag, NUL after the translated keyword.
  data.set(t, k.length + 5);
  return makeChunk('iTXt', data);
}

/** The keyword of a tEXt, zTXt or iTXt chunk (bytes up to the first NUL), without checking the CRC. */
export function textKeyword(bytes: Uint8Array, chunk: PngChunk): string | undefined {
  if (chunk.type !== 'tEXt' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt') return undefined;
  const nul = indexOfNul(bytes, chunk.dataStart, Math.min(chunk.dataEnd, chunk.dataStart + 80));
  if (nul <= chunk.dataStart) return undefined;
  return latin1(bytes.subarray(chunk.dataStart, nul));
}

export interface PngText {
  readonly keyword: string;
  readonly text: string;
}

/**
 * The keyword and text of a tEXt or uncompressed iTXt chunk whose CRC is right; undefined for
 * anything else (compressed text is not read: we never write it, and inflating is unbounded work).
 */
export function readTextChunk(bytes: Uint8Array, chunk: PngChunk): PngText | undefined {
  const keyword = textKeyword(bytes, chunk);
  if (keyword === undefined || chunk.type === 'zTXt' || !chunkCrcOk(bytes, chunk)) return undefined;
  const afterKeyword = chunk.dataStart + keyword.length + 1;
  if (chunk.type === 'tEXt') return { keyword, text: latin1(bytes.subarray(afterKeyword, chunk.dataEnd)) };
  if (afterKeyword + 2 > chunk.dataEnd || bytes[afterKeyword] !== 0) return undefined;
  const tagEnd = indexOfNul(bytes, afterKeyword + 2, chunk.dataEnd);
  const translatedEnd = tagEnd < 0 ? -1 : indexOfNul(bytes, tagEnd + 1, chunk.dataEnd);
  if (translatedEnd < 0) return undefined;
  try {
    return { keyword, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(translatedEnd + 1, chunk.dataEnd)) };
  } catch {
    return undefined;
  }
}

/** Every readable text chunk before the first IDAT in the bytes given (a head is enough). */
export function pngTextChunks(head: Uint8Array): PngText[] {
  const out: PngText[] = [];
  for (const chunk of scanHead(head).chunks) {
    const t = readTextChunk(head, chunk);
    if (t) out.push(t);
  }
  return out;
}

/** Width and height from IHDR (which must be first, 13 bytes, with a right CRC). */
export function pngSize(png: Uint8Array): { width: number; height: number } | undefined {
  const ihdr = scanHead(png.subarray(0, PNG_SIGNATURE.length + CHUNK_OVERHEAD + 13)).chunks[0];
  if (!ihdr || !chunkCrcOk(png, ihdr)) return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = view.getUint32(ihdr.dataStart);
  const height = view.getUint32(ihdr.dataStart + 4);
  if (width < 1 || height < 1 || width > MAX_CHUNK_LENGTH || height > MAX_CHUNK_LENGTH) return undefined;
  return { width, height };
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function chunkType(bytes: Uint8Array, at: number): string | undefined {
  let s = '';
  for (let i = at; i < at + 4; i++) {
    const b = bytes[i]!;
    if (!((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a))) return undefined;
    s += String.fromCharCode(b);
  }
  return s;
}

function keywordBytes(keyword: string): Uint8Array {
  if (!KEYWORD.test(keyword) || keyword.includes('  ')) throw new RangeError(`not a PNG keyword: ${keyword}`);
  return Uint8Array.from(keyword, (c) => c.charCodeAt(0));
}

function indexOfNul(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (bytes[i] === 0) return i;
  return -1;
}

function latin1(bytes: Uint8Array): string {
  // Not TextDecoder('latin1'): that is windows-1252, which differs at 0x80-0x9f.
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}
