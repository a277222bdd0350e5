import * as assert from 'node:assert/strict';
import { chargedMegapixels, estimateAll, estimateUsd, formatUsd, PRICE_TABLE, priceBook } from '../../src/core/prices';
import { monthOf, overBudget, spending } from '../../src/core/spending';
import type { ImageRecord } from '../../src/core/imageRecord';

// Figures worked out by hand from BFL's published prices (see src/core/prices.ts).
describe('prices', () => {
  it('counts a megapixel as 2^20 pixels, rounded up per image, at least one', () => {
    assert.equal(chargedMegapixels(1024 * 1024), 1);
    assert.equal(chargedMegapixels(1024 * 1024 + 1), 2);
    assert.equal(chargedMegapixels(1440 * 1440), 2); // BFL reports output_mp 1.98 for it
    assert.equal(chargedMegapixels(2048 * 2048), 4);
    assert.equal(chargedMegapixels(512 * 512), 1);
    assert.equal(chargedMegapixels(undefined), 1);
    assert.equal(chargedMegapixels(Number.NaN), 1);
  });

  it('prices FLUX.2 by output and input megapixels', () => {
    // flux-2-pro 1024x1024: first MP only.
    assert.equal(estimateUsd({ model: 'flux-2-pro', width: 1024, height: 1024 }), 0.03);
    // 1440x1440 = 2 MP: 0.03 + 0.015 (BFL's own answer: cost 4.5 credits).
    assert.equal(estimateUsd({ model: 'flux-2-pro', width: 1440, height: 1440 }), 0.045);
    // 2048x2048 = 4 MP: 0.03 + 3 x 0.015.
    assert.equal(estimateUsd({ model: 'flux-2-pro', width: 2048, height: 2048 }), 0.075);
    // An edit of a 1 MP image at 1 MP: 0.03 + 0.015 (BFL: editing "from $0.045").
    assert.equal(estimateUsd({ model: 'flux-2-pro', width: 1024, height: 1024, inputs: [1024 * 1024] }), 0.045);
    // max, 1920x1088 (2 MP) with two references of 3 MP and 0.5 MP: 0.07 + 0.03 x (1 + 3 + 1).
    assert.equal(estimateUsd({ model: 'flux-2-max', width: 1920, height: 1088, inputs: [2048 * 1536, 724 * 724] }), 0.22);
    // flex 1 MP x 4 images: 0.05 x 4.
    assert.equal(estimateUsd({ model: 'flux-2-flex', width: 1024, height: 1024, count: 4 }), 0.2);
    // klein 4b at 2 MP: 0.014 + 0.001.
    assert.equal(estimateUsd({ model: 'flux-2-klein-4b', width: 1440, height: 1440 }), 0.015);
    // klein 9b at 4 MP with 8 unknown-size inputs (1 MP each): 0.015 + 0.002 x (3 + 8).
    assert.equal(estimateUsd({ model: 'flux-2-klein-9b', width: 2048, height: 2048, inputs: new Array(8).fill(undefined) }), 0.037);
  });

  it('prices Kontext per image, whatever the size', () => {
    assert.equal(estimateUsd({ model: 'flux-kontext-pro', width: 2048, height: 2048 }), 0.04);
    assert.equal(estimateUsd({ model: 'flux-kontext-max', count: 3 }), 0.24);
    assert.equal(estimateUsd({ model: 'flux-kontext-dev' }), 0.025);
  });

  it('has no price for a model it does not know, until flux.prices gives one', () => {
    assert.equal(estimateUsd({ model: 'gpt-image-1' }), undefined);
    const { book, problems } = priceBook({ 'gpt-image-1': 0.07, 'flux-kontext-pro': 0.03 });
    assert.equal(estimateUsd({ model: 'gpt-image-1', count: 2 }, book), 0.14);
    assert.equal(estimateUsd({ model: 'flux-kontext-pro' }, book), 0.03);
    assert.deepEqual(problems, [{ model: 'gpt-image-1', reason: 'unknownModel' }]);
    assert.deepEqual(estimateAll([{ model: 'flux-2-pro' }, { model: 'nope' }, { model: 'flux-kontext-pro', count: 2 }]), { usd: 0.11, unknown: 1 });
  });

  it('refuses a negative or non-numeric price in flux.prices and keeps the table', () => {
    const { book, problems } = priceBook({ 'flux-2-pro': -1, 'flux-kontext-max': '0.5', 'flux-kontext-pro': Number.NaN });
    assert.deepEqual(
      problems.map((p) => `${p.model}:${p.reason}`),
      ['flux-2-pro:negative', 'flux-kontext-max:notANumber', 'flux-kontext-pro:notANumber'],
    );
    assert.deepEqual(book.rules, PRICE_TABLE);
    assert.deepEqual(priceBook('nonsense').problems, []);
    assert.deepEqual(priceBook(null).book.rules, PRICE_TABLE);
  });

  it('always writes ≈ $N.NN, never ≈ $0.00 for something that costs', () => {
    assert.equal(formatUsd(0.045), '≈ $0.05');
    assert.equal(formatUsd(1.2), '≈ $1.20');
    assert.equal(formatUsd(0.001), '≈ $0.01');
    assert.equal(formatUsd(0), '≈ $0.00');
    assert.equal(formatUsd(12.345678), '≈ $12.35');
  });
});

