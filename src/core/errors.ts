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
  | 'write'; // writing the file failed

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

export class FluxError extends Error {
  override readonly name = 'FluxError';
  /** What `message` says, as a template and its arguments, for translation. */
  readonly text: Text;
  constructor(
    readonly kind: FluxErrorKind,
    message: string | Text,
    readonly details: { status?: number; code?: string; retryAfterMs?: number } = {},
  ) {
    const t = typeof message === 'string' ? text(message) : message;
    super(formatText(t));
    this.text = t;
  }
}

/** The same error with the secret removed from its template and every argument. */
export function redactError(err: FluxError, secret: string | undefined): FluxError {
  const t = text(redact(err.text.template, secret), ...err.text.args.map((a) => (typeof a === 'string' ? redact(a, secret) : a)));
  return new FluxError(err.kind, t, err.details);
}

/** The obvious next steps for a failure, shared by the notifications and the Studio's cards. */
export interface NextSteps {
  readonly setApiKey: boolean;
  readonly openSettings: boolean;
  readonly retry: boolean;
  readonly showLog: boolean;
}

const RETRYABLE: readonly FluxErrorKind[] = ['rateLimit', 'server', 'timeout', 'network', 'malformed', 'notImage', 'download', 'tooLarge'];

export function nextSteps(kind: FluxErrorKind): NextSteps {
  return {
    setApiKey: kind === 'auth' || kind === 'noKey',
    openSettings: kind === 'invalidInput' || kind === 'timeout' || kind === 'network',
    retry: RETRYABLE.includes(kind),
    showLog: kind !== 'cancelled' && kind !== 'noKey',
  };
}

/**
 * Removes every occurrence of the secret (and of its long fragments, since servers often echo
 * a shortened key such as `sk-abc...xyz`) from text that may reach a person or a log.
 */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  let out = text.split(secret).join('***');
  // A key echoed in part: hide any run of 8+ characters taken from it.
  if (secret.length >= 12) {
    for (let len = Math.min(secret.length - 1, 40); len >= 8; len--) {
      for (let i = 0; i + len <= secret.length; i++) {
        const piece = secret.slice(i, i + len);
        if (out.includes(piece)) out = out.split(piece).join('***');
      }
    }
  }
  return out;
}
