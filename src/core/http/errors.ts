import { FluxError, redactForDisplay, text } from '../errors';
import { isProxyAuthError } from './proxy';
import { parseRetryAfter } from './retry';

/** The setting a person fixes when the service's address is wrong; messages name it. */
export type AddressSetting = 'flux.baseUrl' | 'flux.bflBaseUrl';

/** Some gateways answer 200 with an error, in either shape; an image answer has `data`. */
export function looksLikeErrorBody(answer: Buffer): boolean {
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

export interface ErrorBody {
  message?: string;
  code?: string;
  type?: string;
}

/** Reads the OpenAI shape `{"error":{"message","type","code"}}` and the flat `{"code","message"}`. */
export function readErrorBody(answer: Buffer): ErrorBody {
  try {
    const json = JSON.parse(answer.toString('utf8')) as Record<string, unknown>;
    const e = (typeof json.error === 'object' && json.error !== null ? json.error : json) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
    return { message: str(e.message) ?? str(json.message) ?? (typeof json.error === 'string' ? json.error : undefined), code: str(e.code), type: str(e.type) };
  } catch {
    return {};
  }
}

/** An error answer of an OpenAI-compatible gateway, in either shape, as a FluxError. */
export function errorFromAnswer(status: number, answer: Buffer, headers: Record<string, string | string[] | undefined>, apiKey: string): FluxError {
  const body = readErrorBody(answer);
  const code = body.code ? redactForDisplay(body.code, apiKey, 80) : undefined;
  const haystack = `${body.code ?? ''} ${body.type ?? ''} ${body.message ?? ''}`.toLowerCase();
  // The status, the code, the service's words and its request id go to the log; the message says
  // what happened and what to do, in plain words.
  const details = { ...serviceDetails(status, body.message, headers, apiKey), code };

  if (/quota|insufficient|balance|credit|余额|额度/.test(haystack) || status === 402) {
    return new FluxError('quota', text('Your account is out of credit. Top up your account with the provider, then try again.'), details);
  }
  if (status === 422 || /moderat|safety|content[_ ]policy|nsfw|sensitive|违规|敏感/.test(haystack)) {
    return new FluxError('moderation', text('The service would not make this picture (moderation). Change the prompt, then try again.'), details);
  }
  if (status === 401) {
    return new FluxError('auth', text('The API key was rejected. Set a valid key with “Flux: Set API Key”.'), details);
  }
  if (status === 403) {
    return new FluxError('auth', text('The service refused access. Check that your key may use this model, or set another key.'), details);
  }
  if (status === 429) return rateLimited(details);
  if (status >= 500) return serverFailed(details);
  return rejected(details);
}

/**
 * What the log gets of an error answer: the status, the service's words (one line, key removed,
 * at most 1000 characters) and its request id (a header, or "request id: X" in its words, as
 * new-api and one-api gateways write it).
 */
export function serviceDetails(status: number, said: string | undefined, headers: Record<string, string | string[] | undefined>, apiKey: string): { status: number; said?: string; requestId?: string; retryAfterMs?: number } {
  const words = said ? redactForDisplay(said.replace(/\s+/g, ' ').trim(), apiKey, 1000) : '';
  const header = ['x-request-id', 'x-oneapi-request-id', 'request-id'].map((h) => headers[h]).find((v) => typeof v === 'string' && v.length > 0) as string | undefined;
  const id = header ?? /request[ _-]?id[:：\s]+([A-Za-z0-9_-]{6,80})/i.exec(words)?.[1];
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  return {
    status,
    ...(words ? { said: words } : {}),
    ...(id ? { requestId: redactForDisplay(id, apiKey, 80) } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** 5xx: the service's side. */
export function serverFailed(details: { status?: number; said?: string; requestId?: string; retryAfterMs?: number }): FluxError {
  return new FluxError('server', text('The service failed on its side. Try again in a minute.'), details);
}

/**
 * Another 4xx: here the service's words are often the only explanation (which parameter, which
 * value), so a short start of them stays in the message, as plain text; all of them are in the log.
 */
export function rejected(details: { status: number; said?: string; requestId?: string; code?: string }): FluxError {
  return details.said
    ? new FluxError('badRequest', text('The service rejected the request: “{0}”. Show Log has the details.', shortQuote(details.said)), details)
    : new FluxError('badRequest', text('The service rejected the request. Show Log has the details.'), details);
}

/** At most 120 characters of the service's words, cut at a word where one is near. */
export function shortQuote(said: string): string {
  const one = said.replace(/\s+/g, ' ').trim();
  if (one.length <= 120) return one;
  const head = one.slice(0, 119);
  const space = head.lastIndexOf(' ');
  return `${(space >= 80 ? head.slice(0, space) : head).trimEnd()}…`;
}

/** 429: busy, or too many images in progress for the account. */
export function rateLimited(details: { status: number; code?: string; retryAfterMs?: number; said?: string; requestId?: string }): FluxError {
  return new FluxError(
    'rateLimit',
    // No "asked to wait N s": by the time this is shown the retries have waited longer than that.
    text('The service is busy or your account has too many images in progress. Wait a moment and try again.'),
    details,
  );
}

export function redirectRefused(status: number, location: string, setting: AddressSetting): FluxError {
  const where = location ? safeHost(location) : '?';
  return new FluxError(
    'badRequest',
    setting === 'flux.bflBaseUrl'
      ? text('The service answered with a redirect ({0}) to {1}; the key is not sent there. Check flux.bflBaseUrl.', status, where)
      : text('The service answered with a redirect ({0}) to {1}; the key is not sent there. Check flux.baseUrl.', status, where),
    { status },
  );
}

export interface FailureContext {
  /** The caller's own signal: aborted means the person cancelled. */
  readonly signal: AbortSignal | undefined;
  readonly deadline: AbortSignal;
  readonly timeoutMs: number;
  readonly apiKey: string;
  readonly host: string;
  readonly setting: AddressSetting;
}

/** Whatever a request threw, as a FluxError: cancelled, timed out, or a network failure in words. */
export function toFluxError(err: unknown, ctx: FailureContext): FluxError {
  if (err instanceof FluxError) return err;
  if (ctx.signal?.aborted) return new FluxError('cancelled', 'Cancelled. Nothing was saved.');
  // undici throws "Proxy Authentication Required (407)" with a generic code: kept as a 407 here,
  // or the person would read "network error" instead of which setting to fix.
  if (isProxyAuthError(err)) {
    return new FluxError('network', text('The proxy asks for credentials. Put them in the http.proxy setting (http://user:password@host:port), then try again.'), { status: 407 });
  }
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
  const what = reason[code] ?? (code ? `network error ${code}` : redactForDisplay(String(e?.message ?? err), ctx.apiKey, 200));
  return new FluxError(
    'network',
    ctx.setting === 'flux.bflBaseUrl'
      ? text('Could not reach the image service: {0}. Check your connection and flux.bflBaseUrl, then try again.', what)
      : text('Could not reach the image service: {0}. Check your connection and flux.baseUrl, then try again.', what),
  );
}

/** A short word for the request log. */
export function errorOutcome(err: unknown): string {
  if (err instanceof FluxError) return err.kind;
  const e = err as { code?: string; name?: string };
  return e?.code ?? e?.name ?? 'error';
}

export function safeHost(location: string): string {
  try {
    return new URL(location).host;
  } catch {
    return 'another address';
  }
}

export function describeBytes(b: Buffer): string {
  const head = b.toString('utf8', 0, Math.min(b.length, 40)).replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
  return b.length === 0 ? 'an empty answer' : `${b.length} bytes starting “${head}”`;
}
