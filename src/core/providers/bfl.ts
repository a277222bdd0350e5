// Black Forest Labs' own API: submit `POST {base}/v1/{model}` with `x-key`, then poll the
// `polling_url` it returns until the image is ready, then download `result.sample` (no key).
import { FluxError, redactForDisplay, text } from '../errors';
import { sniffImageType } from '../imageType';
import { Call, guarded } from '../http/call';
import type { Headers } from '../http/call';
import { downloadImage } from '../http/download';
import { clipMessage, rateLimited } from '../http/errors';
import { parseRetryAfter } from '../http/retry';
import type { ImageProvider, ImageRequest, ProviderCallOptions, ProviderImage, ProviderSettings } from './types';

export const DEFAULT_POLL_INTERVAL_MS = 750;

export const bflProvider: ImageProvider = {
  id: 'bfl',
  generate(request: ImageRequest, settings: ProviderSettings, options: ProviderCallOptions = {}): Promise<ProviderImage> {
    return guarded(settings.apiKey, () => generate(request, settings, options));
  },
};

/** `16x9` → `16:9`; `1024x768` → `4:3`; undefined stays undefined (an edit keeps the input's ratio). BFL takes 21:9 to 9:21. */
export function aspectRatioFor(size: string | undefined): string | undefined {
  if (size === undefined) return undefined;
  const m = /^\s*(\d{1,5})\s*[xX×:]\s*(\d{1,5})\s*$/.exec(size);
  const w = m ? Number(m[1]) : 0;
  const h = m ? Number(m[2]) : 0;
  if (!m || w === 0 || h === 0) throw new FluxError('invalidInput', text('“{0}” is not a size. Use an aspect ratio such as 16x9, or pixels such as 1024x768.', size));
  const d = gcd(w, h);
  const ratio = `${w / d}:${h / d}`;
  if (w * 9 > h * 21 || h * 9 > w * 21) {
    throw new FluxError('invalidInput', text('Black Forest Labs makes images from 21:9 to 9:21; {0} ({1}) is outside that. Choose another size.', size, ratio));
  }
  return ratio;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The service root from `flux.bflBaseUrl`; a trailing `/v1` is tolerated. */
export function bflBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new FluxError('invalidInput', text('The service address “{0}” is not a URL. Fix the setting flux.bflBaseUrl.', baseUrl));
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new FluxError('invalidInput', text('The service address must start with https:// and hold no user name or password (flux.bflBaseUrl is “{0}”).', baseUrl));
  }
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

/** The key goes to the service's own origin, or over https to a bfl.ai host (regional polling). */
export function mayCarryKey(url: URL, base: URL): boolean {
  if (url.origin === base.origin) return true;
  return url.protocol === 'https:' && (url.hostname === 'bfl.ai' || url.hostname.endsWith('.bfl.ai'));
}

