// JPEG marker segments, just what metadata needs (ITU T.81 B.1.1; XMP Part 3 §1.1.3 for APP1,
// C2PA §A.3 for APP11 JUMBF). Bounded by the input's length; never throws on hostile bytes.

export interface JpegSegment {
  /** The marker's second byte (0xE1 for APP1…). */
  readonly marker: number;
  /** Offset of the 0xFF of the marker. */
  readonly start: number;
  /** Offset of the payload (after the two length bytes). */
  readonly dataStart: number;
  readonly end: number;
}

export interface JpegHead {
  /** The segments with a length, from after SOI up to (not including) SOS. */
  readonly segments: readonly JpegSegment[];
  /** Offset of the SOS marker, when reached. */
  readonly sos?: number;
  readonly state: 'sos' | 'truncated' | 'malformed';
}

/** A segment's length field counts itself: at most 65,535, so 65,533 bytes of payload. */
export const MAX_SEGMENT_PAYLOAD = 65533;
const SOI = 0xd8;
const SOS = 0xda;
const EOI = 0xd9;
export const APP0 = 0xe0;
export const APP1 = 0xe1;
export const APP11 = 0xeb;

export function hasJpegSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === SOI && bytes[2] === 0xff;
}

/** Walks the segments from SOI to SOS. Linear: each step moves at least one byte on. */
export function scanJpegHead(bytes: Uint8Array): JpegHead {
  const segments: JpegSegment[] = [];
  if (!hasJpegSignature(bytes)) {
    const prefix = bytes.length < 3 && bytes.every((b, i) => b === [0xff, SOI, 0xff][i]);
    return { segments, state: prefix ? 'truncated' : 'malformed' };
  }
  let at = 2;
  for (;;) {
    if (at + 2 > bytes.length) return { segments, state: 'truncated' };
    if (bytes[at] !== 0xff) return { segments, state: 'malformed' };
    const marker = bytes[at + 1]!;
    // Fill bytes: any number of 0xFF may come before a marker.
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === SOS) return { segments, sos: at, state: 'sos' };
    if (marker === EOI || marker === SOI || marker === 0x00) return { segments, state: 'malformed' };
    // Markers without a length (RSTn, TEM).
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) return { segments, state: 'truncated' };
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2) return { segments, state: 'malformed' };
    const end = at + 2 + length;
    if (end > bytes.length) return { segments, state: 'truncated' };
    segments.push({ marker, start: at, dataStart: at + 4, end });
    at = end;
  }
}

/** Whether the segment's payload starts with these bytes. */
export function segmentStartsWith(bytes: Uint8Array, segment: JpegSegment, prefix: Uint8Array): boolean {
  if (segment.end - segment.dataStart < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[segment.dataStart + i] !== prefix[i]) return false;
  return true;
}

/**
 * A C2PA manifest segment: APP11 with the JPEG XT common identifier `JP`, whose JUMBF
 * description box says `c2pa` near its start (C2PA 2.1 §A.3.2).
 */
export function isC2paSegment(bytes: Uint8Array, segment: JpegSegment): boolean {
  if (segment.marker !== APP11 || !segmentStartsWith(bytes, segment, JP)) return false;
  const to = Math.min(segment.end, segment.dataStart + 96);
  return indexOf(bytes, C2PA, segment.dataStart, to) >= 0;
}

/** One segment: marker, length, payload. Throws RangeError past MAX_SEGMENT_PAYLOAD. */
export function makeSegment(marker: number, payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_SEGMENT_PAYLOAD) throw new RangeError('segment too long');
  const out = new Uint8Array(4 + payload.length);
  out[0] = 0xff;
  out[1] = marker;
  out[2] = (payload.length + 2) >> 8;
  out[3] = (payload.length + 2) & 0xff;
  out.set(payload, 4);
  return out;
}

const JP = Uint8Array.of(0x4a, 0x50);
const C2PA = Uint8Array.of(0x63, 0x32, 0x70, 0x61);

export function indexOf(bytes: Uint8Array, needle: Uint8Array, from: number, to: number): number {
  const last = Math.min(to, bytes.length) - needle.length;
  outer: for (let i = from; i <= last; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
