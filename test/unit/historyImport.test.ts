import * as assert from 'node:assert/strict';
import type { HistoryChange, HistoryEntry, HistoryStorage } from '../../src/core/history';
import { HistoryStore } from '../../src/core/history';

function storage(): HistoryStorage & { writes: number; map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  const s = {
    writes: 0,
    map,
    get: <T>(key: string) => map.get(key) as T | undefined,
    update: (key: string, value: unknown) => {
      s.writes++;
      map.set(key, value);
      return Promise.resolve();
    },
  };
  return s;
}

const at = (day: number) => Date.UTC(2026, 0, day);
const entry = (id: string, day: number): HistoryEntry => ({ id, prompt: `p ${id}`, model: 'flux-kontext-pro', size: '1x1', createdAt: at(day), file: `file:///ws/assets/${id}.png` });

describe('HistoryStore.addMany (images found in the output folders)', () => {
  it('adds many with one write, newest first, announcing each, skipping known ids and invalid entries', async () => {
    const s = storage();
    const store = new HistoryStore(s);
    await store.add(entry('a', 5));
    const changes: HistoryChange[] = [];
    store.onDidChange((c) => changes.push(c));
    const writes = s.writes;
    const added = await store.addMany([entry('file-b', 7), entry('a', 9), entry('file-c', 1), { ...entry('file-d', 2), file: 'file:///ws/notes.md' }]);
    assert.deepEqual(added.map((e) => e.id), ['file-b', 'file-c']);
    assert.deepEqual(store.list().map((e) => e.id), ['file-b', 'a', 'file-c']);
    assert.equal(s.writes, writes + 1, 'one write');
    assert.deepEqual(changes.map((c) => c.added?.id), ['file-b', 'file-c']);
    assert.deepEqual(await store.addMany([entry('file-b', 7)]), [], 'nothing twice');
    // Read back from storage.
    assert.deepEqual(new HistoryStore(s).list().map((e) => e.id), ['file-b', 'a', 'file-c']);
  });

  it('stays within the limits: the oldest go, and the ones pushed out are announced', async () => {
    const store = new HistoryStore(storage(), { maxEntries: 2, maxChars: 1_000_000 });
    await store.add(entry('old', 1));
    const changes: HistoryChange[] = [];
    store.onDidChange((c) => changes.push(c));
    const added = await store.addMany([entry('file-x', 3), entry('file-y', 2), entry('file-z', 0)]);
    assert.deepEqual(store.list().map((e) => e.id), ['file-x', 'file-y']);
    assert.deepEqual(added.map((e) => e.id), ['file-x', 'file-y']);
    assert.deepEqual(changes.flatMap((c) => c.removed), ['old']);
  });
});