describe('spending', () => {
  const base = { prompt: 'p', size: '1x1', createdAt: 0 } as const;
  let n = 0;
  const record = (model: string, createdAt: number, extra: Partial<ImageRecord> = {}): ImageRecord => ({ ...base, id: `r${++n}`, file: `file:///w/assets/${n}.png`, model, createdAt, ...extra });

  it('puts the month boundary in the person\'s time zone', () => {
    // 2026-11-30 23:30 in Los Angeles is already December in UTC and in Shanghai.
    const t = Date.UTC(2026, 11, 1, 7, 30);
    assert.equal(monthOf(t, 'America/Los_Angeles'), '2026-11');
    assert.equal(monthOf(t, 'UTC'), '2026-12');
    assert.equal(monthOf(t, 'Asia/Shanghai'), '2026-12');
  });

  it('counts this month and all time per model, each file once', () => {
    const now = Date.UTC(2026, 11, 7, 12);
    const records = [
      record('flux-kontext-pro', Date.UTC(2026, 11, 2)),
      record('flux-kontext-pro', Date.UTC(2026, 11, 3)),
      record('flux-2-pro', Date.UTC(2026, 11, 4), { width: 1440, height: 1440, source: { path: 'a.png', sha256: 'a'.repeat(64) } }),
      record('flux-kontext-max', Date.UTC(2026, 10, 20)),
      record('my-gateway-model', Date.UTC(2026, 11, 5)),
    ];
    records.push({ ...records[0]!, id: 'again' });
    const s = spending(records, now, undefined, 'UTC');
    assert.equal(s.month, '2026-12');
    // 0.04 + 0.04 + (0.03 + 0.015 x (1 + 1)) = 0.14
    assert.equal(s.monthUsd, 0.14);
    assert.equal(s.totalUsd, 0.22);
    assert.equal(s.unpriced, 1);
    assert.deepEqual(s.monthByModel.map((m) => [m.model, m.images, m.usd]), [
      ['flux-kontext-pro', 2, 0.08],
      ['flux-2-pro', 1, 0.06],
      ['my-gateway-model', 1, 0],
    ]);
    assert.equal(s.totalByModel.find((m) => m.model === 'flux-kontext-max')?.usd, 0.08);
  });

  it('says when an estimate would take the month past the budget', () => {
    assert.equal(overBudget(9.9, 0.2, 10), true);
    assert.equal(overBudget(9.8, 0.2, 10), false);
    assert.equal(overBudget(100, 5, 0), false);
  });
});
