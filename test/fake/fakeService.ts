/*
 * A local stand-in for DMXAPI's `POST /v1/images/generations` (FLUX.1 Kontext), for unit,
 * integration and UI tests, benchmarks, and trying the extension by hand.
 *
 * Two listeners share one handler: `baseUrl` (127.0.0.1) is the service; `otherHostBaseUrl`
 * (127.0.0.2, which Linux routes to loopback like all of 127.0.0.0/8) plays the CDN that
 * returned image URLs point to, so tests can check the API key never travels there.
 *
 * What a generation request gets, in this order:
 *   1. 401 (OpenAI shape) when `Authorization: Bearer KEY` is missing or the key is refused
 *      (default: a key is good when it starts with `sk-` and does not contain `invalid`).
 *      The message ECHOES the key it received, as real gateways do; the extension must redact it.
 *   2. 400/404 when the body is not what the real service takes (see `validate`).
 *   3. The next enqueued Behaviour, if any (`enqueue`); then, while `hold()` is on, a wait for
 *      `release()` (so many answers can leave at once).
 *   4. Else, prompt directives, for manual testing (case-insensitive, anywhere in the prompt):
 *        [url]        answer with the url shape        [b64]       answer with the b64 shape
 *        [slow]       wait 8 s first (adds to any other directive)
 *        [moderated]  422, OpenAI shape, "Safety Filter: ...", code content_policy_violation
 *        [quota]      403, flat shape, code quota_not_enough
 *        [429]        429, OpenAI shape, Retry-After: 1
 *        [500]        500, OpenAI shape, server_error
 *        [garbage]    200 with an HTML page instead of JSON
 *        [hang]       never answers       [reset]     connection reset mid-body
 *        [truncated]  body shorter than its Content-Length
 *        [expired]    url shape whose image answers 404 (as an expired CDN link does)
 *        [huge]       a 64 MiB JSON body
 *        [jpeg] [webp] [c2pa]  the image is a JPEG, a WebP, or a PNG carrying C2PA Content
 *                     Credentials (a `caBX` chunk) instead of the drawn PNG (with [url] or [b64] too)
 *   5. Else the default shape (`defaultShape`: b64, url, or alternating starting with b64).
 *
 * The answered seed is the requested one, or a random integer when it is -1 or missing; the
 * image is drawn from that seed (the same seed gives the same picture, as with the real model).
 */
