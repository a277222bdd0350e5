import * as assert from 'node:assert/strict';
import type { DraftFile, DraftLimits } from '../../src/core/drafts';
import { DEFAULT_DRAFT_LIMITS, draftsToPrune } from '../../src/core/drafts';

const MB = 1024 * 1024;
const NOW = 1_800_000_000_000;
const limits: DraftLimits = { maxCount: 3, maxBytes: 10 * MB, orphanGraceMs: 60_000 };

/** A listed draft made `age` minutes ago. */
function draft(key: string, ageMinutes: number, size = MB, listed = true): DraftFile {
  return { key, size, createdAt: NOW - ageMinutes * 60_000, listed };
}

describe('Studio drafts: which to prune', () => {
  it('keeps everything within the limits', () => {
    assert.deepEqual(draftsToPrune([draft('a', 3), draft('b', 2), draft('c', 1)], new Set(), NOW, limits), []);
  });

  it('deletes the oldest beyond the count, whatever the listing order', () => {
    const files = [draft('new', 1), draft('oldest', 50), draft('mid', 10), draft('old', 20), draft('newer', 0)];
    assert.deepEqual(draftsToPrune(files, new Set(), NOW, limits).sort(), ['old', 'oldest']);
  });

  it('deletes the oldest until the bytes fit too', () => {
    const files = [draft('a', 30, 6 * MB), draft('b', 20, 3 * MB), draft('c', 10, 4 * MB)];
    // 13 MB > 10 MB: the oldest (6 MB) goes, 7 MB stay.
    assert.deepEqual(draftsToPrune(files, new Set(), NOW, limits), ['a']);
    // Both limits: with a count of 2 and 5 MB, only the newest stays.
    assert.deepEqual(draftsToPrune(files, new Set(), NOW, { ...limits, maxCount: 2, maxBytes: 5 * MB }).sort(), ['a', 'b']);
  });

  it('never deletes one in flight, being saved or used as an input; the next oldest goes instead', () => {
    const files = [draft('oldest', 50), draft('old', 40), draft('mid', 30), draft('new', 1)];
    assert.deepEqual(draftsToPrune(files, new Set(['oldest']), NOW, limits), ['old']);
    // All kept: over the limit, but nothing may go.
    assert.deepEqual(draftsToPrune(files, new Set(files.map((f) => f.key)), NOW, { ...limits, maxCount: 1 }), []);
  });

  it('deletes files no history entry shows once past the grace period, not before', () => {
    const files = [draft('shown', 100), draft('orphan-old', 5, MB, false), draft('orphan-new', 0.5, MB, false)];
    assert.deepEqual(draftsToPrune(files, new Set(), NOW, limits), ['orphan-old']);
    assert.deepEqual(draftsToPrune(files, new Set(['orphan-old']), NOW, limits), []);
  });

  it('orphans removed first count towards the limits', () => {
    const files = [draft('a', 40), draft('b', 30), draft('c', 20), draft('orphan', 5, MB, false)];
    // Four files, limit three: the orphan's removal is enough.
    assert.deepEqual(draftsToPrune(files, new Set(), NOW, limits), ['orphan']);
  });

  it('breaks ties on the time by key, and the defaults are 200 drafts and 500 MB', () => {
    const files = [draft('b', 5), draft('a', 5), draft('c', 5), draft('d', 5)];
    assert.deepEqual(draftsToPrune(files, new Set(), NOW, limits), ['a']);
    assert.equal(DEFAULT_DRAFT_LIMITS.maxCount, 200);
    assert.equal(DEFAULT_DRAFT_LIMITS.maxBytes, 500 * MB);
    const many = Array.from({ length: 205 }, (_, i) => draft(`d${String(i).padStart(3, '0')}`, 300 - i));
    assert.deepEqual(draftsToPrune(many, new Set(), NOW), ['d000', 'd001', 'd002', 'd003', 'd004']);
  });
});
