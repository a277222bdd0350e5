import type { Dispatcher } from 'undici';
import type { ImageType } from '../imageType';

/** The services an image can be made with (`flux.provider`). */
export type ProviderId = 'dmxapi' | 'bfl';
export const PROVIDER_IDS: readonly ProviderId[] = ['dmxapi', 'bfl'];

/** An image sent with an instruction: FLUX.1 Kontext edits it. */
export interface InputImage {
  readonly bytes: Uint8Array;
  /** The file name sent with it (multipart), e.g. `photo.png`. */
  readonly name: string;
  /** Sniffed from the bytes: `image/png`, `image/jpeg`, `image/webp`. */
  readonly mime: string;
}

/** What a provider is asked for: a new image, or (with `image`) an edit of one. */
export interface ImageRequest {
  readonly prompt: string;
  readonly model: string;
  /**
   * Normalised size: one of the aspect ratios (`16x9`) or `WIDTHxHEIGHT`. Undefined only for an
   * edit that keeps the input's aspect ratio.
   */
  readonly size: string | undefined;
  /** -1 = random. */
  readonly seed: number;
  readonly image?: InputImage;
  /**
   * Reference images sent with the prompt, in order, after an edit's input image
   * (`input_image`, `input_image_2` … `_8`); checked against the model's limit before sending.
   */
  readonly references?: readonly InputImage[];
  /** FLUX.2: the megapixels a ratio becomes (0.25–4, default 1). */
  readonly megapixels?: number;
  /** Asked of the service where the model takes `output_format`; default `png`. */
  readonly outputFormat?: 'png' | 'jpeg';
  /** Sent as `prompt_upsampling` where the model takes it; default false. */
  readonly promptUpsampling?: boolean;
  /** flux-2-flex only, sent when set. */
  readonly steps?: number;
  readonly guidance?: number;
}

/** Where and how to reach the service; built by the host for each request. */
export interface ProviderSettings {
  /** Service root: `flux.baseUrl` for dmxapi, `flux.bflBaseUrl` for bfl. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** The whole request, polling and downloading a returned URL included. */
  readonly timeoutMs: number;
  readonly userAgent?: string;
  /** Proxy-aware dispatcher (see `http/proxy`); undici's global one when absent. */
  readonly dispatcher?: Dispatcher;
  readonly maxResponseBytes?: number;
  readonly maxRetries?: number;
  readonly retryBaseMs?: number;
  /** BFL polling interval; tests shorten it. */
  readonly pollIntervalMs?: number;
  /** Name resolution for the local-address check of returned image URLs; tests inject one. */
  readonly lookup?: (hostname: string) => Promise<string[]>;
}

/** One line of the request log (never holds the key). */
export interface RequestLogEntry {
  readonly phase: 'generate' | 'edit' | 'submit' | 'poll' | 'download' | 'credits';
  readonly model: string;
  readonly size: string;
  readonly seed: number;
  readonly attempt: number;
  readonly status: number | undefined;
  readonly durationMs: number;
  readonly bytes: number;
  readonly outcome: string;
}

export interface ProviderCallOptions {
  readonly signal?: AbortSignal;
  readonly log?: (entry: RequestLogEntry) => void;
  /** Called before waiting to retry, so progress can say so. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; status: number }) => void;
  /**
   * A polling service accepted the request (it is paid for from here on): where its result will
   * be, so it can be fetched again after a reload (the journal). Never given the key.
   */
  readonly onAccepted?: (task: AcceptedTask) => void;
}

/** A request a polling service accepted: enough to poll for it again, with the model's route. */
export interface AcceptedTask {
  readonly pollUrl: string;
}

/** Verified image bytes and what the service said about them. */
export interface ProviderImage {
  readonly bytes: Uint8Array;
  readonly type: ImageType;
  /** The seed the service used, when it said. */
  readonly seed: number | undefined;
  readonly source: 'b64_json' | 'url';
  readonly durationMs: number;
  readonly attempts: number;
}

/**
 * One image service. A provider file holds only what is specific to its API; limits, redirect
 * and key rules, network errors, backoff, downloads and base64 live in `core/http/`. Every
 * failure is a FluxError whose message is safe to show (the key redacted).
 */
export interface ImageProvider {
  readonly id: ProviderId;
  generate(request: ImageRequest, settings: ProviderSettings, options?: ProviderCallOptions): Promise<ProviderImage>;
  /**
   * Polls again for a task it accepted earlier (after a reload), and downloads its image; only
   * providers with a polling route have it. The key goes only where `generate` would send it.
   */
  resume?(task: AcceptedTask & { readonly model: string }, settings: ProviderSettings, options?: ProviderCallOptions): Promise<ProviderImage>;
}
