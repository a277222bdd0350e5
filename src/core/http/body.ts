import type { Dispatcher } from 'undici';
import { FluxError, text } from '../errors';

export const DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024;

/** Reads a whole answer, refusing one larger than `maxBytes` or shorter than it announced. */
export async function readBody(res: Dispatcher.ResponseData, maxBytes: number, what: 'answer' | 'image'): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  const megabytes = Math.round(maxBytes / 1024 / 1024);
  const tooLarge = () =>
    new FluxError(
      'tooLarge',
      what === 'image'
        ? text('The image is larger than {0} MB, far more than any image should be; it was refused and nothing was saved.', megabytes)
        : text('The service\'s answer is larger than {0} MB, far more than any image; it was refused and nothing was saved.', megabytes),
    );
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw tooLarge();
  }
  // Memory follows the bytes that actually arrive: a declared length is only checked, never
  // allocated up front (a server could announce 50 MB and send nothing).
  const limit = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (limit !== undefined && total > limit) {
      res.body.destroy();
      throw new FluxError('malformed', text('The service sent more than the {0} bytes it announced.', limit));
    }
    if (total > maxBytes) {
      res.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  if (limit !== undefined && total !== limit) throw new FluxError('network', text('The connection closed after {0} of {1} bytes. Try again.', total, limit));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}
