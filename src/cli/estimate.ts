// flux-docs' estimate: the one price table (core/prices), as the editor's Costs service uses it.
import { costItem, DEFAULT_BOOK, estimateAll, estimateUsd, PRICE_TABLE } from '../core/prices';
import type { ProviderId } from '../core/providers/types';

export interface EstimateItem {
  readonly model: string;
  readonly provider: ProviderId;
  /** Normalised size, `1x1` or `WxH`. */
  readonly size: string;
}

/** The dearest image the table knows at one megapixel: what a model without a price counts as, so an estimate errs high. */
const DEAREST = Math.max(...Object.keys(PRICE_TABLE).map((model) => estimateUsd({ model }, DEFAULT_BOOK) ?? 0));

/** USD for making these images (FLUX.2 at its default megapixel for a ratio). */
export function estimate(items: readonly EstimateItem[]): number {
  const { usd, unknown } = estimateAll(items.map((item) => costItem(item)));
  return Math.round((usd + unknown * DEAREST) * 1e6) / 1e6;
}
