// The models the extension knows, and per provider how each is asked for (docs/CONTRACT.md, "FLUX.2
// models and reference images"). Every check and every request body reads this table: a new
// model is one row. A name the table does not know keeps working as before (the OpenAI-style
// route through dmxapi, BFL's native form with an aspect ratio through bfl).
import { dimensionsFor, MEGAPIXELS } from './dimensions';
import { FluxError, text } from './errors';
import type { ImageRequest, InputImage, ProviderId } from './providers/types';

export type ModelFamily = 'FLUX.2' | 'FLUX.1 Kontext';
export type OutputFormat = 'png' | 'jpeg';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['png', 'jpeg'];

/** How one provider is asked for one model. */
export interface ModelRoute {
  /** `openai`: `/v1/images/generations` and multipart `/v1/images/edits`; `native`: BFL's submit-and-poll. */
  readonly api: 'openai' | 'native';
  /**
   * `size`: the normalised size string (`16x9`, `1024x768`) as OpenAI's `size`; `aspect_ratio`:
   * BFL's `16:9`; `pixels`: `width` and `height`, multiples of 16, at least 64, at most 4 MP.
   */
  readonly size: 'size' | 'aspect_ratio' | 'pixels';
  /** Images one request may carry, an edit's input image included. */
  readonly maxImages: number;
  /** What `output_format` may ask for; empty: the service's own format, nothing is sent. */
  readonly outputFormats: readonly OutputFormat[];
  /** Whether `prompt_upsampling` is sent (always, or only when on: see `upsamplingAlways`). */
  readonly promptUpsampling: boolean;
  /** Sent even when false (FLUX.2: the service's default would be true through DMXAPI). */
  readonly upsamplingAlways: boolean;
  /** How an edit sends its input: a multipart file, or `input_image` in the JSON. */
  readonly editInput: 'multipart' | 'input_image';
  /** `steps` and `guidance` (flux-2-flex), sent only when set. */
  readonly stepsGuidance: boolean;
}

export interface ModelInfo {
  readonly id: string;
  readonly family: ModelFamily;
  readonly routes: Readonly<Record<ProviderId, ModelRoute>>;
}

/** Both providers' native FLUX.2 form: the same JSON under `/v1/` (bfl) and `/flux/v1/` (dmxapi). */
function flux2(id: string, maxImages: number, stepsGuidance = false): ModelInfo {
  const route: ModelRoute = { api: 'native', size: 'pixels', maxImages, outputFormats: OUTPUT_FORMATS, promptUpsampling: true, upsamplingAlways: true, editInput: 'input_image', stepsGuidance };
  return { id, family: 'FLUX.2', routes: { dmxapi: route, bfl: route } };
}

/** Kontext through DMXAPI's OpenAI-style route (one image: the edit's), through BFL natively (4). */
const KONTEXT_ROUTES: Readonly<Record<ProviderId, ModelRoute>> = {
  dmxapi: { api: 'openai', size: 'size', maxImages: 1, outputFormats: [], promptUpsampling: false, upsamplingAlways: false, editInput: 'multipart', stepsGuidance: false },
  bfl: { api: 'native', size: 'aspect_ratio', maxImages: 4, outputFormats: OUTPUT_FORMATS, promptUpsampling: true, upsamplingAlways: false, editInput: 'input_image', stepsGuidance: false },
};

function kontext(id: string): ModelInfo {
  return { id, family: 'FLUX.1 Kontext', routes: KONTEXT_ROUTES };
}

/** In the order the settings and the Studio list them, grouped by family. */
export const MODELS: readonly ModelInfo[] = [
  flux2('flux-2-pro', 8),
  flux2('flux-2-max', 8),
  flux2('flux-2-flex', 8, true),
  flux2('flux-2-klein-4b', 4),
  flux2('flux-2-klein-9b', 4),
  kontext('flux-kontext-max'),
  kontext('flux-kontext-pro'),
  kontext('flux-kontext-dev'),
];

export const MODEL_FAMILIES: readonly ModelFamily[] = ['FLUX.2', 'FLUX.1 Kontext'];

/** The names of the known models, in table order. */
export const MODEL_IDS: readonly string[] = MODELS.map((m) => m.id);

/** The row of a known model (case as written in the table), or undefined. */
export function modelInfo(model: string): ModelInfo | undefined {
  return MODELS.find((m) => m.id === model);
}

/** How `provider` is asked for `model`; a name the table does not know is asked as Kontext is, as before. */
export function modelRoute(model: string, provider: ProviderId): ModelRoute {
  return (modelInfo(model)?.routes ?? KONTEXT_ROUTES)[provider];
}

/** True when the model is given `width` and `height` (FLUX.2) through either provider. */
export function takesPixels(model: string): boolean {
  return modelInfo(model)?.family === 'FLUX.2';
}

/**
 * Refuses, before any request, what `model` cannot take through `provider`: more images than
 * its limit (an edit's input image counted), or pixels out of FLUX.2's range. The message names
 * the limit. Returns the route for the body.
 */
export function checkModelRequest(req: ImageRequest, provider: ProviderId): ModelRoute {
  const route = modelRoute(req.model, provider);
  const references = req.references?.length ?? 0;
  const count = references + (req.image ? 1 : 0);
  // The OpenAI-style route sends an edit's one image as a file, and nothing else.
  if ((route.api === 'openai' && references > 0) || count > route.maxImages) {
    if (route.api === 'openai') {
      throw new FluxError(
        'invalidInput',
        text('{0} through {1} takes no reference images (only the image being edited). Choose a FLUX.2 model, or remove the references.', req.model, provider),
      );
    }
    throw new FluxError(
      'invalidInput',
      text('{0} through {1} takes at most {2} images in one request (an edited image counts as one); {3} were given. Remove some references.', req.model, provider, route.maxImages, count),
    );
  }
  if (route.size === 'pixels' && req.size !== undefined) dimensionsFor(req.size, req.megapixels ?? MEGAPIXELS.default);
  return route;
}

/** `input_image`, `input_image_2` … in order: an edit's input image first, then the references. */
export function inputImageFields(req: ImageRequest): { readonly field: string; readonly image: InputImage }[] {
  const images = [...(req.image ? [req.image] : []), ...(req.references ?? [])];
  return images.map((image, i) => ({ field: i === 0 ? 'input_image' : `input_image_${i + 1}`, image }));
}
