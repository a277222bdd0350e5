/** What went wrong, in terms a person can act on. The message is always safe to show and log. */
export type FluxErrorKind =
  | 'invalidInput' // rejected before any request was sent
  | 'auth' // 401/403 bad or missing key
  | 'quota' // out of credit
  | 'moderation' // prompt or image refused by the safety filter
  | 'rateLimit' // 429 after retries
  | 'badRequest' // other 4xx
  | 'server' // 5xx after retries
  | 'timeout'
  | 'network'
  | 'malformed' // an answer we cannot read
  | 'notImage' // bytes that are not PNG, JPEG or WebP
  | 'tooLarge'
  | 'download' // the returned image URL failed
  | 'cancelled' // the person cancelled
  | 'noKey' // the key prompt was dismissed
  | 'write' // writing the file failed
  | 'internal'; // a bug in Flux: not the service's fault nor the person's, so never Try Again

/**
 * A message as an English template with `{0}`-style arguments: `message` reads it in English
 * (tests, logs), and the host shows it in the person's language with `vscode.l10n.t`.
 */
export interface Text {
  readonly template: string;
  readonly args: readonly (string | number)[];
}

export function text(template: string, ...args: (string | number)[]): Text {
  return { template, args };
}

export function formatText(t: Text): string {
  return t.template.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < t.args.length ? String(t.args[Number(i)]) : whole));
}

/**
 * What the log gets beside the message: the service's raw details, which a person acting on the
 * message does not need but whoever looks into it does. Never shown in a notification.
 */
export interface FluxErrorDetails {
  readonly status?: number;
  readonly code?: string;
  readonly retryAfterMs?: number;
  /** The service's own words (or the start of an answer that could not be read), key removed. */
  readonly said?: string;
  /** The service's id for the request, when it gave one. */
  readonly requestId?: string;
  /** For the log only: what an unexpected error said, key removed. */
  readonly bug?: string;
}

export class FluxError extends Error {
  override readonly name = 'FluxError';
  /** What `message` says, as a template and its arguments, for translation. */
  readonly text: Text;
  constructor(
    readonly kind: FluxErrorKind,
    message: string | Text,
    readonly details: FluxErrorDetails = {},
  ) {
    const t = typeof message === 'string' ? text(message) : message;
    super(formatText(t));
    this.text = t;
  }
}

/**
 * Whatever was thrown, as a FluxError: a FluxError as it is; anything else is a bug in Flux, kind
 * `internal`, carrying its stack (with the secret removed) for the log, never shown as a network
 * failure with Try Again.
 */
export function asFluxError(err: unknown, secret?: string): FluxError {
  if (err instanceof FluxError) return err;
  const said = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  // The person reads an apology and where the details are; the stack goes to the log only.
  return new FluxError('internal', text('Something went wrong in Flux. Show Log has the details.'), { bug: redactForDisplay(said, secret, 4000) });
}

/** The same error with the secret removed from its template and every argument. */
export function redactError(err: FluxError, secret: string | undefined): FluxError {
  const t = text(redact(err.text.template, secret), ...err.text.args.map((a) => (typeof a === 'string' ? redact(a, secret) : a)));
  const d = err.details;
  return new FluxError(err.kind, t, {
    ...d,
    ...(d.bug !== undefined ? { bug: redact(d.bug, secret) } : {}),
    ...(d.said !== undefined ? { said: redact(d.said, secret) } : {}),
    ...(d.code !== undefined ? { code: redact(d.code, secret) } : {}),
    ...(d.requestId !== undefined ? { requestId: redact(d.requestId, secret) } : {}),
  });
}

/**
 * The details of a failure for the log (and the command line, which has no log): the HTTP status,
 * the service's code and words, its request id. Empty when there are none.
 */
export function detailsForLog(d: FluxErrorDetails): string {
  const parts: string[] = [];
  if (d.status !== undefined) parts.push(`HTTP ${d.status}`);
  if (d.code) parts.push(`code ${d.code}`);
  if (d.requestId) parts.push(`request id ${d.requestId}`);
  if (d.said) parts.push(`the service said: “${d.said}”`);
  return parts.join(', ');
}

/** The message followed by its details in parentheses, for a log line or the command line. */
export function messageWithDetails(err: FluxError): string {
  const more = detailsForLog(err.details);
  return more ? `${err.message} (${more})` : err.message;
}

