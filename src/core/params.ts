import { FluxError, text } from './errors';
import { normalizePixelSize } from './dimensions';
import { MODEL_IDS, takesPixels } from './models';
import { MODEL_PATTERN } from './settings';

export const ASPECT_RATIOS = ['1x1', '2x3', '3x2', '3x4', '4x3', '9x16', '16x9'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const MAX_PROMPT_LENGTH = 4000;
export const MIN_SIDE = 256;
export const MAX_SIDE = 2048;

export interface GenerationParams {
  readonly prompt: string;
  readonly model: string;
  /** Normalised: one of ASPECT_RATIOS or `WIDTHxHEIGHT`. */
  readonly size: string;
  /** -1 = random. */
  readonly seed: number;
}

export type ParsedSize =
  | { readonly kind: 'ratio'; readonly ratio: AspectRatio; readonly width: number; readonly height: number }
  | { readonly kind: 'pixels'; readonly width: number; readonly height: number };

/**
 * Accepts `16x9`, `16:9`, `16×9`, `1024x768` (any case, spaces around the separator). A pair of
 * small numbers is a ratio and must be one the service knows; larger numbers are pixels.
 */
export function parseSize(input: string, options: { readonly pixelRange?: boolean } = {}): ParsedSize {
  const m = /^\s*(\d{1,5})\s*[xX×:*]\s*(\d{1,5})\s*$/.exec(String(input));
  if (!m) {
    throw new FluxError('invalidInput', text('“{0}” is not a size. Use an aspect ratio ({1}) or pixels such as 1024x768.', clip(input), ASPECT_RATIOS.join(', ')));
  }
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (a <= 32 && b <= 32) {
    const ratio = `${a}x${b}`;
    if (!(ASPECT_RATIOS as readonly string[]).includes(ratio)) {
      throw new FluxError('invalidInput', text('The aspect ratio {0} is not offered. Choose one of {1}, or give pixels such as 1024x768.', `${a}:${b}`, ASPECT_RATIOS.join(', ')));
    }
    const { width, height } = ratioPixels(ratio as AspectRatio);
    return { kind: 'ratio', ratio: ratio as AspectRatio, width, height };
  }
  if (options.pixelRange === false) return { kind: 'pixels', width: a, height: b };
  if (a < MIN_SIDE || b < MIN_SIDE || a > MAX_SIDE || b > MAX_SIDE) {
    throw new FluxError('invalidInput', text('{0} is out of range: width and height must each be between {1} and {2} pixels.', `${a}x${b}`, MIN_SIDE, MAX_SIDE));
  }
  return { kind: 'pixels', width: a, height: b };
}

/** The approximate pixel size the service makes for a ratio (about one megapixel). */
export function ratioPixels(ratio: AspectRatio): { width: number; height: number } {
  const [w, h] = ratio.split('x').map(Number) as [number, number];
  const scale = Math.sqrt((1024 * 1024) / (w * h));
  const round = (v: number) => Math.round((v * scale) / 32) * 32;
  return { width: round(w), height: round(h) };
}

export function normalizeSize(input: string): string {
  const s = parseSize(input);
  return s.kind === 'ratio' ? s.ratio : `${s.width}x${s.height}`;
}

export function normalizePrompt(input: unknown): string {
  const prompt = typeof input === 'string' ? input.trim() : '';
  if (!prompt) throw new FluxError('invalidInput', 'The prompt is empty. Describe the image you want.');
  if (prompt.length > MAX_PROMPT_LENGTH) {
    throw new FluxError('invalidInput', text('The prompt is {0} characters long; the limit is {1}. Shorten it.', prompt.length, MAX_PROMPT_LENGTH));
  }
  return prompt;
}

export function normalizeSeed(input: unknown): number {
  const n = typeof input === 'string' && input.trim() !== '' ? Number(input.trim()) : input;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < -1) {
    throw new FluxError('invalidInput', text('The seed “{0}” is not valid. Use -1 for a random seed, or a whole number from 0 up.', clip(String(input))));
  }
  return n;
}


/** Known models pass; other well-formed names pass too (gateways add models), garbage does not. */
export function normalizeModel(input: unknown): string {
  const model = typeof input === 'string' ? input.trim() : '';
  if (!MODEL_PATTERN.test(model)) {
    throw new FluxError('invalidInput', text('“{0}” is not a model name. Use {1}.', clip(String(input ?? '')), MODEL_IDS.join(', ')));
  }
  return model;
}

export function normalizeParams(input: { prompt: unknown; model: unknown; size: unknown; seed: unknown }): GenerationParams {
  const model = normalizeModel(input.model);
  return {
    prompt: normalizePrompt(input.prompt),
    model,
    size: normalizeSizeFor(String(input.size ?? ''), model),
    seed: normalizeSeed(input.seed),
  };
}

/** A size for `model`: FLUX.2 takes pixels in multiples of 16 up to 4 MP, the others 256–2048 per side. */
export function normalizeSizeFor(input: string, model: string): string {
  return takesPixels(model) ? normalizePixelSize(input) : normalizeSize(input);
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 40)}…` : one;
}

/** The optional argument of the generate commands, as the contract defines it. */
export interface CommandArgs {
  readonly prompt?: string;
  readonly model?: string;
  readonly size?: string;
  readonly seed?: number;
  /** Reference images: `Uri`s or workspace-relative paths (checked by the host). */
  readonly references?: readonly unknown[];
  /** A house style by name; `null`: no style; absent: the document's (docs/CONTRACT.md, "House styles"). */
  readonly style?: string | null;
}

/**
 * Reads the argument given through `executeCommand`. Menus pass a resource URI instead; that
 * and other non-plain values mean "no argument". Wrong field types are refused.
 */
export function readCommandArgs(arg: unknown): CommandArgs {
  if (arg === undefined || arg === null || typeof arg !== 'object' || Array.isArray(arg) || Object.getPrototypeOf(arg) !== Object.prototype) {
    return {};
  }
  const a = arg as Record<string, unknown>;
  const out: { prompt?: string; model?: string; size?: string; seed?: number; references?: readonly unknown[]; style?: string | null } = {};
  for (const field of ['prompt', 'model', 'size'] as const) {
    if (a[field] === undefined) continue;
    if (typeof a[field] !== 'string') throw new FluxError('invalidInput', text('The command\'s “{0}” must be a string.', field));
    out[field] = a[field];
  }
  if (a.seed !== undefined) {
    if (typeof a.seed !== 'number' || !Number.isSafeInteger(a.seed)) throw new FluxError('invalidInput', 'The command\'s “seed” must be a whole number (-1 for random).');
    out.seed = a.seed;
  }
  if (a.references !== undefined) {
    if (!Array.isArray(a.references)) throw new FluxError('invalidInput', 'The command\'s “references” must be a list of images (Uris or paths relative to the workspace).');
    out.references = [...(a.references as unknown[])];
  }
  if (a.style !== undefined) {
    if (a.style !== null && typeof a.style !== 'string') throw new FluxError('invalidInput', 'The command\'s “style” must be the name of a house style, or null for none.');
    out.style = a.style;
  }
  return out;
}