import * as http from 'node:http';
import { randomBytes, randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import { JPEG_BYTES, makeC2paPng, makePng, NOT_AN_IMAGE, WEBP_BYTES } from './png';
import type { PngStyle } from './png';

export const KNOWN_MODELS: readonly string[] = ['flux-kontext-max', 'flux-kontext-pro', 'flux-kontext-dev'];
/**
 * FLUX.2, strictly as BFL documents it, on both routes: provider bfl's `POST /v1/<model>` (x-key,
 * polled at `polling_url` = `/v1/get_result?id=`) and DMXAPI's pass-through `POST /flux/v1/<model>`
 * (Bearer, polled at `GET /flux/v1/get_result?id=ID`, Bearer). A task is polled only on the route
 * (and with the key kind) it was submitted with. JSON: `prompt`, `width`, `height` (each a multiple of
 * 16, at least 64, together at most 4 MP; both or neither), `seed`, `output_format` (`jpeg`|`png`),
 * `safety_tolerance` (0–6), `prompt_upsampling`, `input_image`, `input_image_2`…`_N` (N = 8, or 4
 * for klein; base64 of a PNG, JPEG or WebP, or a URL; numbered without gaps), `webhook_url`,
 * `webhook_secret`; flux-2-flex also `steps` (1–50) and `guidance` (1.5–10). Anything else (`size`,
 * `aspect_ratio`, `n`, unknown fields) is a 422 FastAPI `detail` list. `output_format: "jpeg"`
 * answers a JPEG (JPEG_BYTES), else a PNG of the asked size.
 */
export const FLUX2_MODELS: readonly string[] = ['flux-2-pro', 'flux-2-max', 'flux-2-flex', 'flux-2-klein-4b', 'flux-2-klein-9b'];
export const FLUX2_SUBMIT_PREFIX = '/flux/v1/';
export const FLUX2_RESULT_PATH = '/flux/v1/get_result';
const FLUX2_FIELDS = ['prompt', 'width', 'height', 'seed', 'output_format', 'safety_tolerance', 'prompt_upsampling', 'webhook_url', 'webhook_secret'];
export const RATIOS: readonly string[] = ['1x1', '2x3', '3x2', '3x4', '4x3', '9x16', '16x9'];
export const GENERATIONS_PATH = '/v1/images/generations';
/**
 * Image edits, multipart/form-data as OpenAI's API: parts `image` (a file), `prompt`, `model`,
 * optional `n` (must be 1), `seed`, `size`. Recorded as `{ parts: EditPart[] }`; answered like a
 * generation (same auth, queue, hold and behaviours). 400 when the image part is not a PNG,
 * JPEG or WebP (sniffed), or the model is not in `editModels`; 404 when `edits` is false.
 */
export const EDITS_PATH = '/v1/images/edits';
/**
 * Black Forest Labs' API on the same listeners (set `flux.bflBaseUrl` to `baseUrl`):
 *   POST /v1/<model>  with `x-key` (403 `{"detail":...}` when missing or refused), JSON
 *        `{prompt, seed?, aspect_ratio?, output_format?, input_image?}` (422 FastAPI `detail` list
 *        when invalid) → `{id, polling_url}` where polling_url is `${baseUrl}/v1/get_result?id=ID`.
 *   GET  /v1/get_result?id=ID  with `x-key` → `{id, status, result, progress, details}`.
 * What a task does is the next `enqueueBfl(...)` behaviour, else Ready after one Pending poll;
 * `result.sample` points to `otherHostBaseUrl` (another host name) unless told otherwise.
 */
export const BFL_RESULT_PATH = '/v1/get_result';
/** `GET /v1/credits` with `x-key` → `{ credits }` (BFL: one credit is one US cent). */
export const BFL_CREDITS_PATH = '/v1/credits';
/**
 * Control endpoints, for tests that run in another process than the fake (never recorded, no key):
 *   POST /__fake/hold                      = hold()
 *   POST /__fake/release                   = release(); answers {"released": n}
 *   GET  /__fake/held                      answers {"held": n}
 *   GET  /__fake/held?atLeast=N&timeoutMs=T = waitForHeld(N, T); 200 {"held": n}, 408 on time-out
 *   POST /__fake/enqueue                   body: one Behaviour or an array (JSON-able fields only)
 *   POST /__fake/reset                     = reset()
 *   GET  /__fake/state                     {"requests", "generationRequests", "inFlight", "maxConcurrent", "held", "holding", "pendingBehaviours"}
 */
export const CONTROL_PATH = '/__fake';
/** The fields of a generation request the documentation lists; anything else is refused. */
const GENERATION_FIELDS = ['prompt', 'model', 'size', 'n', 'seed'];
/** A gateway's own bound on a prompt (the models read far less); the client stops at 4000. */
const MAX_FAKE_PROMPT = 8000;
/** How long the `[slow]` directive waits. */
export const SLOW_MS = 8000;

export type Listener = 'main' | 'other';

export interface FakeServiceOptions {
  /** Port of the main listener (127.0.0.1); default 0 = any free port. */
  readonly port?: number;
  /** 'gradient' (default): small cheap images. 'photo': ~1 MP images of ~2.4 MB, for benchmarks. */
  readonly imageStyle?: PngStyle;
  /** Fixed wait before answering each generation request, unless a behaviour sets its own. */
  readonly delayMs?: number;
  /** Default: the key starts with `sk-` and does not contain `invalid`. */
  readonly acceptKey?: (key: string) => boolean;
  /** Shape of a plain success. 'alternate' gives b64, url, b64, ... Default 'b64'. */
  readonly defaultShape?: 'b64' | 'url' | 'alternate';
  /** Models the service knows; default KNOWN_MODELS. */
  readonly models?: readonly string[];
  /** Honour `[url]`, `[slow]`, ... in prompts. Default true. */
  readonly directives?: boolean;
  /** Serve `/v1/images/edits` (default true); false answers 404 there, as gateways without edits do. */
  readonly edits?: boolean;
  /** Models that take edits; default every known model. Others get 400 model_not_supported. */
  readonly editModels?: readonly string[];
  /**
   * Put the seed in success answers (default true). False is a gateway that does not pass it back
   * (new-api and one-api leave it out of their answer struct): the client must cope without one.
   */
  readonly answerSeed?: boolean;
}

/** One part of a recorded multipart edit request. */
export interface EditPart {
  readonly name: string;
  /** Text parts. */
  readonly value?: string;
  /** File parts. */
  readonly filename?: string;
  readonly contentType?: string;
  readonly bytes?: Buffer;
}

interface Timed {
  /** Wait before answering; replaces the service's `delayMs` for this request. */
  readonly delayMs?: number;
}

export interface B64Behaviour extends Timed {
  readonly kind: 'b64';
  /**
   * The seed to answer with; default the requested one (random when -1 or missing).
   * null leaves `seed` out of the answer, as gateways that do not pass it back do.
   */
  readonly seed?: number | null;
  /** The bytes to return; default a PNG drawn from the seed. */
  readonly image?: Buffer;
}

export interface UrlBehaviour extends Timed {
  readonly kind: 'url';
  /** As for 'b64': null leaves `seed` out of the answer. */
  readonly seed?: number | null;
  readonly image?: Buffer;
  /** Where the returned URL points: 'other' (default) = otherHostBaseUrl, 'same' = baseUrl. */
  readonly host?: 'same' | 'other';
  /** Status of the image download (e.g. 404 or 403 for an expired link); default 200. */
  readonly imageStatus?: number;
  /** The image URL answers 302 with this Location instead of the bytes. */
  readonly imageRedirectTo?: string;
  /** Content-Type of the download; default from the bytes' signature (image/png when unknown). */
  readonly imageContentType?: string;
  /** Wait before answering the download. */
  readonly imageDelayMs?: number;
}

export interface ErrorBehaviour extends Timed {
  readonly kind: 'error';
  readonly status: number;
  /** 'openai': {"error":{"message","type","param":null,"code"}}; 'flat': {"code","message","data":null}. */
  readonly shape: 'openai' | 'flat';
  readonly code?: string | null;
  /** `{key}` is replaced by the key the request carried (to test redaction). */
  readonly message?: string;
  /** OpenAI shape only; default from the status. */
  readonly type?: string;
  /** Sent as the Retry-After header. */
  readonly retryAfter?: string;
}

export interface RawBehaviour extends Timed {
  readonly kind: 'raw';
  readonly status: number;
  readonly body: string | Buffer;
  /** Default 'application/json; charset=utf-8'. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Reads the request and never answers (until the client gives up or `close()`). */
export interface HangBehaviour extends Timed {
  readonly kind: 'hang';
}

/** Sends the headers (full Content-Length) and `afterBytes` of a b64 answer, then a TCP reset. */
export interface ResetBehaviour extends Timed {
  readonly kind: 'reset';
  /** Default 1024. */
  readonly afterBytes?: number;
}

/** Declares the Content-Length of a full b64 answer, sends part of it, then closes cleanly (FIN). */
export interface TruncatedBehaviour extends Timed {
  readonly kind: 'truncated';
  /** Default: half the body. */
  readonly sendBytes?: number;
}

/** Streams a syntactically valid JSON answer of exactly `bytes` bytes, with backpressure. */
export interface HugeBehaviour extends Timed {
  readonly kind: 'huge';
  readonly bytes: number;
  /** Send Content-Length (default true); false = chunked, so only counting can catch it. */
  readonly declareLength?: boolean;
}

/** The generation endpoint itself redirects (e.g. to `${otherHostBaseUrl}/v1/images/generations`). */
export interface RedirectBehaviour extends Timed {
  readonly kind: 'redirect';
  readonly location: string;
  /** Default 307 (keeps method and body, so a client that follows would re-send the key). */
  readonly status?: number;
}

export type Behaviour =
  | B64Behaviour
  | UrlBehaviour
  | ErrorBehaviour
  | RawBehaviour
  | HangBehaviour
  | ResetBehaviour
  | TruncatedBehaviour
  | HugeBehaviour
  | RedirectBehaviour;

/** What a BFL task does. `pendingPolls` (default 1) polls answer Pending first. */
export type BflBehaviour =
  | {
      readonly kind: 'ready';
      readonly pendingPolls?: number;
      readonly seed?: number;
      readonly image?: Buffer;
      /** Where `result.sample` points: 'other' (default) = otherHostBaseUrl, 'same' = baseUrl. */
      readonly resultHost?: 'same' | 'other';
    }
  | { readonly kind: 'status'; readonly status: 'Request Moderated' | 'Content Moderated' | 'Error' | 'Task not found'; readonly pendingPolls?: number }
  /** Pending for ever. */
  | { readonly kind: 'pending' }
  /** The submit answers this error (FastAPI shape `{"detail": message}`), e.g. 402, 429, 422. */
  | { readonly kind: 'submitError'; readonly status: number; readonly detail?: unknown; readonly retryAfter?: string }
  /** The submit answers a polling_url on this base (e.g. otherHostBaseUrl, or `https://evil.example`). */
  | { readonly kind: 'pollElsewhere'; readonly pollingBase: string };

interface BflTask {
  readonly behaviour: BflBehaviour;
  readonly seed: number;
  readonly size: string;
  /** The route it was submitted on: polled only there. */
  readonly route: 'bfl' | 'dmxapi';
  readonly jpeg: boolean;
  polls: number;
}

/** What the fake did with a request; filled in as the answer goes out. */
export interface RequestOutcome {
  /** Behaviour kind, or what the service did on its own. */
  kind?: Behaviour['kind'] | 'auth' | 'invalid' | 'file' | 'notFound';
  status?: number;
  /** Body bytes written. */
  bytesSent: number;
  /** The whole answer went out. */
  finished: boolean;
  /** The connection closed before the whole answer went out (client abort, reset, close()). */
  closedEarly: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path with query string. */
  readonly path: string;
  /** Which listener received it: 'main' = baseUrl, 'other' = otherHostBaseUrl. */
  readonly host: Listener;
  readonly headers: Readonly<http.IncomingHttpHeaders>;
  /** Parsed JSON, else the raw text; undefined when there was no body. */
  readonly body: unknown;
  /** Date.now() at arrival. */
  readonly receivedAt: number;
  readonly outcome: RequestOutcome;
}

interface MutableRecord extends RecordedRequest {
  body: unknown;
}

interface StoredFile {
  readonly bytes: Buffer;
  readonly status: number;
  readonly redirectTo?: string;
  readonly contentType: string;
  readonly delayMs: number;
}

interface Validated {
  readonly prompt: string;
  readonly size: string;
  /** undefined or -1 = random. */
  readonly seed: number | undefined;
}

// Eight 4 MB references in base64 and some room.
const MAX_REQUEST_BODY = 48 * 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';

export class FakeService {
  private readonly options: FakeServiceOptions;
  private readonly mainServer: http.Server;
  private readonly otherServer: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wakers = new Set<() => void>();
  private readonly files = new Map<string, StoredFile>();
  private readonly recorded: MutableRecord[] = [];
  /** Requests waiting for `release()`; each entry lets its request go on. */
  private readonly heldRequests = new Set<() => void>();
  private readonly heldWatchers = new Set<() => void>();
  private holding = false;
  private queue: Behaviour[] = [];
  private bflQueue: BflBehaviour[] = [];
  private readonly bflTasks = new Map<string, BflTask>();
  private inFlightCount = 0;
  private peak = 0;
  private shapeCounter = 0;
  private mainUrl = '';
  private otherUrl = '';
  private otherIsSeparateAddress = true;
  private closing: Promise<void> | undefined;

  private constructor(options: FakeServiceOptions) {
    this.options = options;
    this.mainServer = this.createServer('main');
    this.otherServer = this.createServer('other');
  }

  static async start(options: FakeServiceOptions = {}): Promise<FakeService> {
    const fake = new FakeService(options);
    const port = await listen(fake.mainServer, options.port ?? 0, '127.0.0.1');
    fake.mainUrl = `http://127.0.0.1:${port}`;
    try {
      const otherPort = await listen(fake.otherServer, 0, '127.0.0.2');
      fake.otherUrl = `http://127.0.0.2:${otherPort}`;
    } catch {
      // macOS only configures 127.0.0.1: a second port under another name is still another origin.
      const otherPort = await listen(fake.otherServer, 0, '127.0.0.1');
      fake.otherUrl = `http://localhost:${otherPort}`;
      fake.otherIsSeparateAddress = false;
    }
    return fake;
  }

  /** `http://127.0.0.1:PORT`: set `flux.baseUrl` to this. */
  get baseUrl(): string {
    return this.mainUrl;
  }

  /** `http://127.0.0.2:PORT`, where url-shaped answers point by default. */
  get otherHostBaseUrl(): string {
    return this.otherUrl;
  }

  /** False when 127.0.0.2 could not be bound and the other host is `localhost:OTHERPORT`. */
  get otherHostIsSeparateAddress(): boolean {
    return this.otherIsSeparateAddress;
  }

  /** Full URL of the generation endpoint. */
  get generationsUrl(): string {
    return this.mainUrl + GENERATIONS_PATH;
  }

  /** Every request on both listeners, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  /** Requests to the generation endpoint (either listener). */
  get generationRequests(): readonly RecordedRequest[] {
    return this.recorded.filter((r) => pathOnly(r.path) === GENERATIONS_PATH);
  }

  /** Requests to the edits endpoint; their `body` is `{ parts: EditPart[] }` when it parsed. */
  get editRequests(): readonly RecordedRequest[] {
    return this.recorded.filter((r) => pathOnly(r.path) === EDITS_PATH);
  }

  /** Image downloads (`GET /files/...`, either listener). */
  get fileRequests(): readonly RecordedRequest[] {
    return this.recorded.filter((r) => pathOnly(r.path).startsWith('/files/'));
  }

  /** True when any request on that listener carried an Authorization (or BFL-style x-key) header. */
  authorizationSeenOn(host: Listener): boolean {
    return this.recorded.some((r) => r.host === host && (r.headers.authorization !== undefined || r.headers['x-key'] !== undefined));
  }

  /** Peak number of generation requests in flight at once since start or `reset()`. */
  get maxConcurrent(): number {
    return this.peak;
  }

  /** Generation requests in flight now. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Enqueued behaviours not used yet. */
  get pendingBehaviours(): number {
    return this.queue.length;
  }

  /** The next generation requests that pass auth and validation take these, in order. */
  enqueue(...behaviours: Behaviour[]): void {
    this.queue.push(...behaviours);
  }

  /**
   * From now on every generation or edit request that passes auth and validation waits (it
   * has taken its behaviour already) until `release()`, so a test can make many answers leave
   * at the same moment.
   */
  hold(): void {
    this.holding = true;
  }

  /** Requests waiting now because of `hold()`. */
  get held(): number {
    return this.heldRequests.size;
  }

  /** True between `hold()` and `release()`. */
  get isHolding(): boolean {
    return this.holding;
  }

  /** Resolves once at least `n` requests are held; rejects after `timeoutMs`. */
  waitForHeld(n: number, timeoutMs = 10_000): Promise<void> {
    if (this.heldRequests.size >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.heldRequests.size < n) return;
        clearTimeout(timer);
        this.heldWatchers.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.heldWatchers.delete(check);
        reject(new Error(`fake service: ${this.heldRequests.size} of ${n} requests held after ${timeoutMs} ms`));
      }, timeoutMs);
      this.heldWatchers.add(check);
    });
  }

  /** Stops holding and lets every held request answer, all in the same turn. Returns how many. */
  release(): number {
    this.holding = false;
    const waiting = [...this.heldRequests];
    this.heldRequests.clear();
    for (const go of waiting) go();
    return waiting.length;
  }

  /** The next BFL submits that pass the key and validation take these, in order. */
  enqueueBfl(...behaviours: BflBehaviour[]): void {
    this.bflQueue.push(...behaviours);
  }

  /**
   * Every task still waiting (`pending`, or Pending polls left) becomes Ready at its next poll: the
   * service finishing while nobody asks (a window that stopped). Returns how many.
   */
  finishBflTasks(): number {
    let n = 0;
    for (const [id, task] of this.bflTasks) {
      if (task.behaviour.kind === 'ready' && task.polls >= (task.behaviour.pendingPolls ?? 1)) continue;
      if (task.behaviour.kind !== 'pending' && task.behaviour.kind !== 'ready') continue;
      this.bflTasks.set(id, { ...task, behaviour: { kind: 'ready', pendingPolls: 0 } });
      n++;
    }
    return n;
  }

  /** What `GET /v1/credits` answers. */
  bflCredits = 1234.5;

  /** BFL submits (`POST /v1/<model>`) on either listener. */
  get bflSubmitRequests(): readonly RecordedRequest[] {
    return this.recorded.filter((r) => r.method === 'POST' && /^\/v1\/[^/]+$/.test(pathOnly(r.path)) && pathOnly(r.path) !== BFL_RESULT_PATH);
  }

  /** FLUX.2 submits on either route: DMXAPI's `POST /flux/v1/<model>`, or BFL's `POST /v1/flux-2-…`. */
  get flux2SubmitRequests(): readonly RecordedRequest[] {
    return this.recorded.filter((r) => {
      const path = pathOnly(r.path);
      return r.method === 'POST' && (path.startsWith(FLUX2_SUBMIT_PREFIX) || /^\/v1\/flux-2-[^/]+$/.test(path));
    });
  }

  /** DMXAPI's FLUX.2 polls (`GET /flux/v1/get_result`). */
  get flux2PollRequests(): readonly RecordedRequest[] {
    return this.recorded.filter((r) => pathOnly(r.path) === FLUX2_RESULT_PATH);
  }

  /** BFL polls (`GET /v1/get_result`) on either listener. */
  get bflPollRequests(): readonly RecordedRequest[] {
    return this.recorded.filter((r) => pathOnly(r.path) === BFL_RESULT_PATH);
  }

  /** Forgets requests, queue, stored files and the concurrency peak; releases held requests. Keeps listening. */
  reset(): void {
    this.release();
    this.recorded.length = 0;
    this.queue = [];
    this.bflQueue = [];
    this.bflTasks.clear();
    this.files.clear();
    this.peak = this.inFlightCount;
    this.shapeCounter = 0;
  }

  /** Closes both listeners, drops open connections (hanging ones too) and pending timers. */
  close(): Promise<void> {
    if (!this.closing) {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      for (const wake of [...this.wakers]) wake();
      // Waiting for each socket's 'close' (not just the servers') means the responses' own
      // 'close' handlers have run, so outcomes and inFlight are final when this resolves.
      const socketsClosed = [...this.sockets].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
      for (const s of this.sockets) s.destroy();
      this.closing = Promise.all([closeServer(this.mainServer), closeServer(this.otherServer), ...socketsClosed]).then(() => undefined);
    }
    return this.closing;
  }

  private createServer(listener: Listener): http.Server {
    const server = http.createServer((req, res) => {
      this.handle(listener, req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          sendJson(res, 500, openAiError(`fake service bug: ${String(err)}`, 'server_error', 'fake_bug'));
        } else {
          res.destroy();
        }
      });
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    return server;
  }

  private async handle(listener: Listener, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (pathOnly(req.url ?? '/').startsWith(`${CONTROL_PATH}/`)) return this.control(req, res);
    const outcome: RequestOutcome = { bytesSent: 0, finished: false, closedEarly: false };
    const record: MutableRecord = {
      method: req.method ?? '',
      path: req.url ?? '/',
      host: listener,
      headers: { ...req.headers },
      body: undefined,
      receivedAt: Date.now(),
      outcome,
    };
    this.recorded.push(record);
    res.on('finish', () => {
      outcome.finished = true;
    });
    res.on('close', () => {
      if (!outcome.finished) outcome.closedEarly = true;
    });
    const path = pathOnly(record.path);
    const isEdit = path === EDITS_PATH && record.method === 'POST' && this.options.edits !== false;
    const isGeneration = (path === GENERATIONS_PATH && record.method === 'POST') || isEdit;
    if (isGeneration) {
      this.inFlightCount++;
      this.peak = Math.max(this.peak, this.inFlightCount);
      res.on('close', () => this.inFlightCount--);
    }

    const raw = await readBody(req);
    if (raw === undefined) {
      outcome.kind = 'invalid';
      sendJson(res, 413, openAiError('Request body too large', 'invalid_request_error', 'body_too_large'), outcome);
      return;
    }
    if (isEdit) {
      const parts = await parseMultipart(raw, String(req.headers['content-type'] ?? ''));
      record.body = parts ? { parts } : raw.length === 0 ? undefined : raw.toString('latin1');
      return this.generate(req, res, raw, outcome, parts ?? null);
    }
    record.body = raw.length === 0 ? undefined : parseMaybeJson(raw.toString('utf8'));

    if (isGeneration) return this.generate(req, res, raw, outcome);
    if (path === BFL_RESULT_PATH && record.method === 'GET') return this.bflPoll(req, res, outcome, listener, 'bfl');
    if (path === BFL_CREDITS_PATH && record.method === 'GET') {
      if (this.bflKeyRefused(req, res, outcome)) return;
      outcome.kind = 'b64';
      return sendJson(res, 200, { credits: this.bflCredits }, outcome);
    }
    if (path === FLUX2_RESULT_PATH && record.method === 'GET') return this.bflPoll(req, res, outcome, listener, 'dmxapi');
    const bflModel = /^\/v1\/([A-Za-z0-9._-]+)$/.exec(path);
    if (bflModel && record.method === 'POST' && [...(this.options.models ?? KNOWN_MODELS), ...FLUX2_MODELS].includes(bflModel[1]!)) {
      return this.bflSubmit(req, res, raw, outcome, listener, bflModel[1]!, 'bfl');
    }
    const dmxFlux2 = /^\/flux\/v1\/([A-Za-z0-9._-]+)$/.exec(path);
    if (dmxFlux2 && record.method === 'POST' && FLUX2_MODELS.includes(dmxFlux2[1]!)) {
      return this.bflSubmit(req, res, raw, outcome, listener, dmxFlux2[1]!, 'dmxapi');
    }
    const file = /^\/files\/([A-Za-z0-9_-]+)\.(?:png|jpg)$/.exec(path);
    if (file && (record.method === 'GET' || record.method === 'HEAD')) return this.serveFile(file[1]!, res, outcome);
    outcome.kind = 'notFound';
    sendJson(res, 404, openAiError(`Invalid URL (${record.method} ${path})`, 'invalid_request_error', 'not_found'), outcome);
  }

  /** `parts`: the edit's multipart parts (null when they did not parse); undefined for a generation. */
  private async generate(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, outcome: RequestOutcome, parts?: EditPart[] | null): Promise<void> {
    // 1. Authentication, echoing what was received as real gateways do.
    if (this.bearerRefused(req, res, outcome)) return;
    const key = bearerKey(req.headers.authorization ?? '');

    // 2. Validation, like the real service.
    const checked = parts === undefined ? this.validate(raw, String(req.headers['content-type'] ?? '')) : this.validateEdit(parts);
    if ('status' in checked) {
      outcome.kind = 'invalid';
      sendJson(res, checked.status, checked.body, outcome);
      return;
    }

    // 3-5. What to answer.
    const behaviour = this.queue.shift() ?? this.fromDirectives(checked.prompt) ?? this.defaultBehaviour();
    outcome.kind = behaviour.kind;
    const seed = (): number => {
      if ((behaviour.kind === 'b64' || behaviour.kind === 'url') && typeof behaviour.seed === 'number') return behaviour.seed;
      return checked.seed === undefined || checked.seed === -1 ? randomInt(0, 2 ** 32) : checked.seed;
    };
    // The seed as the answer states it: left out when the behaviour or the fake says so.
    const answered = (s: number): number | undefined =>
      (behaviour.kind === 'b64' || behaviour.kind === 'url') && behaviour.seed === null ? undefined : this.options.answerSeed === false ? undefined : s;

    if (!(await this.holdIfAsked(res))) return;
    if (!(await this.wait(behaviour.delayMs ?? this.options.delayMs ?? 0, res))) return;

    switch (behaviour.kind) {
      case 'b64': {
        const s = seed();
        sendJson(res, 200, b64Answer(behaviour.image ?? this.imageFor(checked.size, s), answered(s)), outcome);
        return;
      }
      case 'url': {
        const s = seed();
        const bytes = behaviour.image ?? this.imageFor(checked.size, s);
        const id = randomBytes(8).toString('hex');
        this.files.set(id, {
          bytes,
          status: behaviour.imageStatus ?? 200,
          redirectTo: behaviour.imageRedirectTo,
          contentType: behaviour.imageContentType ?? sniffMime(bytes),
          delayMs: behaviour.imageDelayMs ?? 0,
        });
        const base = behaviour.host === 'same' ? this.mainUrl : this.otherUrl;
        sendJson(res, 200, { created: unixNow(), data: [withSeed({ url: `${base}/files/${id}.png` }, answered(s))] }, outcome);
        return;
      }
      case 'error': {
        const message = (behaviour.message ?? defaultMessage(behaviour.status)).split('{key}').join(key);
        const code = behaviour.code === undefined ? defaultCode(behaviour.status) : behaviour.code;
        const body =
          behaviour.shape === 'openai'
            ? openAiError(message, behaviour.type ?? defaultType(behaviour.status), code)
            : { code, message, data: null };
        const headers: http.OutgoingHttpHeaders = behaviour.retryAfter === undefined ? {} : { 'Retry-After': behaviour.retryAfter };
        sendJson(res, behaviour.status, body, outcome, headers);
        return;
      }
      case 'raw': {
        const body = typeof behaviour.body === 'string' ? Buffer.from(behaviour.body, 'utf8') : behaviour.body;
        send(res, behaviour.status, { 'Content-Type': behaviour.contentType ?? JSON_TYPE, ...behaviour.headers }, body, outcome);
        return;
      }
      case 'hang':
        return;
      case 'reset': {
        const body = Buffer.from(JSON.stringify(b64Answer(this.imageFor(checked.size, seed()), 0)));
        const part = body.subarray(0, Math.max(0, Math.min(behaviour.afterBytes ?? 1024, body.length - 1)));
        outcome.status = 200;
        res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': body.length });
        res.flushHeaders();
        res.write(part, () => {
          outcome.bytesSent = part.length;
          // A short pause so the client has read the headers before the reset discards them.
          this.later(50, () => res.socket?.resetAndDestroy());
        });
        return;
      }
      case 'truncated': {
        const body = Buffer.from(JSON.stringify(b64Answer(this.imageFor(checked.size, seed()), 0)));
        const part = body.subarray(0, Math.max(0, Math.min(behaviour.sendBytes ?? Math.floor(body.length / 2), body.length - 1)));
        outcome.status = 200;
        res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': body.length });
        res.write(part, () => {
          outcome.bytesSent = part.length;
          res.socket?.end();
        });
        return;
      }
      case 'huge':
        return streamHuge(res, behaviour, outcome);
      case 'redirect': {
        const body = Buffer.from(JSON.stringify({ message: 'moved' }));
        send(res, behaviour.status ?? 307, { Location: behaviour.location, 'Content-Type': JSON_TYPE }, body, outcome);
        return;
      }
    }
  }

  private validate(raw: Buffer, contentType: string): Validated | { status: number; body: unknown } {
    // As the documented service: a JSON body, said so in the header.
    if (!/^application\/json\b/i.test(contentType)) {
      return { status: 415, body: openAiError(`Unsupported Content-Type ${JSON.stringify(contentType)}: send application/json`, 'invalid_request_error', 'unsupported_media_type') };
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return { status: 400, body: openAiError(`Invalid JSON body: ${(err as Error).message}`, 'invalid_request_error', 'bad_request_body') };
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { status: 400, body: openAiError('The body must be a JSON object', 'invalid_request_error', 'bad_request_body') };
    }
    const b = body as Record<string, unknown>;
    // Only the documented fields: a client that sends more is guessing at an API it does not have.
    const unknown = Object.keys(b).filter((k) => !GENERATION_FIELDS.includes(k));
    if (unknown.length) {
      return { status: 400, body: openAiError(`Unknown field(s): ${unknown.join(', ')}`, 'invalid_request_error', 'unknown_field') };
    }
    // A gateway routes on the model first.
    if (typeof b.model !== 'string' || b.model === '') {
      return { status: 400, body: openAiError('model is required', 'invalid_request_error', 'missing_model') };
    }
    if (!(this.options.models ?? KNOWN_MODELS).includes(b.model)) {
      return {
        status: 404,
        body: openAiError(`The model \`${b.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'),
      };
    }
    // The doc says changing n "causes an error"; the gateway answers it in its flat shape.
    if (b.n !== undefined && b.n !== 1) {
      return { status: 400, body: { code: 'invalid_n', message: `n must be 1 for ${b.model} (got ${JSON.stringify(b.n)})`, data: null } };
    }
    if (typeof b.prompt !== 'string' || b.prompt.trim() === '') {
      return { status: 400, body: openAiError('prompt is required', 'invalid_request_error', 'invalid_prompt') };
    }
    if (b.prompt.length > MAX_FAKE_PROMPT) {
      return { status: 400, body: openAiError(`prompt is too long (${b.prompt.length} characters, at most ${MAX_FAKE_PROMPT})`, 'invalid_request_error', 'prompt_too_long') };
    }
    const size = b.size === undefined ? '1x1' : b.size;
    if (typeof size !== 'string' || !imageDimensions(size, 'photo')) {
      return {
        status: 400,
        body: openAiError(`Invalid size ${JSON.stringify(size)}: use ${RATIOS.join(', ')} or WIDTHxHEIGHT`, 'invalid_request_error', 'invalid_size'),
      };
    }
    const seed = b.seed;
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < -1 || seed > 0xffffffff)) {
      return { status: 400, body: openAiError(`Invalid seed ${JSON.stringify(seed)}: use -1 or an integer 0-4294967295`, 'invalid_request_error', 'invalid_seed') };
    }
    return { prompt: b.prompt, size, seed };
  }

  /** DMXAPI's key check (`Authorization: Bearer`); answers 401 and says true when refused. */
  private bearerRefused(req: http.IncomingMessage, res: http.ServerResponse, outcome: RequestOutcome): boolean {
    const authorization = req.headers.authorization;
    if (!authorization) {
      outcome.kind = 'auth';
      sendJson(res, 401, openAiError('未提供令牌 (no token provided): send Authorization: Bearer sk-...', 'invalid_request_error', 'invalid_api_key'), outcome);
      return true;
    }
    const bearer = /^Bearer\s+/i.test(authorization);
    const key = bearerKey(authorization);
    const accept = this.options.acceptKey ?? defaultAcceptKey;
    if (!bearer || !accept(key)) {
      outcome.kind = 'auth';
      sendJson(res, 401, openAiError(`Invalid token: ${key} (无效的令牌, request id: ${requestId()})`, 'invalid_request_error', 'invalid_api_key'), outcome);
      return true;
    }
    return false;
  }

  private bflKeyRefused(req: http.IncomingMessage, res: http.ServerResponse, outcome: RequestOutcome): boolean {
    const key = req.headers['x-key'];
    if (typeof key === 'string' && (this.options.acceptKey ?? defaultAcceptKey)(key)) return false;
    outcome.kind = 'auth';
    sendJson(res, 403, { detail: key === undefined ? 'Not authenticated' : `Invalid key ${String(key)}` }, outcome);
    return true;
  }

  private async bflSubmit(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, outcome: RequestOutcome, listener: Listener, model: string, route: 'bfl' | 'dmxapi'): Promise<void> {
    if (route === 'bfl' ? this.bflKeyRefused(req, res, outcome) : this.bearerRefused(req, res, outcome)) return;
    const flux2 = FLUX2_MODELS.includes(model);
    const problems: { loc: string[]; msg: string; type: string }[] = [];
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      else problems.push({ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' });
    } catch {
      problems.push({ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' });
    }
    if (problems.length === 0 && flux2) problems.push(...flux2Problems(body, model));
    else if (problems.length === 0) {
      if (typeof body.prompt !== 'string' || !body.prompt.trim()) problems.push({ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' });
      if (body.seed !== undefined && !Number.isInteger(body.seed)) problems.push({ loc: ['body', 'seed'], msg: 'Input should be a valid integer', type: 'int_type' });
      if (body.aspect_ratio !== undefined && (typeof body.aspect_ratio !== 'string' || !/^\d+:\d+$/.test(body.aspect_ratio))) {
        problems.push({ loc: ['body', 'aspect_ratio'], msg: 'Invalid aspect ratio', type: 'value_error' });
      }
      if (body.output_format !== undefined && body.output_format !== 'png' && body.output_format !== 'jpeg') {
        problems.push({ loc: ['body', 'output_format'], msg: "Input should be 'jpeg' or 'png'", type: 'enum' });
      }
      if (body.input_image !== undefined && typeof body.input_image !== 'string') problems.push({ loc: ['body', 'input_image'], msg: 'Input should be a valid string', type: 'string_type' });
    }
    if (problems.length > 0) {
      outcome.kind = 'invalid';
      sendJson(res, 422, { detail: problems }, outcome);
      return;
    }
    const behaviour = this.bflQueue.shift() ?? { kind: 'ready' };
    outcome.kind = behaviour.kind === 'submitError' ? 'error' : 'b64';
    if (!(await this.holdIfAsked(res))) return;
    if (!(await this.wait(this.options.delayMs ?? 0, res))) return;
    if (behaviour.kind === 'submitError') {
      sendJson(res, behaviour.status, { detail: behaviour.detail ?? defaultMessage(behaviour.status) }, outcome, behaviour.retryAfter === undefined ? {} : { 'Retry-After': behaviour.retryAfter });
      return;
    }
    const id = randomBytes(8).toString('hex');
    const ratio = typeof body.aspect_ratio === 'string' ? body.aspect_ratio.replace(':', 'x') : '1x1';
    this.bflTasks.set(id, {
      behaviour,
      seed: typeof body.seed === 'number' ? body.seed : randomInt(0, 2 ** 32),
      size: flux2 && typeof body.width === 'number' && typeof body.height === 'number' ? `${body.width}x${body.height}` : RATIOS.includes(ratio) ? ratio : '1x1',
      route,
      // FLUX.2's default is jpeg; Kontext's png.
      jpeg: body.output_format === 'jpeg' || (flux2 && body.output_format === undefined),
      polls: 0,
    });
    const base = behaviour.kind === 'pollElsewhere' ? behaviour.pollingBase : listener === 'main' ? this.mainUrl : this.otherUrl;
    sendJson(res, 200, { id, polling_url: `${base}${route === 'bfl' ? BFL_RESULT_PATH : FLUX2_RESULT_PATH}?id=${id}` }, outcome);
  }

  private bflPoll(req: http.IncomingMessage, res: http.ServerResponse, outcome: RequestOutcome, listener: Listener, route: 'bfl' | 'dmxapi'): void {
    if (route === 'bfl' ? this.bflKeyRefused(req, res, outcome) : this.bearerRefused(req, res, outcome)) return;
    const id = new URL(req.url ?? '/', 'http://fake').searchParams.get('id') ?? '';
    const found = this.bflTasks.get(id);
    const task = found?.route === route ? found : undefined;
    outcome.kind = 'b64';
    const answer = (status: string, result: unknown = null): void => sendJson(res, 200, { id, status, result, progress: null, details: null }, outcome);
    if (!task) return answer('Task not found');
    task.polls++;
    const b = task.behaviour;
    if (b.kind === 'pending' || task.polls <= ((b.kind === 'ready' || b.kind === 'status') && b.pendingPolls !== undefined ? b.pendingPolls : 1)) return answer('Pending');
    if (b.kind === 'status') return answer(b.status);
    const seed = b.kind === 'ready' && b.seed !== undefined ? b.seed : task.seed;
    const bytes = (b.kind === 'ready' ? b.image : undefined) ?? (task.jpeg ? JPEG_BYTES : this.imageFor(task.size, seed));
    const fileId = randomBytes(8).toString('hex');
    this.files.set(fileId, { bytes, status: 200, contentType: sniffMime(bytes), delayMs: 0 });
    const extension = sniffMime(bytes) === 'image/jpeg' ? 'jpg' : 'png';
    const host = b.kind === 'ready' && b.resultHost === 'same' ? (listener === 'main' ? this.mainUrl : this.otherUrl) : this.otherUrl;
    const stated = this.options.answerSeed === false ? undefined : seed;
    answer('Ready', withSeed({ sample: `${host}/files/${fileId}.${extension}`, prompt: '', start_time: unixNow(), end_time: unixNow(), duration: 1 }, stated));
  }

  private validateEdit(parts: EditPart[] | null): Validated | { status: number; body: unknown } {
    const bad = (message: string, code: string) => ({ status: 400, body: openAiError(message, 'invalid_request_error', code) });
    if (!parts) return bad('The body must be multipart/form-data', 'bad_request_body');
    const field = (name: string): string | undefined => parts.find((p) => p.name === name && p.value !== undefined)?.value;
    const model = field('model');
    if (!model) return bad('model is required', 'missing_model');
    if (!(this.options.models ?? KNOWN_MODELS).includes(model)) {
      return { status: 404, body: openAiError(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found') };
    }
    if (!(this.options.editModels ?? this.options.models ?? KNOWN_MODELS).includes(model)) {
      return bad(`The model ${model} does not support image edits`, 'model_not_supported');
    }
    const image = parts.find((p) => p.name === 'image');
    if (!image?.bytes) return bad('image is required (a file part)', 'missing_image');
    if (!isImage(image.bytes)) {
      return bad('image must be a PNG, JPEG or WebP file', 'invalid_image');
    }
    const n = field('n');
    if (n !== undefined && n !== '1') return { status: 400, body: { code: 'invalid_n', message: `n must be 1 for ${model} (got ${n})`, data: null } };
    const prompt = field('prompt');
    if (!prompt || prompt.trim() === '') return bad('prompt is required', 'invalid_prompt');
    const size = field('size') ?? '1x1';
    if (!imageDimensions(size, 'photo')) return bad(`Invalid size ${JSON.stringify(size)}`, 'invalid_size');
    const seedText = field('seed');
    const seed = seedText === undefined ? undefined : Number(seedText);
    if (seed !== undefined && (!Number.isInteger(seed) || seed < -1 || seed > 0xffffffff)) return bad(`Invalid seed ${JSON.stringify(seedText)}`, 'invalid_seed');
    return { prompt, size, seed };
  }

  private fromDirectives(prompt: string): Behaviour | undefined {
    if (this.options.directives === false) return undefined;
    const p = prompt.toLowerCase();
    const has = (d: string): boolean => p.includes(`[${d}]`);
    const delayMs = has('slow') ? SLOW_MS : undefined;
    let b: Behaviour | undefined;
    if (has('moderated')) {
      b = {
        kind: 'error',
        status: 422,
        shape: 'openai',
        code: 'content_policy_violation',
        type: 'invalid_request_error',
        message: 'Safety Filter: the prompt was rejected by content moderation (Request Moderated). Please rephrase it.',
      };
    } else if (has('quota')) {
      b = { kind: 'error', status: 403, shape: 'flat', code: 'quota_not_enough', message: '用户额度不足 (quota not enough), 剩余额度: ¥0.00' };
    } else if (has('429')) {
      b = { kind: 'error', status: 429, shape: 'openai', code: 'rate_limit_exceeded', retryAfter: '1', message: 'Too many running tasks (当前分组上游负载已饱和), please retry later' };
    } else if (has('500')) {
      b = { kind: 'error', status: 500, shape: 'openai' };
    } else if (has('garbage')) {
      b = rawHtml(200);
    } else if (has('hang')) {
      b = { kind: 'hang' };
    } else if (has('reset')) {
      b = { kind: 'reset' };
    } else if (has('truncated')) {
      b = { kind: 'truncated' };
    } else if (has('huge')) {
      b = { kind: 'huge', bytes: 64 * 1024 * 1024 };
    } else if (has('expired')) {
      b = { kind: 'url', imageStatus: 404 };
    } else if (has('url')) {
      b = { kind: 'url' };
    } else if (has('b64')) {
      b = { kind: 'b64' };
    }
    // The format of the answer: a JPEG, a WebP, or a PNG with Content Credentials (C2PA).
    const image = has('jpeg') ? JPEG_BYTES : has('webp') ? WEBP_BYTES : has('c2pa') ? makeC2paPng(64, 64, { seed: randomInt(0, 1000) }) : undefined;
    if (!b && delayMs === undefined && !image) return undefined;
    const chosen = b ?? this.defaultBehaviour();
    const withImage = image && (chosen.kind === 'b64' || chosen.kind === 'url') ? { ...chosen, image } : chosen;
    return { ...withImage, ...(delayMs === undefined ? {} : { delayMs }) };
  }

  private defaultBehaviour(): Behaviour {
    const shape = this.options.defaultShape ?? 'b64';
    if (shape === 'alternate') return this.shapeCounter++ % 2 === 0 ? { kind: 'b64' } : { kind: 'url' };
    return { kind: shape };
  }

  private imageFor(size: string, seed: number): Buffer {
    const style = this.options.imageStyle ?? 'gradient';
    const dims = imageDimensions(size, style) ?? { width: 64, height: 64 };
    // Photos cost ~150 ms each: four variants keep benchmarks from measuring the fake.
    return makePng(dims.width, dims.height, { seed: style === 'photo' ? seed % 4 : seed, style });
  }

  private async serveFile(id: string, res: http.ServerResponse, outcome: RequestOutcome): Promise<void> {
    outcome.kind = 'file';
    const file = this.files.get(id);
    if (!file) {
      sendXml(res, 404, 'NoSuchKey', 'The specified key does not exist.', outcome);
      return;
    }
    if (!(await this.wait(file.delayMs, res))) return;
    if (file.redirectTo !== undefined) {
      send(res, 302, { Location: file.redirectTo, 'Content-Type': 'text/plain' }, Buffer.from('Found'), outcome);
    } else if (file.status !== 200) {
      if (file.status === 403) sendXml(res, 403, 'AccessDenied', 'Request has expired.', outcome);
      else if (file.status === 404) sendXml(res, 404, 'NoSuchKey', 'The specified key does not exist.', outcome);
      else send(res, file.status, { 'Content-Type': 'text/plain' }, Buffer.from(http.STATUS_CODES[file.status] ?? 'Error'), outcome);
    } else {
      send(res, 200, { 'Content-Type': file.contentType, 'Cache-Control': 'private, max-age=600' }, file.bytes, outcome);
    }
  }

  /** While holding, waits for `release()`: true then, false if the client went away or the service closed. */
  private holdIfAsked(res: http.ServerResponse): Promise<boolean> {
    if (!this.holding) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        this.heldRequests.delete(go);
        this.wakers.delete(wake);
        res.off('close', onClose);
        resolve(ok && !res.destroyed);
      };
      const go = (): void => done(true);
      const wake = (): void => done(false);
      const onClose = (): void => done(false);
      this.heldRequests.add(go);
      this.wakers.add(wake);
      res.on('close', onClose);
      for (const check of [...this.heldWatchers]) check();
    });
  }

  private async control(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const what = url.pathname.slice(CONTROL_PATH.length + 1);
    const raw = await readBody(req);
    const method = req.method ?? '';
    if (method === 'POST' && what === 'hold') {
      this.hold();
      sendJson(res, 200, { holding: true, held: this.held });
    } else if (method === 'POST' && what === 'release') {
      sendJson(res, 200, { released: this.release() });
    } else if (method === 'GET' && what === 'held') {
      const atLeast = Number(url.searchParams.get('atLeast') ?? '0');
      const timeoutMs = Number(url.searchParams.get('timeoutMs') ?? '10000');
      try {
        await this.waitForHeld(atLeast, timeoutMs);
        sendJson(res, 200, { held: this.held });
      } catch (err) {
        sendJson(res, 408, { held: this.held, message: (err as Error).message });
      }
    } else if (method === 'POST' && what === 'enqueue') {
      const value = parseMaybeJson(raw?.toString('utf8') ?? '');
      const list = (Array.isArray(value) ? value : [value]) as Behaviour[];
      if (list.some((b) => typeof b !== 'object' || b === null || typeof b.kind !== 'string')) {
        sendJson(res, 400, { message: 'enqueue takes a behaviour object or an array of them' });
        return;
      }
      this.enqueue(...list);
      sendJson(res, 200, { pendingBehaviours: this.pendingBehaviours });
    } else if (method === 'POST' && what === 'reset') {
      this.reset();
      sendJson(res, 200, { reset: true });
    } else if (method === 'GET' && what === 'state') {
      sendJson(res, 200, {
        requests: this.recorded.length,
        generationRequests: this.generationRequests.length,
        inFlight: this.inFlight,
        maxConcurrent: this.maxConcurrent,
        held: this.held,
        holding: this.holding,
        pendingBehaviours: this.pendingBehaviours,
      });
    } else {
      sendJson(res, 404, { message: `no control endpoint ${method} ${url.pathname}` });
    }
  }

  /** Resolves true after `ms`, false if the client went away or the service closed first. */
  private wait(ms: number, res: http.ServerResponse): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(!res.destroyed);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.wakers.delete(wake);
        res.off('close', onClose);
        resolve(ok);
      };
      const wake = (): void => done(false);
      const onClose = (): void => done(false);
      const timer = setTimeout(() => done(true), ms);
      this.timers.add(timer);
      this.wakers.add(wake);
      res.on('close', onClose);
    });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}

/** The most pixels the fake draws (its own memory bound, not a refusal): larger asks are scaled down. */
const MAX_DRAWN_PIXELS = 2048 * 2048;

/**
 * Pixel size the fake draws for a `size` value, or undefined when the service would refuse it.
 * The documentation names seven ratios and "WxH" pixel sizes, and no limits on those pixels, so
 * the fake sets none: any positive WIDTHxHEIGHT is accepted (the client's own 256-2048 range is
 * the client's choice, and tests prove it by the fake receiving nothing), except two numbers of
 * at most two digits, which read as a ratio that is not offered (`21x9`, `5x7`). Ratios follow the real
 * service (~1 MP, sides multiples of 32: 1x1 -> 1024x1024, 16x9 -> 1376x768); pixel sizes are
 * drawn as asked, scaled down past 4 MP. 'gradient' divides by 16 (1x1 -> 64x64) so tests stay
 * fast. `3v2` (a typo in the doc), `16:9` and zero sides are refused.
 */
export function imageDimensions(size: string, style: PngStyle = 'gradient'): { width: number; height: number } | undefined {
  let width: number;
  let height: number;
  if (RATIOS.includes(size)) {
    const [w, h] = size.split('x').map(Number) as [number, number];
    const scale = Math.sqrt((1024 * 1024) / (w * h));
    width = Math.round((w * scale) / 32) * 32;
    height = Math.round((h * scale) / 32) * 32;
  } else {
    // Two small numbers read as a ratio, and only the seven documented ratios are offered.
    if (/^\d{1,2}x\d{1,2}$/.test(size)) return undefined;
    const m = /^([1-9]\d{0,5})x([1-9]\d{0,5})$/.exec(size);
    if (!m) return undefined;
    width = Number(m[1]);
    height = Number(m[2]);
    if (width * height > MAX_DRAWN_PIXELS) {
      const scale = Math.sqrt(MAX_DRAWN_PIXELS / (width * height));
      width = Math.max(1, Math.floor(width * scale));
      height = Math.max(1, Math.floor(height * scale));
    }
  }
  if (style === 'gradient') return { width: Math.max(1, Math.round(width / 16)), height: Math.max(1, Math.round(height / 16)) };
  return { width, height };
}

// --- Helpers that build `raw` behaviours for malformed answers -----------------------------

/** Any JSON value as the answer. */
export function rawJson(value: unknown, status = 200): RawBehaviour {
  return { kind: 'raw', status, body: JSON.stringify(value) };
}

/** 200 JSON without a `data` field. */
export function rawWithoutData(): RawBehaviour {
  return rawJson({ created: unixNow(), id: 'img-no-data' });
}

/** 200 `{"data": []}`. */
export function rawEmptyData(): RawBehaviour {
  return rawJson({ created: unixNow(), data: [] });
}

/** 200 with a `b64_json` that is not base64. */
export function rawInvalidBase64(seed = 1): RawBehaviour {
  return rawJson({ created: unixNow(), data: [{ b64_json: '%%% not base64 @@@ !!!', seed }] });
}

/** 200 with valid base64 of bytes that are no image (HTML by default). */
export function rawNotAnImage(bytes: Buffer = NOT_AN_IMAGE, seed = 1): RawBehaviour {
  return rawJson({ created: unixNow(), data: [{ b64_json: bytes.toString('base64'), seed }] });
}

/** An HTML page (what a captive portal or a misrouted proxy sends), 200 by default. */
export function rawHtml(status = 200): RawBehaviour {
  return {
    kind: 'raw',
    status,
    contentType: 'text/html; charset=utf-8',
    body: '<!DOCTYPE html><html><head><title>Gateway</title></head><body><h1>Welcome to nginx!</h1></body></html>',
  };
}

// --- Internals --------------------------------------------------------------------------

function defaultAcceptKey(key: string): boolean {
  return key.startsWith('sk-') && !key.includes('invalid');
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Undefined when the body exceeds MAX_REQUEST_BODY. Never rejects: a client abort gives what came. */
function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
    req.on('close', () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
  });
}

/** The parts of a multipart/form-data body (Node's own parser), or undefined when it is not one. */
async function parseMultipart(raw: Buffer, contentType: string): Promise<EditPart[] | undefined> {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  try {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
    const parts: EditPart[] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') parts.push({ name, value });
      else parts.push({ name, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    return parts;
  } catch {
    return undefined;
  }
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

function send(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, body: Buffer, outcome?: RequestOutcome): void {
  if (res.destroyed) return;
  if (outcome) outcome.status = status;
  res.writeHead(status, { ...headers, 'Content-Length': body.length });
  res.end(body, () => {
    if (outcome) outcome.bytesSent = body.length;
  });
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, outcome?: RequestOutcome, headers: http.OutgoingHttpHeaders = {}): void {
  send(res, status, { 'Content-Type': JSON_TYPE, ...headers }, Buffer.from(JSON.stringify(value), 'utf8'), outcome);
}

/** Object-storage style error, as an expired or missing CDN link answers. */
function sendXml(res: http.ServerResponse, status: number, code: string, message: string, outcome: RequestOutcome): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId()}</RequestId></Error>`;
  send(res, status, { 'Content-Type': 'application/xml' }, Buffer.from(xml), outcome);
}

function openAiError(message: string, type: string, code: string | null): unknown {
  return { error: { message, type, param: null, code } };
}

function b64Answer(image: Buffer, seed: number | undefined): unknown {
  return { created: unixNow(), data: [withSeed({ b64_json: image.toString('base64') }, seed)] };
}

/** An answer item, with `seed` only when there is one (a missing seed is left out, not null). */
function withSeed<T extends object>(item: T, seed: number | undefined): T & { seed?: number } {
  return seed === undefined ? item : { ...item, seed };
}

async function streamHuge(res: http.ServerResponse, behaviour: HugeBehaviour, outcome: RequestOutcome): Promise<void> {
  const head = Buffer.from(`{"created":${unixNow()},"data":[{"seed":1,"b64_json":"`);
  const tail = Buffer.from('"}]}');
  const total = Math.max(behaviour.bytes, head.length + tail.length);
  const filler = Buffer.alloc(64 * 1024, 'A'); // "AAAA" is valid base64 (zero bytes)
  outcome.status = 200;
  res.writeHead(200, {
    'Content-Type': JSON_TYPE,
    ...(behaviour.declareLength === false ? {} : { 'Content-Length': total }),
  });
  const write = async (chunk: Buffer): Promise<boolean> => {
    if (res.destroyed) return false;
    outcome.bytesSent += chunk.length;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
    return !res.destroyed;
  };
  if (!(await write(head))) return;
  let left = total - head.length - tail.length;
  while (left > 0) {
    const n = Math.min(left, filler.length);
    if (!(await write(n === filler.length ? filler : filler.subarray(0, n)))) return;
    left -= n;
  }
  if (!(await write(tail))) return;
  res.end();
}

/** FastAPI-style problems of a FLUX.2 body, strictly as documented (see FLUX2_MODELS). */
export function flux2Problems(body: Record<string, unknown>, model: string): { loc: string[]; msg: string; type: string }[] {
  const problems: { loc: string[]; msg: string; type: string }[] = [];
  const at = (field: string, msg: string, type = 'value_error') => problems.push({ loc: ['body', field], msg, type });
  const maxImages = /klein/.test(model) ? 4 : 8;
  const imageFields = ['input_image', ...Array.from({ length: 7 }, (_, i) => `input_image_${i + 2}`)];
  const allowed = [...FLUX2_FIELDS, ...imageFields.slice(0, maxImages), ...(model === 'flux-2-flex' ? ['steps', 'guidance'] : [])];
  for (const key of Object.keys(body)) if (!allowed.includes(key)) at(key, 'Extra inputs are not permitted', 'extra_forbidden');
  if (typeof body.prompt !== 'string' || !body.prompt.trim()) at('prompt', 'Field required', 'missing');
  if ((body.width === undefined) !== (body.height === undefined)) at(body.width === undefined ? 'width' : 'height', 'Give both width and height, or neither', 'missing');
  for (const side of ['width', 'height'] as const) {
    const v = body[side];
    if (v === undefined) continue;
    if (!Number.isInteger(v)) at(side, 'Input should be a valid integer', 'int_type');
    else if ((v as number) % 16 !== 0) at(side, 'Input should be a multiple of 16', 'multiple_of');
    else if ((v as number) < 64) at(side, 'Input should be greater than or equal to 64', 'greater_than_equal');
  }
  if (Number.isInteger(body.width) && Number.isInteger(body.height) && (body.width as number) * (body.height as number) > 4 * 1024 * 1024) {
    at('width', 'width x height must be at most 4 megapixels (4194304 pixels)');
  }
  if (body.seed !== undefined && !Number.isInteger(body.seed)) at('seed', 'Input should be a valid integer', 'int_type');
  if (body.output_format !== undefined && body.output_format !== 'png' && body.output_format !== 'jpeg') at('output_format', "Input should be 'jpeg' or 'png'", 'enum');
  if (body.prompt_upsampling !== undefined && typeof body.prompt_upsampling !== 'boolean') at('prompt_upsampling', 'Input should be a valid boolean', 'bool_type');
  if (body.safety_tolerance !== undefined && !(Number.isInteger(body.safety_tolerance) && (body.safety_tolerance as number) >= 0 && (body.safety_tolerance as number) <= 6)) {
    at('safety_tolerance', 'Input should be between 0 and 6');
  }
  if (body.steps !== undefined && !(Number.isInteger(body.steps) && (body.steps as number) >= 1 && (body.steps as number) <= 50)) at('steps', 'Input should be between 1 and 50');
  if (body.guidance !== undefined && !(typeof body.guidance === 'number' && body.guidance >= 1.5 && body.guidance <= 10)) at('guidance', 'Input should be between 1.5 and 10');
  let gap = false;
  imageFields.forEach((field) => {
    const v = body[field];
    if (v === undefined) {
      gap = true;
      return;
    }
    if (gap) at(field, `${field} is given without the images before it`);
    if (typeof v !== 'string') return at(field, 'Input should be a valid string', 'string_type');
    if (/^https?:\/\//.test(v)) return;
    const bytes = Buffer.from(v, 'base64');
    if (bytes.length === 0 || bytes.toString('base64') !== v.replace(/=+$/, '').padEnd(Math.ceil(v.replace(/=+$/, '').length / 4) * 4, '=') || !isImage(bytes)) {
      at(field, 'Input should be a base64-encoded PNG, JPEG or WebP image, or a URL');
    }
  });
  return problems;
}

function bearerKey(authorization: string): string {
  const bearer = /^Bearer\s+(.*)$/i.exec(authorization);
  return (bearer ? bearer[1]! : authorization).trim();
}

function isImage(bytes: Buffer): boolean {
  return sniffMime(bytes) !== 'image/png' || (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47);
}

function sniffMime(bytes: Buffer): string {
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return 'image/png';
}

function defaultType(status: number): string {
  if (status >= 500) return 'server_error';
  if (status === 429) return 'rate_limit_error';
  return 'invalid_request_error';
}

function defaultCode(status: number): string {
  const codes: Record<number, string> = {
    400: 'bad_request',
    401: 'invalid_api_key',
    403: 'forbidden',
    404: 'not_found',
    422: 'unprocessable_entity',
    429: 'rate_limit_exceeded',
  };
  return codes[status] ?? (status >= 500 ? 'server_error' : 'error');
}

function defaultMessage(status: number): string {
  if (status >= 500) return `Upstream error (status ${status}), please retry later`;
  return `${http.STATUS_CODES[status] ?? 'Error'} (status ${status})`;
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

function requestId(): string {
  return randomBytes(8).toString('hex');
}
