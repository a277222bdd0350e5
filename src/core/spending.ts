/**
 * What has been spent: counted from the images made (the history's records, which include the
 * recipes of image files a clone brings), priced by the one table. No `vscode` import.
 * Moderated and failed requests leave no image, so they are never counted (BFL charges nothing
 * for them).
 */
import type { ImageRecord } from './imageRecord';
import type { CostItem, PriceBook } from './prices';
import { DEFAULT_BOOK, estimateUsd } from './prices';

export interface ModelSpending {
  readonly model: string;
  readonly images: number;
  readonly usd: number;
}

export interface Spending {
  /** `YYYY-MM` of "this month", in the time zone asked for. */
  readonly month: string;
  readonly monthUsd: number;
  readonly totalUsd: number;
  readonly monthByModel: readonly ModelSpending[];
  readonly totalByModel: readonly ModelSpending[];
  /** Images whose model has no price (counted as $0): set one in `flux.prices`. */
  readonly unpriced: number;
}

/** `YYYY-MM` of an instant in a time zone (the person's own when none is given). */
export function monthOf(ms: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(new Date(ms));
  const year = parts.find((p) => p.type === 'year')?.value ?? '0000';
  const month = parts.find((p) => p.type === 'month')?.value ?? '00';
  return `${year}-${month}`;
}

/** What a record's image cost to make, as the table prices it. */
export function recordCost(record: Pick<ImageRecord, 'model' | 'width' | 'height' | 'source'> & { readonly references?: readonly unknown[] }): CostItem {
  // The input images' sizes are not recorded: each is taken as one megapixel.
  const inputs = (record.source ? 1 : 0) + (Array.isArray(record.references) ? record.references.length : 0);
  return { model: record.model, width: record.width, height: record.height, inputs: new Array<undefined>(inputs).fill(undefined) };
}

/**
 * Totals this month and all time, per model. Records with the same file are counted once (the
 * history may hold an image both as made and as found on disk).
 */
export function spending(records: readonly ImageRecord[], now: number, book: PriceBook = DEFAULT_BOOK, timeZone?: string): Spending {
  const month = monthOf(now, timeZone);
  const total = new Map<string, { images: number; usd: number }>();
  const monthly = new Map<string, { images: number; usd: number }>();
  const seen = new Set<string>();
  let unpriced = 0;
  let monthUsd = 0;
  let totalUsd = 0;
  for (const record of records) {
    if (seen.has(record.file)) continue;
    seen.add(record.file);
    const usd = estimateUsd(recordCost(record), book);
    if (usd === undefined) unpriced += 1;
    const cost = usd ?? 0;
    add(total, record.model, cost);
    totalUsd += cost;
    if (monthOf(record.createdAt, timeZone) === month) {
      add(monthly, record.model, cost);
      monthUsd += cost;
    }
  }
  return {
    month,
    monthUsd: round(monthUsd),
    totalUsd: round(totalUsd),
    monthByModel: sorted(monthly),
    totalByModel: sorted(total),
    unpriced,
  };
}

/** Whether spending `estimate` more would take the month past a budget (0 = no budget). */
export function overBudget(monthUsd: number, estimate: number, budget: number): boolean {
  return budget > 0 && round(monthUsd + estimate) > budget;
}

function add(map: Map<string, { images: number; usd: number }>, model: string, usd: number): void {
  const entry = map.get(model) ?? { images: 0, usd: 0 };
  entry.images += 1;
  entry.usd += usd;
  map.set(model, entry);
}

function sorted(map: Map<string, { images: number; usd: number }>): ModelSpending[] {
  return [...map.entries()].map(([model, v]) => ({ model, images: v.images, usd: round(v.usd) })).sort((a, b) => b.usd - a.usd || a.model.localeCompare(b.model));
}

function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