/** The obvious next steps for a failure, shared by the notifications and the Studio's cards. */
export interface NextSteps {
  readonly setApiKey: boolean;
  readonly openSettings: boolean;
  readonly retry: boolean;
  readonly showLog: boolean;
  /** Refused for its words (moderation): change the prompt and ask again. */
  readonly editPrompt: boolean;
  /** Out of credit: the provider's account page, to top up. */
  readonly topUp: boolean;
}

const RETRYABLE: readonly FluxErrorKind[] = ['rateLimit', 'server', 'timeout', 'network', 'malformed', 'notImage', 'download', 'tooLarge'];

export function nextSteps(kind: FluxErrorKind): NextSteps {
  return {
    setApiKey: kind === 'auth' || kind === 'noKey',
    openSettings: kind === 'invalidInput' || kind === 'timeout' || kind === 'network',
    retry: RETRYABLE.includes(kind),
    showLog: kind !== 'cancelled' && kind !== 'noKey',
    editPrompt: kind === 'moderation',
    topUp: kind === 'quota',
  };
}

/**
 * Removes the secret from text that may reach a person or a log: every occurrence in any letter
 * case; for keys of 12 characters or more, every run of 8+ characters taken from it (servers echo
 * keys shortened, such as `sk-abc...xyz`); and its base64 forms (an echoed `Authorization` header,
 * `Basic` credentials), at each of the three byte alignments, standard and URL-safe. Keys shorter
 * than 4 characters are not looked for (they would blank out ordinary words).
 *
 * One pass over the text (a multi-pattern skip search, usually 6 characters at a time), so a 45 MB
 * error body costs tens of milliseconds rather than seconds.
 */
export function redact(text: string, secret: string | undefined): string {
  const finder = secretFinder(secret);
  if (!finder || text.length < finder.minLength) return text;
  return applyRanges(text, finder.find(text, text.length), text.length);
}

/**
 * Shortens first, then redacts: for messages shown or logged at most `maxLength` characters
 * (UTF-16 units, never cutting a surrogate pair; `…` marks a cut). Only the start of a huge text is
 * read, with enough context after it that a key crossing the cut is still recognised.
 */
export function redactForDisplay(text: string, secret: string | undefined, maxLength: number): string {
  const limit = Math.max(1, Math.floor(maxLength));
  const finder = secretFinder(secret);
  if (!finder) return cut(text, limit);
  const margin = finder.maxLength;
  let end = Math.min(text.length, limit + margin);
  for (;;) {
    const part = end === text.length ? text : text.slice(0, end);
    // Up to `decided` every occurrence lies wholly inside `part`, so that much is final.
    const decided = end === text.length ? end : end - margin;
    const out = applyRanges(part, finder.find(part, decided), decided);
    if (out.length > limit || end === text.length) return cut(out, limit, decided < text.length);
    end = Math.min(text.length, end * 2);
  }
}

const MASK = '***';

function cut(s: string, limit: number, more = false): string {
  if (s.length <= limit && !more) return s;
  let at = Math.min(s.length, limit - 1);
  const c = s.charCodeAt(at - 1);
  if (c >= 0xd800 && c <= 0xdbff) at--;
  return `${s.slice(0, at).trimEnd()}…`;
}

/** `text` up to `end` with each range replaced by the mask; a range that starts before `end` is masked whole. */
function applyRanges(text: string, ranges: readonly (readonly [number, number])[], end: number): string {
  if (!ranges.length) return end === text.length ? text : text.slice(0, end);
  const parts: string[] = [];
  let at = 0;
  for (const [start, stop] of ranges) {
    parts.push(text.slice(at, start), MASK);
    at = stop;
  }
  if (at < end) parts.push(text.slice(at, end));
  return parts.join('');
}

interface SecretFinder {
  readonly minLength: number;
  readonly maxLength: number;
  /** Merged [start, end) ranges of every occurrence that starts before `before`. */
  find(text: string, before: number): [number, number][];
}

/** ASCII letters fold to lower case; keys are ASCII, and so is base64. */
function fold(c: number): number {
  return c >= 65 && c <= 90 ? c | 32 : c;
}

const BLOCK_HASH_SIZE = 1 << 16;
/**
 * Three characters (pairs are too common in base64 text to skip far). Clearing bit 5 makes the
 * hash blind to ASCII letter case without a branch per character; the few other characters it
 * pairs up only cost a shorter skip, never a missed match.
 */
