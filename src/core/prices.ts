/**
 * What an image costs, before it is made and after: the one price table and the one estimate.
 * No `vscode` import: the extension, the Studio and the command line read it alike.
 *
 * Sources, checked 2026-12-07 (USD):
 * - Black Forest Labs' pricing page (docs.bfl.ai, "Pricing"; bfl.ai/pricing for the calculator).
 *   FLUX.2 is charged per megapixel: the first megapixel of output at one rate, each further
 *   megapixel of output and each megapixel of the input images at another. A megapixel is
 *   2^20 pixels, rounded up per image: BFL's own answer for a 1440x1440 flux-2-pro image reports
 *   `output_mp: 1.98` and `cost: 4.5` credits (cents), i.e. 3 + 1.5 x 1.
 *   pro 0.03 + 0.015/MP; max 0.07 + 0.03/MP; flex 0.05 + 0.05/MP; klein-4b 0.014 + 0.001/MP;
 *   klein-9b 0.015 + 0.002/MP.
 *   FLUX.1 Kontext is charged per image: pro 0.04, max 0.08. Kontext [dev] has no hosted price
 *   at BFL; FLUX.1 [dev]'s 0.025 per image stands in for it.
 * - DMXAPI publishes its prices in CNY, per account tier, and not in English. Its routes default
 *   to BFL's list prices above (it resells the same models); `flux.prices` sets your own.
 * Moderated and failed requests are not charged (BFL), and are never counted here.
 */

import { dimensionsFor, MEGAPIXELS } from './dimensions';
import { takesPixels } from './models';
import { parseSize, ratioPixels } from './params';

/** How a model is priced: flat per image, or BFL's per-megapixel formula. */
export type PriceRule =
  | { readonly kind: 'image'; readonly usd: number }
  | { readonly kind: 'megapixel'; readonly first: number; readonly further: number };

const PER_MP = (first: number, further: number): PriceRule => ({ kind: 'megapixel', first, further });
const PER_IMAGE = (usd: number): PriceRule => ({ kind: 'image', usd });

/** The shipped table, the same for both providers (see above). */
export const PRICE_TABLE: Readonly<Record<string, PriceRule>> = {
  'flux-2-pro': PER_MP(0.03, 0.015),
  'flux-2-max': PER_MP(0.07, 0.03),
  'flux-2-flex': PER_MP(0.05, 0.05),
  'flux-2-klein-4b': PER_MP(0.014, 0.001),
  'flux-2-klein-9b': PER_MP(0.015, 0.002),
  'flux-kontext-pro': PER_IMAGE(0.04),
  'flux-kontext-max': PER_IMAGE(0.08),
  'flux-kontext-dev': PER_IMAGE(0.025),
};

/** A megapixel as BFL counts it. */
export const MEGAPIXEL = 1024 * 1024;
/** The size assumed when a request leaves it to the service (about one megapixel). */
const DEFAULT_PIXELS = MEGAPIXEL;

/** One request's worth of what costs money. */
export interface CostItem {
  readonly model: string;
  /** Output size in pixels, when known; else about one megapixel. */
  readonly width?: number;
  readonly height?: number;
  /** Pixel counts of the images sent with it (an edit's input and the references); unknown = 1 MP. */
  readonly inputs?: readonly (number | undefined)[];
  /** How many such images (default 1). */
  readonly count?: number;
}

/** Prices in force: the table, with `flux.prices` on top. */
export interface PriceBook {
  readonly rules: Readonly<Record<string, PriceRule>>;
}

/** What `flux.prices` held that could not be used, in words for a message (the setting is named). */
export interface PriceProblem {
  readonly model: string;
  readonly reason: 'notANumber' | 'negative' | 'unknownModel';
}

/**
 * Reads `flux.prices` (`{ MODEL: USD per image }`). A price that is not a finite number of at
 * least 0 is left out (the table's stands) and reported; a model the table does not know is kept
 * (it may be a gateway's own name in `flux.model`) and reported, so a typo is seen.
 */
