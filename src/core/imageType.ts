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

function ascii(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...b.subarray(start, end));
}
