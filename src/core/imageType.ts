export interface ImageType {
  readonly format: 'png' | 'jpeg' | 'webp';
  readonly extension: '.png' | '.jpg' | '.webp';
  readonly mime: string;
}

/** A file name of an image the extension reads or writes (PNG, JPEG, WebP); the bytes decide in the end. */
export const IMAGE_FILE_NAME = /\.(png|jpe?g|webp)$/i;

const PNG: ImageType = { format: 'png', extension: '.png', mime: 'image/png' };
const JPEG: ImageType = { format: 'jpeg', extension: '.jpg', mime: 'image/jpeg' };
const WEBP: ImageType = { format: 'webp', extension: '.webp', mime: 'image/webp' };

/** Recognises an image by its signature, never by what the server claims. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) {
    return PNG;
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return JPEG;
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return WEBP;
  return undefined;
}

/** Width and height from a PNG's IHDR chunk, when the bytes are a PNG. */
export function pngDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (sniffImageType(bytes) !== PNG || bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Whether the bytes are a whole image, not one cut off while it was written: a PNG ends with its
 * IEND chunk, a JPEG with its EOI marker, a WebP's RIFF size covers the file.
 */
export function isCompleteImage(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n >= 8 + 12 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const iend = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
    return iend.every((b, i) => bytes[n - 12 + i] === b);
  }
  if (n >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return bytes[n - 2] === 0xff && bytes[n - 1] === 0xd9;
  if (n >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') {
    const size = bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24);
    return size >>> 0 === n - 8 || size >>> 0 === n - 9; // odd sizes are padded
  }
  return false;
}

/** The output format a file name asks the service for: `png`, or `jpeg` for `.jpg`/`.jpeg`; else none. */
export function outputFormatOfName(path: string): 'png' | 'jpeg' | undefined {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  return ext === 'png' ? 'png' : ext === 'jpg' || ext === 'jpeg' ? 'jpeg' : undefined;
}

function ascii(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...b.subarray(start, end));
}
