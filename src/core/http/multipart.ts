/**
 * A `multipart/form-data` body (RFC 7578) of text fields and one file, sent as Buffers that view
 * the caller's bytes: the image is never copied. undici's FormData copies a file into a Blob, and
 * a Blob made from memory streams as one more whole copy, so a 10 MB image cost 30 MB there.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface MultipartFile {
  readonly name: string;
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

export interface MultipartBody {
  /** `multipart/form-data; boundary=…` */
  readonly contentType: string;
  /** Exact length in bytes, for Content-Length (no chunked upload: some gateways refuse one). */
  readonly length: number;
  /** The body as a stream of its pieces; a fresh one each call (one per attempt). */
  readonly stream: () => Readable;
}

/** As browsers and undici escape names in a Content-Disposition: `"`, CR and LF percent-encoded. */
function escapeName(s: string): string {
  return s.replace(/\r\n|\r|\n/g, (m) => (m === '\r' ? '%0D' : m === '\n' ? '%0A' : '%0D%0A')).replace(/"/g, '%22');
}

export function multipartBody(fields: readonly (readonly [string, string])[], file: MultipartFile): MultipartBody {
  const boundary = `----flux-${randomBytes(12).toString('hex')}`;
  let head = '';
  for (const [name, value] of fields) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"\r\n\r\n${value.replace(/\r?\n|\r/g, '\r\n')}\r\n`;
  }
  head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(file.name)}"; filename="${escapeName(file.filename)}"\r\nContent-Type: ${file.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`;
  const before = Buffer.from(head, 'utf8');
  const after = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const bytes = file.bytes;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: before.length + bytes.byteLength + after.length,
    // Object mode: each piece goes out as it is; a byte stream may join buffered pieces into a copy.
    stream: () => Readable.from([before, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), after]),
  };
}
