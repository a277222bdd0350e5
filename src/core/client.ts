// Compatibility for callers of the first version: generation through the `dmxapi` provider.
// New code calls `providerFor(id).generate(...)` from `./providers`.
import type { GenerationParams } from './params';
import { dmxapiProvider } from './providers/dmxapi';
import type { ProviderCallOptions, ProviderImage, ProviderSettings } from './providers/types';

export type { RequestLogEntry } from './providers/types';
export type ClientConfig = ProviderSettings;
export type GeneratedImage = ProviderImage;
export type GenerateOptions = ProviderCallOptions;

export { DEFAULT_MAX_RESPONSE_BYTES } from './http/body';
export { decodeBase64, decodeBase64InPlace } from './http/base64';
export { errorFromAnswer } from './http/errors';
export { backoffDelay, parseRetryAfter } from './http/retry';
export { parseGenerationAnswer } from './providers/dmxapi';

/**
 * Asks the OpenAI-compatible service for one image and returns its verified bytes. Retries 429
 * and 5xx with backoff; every other failure becomes a FluxError whose message is safe to show.
 */
export function generateImage(params: GenerationParams, config: ClientConfig, options: GenerateOptions = {}): Promise<GeneratedImage> {
  return dmxapiProvider.generate(params, config, options);
}
