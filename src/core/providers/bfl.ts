// Black Forest Labs' own API: submit `POST {base}/v1/{model}` with `x-key`, then poll the
// `polling_url` it returns until the image is ready, then download `result.sample` (no key).
import { FluxError, text } from '../errors';
import { serviceRoot } from '../endpoint';
import { guarded } from '../http/call';
import type { Headers } from '../http/call';
import { rateLimited, rejected, serverFailed, serviceDetails } from '../http/errors';
import type { NativeService } from './native';
import { nativeGenerate, nativeResume, readJson } from './native';
import type { ImageProvider, ImageRequest, ProviderCallOptions, ProviderImage, ProviderSettings } from './types';

export { aspectRatioFor, DEFAULT_POLL_INTERVAL_MS } from './native';

export const bflProvider: ImageProvider = {
  id: 'bfl',
  generate(request: ImageRequest, settings: ProviderSettings, options: ProviderCallOptions = {}): Promise<ProviderImage> {
    return guarded(settings.apiKey, () => nativeGenerate(request, bflService(request.model, settings), settings, options));
  },
  resume(task, settings, options = {}) {
    return guarded(settings.apiKey, () => nativeResume(task.pollUrl, task.model, bflService(task.model, settings), settings, options));
  },
};

/** The service root from `flux.bflBaseUrl`; a trailing `/v1` is tolerated. */
export function bflBaseUrl(baseUrl: string): URL {
  return serviceRoot(baseUrl, 'flux.bflBaseUrl');
}

/** The key goes to the service's own origin, or over https to a bfl.ai host (regional polling). */
export function mayCarryKey(url: URL, base: URL): boolean {
  if (url.origin === base.origin) return true;
  return url.protocol === 'https:' && (url.hostname === 'bfl.ai' || url.hostname.endsWith('.bfl.ai'));
}

/** BFL's own API as the native implementation takes it. */
export function bflService(model: string, settings: ProviderSettings): NativeService {
  const base = bflBaseUrl(settings.baseUrl);
  const root = base.pathname.replace(/\/+$/, '');
  return {
    provider: 'bfl',
    setting: 'flux.bflBaseUrl',
    base,
    submitUrl: new URL(`${root}/v1/${encodeURIComponent(model)}`, base),
    auth: { 'x-key': settings.apiKey },
    // Always the polling_url given (it may be a regional host); else the id on the service itself.
    pollUrl: (task) => (task.pollingUrl !== undefined ? new URL(task.pollingUrl, base) : new URL(`${root}/v1/get_result?id=${encodeURIComponent(task.id ?? '')}`, base)),
    mayCarryKey: (url) => mayCarryKey(url, base),
    refusedPoll: (url) =>
      new FluxError(
        'badRequest',
        text('The service asked to follow the image at {0}, which is neither {1} nor a bfl.ai address over https; the key is not sent there. Nothing was made; check flux.bflBaseUrl.', url.host, base.host),
      ),
    classify: (status, answer, headers) => bflError(status, answer, headers, settings.apiKey),
  };
}

/** BFL's error answers: 402 credits, 401/403 key, 422 FastAPI `detail`, 429 busy, 5xx. */
export function bflError(status: number, answer: Buffer, headers: Headers, apiKey: string): FluxError | undefined {
  if (status >= 200 && status < 300) {
    if (readJson(answer) !== undefined) return undefined;
    return new FluxError('malformed', 'The service sent an answer that is not JSON. Try again; if it persists, check flux.bflBaseUrl.');
  }
  // The status, BFL's words and its request id go to the log; the message says what to do.
  const details = serviceDetails(status, detailText(readJson(answer)), headers, apiKey);
  if (status === 402) return new FluxError('quota', text('Your account is out of credit. Top up your account with the provider, then try again.'), details);
  if (status === 401 || status === 403) {
    return new FluxError('auth', text('Black Forest Labs refused the key. Set a valid key with “Flux: Set API Key”.'), details);
  }
  if (status === 429) return rateLimited(details);
  if (status >= 500) return serverFailed(details);
  return rejected(details);
}

/** FastAPI's `detail`: a string, or a list of `{loc, msg}`; else a `message`. */
function detailText(json: unknown): string {
  if (typeof json !== 'object' || json === null) return '';
  const j = json as { detail?: unknown; message?: unknown };
  if (typeof j.detail === 'string') return j.detail;
  if (Array.isArray(j.detail)) {
    return j.detail
      .map((d: { loc?: unknown; msg?: unknown }) => {
        const where = Array.isArray(d?.loc) ? d.loc.filter((p) => p !== 'body').join('.') : '';
        return typeof d?.msg === 'string' ? (where ? `${where}: ${d.msg}` : d.msg) : '';
      })
      .filter(Boolean)
      .join('; ');
  }
  return typeof j.message === 'string' ? j.message : '';
}
