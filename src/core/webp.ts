// WebP's RIFF container, just what metadata needs (RFC 9649 §2.4-2.7). Bounded by the input's
// length; never throws on hostile bytes. The bitstream (VP8/VP8L data) is never changed.

export interface RiffChunk {
  readonly fourcc: string;
  /** Offset of the chunk header (fourcc) in the bytes given. */
  readonly start: number;
  readonly dataStart: number;
  /** End of the data (without the padding byte). */
  readonly dataEnd: number;
  /** End with the padding byte of an odd-sized chunk. */
  readonly end: number;
}

export interface RiffScan {
  readonly chunks: readonly RiffChunk[];
  /** 'end': the chunks fill the bytes exactly. 'truncated': a chunk goes past them (`next` is its start). */
  readonly state: 'end' | 'truncated' | 'malformed';
  readonly next?: number;
  /** When a chunk's header was read but its data goes past the bytes: its fourcc and where it ends. */
  readonly cut?: { readonly fourcc: string; readonly end: number };
}

export const VP8X_XMP_FLAG = 0x04;
const VP8X_ALPHA_FLAG = 0x10;
/** Where the first chunk starts: `RIFF`, size, `WEBP`. */
export const WEBP_HEADER_BYTES = 12;

export function hasWebpSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP';
}

/**
 * The chunks from `from` to `to` (default: the end of the bytes). `from` must be a chunk's start:
 * the first chunk (12) or where an earlier scan said `next`.
 */
export function scanRiff(bytes: Uint8Array, from: number, to = bytes.length): RiffScan {
  const chunks: RiffChunk[] = [];
  let at = from;
  const end = Math.min(to, bytes.length);
  while (at < end) {
    if (at + 8 > end) return { chunks, state: 'truncated', next: at };
    const fourcc = ascii(bytes, at, at + 4);
    if (!/^[\x20-\x7e]{4}$/.test(fourcc)) return { chunks, state: 'malformed' };
    const size = (bytes[at + 4]! | (bytes[at + 5]! << 8) | (bytes[at + 6]! << 16) | (bytes[at + 7]! << 24)) >>> 0;
    const dataEnd = at + 8 + size;
    const chunkEnd = dataEnd + (size & 1);
    if (dataEnd > end) return { chunks, state: 'truncated', next: at, cut: { fourcc, end: chunkEnd } };
    chunks.push({ fourcc, start: at, dataStart: at + 8, dataEnd, end: Math.min(chunkEnd, end) });
    at = chunkEnd;
  }
  return { chunks, state: 'end' };
}

/** The RIFF size field: the file's length minus 8. */
export function riffSize(bytes: Uint8Array): number {
  return (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
}

/** A chunk: fourcc, little-endian size, data, a padding NUL when the size is odd. */
export function makeRiffChunk(fourcc: string, data: Uint8Array): Uint8Array {
  if (!/^[\x20-\x7e]{4}$/.test(fourcc)) throw new RangeError(`not a fourcc: ${fourcc}`);
  const out = new Uint8Array(8 + data.length + (data.length & 1));
  for (let i = 0; i < 4; i++) out[i] = fourcc.charCodeAt(i);
  writeU32le(out, 4, data.length);
  out.set(data, 8);
  return out;
}

/**
 * The canvas size and alpha from a simple WebP's bitstream header: VP8 (RFC 6386 §9.1: start
 * code 9d 01 2a, 14-bit sizes) or VP8L (RFC 9649 §3.2: signature 2f, 14-bit sizes minus one).
 */
export function bitstreamSize(bytes: Uint8Array, chunk: RiffChunk): { width: number; height: number; alpha: boolean } | undefined {
  const d = chunk.dataStart;
  const n = chunk.dataEnd - d;
  if (chunk.fourcc === 'VP8 ') {
    if (n < 10 || bytes[d + 3] !== 0x9d || bytes[d + 4] !== 0x01 || bytes[d + 5] !== 0x2a) return undefined;
    const width = (bytes[d + 6]! | (bytes[d + 7]! << 8)) & 0x3fff;
    const height = (bytes[d + 8]! | (bytes[d + 9]! << 8)) & 0x3fff;
    return width && height ? { width, height, alpha: false } : undefined;
  }
  if (chunk.fourcc === 'VP8L') {
    if (n < 5 || bytes[d] !== 0x2f) return undefined;
    const bits = (bytes[d + 1]! | (bytes[d + 2]! << 8) | (bytes[d + 3]! << 16) | (bytes[d + 4]! << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1 };
  }
  return undefined;
}

/** A VP8X chunk for a canvas (RFC 9649 §2.7: flags, 3 reserved bytes, 24-bit width-1 and height-1). */
export function vp8xChunk(flags: number, width: number, height: number): Uint8Array {
  const data = new Uint8Array(10);
  data[0] = flags;
  writeU24le(data, 4, width - 1);
  writeU24le(data, 7, height - 1);
  return makeRiffChunk('VP8X', data);
}

/** The alpha flag for a simple file converted to VP8X. */
export function alphaFlag(alpha: boolean): number {
  return alpha ? VP8X_ALPHA_FLAG : 0;
}

export function writeU32le(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
  out[at + 3] = (value >>> 24) & 0xff;
}

function writeU24le(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end && i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}
