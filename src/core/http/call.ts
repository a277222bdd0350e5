import { request } from 'undici';
import type { Readable } from 'node:stream';
import type { Dispatcher, FormData } from 'undici';
import { FluxError, asFluxError, redactError } from '../errors';
import type { ProviderCallOptions, ProviderSettings, RequestLogEntry } from '../providers/types';
import { DEFAULT_MAX_RESPONSE_BYTES, readBody } from './body';
import type { AddressSetting } from './errors';
import { errorOutcome, redirectRefused, toFluxError } from './errors';
import { backoffDelay, sleep } from './retry';

export type Headers = Record<string, string | string[] | undefined>;

/** One request of a call, as a provider describes it. */
export interface SendSpec {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly phase: RequestLogEntry['phase'];
  readonly headers: Record<string, string>;
  /** Built again for each attempt (a form's stream can be read once). */
  readonly body?: () => string | FormData | Readable;
  /** The provider's reading of an answer: a FluxError for a failure, undefined for success. */
  readonly classify: (status: number, answer: Buffer, headers: Headers) => FluxError | undefined;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly attempt: number;
  readonly durationMs: number;
}

export interface CallSetup {
  readonly settings: ProviderSettings;
  readonly options: ProviderCallOptions;
  /** What every log line says about the request. */
  readonly subject: { readonly model: string; readonly size: string; readonly seed: number };
  readonly setting: AddressSetting;
  /** The service's host, for network messages. */
  readonly host: string;
}

/**
 * One image asked of a provider: the time limit over everything it does (requests, retries,
 * polling, the download), the person's cancel, the log, the retry rules, and the translation
 * of whatever goes wrong into a FluxError.
 */
export class Call {
  readonly started = performance.now();
  readonly deadline: AbortSignal;
  /** Aborts on cancel or at the time limit. */
  readonly signal: AbortSignal;
  readonly maxBytes: number;

  constructor(readonly setup: CallSetup) {
    this.deadline = AbortSignal.timeout(setup.settings.timeoutMs);
    this.signal = setup.options.signal ? AbortSignal.any([setup.options.signal, this.deadline]) : this.deadline;
    this.maxBytes = setup.settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  get settings(): ProviderSettings {
    return this.setup.settings;
  }

  get dispatcher(): Dispatcher | undefined {
    return this.setup.settings.dispatcher;
  }

  get userAgent(): string {
    return this.setup.settings.userAgent ?? 'flux-vscode';
  }

  elapsedMs(): number {
    return performance.now() - this.started;
  }

  remainingMs(): number {
    return this.setup.settings.timeoutMs - this.elapsedMs();
  }

  /**
   * undici's own per-phase limits (300 s each by default, or whatever the dispatcher was built
   * with) would cut a long request short: each phase may take all the time that is left, and the
   * call's deadline ends it first, so a slow service reads as the time limit, not a network error.
   */
  phaseTimeouts(): { headersTimeout: number; bodyTimeout: number } {
    const ms = Math.max(1, Math.ceil(this.remainingMs())) + 1000;
    return { headersTimeout: ms, bodyTimeout: ms };
  }

  log(entry: Omit<RequestLogEntry, 'model' | 'size' | 'seed'>): void {
    this.setup.options.log?.({ ...this.setup.subject, ...entry });
  }

  /** Throws what `err` means for the person: cancelled, timed out, or a network failure. */
  fail(err: unknown): never {
    const s = this.setup;
    throw toFluxError(err, { signal: s.options.signal, deadline: this.deadline, timeoutMs: s.settings.timeoutMs, apiKey: s.settings.apiKey, host: s.host, setting: s.setting });
  }

  /** Waits, cancellable; a cancel or the time limit becomes the matching FluxError. */
  async wait(ms: number): Promise<void> {
    try {
      await sleep(ms, this.signal);
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * Sends a request, never following a redirect (the key would go along), and retries 429 and
   * 5xx with backoff while time remains. Returns a successful answer or throws a FluxError.
   */
  async send(spec: SendSpec): Promise<Answer> {
    const maxRetries = this.settings.maxRetries ?? 3;
    for (let attempt = 1; ; attempt++) {
      const t0 = performance.now();
      let status: number | undefined;
      let answer: Buffer;
      let headers: Headers;
      try {
        const res = await request(spec.url, {
          method: spec.method,
          headers: { ...spec.headers, 'user-agent': this.userAgent },
          body: spec.body?.(),
          signal: this.signal,
          dispatcher: this.dispatcher,
          ...this.phaseTimeouts(),
        });
        status = res.statusCode;
        headers = res.headers;
        answer = await readBody(res, this.maxBytes, 'answer');
      } catch (err) {
        this.log({ phase: spec.phase, attempt, status, durationMs: performance.now() - t0, bytes: 0, outcome: errorOutcome(err) });
        return this.fail(err);
      }
      const durationMs = performance.now() - t0;

      if (status >= 300 && status < 400) {
        this.log({ phase: spec.phase, attempt, status, durationMs, bytes: answer.length, outcome: 'redirect refused' });
        throw redirectRefused(status, String(headers.location ?? ''), this.setup.setting);
      }
      const error = spec.classify(status, answer, headers);
      if (!error) return { status, headers, body: answer, attempt, durationMs };
      const retryable = error.kind === 'rateLimit' || error.kind === 'server';
      this.log({ phase: spec.phase, attempt, status, durationMs, bytes: answer.length, outcome: `${error.kind}${retryable && attempt <= maxRetries ? ', will retry' : ''}` });
      if (retryable && attempt <= maxRetries) {
        const delayMs = backoffDelay(attempt, this.settings.retryBaseMs ?? 1000, error.details.retryAfterMs);
        if (delayMs < this.remainingMs()) {
          this.setup.options.onRetry?.({ attempt, delayMs, status });
          await this.wait(delayMs);
          continue;
        }
      }
      throw error;
    }
  }
}

/**
 * Runs a provider's work so that nothing it throws can carry the key: every failure leaves as
 * a FluxError with the key (and long pieces of it) replaced by ***.
 */
export async function guarded<T>(apiKey: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // Network failures became FluxErrors where they happened; anything else is a bug in Flux.
    throw err instanceof FluxError ? redactError(err, apiKey) : asFluxError(err, apiKey);
  }
}
