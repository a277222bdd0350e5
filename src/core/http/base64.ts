import { FluxError } from '../errors';

const B64_KEY = Buffer.from('"b64_json"');

/** Finds `"b64_json": "..."` in raw bytes; returns its span and the JSON with the value emptied. */
export function extractBase64Field(answer: Buffer): { start: number; end: number; rest: string } | undefined {
  const key = answer.indexOf(B64_KEY);
  if (key < 0) return undefined;
  let i = key + B64_KEY.length;
  while (i < answer.length && (answer[i] === 0x20 || answer[i] === 0x0a || answer[i] === 0x0d || answer[i] === 0x09)) i++;
  if (answer[i] !== 0x3a /* : */) return undefined;
  i++;
  while (i < answer.length && (answer[i] === 0x20 || answer[i] === 0x0a || answer[i] === 0x0d || answer[i] === 0x09)) i++;
  if (answer[i] !== 0x22 /* " */) return undefined;
  const start = i + 1;
  const end = answer.indexOf(0x22, start);
  if (end < 0) return undefined;
  // A backslash means JSON escapes (e.g. `\/` or `\n`): let the JSON parser handle those.
  if (answer.subarray(start, end).includes(0x5c)) return undefined;
  const rest = answer.toString('utf8', 0, start) + answer.toString('utf8', end);
  return { start, end, rest };
}

/** Strict base64 (standard or URL-safe, optional `data:` prefix, line breaks allowed). */
export function decodeBase64(raw: Buffer): Uint8Array {
  let text = raw.toString('latin1');
  const comma = text.startsWith('data:') ? text.indexOf(',') : -1;
  if (comma >= 0) text = text.slice(comma + 1);
  if (/[\r\n\t ]/.test(text)) text = text.replace(/[\r\n\t ]+/g, '');
  if (text.length === 0 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.length % 4 === 1) {
    throw new FluxError('malformed', 'The service sent image data that is not valid base64. Nothing was saved; try again.');
  }
  return Buffer.from(text, 'base64');
}

/** The careful path (line breaks, a data: prefix) is taken when they show in this much of the text. */
const BASE64_CHUNK = 64 * 1024;

/**
 * Base64 digit values (standard and URL-safe alphabets, as Node decodes), pre-shifted for each
 * place in a group of four, so a group is four lookups ORed together. Any other byte maps to
 * a negative number, which makes the whole group negative.
 */
function base64Place(shift: number): Int32Array {
  const table = new Int32Array(256).fill(-1 << 24);
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < digits.length; i++) table[digits.charCodeAt(i)] = i << shift;
  table[0x2d /* - */] = 62 << shift;
  table[0x5f /* _ */] = 63 << shift;
  return table;
}
const B64_0 = base64Place(18);
const B64_1 = base64Place(12);
const B64_2 = base64Place(6);
const B64_3 = base64Place(0);

/**
 * Decodes base64 held in `buf[start, end)` into the same memory (the output is always behind
 * the input), byte by byte: no string and no copy of the text is ever made, so a 3 MB field
 * leaves nothing behind for the garbage collector.
 */
export function decodeBase64InPlace(buf: Buffer, start: number, end: number): Uint8Array {
  const length = end - start;
  if (length === 0 || length % 4 === 1) return decodeBase64(buf.subarray(start, end));
  // Up to two `=` may end the text; anywhere else they are not base64.
  let stop = end;
  while (stop > start && end - stop < 2 && buf[stop - 1] === 0x3d) stop--;
  // Line breaks or a data: prefix show in the first slice: the careful path handles them,
  // checked before any byte is overwritten. Past it, a bad character is garbage.
  for (let i = start, first = Math.min(start + BASE64_CHUNK, stop); i < first; i++) {
    if (B64_3[buf[i]!]! < 0) return decodeBase64(buf.subarray(start, end));
  }
  let out = start;
  let i = start;
  // Two groups a turn, the fast part; it stops at the end or at a bad group.
  for (const pairs = stop - 7; i < pairs; i += 8) {
    const v = B64_0[buf[i]!]! | B64_1[buf[i + 1]!]! | B64_2[buf[i + 2]!]! | B64_3[buf[i + 3]!]!;
    const w = B64_0[buf[i + 4]!]! | B64_1[buf[i + 5]!]! | B64_2[buf[i + 6]!]! | B64_3[buf[i + 7]!]!;
    if ((v | w) < 0) break;
    buf[out] = v >> 16;
    buf[out + 1] = v >> 8;
    buf[out + 2] = v;
    buf[out + 3] = w >> 16;
    buf[out + 4] = w >> 8;
    buf[out + 5] = w;
    out += 6;
  }
  // What is left: whole groups (one, or the ones from a bad pair on), then 2 or 3 digits
  // giving 1 or 2 bytes; a lone digit gives none (as Node does).
  for (; i < stop; i += 4) {
    const rest = stop - i;
    const v = B64_0[buf[i]!]! | (rest > 1 ? B64_1[buf[i + 1]!]! : 0) | (rest > 2 ? B64_2[buf[i + 2]!]! : 0) | (rest > 3 ? B64_3[buf[i + 3]!]! : 0);
    if (v < 0) throw new FluxError('malformed', 'The service sent image data that is not valid base64. Nothing was saved; try again.');
    if (rest > 1) buf[out++] = v >> 16;
    if (rest > 2) buf[out++] = v >> 8;
    if (rest > 3) buf[out++] = v;
  }
  return buf.subarray(start, out);
}