async function generate(req: ImageRequest, settings: ProviderSettings, options: ProviderCallOptions): Promise<ProviderImage> {
  const base = bflBaseUrl(settings.baseUrl);
  const aspectRatio = aspectRatioFor(req.size);
  const root = base.pathname.replace(/\/+$/, '');
  const submitUrl = new URL(`${root}/v1/${encodeURIComponent(req.model)}`, base);
  const call = new Call({ settings, options, subject: { model: req.model, size: req.size ?? '', seed: req.seed }, setting: 'flux.bflBaseUrl', host: base.host });
  const body = JSON.stringify({
    prompt: req.prompt,
    ...(req.seed === -1 ? {} : { seed: req.seed }),
    ...(aspectRatio === undefined ? {} : { aspect_ratio: aspectRatio }),
    output_format: 'png',
    ...(req.image ? { input_image: Buffer.from(req.image.bytes).toString('base64') } : {}),
  });
  const classify = (status: number, answer: Buffer, headers: Headers) => bflError(status, answer, headers, settings.apiKey);
  const submitted = await call.send({
    url: submitUrl,
    method: 'POST',
    phase: 'submit',
    headers: { 'x-key': settings.apiKey, 'content-type': 'application/json', accept: 'application/json' },
    body: () => body,
    classify,
  });
  const task = readJson(submitted.body) as { id?: unknown; polling_url?: unknown } | undefined;
  if (typeof task?.polling_url !== 'string' && typeof task?.id !== 'string') {
    call.log({ phase: 'submit', attempt: submitted.attempt, status: submitted.status, durationMs: submitted.durationMs, bytes: submitted.body.length, outcome: 'malformed' });
    throw new FluxError('malformed', 'The service accepted the request but gave no task to follow (no “polling_url”). Try again.');
  }
  call.log({ phase: 'submit', attempt: submitted.attempt, status: submitted.status, durationMs: submitted.durationMs, bytes: submitted.body.length, outcome: 'ok' });
  let pollUrl: URL;
  try {
    pollUrl = typeof task.polling_url === 'string' ? new URL(task.polling_url, base) : new URL(`${root}/v1/get_result?id=${encodeURIComponent(String(task.id))}`, base);
  } catch {
    throw new FluxError('malformed', 'The service sent a polling address that is not a URL. Try again.');
  }
  if (!mayCarryKey(pollUrl, base)) {
    throw new FluxError('badRequest', text('The service asked to follow the image at {0}, which is neither {1} nor a bfl.ai address over https; the key is not sent there. Nothing was made; check flux.bflBaseUrl.', pollUrl.host, base.host));
  }

  const interval = settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  for (let poll = 1; ; poll++) {
    const answer = await call.send({ url: pollUrl, method: 'GET', phase: 'poll', headers: { 'x-key': settings.apiKey, accept: 'application/json' }, classify });
    const result = readJson(answer.body) as { status?: unknown; result?: { sample?: unknown; seed?: unknown } | null; details?: unknown } | undefined;
    const status = typeof result?.status === 'string' ? result.status : '';
    call.log({ phase: 'poll', attempt: poll, status: answer.status, durationMs: answer.durationMs, bytes: answer.body.length, outcome: status || 'malformed' });
    if (status === 'Ready') {
      const sample = result?.result?.sample;
      if (typeof sample !== 'string' || !sample) throw new FluxError('malformed', 'The service said the image is ready but gave no address for it. Try again.');
      const seed = typeof result?.result?.seed === 'number' && Number.isSafeInteger(result.result.seed) ? result.result.seed : undefined;
      // The result host is a CDN: never the key.
      const bytes = await downloadImage(call, sample, { base: pollUrl, attempt: poll });
      const type = sniffImageType(bytes);
      if (!type) throw new FluxError('notImage', text('The service sent {0} bytes that are not a PNG, JPEG or WebP image. Nothing was saved; try again.', bytes.length));
      return { bytes, type, seed, source: 'url', durationMs: call.elapsedMs(), attempts: poll };
    }
    if (status === 'Request Moderated' || status === 'Content Moderated') {
      throw new FluxError('moderation', text('Black Forest Labs refused this request ({0}). Rephrase the prompt or use another image, then try again.', status));
    }
    if (status === 'Error') {
      const said = typeof result?.details === 'object' && result.details !== null ? clipMessage(redactForDisplay(JSON.stringify(result.details), settings.apiKey, 1000)) : '';
      throw new FluxError('server', text('Black Forest Labs could not make the image (Error{0}). Try again in a minute.', said ? `: ${said}` : ''));
    }
    if (status === 'Task not found') {
      throw new FluxError('badRequest', 'Black Forest Labs no longer knows this task (Task not found). Generate again.');
    }
    if (!status) {
      throw new FluxError('malformed', 'The service answered the poll without a status. Try again.');
    }
    // Pending, or a new in-progress status: wait and ask again (the time limit ends it).
    await call.wait(Math.min(interval, Math.max(0, call.remainingMs())));
  }
}

function readJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** BFL's error answers: 402 credits, 401/403 key, 422 FastAPI `detail`, 429 busy, 5xx. */
export function bflError(status: number, answer: Buffer, headers: Headers, apiKey: string): FluxError | undefined {
  if (status >= 200 && status < 300) {
    if (readJson(answer) !== undefined) return undefined;
    return new FluxError('malformed', 'The service sent an answer that is not JSON. Try again; if it persists, check flux.bflBaseUrl.');
  }
  const details = { status, retryAfterMs: parseRetryAfter(headers['retry-after']) };
  const said = clipMessage(redactForDisplay(detailText(readJson(answer)), apiKey, 1000));
  const suffix = said ? `: “${said}”` : '';
  if (status === 402) return new FluxError('quota', text('Your account is out of credit ({0}). Top up your account with the provider, then try again.', '402'), details);
  if (status === 401 || status === 403) {
    return new FluxError('auth', text('Black Forest Labs refused the key ({0}{1}). Set a valid key with “Flux: Set API Key”.', status, suffix), details);
  }
  if (status === 429) return rateLimited(details);
  if (status >= 500) return new FluxError('server', text('The service failed ({0}{1}). It is on their side; try again in a minute.', status, suffix), details);
  return new FluxError('badRequest', text('The service rejected the request ({0}{1}).', status, suffix), details);
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