export function priceBook(overrides: unknown): { book: PriceBook; problems: PriceProblem[] } {
  const rules: Record<string, PriceRule> = { ...PRICE_TABLE };
  const problems: PriceProblem[] = [];
  if (overrides && typeof overrides === 'object' && !Array.isArray(overrides)) {
    for (const [model, value] of Object.entries(overrides as Record<string, unknown>)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        problems.push({ model, reason: 'notANumber' });
        continue;
      }
      if (value < 0) {
        problems.push({ model, reason: 'negative' });
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(PRICE_TABLE, model)) problems.push({ model, reason: 'unknownModel' });
      rules[model] = PER_IMAGE(value);
    }
  }
  return { book: { rules }, problems };
}

export const DEFAULT_BOOK: PriceBook = { rules: PRICE_TABLE };

/** Megapixels of one image as charged: 2^20 pixels each, rounded up, at least one. */
export function chargedMegapixels(pixels: number | undefined): number {
  const p = pixels !== undefined && Number.isFinite(pixels) && pixels > 0 ? pixels : DEFAULT_PIXELS;
  // A hair of tolerance: 1024x1024 is exactly one, not two after floating-point noise.
  return Math.max(1, Math.ceil(p / MEGAPIXEL - 1e-9));
}

/** USD for the item, or undefined when the model has no price (set one in `flux.prices`). */
export function estimateUsd(item: CostItem, book: PriceBook = DEFAULT_BOOK): number | undefined {
  const rule = Object.prototype.hasOwnProperty.call(book.rules, item.model) ? book.rules[item.model] : undefined;
  if (!rule) return undefined;
  const count = item.count === undefined ? 1 : Math.max(0, Math.floor(item.count));
  if (rule.kind === 'image') return round(rule.usd * count);
  const out = item.width && item.height ? item.width * item.height : undefined;
  const outputMp = chargedMegapixels(out);
  const inputMp = (item.inputs ?? []).reduce<number>((sum, px) => sum + chargedMegapixels(px), 0);
  return round((rule.first + rule.further * (outputMp - 1 + inputMp)) * count);
}

/** The sum of several estimates; `unknown` counts the items that have no price. */
export function estimateAll(items: readonly CostItem[], book: PriceBook = DEFAULT_BOOK): { usd: number; unknown: number } {
  let usd = 0;
  let unknown = 0;
  for (const item of items) {
    const one = estimateUsd(item, book);
    if (one === undefined) unknown += 1;
    else usd += one;
  }
  return { usd: round(usd), unknown };
}

/** Always written `≈ $N.NN`; a non-zero figure below a cent is `≈ $0.01`, never `≈ $0.00`. */
export function formatUsd(usd: number): string {
  const cents = usd > 0 && usd < 0.005 ? 1 : Math.round(usd * 100);
  return `≈ $${(cents / 100).toFixed(2)}`;
}

/** Sub-cent prices (klein's 0.001/MP) add up exactly enough at six decimals. */
function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/**
 * What one request is likely to cost: the size asked for, in pixels where it can be known (FLUX.2
 * at `megapixels` for a ratio, as the request will send it), and the images sent with it.
 */
export function costItem(
  request: { readonly model: string; readonly size?: string | undefined; readonly image?: unknown; readonly references?: readonly unknown[] },
  count = 1,
  megapixels: number = MEGAPIXELS.default,
): CostItem {
  let width: number | undefined;
  let height: number | undefined;
  try {
    if (request.size && takesPixels(request.model)) ({ width, height } = dimensionsFor(request.size, megapixels));
    else {
      const size = request.size ? parseSize(request.size) : undefined;
      if (size?.kind === 'ratio') ({ width, height } = ratioPixels(size.ratio));
      else if (size) ({ width, height } = size);
    }
  } catch {
    // A size the request will refuse anyway: priced at about one megapixel.
  }
  const inputs = (request.image ? 1 : 0) + (request.references?.length ?? 0);
  return { model: request.model, width, height, inputs: new Array<undefined>(inputs).fill(undefined), count };
}
