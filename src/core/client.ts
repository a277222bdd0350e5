import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { FluxError, redact, redactError, text } from './errors';
import type { ImageType } from './imageType';
import { sniffImageType } from './imageType';
import type { GenerationParams } from './params';
import { generationsUrl } from './endpoint';

export interface ClientConfig {
  /** Service root, e.g. `https://www.dmxapi.cn`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** The whole request, including downloading a returned URL. */
  readonly timeoutMs: number;
  /** Answers (JSON or image) larger than this are refused. */
  readonly maxResponseBytes?: number;
  /** Retries of 429 and 5xx answers. */
  readonly maxRetries?: number;
  /** First backoff step; doubles each retry, with full jitter. */
  readonly retryBaseMs?: number;
  readonly userAgent?: string;
  readonly dispatcher?: Dispatcher;
}

export interface GeneratedImage {
  readonly bytes: Uint8Array;
  readonly type: ImageType;
  /** The seed the service used, when it said. */
  readonly seed: number | undefined;
  readonly source: 'b64_json' | 'url';
  readonly durationMs: number;
  readonly attempts: number;
}

export interface RequestLogEntry {
  readonly phase: 'generate' | 'download';
  readonly model: string;
  readonly size: string;
  readonly seed: number;
  readonly attempt: number;
  readonly status: number | undefined;
  readonly durationMs: number;
  readonly bytes: number;
  readonly outcome: string;
}

