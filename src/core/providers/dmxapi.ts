// DMXAPI and other OpenAI-compatible gateways: `POST /v1/images/generations` (JSON). Only what
// is specific to this API lives here; the transport rules are in `../http/`.
import { FluxError, redactForDisplay, text } from '../errors';
import { generationsUrl } from '../endpoint';
import { sniffImageType } from '../imageType';
import { decodeBase64, decodeBase64InPlace, extractBase64Field } from '../http/base64';
import { Call, guarded } from '../http/call';
import type { Headers } from '../http/call';
import { downloadImage } from '../http/download';
import type { MultipartBody } from '../http/multipart';
import { multipartBody } from '../http/multipart';
import { describeBytes, errorFromAnswer, errorOutcome, looksLikeErrorBody, readErrorBody, serviceDetails } from '../http/errors';
import { checkModelRequest } from '../models';
import type { NativeService } from './native';
import { nativeGenerate, nativeResume } from './native';
import type { ImageProvider, ImageRequest, InputImage, ProviderCallOptions, ProviderImage, ProviderSettings } from './types';

export const dmxapiProvider: ImageProvider = {
  id: 'dmxapi',
  generate(request: ImageRequest, settings: ProviderSettings, options: ProviderCallOptions = {}): Promise<ProviderImage> {
    return guarded(settings.apiKey, () =>
      checkModelRequest(request, 'dmxapi').api === 'native' ? nativeGenerate(request, dmxapiNativeService(request.model, settings), settings, options) : generate(request, settings, options),
    );
  },
  resume(task, settings, options = {}) {
    return guarded(settings.apiKey, () => nativeResume(task.pollUrl, task.model, dmxapiNativeService(task.model, settings), settings, options));
  },
};

/**
 * DMXAPI's pass-through of BFL's native form (FLUX.2): `POST ${root}/flux/v1/<model>` and
 * `GET ${root}/flux/v1/get_result?id=ID`, both with the Bearer key, where `root` is
 * `flux.baseUrl` without a trailing `/v1`. The key goes to that origin only.
 */
export function dmxapiNativeService(model: string, settings: ProviderSettings): NativeService {
  const base = generationsUrl(settings.baseUrl);
  base.pathname = base.pathname.replace(/\/v1\/images\/generations$/, '');
  const root = base.pathname.replace(/\/+$/, '');
  return {
    provider: 'dmxapi',
    setting: 'flux.baseUrl',
    base,
    submitUrl: new URL(`${root}/flux/v1/${encodeURIComponent(model)}`, base),
    auth: { authorization: `Bearer ${settings.apiKey}` },
    pollUrl: (task) => (task.id !== undefined ? new URL(`${root}/flux/v1/get_result?id=${encodeURIComponent(task.id)}`, base) : new URL(task.pollingUrl ?? '', base)),
    mayCarryKey: (url) => url.origin === base.origin,
    refusedPoll: (url) =>
      new FluxError('badRequest', text('The service asked to follow the image at {0}, which is not {1}; the key is not sent there. Nothing was made; check flux.baseUrl.', url.host, base.host)),
    classify: (status, answer, headers) => classify(status, answer, headers, settings.apiKey),
  };
}

