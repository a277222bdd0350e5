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
  // With a declared length, fill one buffer in place; otherwise collect and join once.
  if (Number.isFinite(declared) && declared > 0) {
    const out = Buffer.allocUnsafe(declared);
    let at = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (at + chunk.length > declared) {
        res.body.destroy();
        throw new FluxError('malformed', text('The service sent more than the {0} bytes it announced.', declared));
      }
      chunk.copy(out, at);
      at += chunk.length;
    }
    if (at !== declared) throw new FluxError('network', text('The connection closed after {0} of {1} bytes. Try again.', at, declared));
    return out;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      res.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}