export interface GenerateOptions {
  readonly signal?: AbortSignal;
  readonly log?: (entry: RequestLogEntry) => void;
  /** Called before waiting to retry, so progress can say so. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; status: number }) => void;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024;
const MAX_REDIRECTS = 5;

/**
 * Asks the service for one image and returns its verified bytes. Retries 429 and 5xx with
 * backoff; every other failure becomes a FluxError whose message is safe to show.
 */
export async function generateImage(params: GenerationParams, config: ClientConfig, options: GenerateOptions = {}): Promise<GeneratedImage> {
  try {
    return await generate(params, config, options);
  } catch (err) {
    // Last line of defence: whatever a server echoed, the key leaves here as ***.
    if (err instanceof FluxError) throw redactError(err, config.apiKey);
    throw new FluxError('network', redact(String((err as Error)?.message ?? err), config.apiKey));
  }
}

async function generate(params: GenerationParams, config: ClientConfig, options: GenerateOptions): Promise<GeneratedImage> {
  const started = performance.now();
  const endpoint = generationsUrl(config.baseUrl);
  const deadline = AbortSignal.timeout(config.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const fail = (err: unknown): never => {
    throw toFluxError(err, { signal: options.signal, deadline, timeoutMs: config.timeoutMs, apiKey: config.apiKey, host: endpoint.host });
  };
  const body = JSON.stringify({ prompt: params.prompt, model: params.model, size: params.size, n: 1, seed: params.seed });
  const maxBytes = config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxRetries = config.maxRetries ?? 3;
  const log = (e: Omit<RequestLogEntry, 'model' | 'size' | 'seed'>) => options.log?.({ model: params.model, size: params.size, seed: params.seed, ...e });

  for (let attempt = 1; ; attempt++) {
    const t0 = performance.now();
    let status: number | undefined;
    let answer: Buffer;
    let headers: Record<string, string | string[] | undefined>;
    try {
      const res = await request(endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${config.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': config.userAgent ?? 'flux-vscode',
        },
        body,
        signal,
        dispatcher: config.dispatcher,
      });
      status = res.statusCode;
      headers = res.headers;
      answer = await readBody(res, maxBytes, 'answer');
    } catch (err) {
      log({ phase: 'generate', attempt, status, durationMs: performance.now() - t0, bytes: 0, outcome: errorOutcome(err) });
      return fail(err);
    }
    const ms = performance.now() - t0;

    if (status >= 300 && status < 400) {
      // Never follow: the key would go with the request to wherever the redirect points.
      const where = String(headers.location ?? '');
      log({ phase: 'generate', attempt, status, durationMs: ms, bytes: answer.length, outcome: 'redirect refused' });
      throw new FluxError('badRequest', text('The service answered with a redirect ({0}) to {1}; the key is not sent there. Check flux.baseUrl.', status, where ? safeHost(where) : '?'), { status });
    }
    if (status < 200 || status >= 300 || looksLikeErrorBody(answer)) {
      const error = errorFromAnswer(status, answer, headers, config.apiKey);
      const retryable = error.kind === 'rateLimit' || error.kind === 'server';
      log({ phase: 'generate', attempt, status, durationMs: ms, bytes: answer.length, outcome: `${error.kind}${retryable && attempt <= maxRetries ? ', will retry' : ''}` });
      if (retryable && attempt <= maxRetries) {
        const delayMs = backoffDelay(attempt, config.retryBaseMs ?? 1000, error.details.retryAfterMs);
        const remaining = config.timeoutMs - (performance.now() - started);
        if (delayMs < remaining) {
          options.onRetry?.({ attempt, delayMs, status });
          try {
            await sleep(delayMs, signal);
          } catch (err) {
            return fail(err);
          }
          continue;
        }
      }
      throw error;
    }

    let image: { bytes: Uint8Array; seed: number | undefined; source: 'b64_json' | 'url'; url?: string };
    try {
      image = parseGenerationAnswer(answer);
    } catch (err) {
      log({ phase: 'generate', attempt, status, durationMs: ms, bytes: answer.length, outcome: errorOutcome(err) });
      throw err;
    }
    log({ phase: 'generate', attempt, status, durationMs: ms, bytes: answer.length, outcome: `ok (${image.source})` });
    let bytes = image.bytes;
    if (image.url !== undefined) {
      const d0 = performance.now();
      try {
        bytes = await download(image.url, endpoint, config, signal, maxBytes);
        log({ phase: 'download', attempt, status: 200, durationMs: performance.now() - d0, bytes: bytes.length, outcome: 'ok' });
      } catch (err) {
        log({ phase: 'download', attempt, status: undefined, durationMs: performance.now() - d0, bytes: 0, outcome: errorOutcome(err) });
        return fail(err);
      }
    }
    const type = sniffImageType(bytes);
    if (!type) {
      throw new FluxError('notImage', text('The service sent {0} bytes that are not a PNG, JPEG or WebP image. Nothing was saved; try again.', bytes.length));
    }
    return { bytes, type, seed: image.seed, source: image.source, durationMs: performance.now() - started, attempts: attempt };
  }
}

/**
 * Reads `{"data":[{"b64_json"|"url", "seed"}]}`. Large answers are scanned for the base64
 * field instead of parsed whole, so a 4 MB answer costs one copy rather than three.
 */
export function parseGenerationAnswer(answer: Buffer): { bytes: Uint8Array; seed: number | undefined; source: 'b64_json' | 'url'; url?: string } {
  const fast = answer.length > 64 * 1024 ? extractBase64Field(answer) : undefined;
  let json: unknown;
  try {
    json = JSON.parse(fast ? fast.rest : answer.toString('utf8'));
  } catch {
    throw new FluxError('malformed', text('The service sent an answer that is not JSON ({0}). Try again; if it persists, check flux.baseUrl.', describeBytes(answer)));
  }
  const item = Array.isArray((json as { data?: unknown })?.data) ? ((json as { data: unknown[] }).data[0] as Record<string, unknown> | undefined) : undefined;
  if (!item || typeof item !== 'object') {
    throw new FluxError('malformed', 'The service answered without an image (no “data” in its answer). Try again.');
  }
  const seed = typeof item.seed === 'number' && Number.isSafeInteger(item.seed) ? item.seed : typeof item.seed === 'string' && /^\d+$/.test(item.seed) ? Number(item.seed) : undefined;
  if (fast || typeof item.b64_json === 'string') {
    const bytes = fast ? decodeBase64InPlace(answer, fast.start, fast.end) : decodeBase64(Buffer.from(item.b64_json as string, 'latin1'));
    return { bytes, seed, source: 'b64_json' };
  }
  if (typeof item.url === 'string' && item.url) {
    return { bytes: new Uint8Array(0), seed, source: 'url', url: item.url };
  }
  throw new FluxError('malformed', 'The service answered without an image (neither “b64_json” nor “url”). Try again.');
}

const B64_KEY = Buffer.from('"b64_json"');

/** Finds `"b64_json": "..."` in raw bytes; returns its span and the JSON with the value emptied. */
function extractBase64Field(answer: Buffer): { start: number; end: number; rest: string } | undefined {
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

async function download(rawUrl: string, endpoint: URL, config: ClientConfig, signal: AbortSignal, maxBytes: number): Promise<Uint8Array> {
  let url: URL;
  try {
    url = new URL(rawUrl, endpoint);
  } catch {
    throw new FluxError('malformed', 'The service sent an image address that is not a URL.');
  }
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new FluxError('download', text('The image address uses {0}, which is not downloaded. Nothing was saved.', url.protocol));
    }
    if (endpoint.protocol === 'https:' && url.protocol === 'http:') {
      throw new FluxError('download', text('The service is on https but its image address is plain http ({0}); it was not downloaded. Nothing was saved.', url.host));
    }
    // The key goes only to the service's own origin, and never after a redirect.
    const sameOrigin = hop === 0 && url.origin === endpoint.origin;
    const res = await request(url, {
      method: 'GET',
      headers: { 'user-agent': config.userAgent ?? 'flux-vscode', ...(sameOrigin ? { authorization: `Bearer ${config.apiKey}` } : {}) },
      signal,
      dispatcher: config.dispatcher,
    });
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      await res.body.dump();
      if (hop >= MAX_REDIRECTS) throw new FluxError('download', 'The image address redirected too many times. Nothing was saved; try again.');
      url = new URL(String(res.headers.location), url);
      continue;
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new FluxError('download', text('Downloading the image from {0} failed ({1}). Its address may have expired; generate again.', url.host, res.statusCode), { status: res.statusCode });
    }
    return readBody(res, maxBytes, 'image');
  }
}