async function generate(req: ImageRequest, settings: ProviderSettings, options: ProviderCallOptions): Promise<ProviderImage> {
  const endpoint = generationsUrl(settings.baseUrl);
  const call = new Call({
    settings,
    options,
    subject: { model: req.model, size: req.size ?? '', seed: req.seed },
    setting: 'flux.baseUrl',
    host: endpoint.host,
  });
  if (req.image) {
    const url = new URL(endpoint);
    url.pathname = url.pathname.replace(/generations$/, 'edits');
    const form = editForm(req, req.image);
    const answer = await call.send({
      url,
      method: 'POST',
      phase: 'edit',
      headers: { authorization: `Bearer ${settings.apiKey}`, accept: 'application/json', 'content-type': form.contentType, 'content-length': String(form.length) },
      body: form.stream,
      classify: (status, answerBody, headers) => classifyEdit(status, answerBody, headers, settings.apiKey, req.model, url.host),
    });
    return finish(call, answer.body, answer.attempt, endpoint, 'edit', answer.status, answer.durationMs);
  }
  const body = JSON.stringify({ prompt: req.prompt, model: req.model, size: req.size, n: 1, seed: req.seed });
  const answer = await call.send({
    url: endpoint,
    method: 'POST',
    phase: 'generate',
    headers: { authorization: `Bearer ${settings.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
    body: () => body,
    classify: (status, answerBody, headers) => classify(status, answerBody, headers, settings.apiKey),
  });
  return finish(call, answer.body, answer.attempt, endpoint, 'generate', answer.status, answer.durationMs);
}

/** The multipart body of `/v1/images/edits`, as OpenAI's API takes it; the image is not copied. */
export function editForm(req: ImageRequest, image: InputImage): MultipartBody {
  const fields: [string, string][] = [
    ['prompt', req.prompt],
    ['model', req.model],
    ['n', '1'],
  ];
  if (req.seed !== -1) fields.push(['seed', String(req.seed)]);
  if (req.size !== undefined) fields.push(['size', req.size]);
  return multipartBody(fields, { name: 'image', filename: image.name, contentType: image.mime, bytes: image.bytes });
}

/** Statuses with which a gateway says it has no such endpoint, or not for this model. */
const NO_EDITS_STATUS = [404, 405, 501];
const NO_EDITS_WORDS = /not? support|unsupported|not (found|exist|implemented|allowed)|invalid url|unknown (endpoint|path|route)|no route|不支持|不存在/i;

function classifyEdit(status: number, answer: Buffer, headers: Headers, apiKey: string, model: string, host: string): FluxError | undefined {
  if (status >= 200 && status < 300 && !looksLikeErrorBody(answer)) return undefined;
  const body = readErrorBody(answer);
  const said = `${body.code ?? ''} ${body.type ?? ''} ${body.message ?? ''}`;
  if (NO_EDITS_STATUS.includes(status) || (status === 400 && NO_EDITS_WORDS.test(said))) {
    // The status and the gateway's words go to the log.
    return new FluxError(
      'badRequest',
      text('{0} at {1} does not accept image edits. Choose another model, or the provider bfl (flux.provider), then try again.', model, host),
      { ...serviceDetails(status, body.message, headers, apiKey), code: body.code ? redactForDisplay(body.code, apiKey, 80) : undefined },
    );
  }
  return errorFromAnswer(status, answer, headers, apiKey);
}

function classify(status: number, answer: Buffer, headers: Headers, apiKey: string): FluxError | undefined {
  if (status >= 200 && status < 300 && !looksLikeErrorBody(answer)) return undefined;
  return errorFromAnswer(status, answer, headers, apiKey);
}

/** Reads either answer shape, downloads a URL at once, and checks the bytes are an image. */
async function finish(call: Call, answer: Buffer, attempt: number, endpoint: URL, phase: 'generate' | 'edit', status: number, durationMs: number): Promise<ProviderImage> {
  let image: ReturnType<typeof parseGenerationAnswer>;
  try {
    image = parseGenerationAnswer(answer);
  } catch (err) {
    call.log({ phase, attempt, status, durationMs, bytes: answer.length, outcome: errorOutcome(err) });
    throw err;
  }
  call.log({ phase, attempt, status, durationMs, bytes: answer.length, outcome: `ok (${image.source})` });
  let bytes = image.bytes;
  if (image.url !== undefined) {
    bytes = await downloadImage(call, image.url, { base: endpoint, sameOriginHeaders: { authorization: `Bearer ${call.settings.apiKey}` }, attempt });
  }
  const type = sniffImageType(bytes);
  if (!type) {
    throw new FluxError('notImage', text('The service sent {0} bytes that are not a PNG, JPEG or WebP image. Nothing was saved; try again.', bytes.length));
  }
  return { bytes, type, seed: image.seed, source: image.source, durationMs: call.elapsedMs(), attempts: attempt };
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
    // A gateway's or a website's HTML page: the address is wrong, not the service busy.
    if (/^\s*<(!doctype html|html)/i.test(answer.subarray(0, 512).toString('utf8'))) {
      throw new FluxError('malformed', text('The address in flux.baseUrl answered with a web page, not the image service. Check flux.baseUrl.'));
    }
    // What it sent is for the log: the person reads what to do.
    throw new FluxError('malformed', text('The service sent an answer that is not JSON. Try again; if it persists, check flux.baseUrl.'), { said: describeBytes(answer) });
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
