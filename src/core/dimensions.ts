// FLUX.2's sizes (docs/CONTRACT.md, "FLUX.2 models and reference images"): width and height, each a
// multiple of 16, at least 64, together at most 4 MP. A ratio becomes about `flux.megapixels`
// megapixels; pixels given as `WxH` are rounded to multiples of 16. Out of range is refused here,
// before any request.
import { FluxError, text } from './errors';
import type { AspectRatio } from './params';
import { parseSize } from './params';

export const SIDE_STEP = 16;
export const MIN_PIXELS_SIDE = 64;
/** One megapixel as BFL counts it (1024 × 1024). */
export const MEGAPIXEL = 1024 * 1024;
/** 4 MP: 4,194,304 pixels. */
export const MAX_PIXELS = 4 * MEGAPIXEL;
export const MEGAPIXELS = { min: 0.25, max: 4, default: 1 } as const;

export interface Dimensions {
  readonly width: number;
  readonly height: number;
}

function toStep(v: number, round: (x: number) => number = Math.round): number {
  return round(v / SIDE_STEP) * SIDE_STEP;
}

/** A ratio at about `megapixels` MP (clamped to 0.25–4), each side a multiple of 16, never over 4 MP. */
export function ratioDimensions(ratio: AspectRatio, megapixels: number): Dimensions {
  const mp = Number.isFinite(megapixels) ? Math.min(MEGAPIXELS.max, Math.max(MEGAPIXELS.min, megapixels)) : MEGAPIXELS.default;
  const [w, h] = ratio.split('x').map(Number) as [number, number];
  const scale = Math.sqrt((mp * MEGAPIXEL) / (w * h));
  let width = toStep(w * scale);
  let height = toStep(h * scale);
  if (width * height > MAX_PIXELS) {
    width = toStep(w * scale, Math.floor);
    height = toStep(h * scale, Math.floor);
  }
  return { width: Math.max(MIN_PIXELS_SIDE, width), height: Math.max(MIN_PIXELS_SIDE, height) };
}

/** `WxH` rounded to multiples of 16, refused when a side is under 64 or the whole over 4 MP. */
export function pixelDimensions(width: number, height: number): Dimensions {
  const w = toStep(width);
  const h = toStep(height);
  if (w < MIN_PIXELS_SIDE || h < MIN_PIXELS_SIDE) {
    throw new FluxError('invalidInput', text('{0} is too small for FLUX.2: width and height must each be at least {1} pixels.', `${width}x${height}`, MIN_PIXELS_SIDE));
  }
  if (w * h > MAX_PIXELS) {
    throw new FluxError(
      'invalidInput',
      text('{0} is too large for FLUX.2: at most {1} pixels in all (4 megapixels, e.g. 2048x2048). Choose a smaller size.', `${width}x${height}`, MAX_PIXELS.toLocaleString('en-US')),
    );
  }
  return { width: w, height: h };
}

/**
 * A size for FLUX.2, normalised: a ratio stays a ratio (its pixels follow from the megapixels
 * when the request is made); pixels are rounded and checked.
 */
export function normalizePixelSize(input: string): string {
  const s = parseSize(input, { pixelRange: false });
  if (s.kind === 'ratio') return s.ratio;
  const d = pixelDimensions(s.width, s.height);
  return `${d.width}x${d.height}`;
}

/** The width and height a FLUX.2 request sends for a normalised size. */
export function dimensionsFor(size: string, megapixels: number): Dimensions {
  const s = parseSize(size, { pixelRange: false });
  return s.kind === 'ratio' ? ratioDimensions(s.ratio, megapixels) : pixelDimensions(s.width, s.height);
}

/** `flux.megapixels` clamped into 0.25–4; anything not a finite number is 1. */
export function clampMegapixels(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return MEGAPIXELS.default;
  return Math.min(MEGAPIXELS.max, Math.max(MEGAPIXELS.min, v));
}