async function readBody(res: Dispatcher.ResponseData, maxBytes: number, what: 'answer' | 'image'): Promise<Buffer> {
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

/** Some gateways answer 200 with an error, in either shape; an image answer has `data`. */
function looksLikeErrorBody(answer: Buffer): boolean {
  if (answer.length > 64 * 1024) return false;
  let json: unknown;
  try {
    json = JSON.parse(answer.toString('utf8'));
  } catch {
    return false;
  }
  if (typeof json !== 'object' || json === null || Array.isArray((json as { data?: unknown }).data)) return false;
  const j = json as Record<string, unknown>;
  return (typeof j.error === 'object' && j.error !== null) || typeof j.error === 'string' || typeof j.code === 'string' || typeof j.message === 'string';
}

interface ErrorBody {
  message?: string;
  code?: string;
  type?: string;
}

function readErrorBody(answer: Buffer): ErrorBody {
  try {
    const json = JSON.parse(answer.toString('utf8')) as Record<string, unknown>;
    const e = (typeof json.error === 'object' && json.error !== null ? json.error : json) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
    return { message: str(e.message) ?? str(json.message) ?? (typeof json.error === 'string' ? json.error : undefined), code: str(e.code), type: str(e.type) };
  } catch {
    return {};
  }
}

export function errorFromAnswer(status: number, answer: Buffer, headers: Record<string, string | string[] | undefined>, apiKey: string): FluxError {
  const body = readErrorBody(answer);
  const said = body.message ? `: “${clipMessage(redact(body.message, apiKey))}”` : '';
  const code = body.code ? redact(body.code, apiKey).slice(0, 80) : undefined;
  const haystack = `${body.code ?? ''} ${body.type ?? ''} ${body.message ?? ''}`.toLowerCase();
  const details = { status, code, retryAfterMs: parseRetryAfter(headers['retry-after']) };
  const statusText = status >= 200 && status < 300 ? 'an error' : `${status}`;

  if (/quota|insufficient|balance|credit|余额|额度/.test(haystack) || status === 402) {
    return new FluxError('quota', text('Your account has no credit left for this ({0}). Top up at your provider, then try again.', code ? `${statusText} ${code}` : statusText), details);
  }
  if (status === 422 || /moderat|safety|content[_ ]policy|nsfw|sensitive|违规|敏感/.test(haystack)) {
    return new FluxError('moderation', text('The service refused this prompt (moderation{0}). Rephrase it and try again.', said), details);
  }
  if (status === 401) {
    return new FluxError('auth', text('The API key was rejected (401{0}). Set a valid key with “Flux: Set API Key”.', said), details);
  }
  if (status === 403) {
    return new FluxError('auth', text('The service refused access (403{0}). Check that your key may use this model, or set another key.', said), details);
  }
  if (status === 429) {
    return new FluxError(
      'rateLimit',
      details.retryAfterMs !== undefined
        ? text('The service is busy or your account has too many images in progress (429). It asked to wait {0} s. Wait a moment and try again.', Math.ceil(details.retryAfterMs / 1000))
        : text('The service is busy or your account has too many images in progress (429). Wait a moment and try again.'),
      details,
    );
  }
  if (status >= 500) {
    return new FluxError('server', text('The service failed ({0}{1}). It is on their side; try again in a minute.', status, said), details);
  }
  return new FluxError('badRequest', text('The service rejected the request ({0}{1}).', statusText, said), details);
}

export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter; a server's Retry-After wins, capped at a minute. */
export function backoffDelay(attempt: number, baseMs: number, retryAfterMs: number | undefined, random = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, 60_000);
  const ceiling = Math.min(baseMs * 2 ** (attempt - 1), 20_000);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function toFluxError(err: unknown, ctx: { signal: AbortSignal | undefined; deadline: AbortSignal; timeoutMs: number; apiKey: string; host: string }): FluxError {
  if (err instanceof FluxError) return err;
  if (ctx.signal?.aborted) return new FluxError('cancelled', 'Cancelled. Nothing was saved.');
  if (ctx.deadline.aborted) {
    return new FluxError('timeout', text('No image after {0} s, the time limit (flux.requestTimeoutSeconds). Nothing was saved; try again or raise the limit.', Math.round(ctx.timeoutMs / 1000)));
  }
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  const reason: Record<string, string> = {
    ENOTFOUND: `the address ${ctx.host} could not be found (DNS)`,
    EAI_AGAIN: `the address ${ctx.host} could not be looked up (DNS)`,
    ECONNREFUSED: `${ctx.host} refused the connection`,
    ECONNRESET: 'the connection was reset',
    UND_ERR_SOCKET: 'the connection closed unexpectedly',
    UND_ERR_CONNECT_TIMEOUT: `${ctx.host} did not answer`,
    UND_ERR_HEADERS_TIMEOUT: 'the service took too long to answer',
    UND_ERR_BODY_TIMEOUT: 'the service stopped sending',
    UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'the answer was cut short',
    UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the answer was cut short',
    CERT_HAS_EXPIRED: `${ctx.host}'s certificate has expired`,
    DEPTH_ZERO_SELF_SIGNED_CERT: `${ctx.host}'s certificate is not trusted`,
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: `${ctx.host}'s certificate is not trusted`,
  };
  const what = reason[code] ?? (code ? `network error ${code}` : redact(String(e?.message ?? err), ctx.apiKey).slice(0, 200));
  return new FluxError('network', text('Could not reach the image service: {0}. Check your connection and flux.baseUrl, then try again.', what));
}

function errorOutcome(err: unknown): string {
  if (err instanceof FluxError) return err.kind;
  const e = err as { code?: string; name?: string };
  return e?.code ?? e?.name ?? 'error';
}

function clipMessage(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
}

function safeHost(location: string): string {
  try {
    return new URL(location).host;
  } catch {
    return 'another address';
  }
}

function describeBytes(b: Buffer): string {
  const head = b.toString('utf8', 0, Math.min(b.length, 40)).replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
  return b.length === 0 ? 'an empty answer' : `${b.length} bytes starting “${head}”`;
}
