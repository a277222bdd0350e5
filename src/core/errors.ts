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

export class FluxError extends Error {
  override readonly name = 'FluxError';
  constructor(
    readonly kind: FluxErrorKind,
    message: string,
    readonly details: { status?: number; code?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
  }
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
