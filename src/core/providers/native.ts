// BFL's native submit-and-poll, shared by provider `bfl` (`x-key`, `/v1/<model>`, `polling_url`)
// and provider `dmxapi` for FLUX.2 (`Authorization: Bearer`, `/flux/v1/<model>`,
// `/flux/v1/get_result?id=`): submit the JSON, poll until the image is ready, download
// `result.sample` at once and without the key.
import { Readable } from 'node:stream';
import { FluxError, redactForDisplay, text } from '../errors';
import { dimensionsFor } from '../dimensions';
import { sniffImageType } from '../imageType';
import { checkModelRequest, inputImageFields } from '../models';
import type { ModelRoute } from '../models';
import { Call } from '../http/call';
import type { Headers } from '../http/call';
import { downloadImage } from '../http/download';
import type { AddressSetting } from '../http/errors';
import type { ImageRequest, ProviderCallOptions, ProviderId, ProviderImage, ProviderSettings } from './types';

export const DEFAULT_POLL_INTERVAL_MS = 750;

/** Where and how one provider takes the native form. */
export interface NativeService {
  readonly provider: ProviderId;
  readonly setting: AddressSetting;
  /** The service root as configured (its origin may carry the key). */
  readonly base: URL;
  readonly submitUrl: URL;
  /** The key's header. */
  readonly auth: Record<string, string>;
  /** Where to poll for the task the submit answered. */
  readonly pollUrl: (task: { id?: string; pollingUrl?: string }) => URL;
  /** Whether the key may go to `url` (the poll address). */
  readonly mayCarryKey: (url: URL) => boolean;
  /** The message when the poll address may not carry the key. */
  readonly refusedPoll: (url: URL) => FluxError;
  readonly classify: (status: number, answer: Buffer, headers: Headers) => FluxError | undefined;
}

/** The JSON body as pieces, the images' base64 streamed in chunks: never held whole. */
export interface NativeBody {
  readonly length: number;
  readonly stream: () => Readable;
  /** The fields without the images (for tests and the log). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The image fields in order, `input_image` first. */
  readonly imageFields: readonly string[];
}

/** 48 KiB of bytes: a multiple of 3, so each chunk's base64 has no padding in the middle. */
const BASE64_CHUNK = 3 * 16 * 1024;

function base64Length(n: number): number {
  return Math.ceil(n / 3) * 4;
}

function* base64Chunks(bytes: Uint8Array): Generator<Buffer> {
  for (let off = 0; off < bytes.byteLength; off += BASE64_CHUNK) {
    const end = Math.min(bytes.byteLength, off + BASE64_CHUNK);
    yield Buffer.from(Buffer.from(bytes.buffer, bytes.byteOffset + off, end - off).toString('base64'), 'latin1');
  }
}

/** The request's JSON fields as `route` takes them (no images). */
export function nativeFields(req: ImageRequest, route: ModelRoute): Record<string, unknown> {
  const fields: Record<string, unknown> = { prompt: req.prompt };
  if (req.seed !== -1) fields.seed = req.seed;
  if (req.size !== undefined) {
    if (route.size === 'pixels') {
      const d = dimensionsFor(req.size, req.megapixels ?? 1);
      fields.width = d.width;
      fields.height = d.height;
    } else {
      fields.aspect_ratio = aspectRatioFor(req.size);
    }
  }
  if (route.outputFormats.length > 0) {
    const wanted = req.outputFormat ?? 'png';
    fields.output_format = route.outputFormats.includes(wanted) ? wanted : route.outputFormats[0];
  }
  if (route.promptUpsampling && (route.upsamplingAlways || req.promptUpsampling)) fields.prompt_upsampling = req.promptUpsampling === true;
  if (route.stepsGuidance) {
    if (req.steps !== undefined) fields.steps = req.steps;
    if (req.guidance !== undefined) fields.guidance = req.guidance;
  }
  return fields;
}

