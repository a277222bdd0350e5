// The one adapter between flux-docs and the price table. The table (core/prices: estimateUsd,
// estimateAll, formatUsd) lives on another branch; when it is merged, `estimate` calls it and the
// figures below go. Until then: the providers' published per-image prices for the models the
// CLI makes by default, so --dry-run and --budget have a figure to work with.
import type { ProviderId } from '../core/providers/types';

export interface EstimateItem {
  readonly model: string;
  readonly provider: ProviderId;
  /** Normalised size, `1x1` or `WxH`. */
  readonly size: string;
}

const PER_IMAGE_USD: Readonly<Record<string, number>> = {
  'flux-kontext-pro': 0.04,
  'flux-kontext-max': 0.08,
  'flux-kontext-dev': 0.025,
  'flux-2-pro': 0.03,
  'flux-2-max': 0.07,
  'flux-2-flex': 0.06,
  'flux-2-klein-4b': 0.014,
  'flux-2-klein-9b': 0.015,
};

/** USD for making these images; an unknown model counts as the dearest known one (an estimate errs high). */
export function estimate(items: readonly EstimateItem[]): number {
  const dearest = Math.max(...Object.values(PER_IMAGE_USD));
  const cents = items.reduce((sum, item) => sum + Math.round((PER_IMAGE_USD[item.model] ?? dearest) * 1000), 0);
  return cents / 1000;
}