function blockHash(a: number, b: number, c: number): number {
  return (((a & ~0x20) << 10) ^ ((b & ~0x20) << 5) ^ (c & ~0x20)) & (BLOCK_HASH_SIZE - 1);
}

/** The 8-character fragments a long key is hidden by; shorter runs are too likely to be ordinary text. */
const FRAGMENT = 8;
/** Keys shorter than this are only matched whole. */
const FRAGMENT_KEY_MIN = 12;

function base64Forms(secret: string): string[] {
  const forms: string[] = [];
  for (let align = 0; align < 3; align++) {
    const bytes = Buffer.concat([Buffer.alloc(align), Buffer.from(secret, 'utf8')]);
    const b64 = bytes.toString('base64');
    // Only the characters made from the key's bits alone: the first ones share bits with the
    // bytes before it, the last one with the bytes after it.
    const start = [0, 2, 3][align];
    const full = Math.floor(bytes.length / 3) * 4;
    const stop = full + [0, 1, 2][bytes.length % 3];
    const form = b64.slice(start, stop);
    if (form.length >= FRAGMENT) forms.push(form, form.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/**
 * A Wu-Manber search for all the patterns at once: a table of how far the window may jump for
 * each pair of characters, so most of the text is skipped several characters at a time.
 */
function secretFinder(secret: string | undefined): SecretFinder | undefined {
  if (!secret || secret.length < 4) return undefined;
  const set = new Set<string>();
  if (secret.length >= FRAGMENT_KEY_MIN) {
    for (let i = 0; i + FRAGMENT <= secret.length; i++) set.add(secret.slice(i, i + FRAGMENT));
  } else {
    set.add(secret);
  }
  for (const form of base64Forms(secret)) set.add(form);
  const patterns = [...new Set([...set].map((p) => p.replace(/[A-Z]/g, (c) => c.toLowerCase())))].map((p) => {
    const codes = new Uint16Array(p.length);
    for (let i = 0; i < p.length; i++) codes[i] = p.charCodeAt(i);
    return codes;
  });
  const m = Math.min(...patterns.map((p) => p.length));
  const maxLength = Math.max(...patterns.map((p) => p.length));
  // Blocks of 3 need patterns of 3 or more: the shortest is 4 (a short key) or 8.
  const shift = new Uint8Array(BLOCK_HASH_SIZE).fill(m - 2);
  const candidates = new Map<number, Uint16Array[]>();
  for (const p of patterns) {
    for (let q = 2; q < m; q++) {
      const h = blockHash(p[q - 2], p[q - 1], p[q]);
      shift[h] = Math.min(shift[h], m - 1 - q);
    }
    const h = blockHash(p[m - 3], p[m - 2], p[m - 1]);
    const list = candidates.get(h);
    if (list) list.push(p);
    else candidates.set(h, [p]);
  }

  const find = (text: string, before: number): [number, number][] => {
    const ranges: [number, number][] = [];
    const n = text.length;
    // Locals rather than closure reads keep the hot loop tight.
    const skip = shift;
    const width = m;
    // `pos` is the last character of a window of the shortest pattern's length; windows that
    // start at `before` or later are not looked at.
    const end = Math.min(n, before + width - 1);
    let pos = width - 1;
    while (pos < end) {
      const s = skip[blockHash(text.charCodeAt(pos - 2), text.charCodeAt(pos - 1), text.charCodeAt(pos))];
      if (s > 0) {
        pos += s;
        continue;
      }
      const start = pos - width + 1;
      let stop = -1;
      for (const p of candidates.get(blockHash(text.charCodeAt(pos - 2), text.charCodeAt(pos - 1), text.charCodeAt(pos))) ?? []) {
        if (start + p.length > n || start + p.length <= stop) continue;
        let k = 0;
        while (k < p.length && fold(text.charCodeAt(start + k)) === p[k]) k++;
        if (k === p.length) stop = start + p.length;
      }
      if (stop >= 0) {
        const last = ranges[ranges.length - 1];
        if (last && start <= last[1]) last[1] = Math.max(last[1], stop);
        else ranges.push([start, stop]);
      }
      pos++;
    }
    return ranges;
  };
  return { minLength: m, maxLength, find };
}