/** The whole body: the fields' JSON, then each image as base64 in order, streamed. */
export function nativeBody(req: ImageRequest, route: ModelRoute): NativeBody {
  const fields = nativeFields(req, route);
  const images = inputImageFields(req);
  const json = JSON.stringify(fields);
  const head = Buffer.from(json.slice(0, -1), 'utf8');
  const pieces = images.map(({ field, image }) => ({ prefix: Buffer.from(`,${JSON.stringify(field)}:"`, 'latin1'), bytes: image.bytes }));
  const quote = Buffer.from('"', 'latin1');
  const close = Buffer.from('}', 'latin1');
  const length = head.length + pieces.reduce((n, p) => n + p.prefix.length + base64Length(p.bytes.byteLength) + 1, 0) + 1;
  function* all(): Generator<Buffer> {
    yield head;
    for (const p of pieces) {
      yield p.prefix;
      yield* base64Chunks(p.bytes);
      yield quote;
    }
    yield close;
  }
  return { length, stream: () => Readable.from(all()), fields, imageFields: images.map((i) => i.field) };
}

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

export function readJson(b: Buffer): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Submits, polls and downloads; the one implementation of the native form. */
export async function nativeGenerate(req: ImageRequest, service: NativeService, settings: ProviderSettings, options: ProviderCallOptions): Promise<ProviderImage> {
  const route = checkModelRequest(req, service.provider);
  const body = nativeBody(req, route);
  const call = new Call({ settings, options, subject: { model: req.model, size: req.size ?? '', seed: req.seed }, setting: service.setting, host: service.base.host });
  const submitted = await call.send({
    url: service.submitUrl,
    method: 'POST',
    phase: 'submit',
    headers: { ...service.auth, 'content-type': 'application/json', accept: 'application/json', 'content-length': String(body.length) },
    body: body.stream,
    classify: service.classify,
  });
  const task = readJson(submitted.body) as { id?: unknown; polling_url?: unknown } | undefined;
  if (typeof task?.polling_url !== 'string' && typeof task?.id !== 'string') {
    call.log({ phase: 'submit', attempt: submitted.attempt, status: submitted.status, durationMs: submitted.durationMs, bytes: submitted.body.length, outcome: 'malformed' });
    throw new FluxError('malformed', 'The service accepted the request but gave no task to follow (no “polling_url”). Try again.');
  }
  call.log({ phase: 'submit', attempt: submitted.attempt, status: submitted.status, durationMs: submitted.durationMs, bytes: submitted.body.length, outcome: 'ok' });
  let pollUrl: URL;
  try {
    pollUrl = service.pollUrl({
      ...(typeof task.id === 'string' ? { id: task.id } : {}),
      ...(typeof task.polling_url === 'string' ? { pollingUrl: task.polling_url } : {}),
    });
  } catch {
    throw new FluxError('malformed', 'The service sent a polling address that is not a URL. Try again.');
  }
  if (!service.mayCarryKey(pollUrl)) throw service.refusedPoll(pollUrl);
  options.onAccepted?.({ pollUrl: pollUrl.toString() });
  return pollUntilReady(call, pollUrl, service, settings);
}

/** Polls again for a task accepted before a reload: the same rules as the first time. */
export async function nativeResume(pollUrlText: string, model: string, service: NativeService, settings: ProviderSettings, options: ProviderCallOptions): Promise<ProviderImage> {
  const call = new Call({ settings, options, subject: { model, size: '', seed: -1 }, setting: service.setting, host: service.base.host });
  let pollUrl: URL;
  try {
    pollUrl = new URL(pollUrlText);
  } catch {
    throw new FluxError('malformed', 'The recorded polling address is not a URL.');
  }
  // The journal is a file on disk: its address is checked again before the key goes there.
  if (!service.mayCarryKey(pollUrl)) throw service.refusedPoll(pollUrl);
  return pollUntilReady(call, pollUrl, service, settings);
}

async function pollUntilReady(call: Call, pollUrl: URL, service: NativeService, settings: ProviderSettings): Promise<ProviderImage> {
  const interval = settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  for (let poll = 1; ; poll++) {
    const answer = await call.send({ url: pollUrl, method: 'GET', phase: 'poll', headers: { ...service.auth, accept: 'application/json' }, classify: service.classify });
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
      // Its details are for the log.
      const said = typeof result?.details === 'object' && result.details !== null ? redactForDisplay(JSON.stringify(result.details), settings.apiKey, 1000) : '';
      throw new FluxError('server', text('Black Forest Labs could not make the image. Try again in a minute.'), said ? { said } : {});
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
