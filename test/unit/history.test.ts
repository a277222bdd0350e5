import * as assert from 'node:assert/strict';
import type { HistoryEntry, HistoryStorage } from '../../src/core/history';
import { HISTORY_KEY, HistoryStore, matchesQuery, sanitizeEntry } from '../../src/core/history';

/** A Memento stand-in that keeps values as JSON, as VS Code's storage does. */
class MemoryStorage implements HistoryStorage {
  readonly values = new Map<string, string>();
  writes = 0;
  failNext = false;
  get<T>(key: string): T | undefined {
    const raw = this.values.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    await new Promise((r) => setTimeout(r, 1));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.writes++;
    this.values.set(key, JSON.stringify(value));
  }
}

let counter = 0;
function entry(fields: Partial<HistoryEntry> = {}): HistoryEntry {
  counter++;
  return {
    id: `id-${counter}`,
    prompt: `a red fox number ${counter}`,
    model: 'flux-kontext-pro',
    size: '16x9',
    seed: 1000 + counter,
    createdAt: 1_700_000_000_000 + counter * 1000,
    file: `file:///ws/assets/fox-${counter}.png`,
    ...fields,
  };
}

describe('Studio history store', () => {
  it('starts empty, adds newest first, and persists across instances', async () => {
    const storage = new MemoryStorage();
    const store = new HistoryStore(storage);
    assert.equal(store.size, 0);
    const a = entry();
    const b = entry();
    await store.add(a);
    await store.add(b);
    assert.deepEqual(store.list().map((e) => e.id), [b.id, a.id]);
    const reopened = new HistoryStore(storage);
    assert.deepEqual(reopened.list(), [b, a]);
    assert.deepEqual(reopened.get(a.id), a);
  });

  it('keeps the seed actually used and the other fields exactly', async () => {
    const storage = new MemoryStorage();
    const store = new HistoryStore(storage);
    const e = entry({ prompt: '<img src=x onerror=alert(1)> 漫画 "quotes"', seed: 0, width: 1344, height: 768, durationMs: 1234 });
    await store.add(e);
    assert.deepEqual(new HistoryStore(storage).get(e.id), e);
  });

  it('orders by creation time even when an older image finishes last', async () => {
    const store = new HistoryStore(new MemoryStorage());
    const newer = entry({ createdAt: 1_700_000_000_000 + 2000 });
    const older = entry({ createdAt: 1_700_000_000_000 + 1000 });
    await store.add(newer);
    await store.add(older);
    assert.deepEqual(store.list().map((e) => e.id), [newer.id, older.id]);
  });

  it('drops the oldest entries beyond the limit and says which', async () => {
    const store = new HistoryStore(new MemoryStorage(), { maxEntries: 3, maxChars: 1e9 });
    const all = [entry(), entry(), entry(), entry(), entry()];
    const dropped: HistoryEntry[] = [];
    for (const e of all) dropped.push(...(await store.add(e)));
    assert.deepEqual(store.list().map((e) => e.id), [all[4], all[3], all[2]].map((e) => e.id));
    assert.deepEqual(dropped.map((e) => e.id), [all[0], all[1]].map((e) => e.id));
  });

  it('bounds the stored size when prompts are long, but always keeps the newest', async () => {
    const storage = new MemoryStorage();
    const store = new HistoryStore(storage, { maxEntries: 1000, maxChars: 10_000 });
    for (let i = 0; i < 20; i++) await store.add(entry({ prompt: 'long '.repeat(800) }));
    assert.equal(store.size, 2);
    assert.ok((storage.values.get(HISTORY_KEY) ?? '').length < 12_000);
    const tiny = new HistoryStore(new MemoryStorage(), { maxEntries: 10, maxChars: 10 });
    await tiny.add(entry());
    assert.equal(tiny.size, 1);
  });

  it('holds 1000 entries in well under a megabyte and reads them back fast', async () => {
    const storage = new MemoryStorage();
    const store = new HistoryStore(storage);
    for (let i = 0; i < 1100; i++) {
      // One write at the end is enough for this test: fill the storage directly.
      (store as unknown as { entries: HistoryEntry[] }).entries.unshift(entry({ prompt: `a watercolour lighthouse at dusk, gulls, storm light, variation ${i}` }));
    }
    await store.add(entry());
    assert.equal(store.size, 1000);
    const json = storage.values.get(HISTORY_KEY) ?? '';
    assert.ok(json.length < 400_000, `${json.length} characters`);
    const reopened = new HistoryStore(storage);
    assert.equal(reopened.size, 1000);
  });

  it('removes an entry and persists that', async () => {
    const storage = new MemoryStorage();
    const store = new HistoryStore(storage);
    const a = entry();
    const b = entry();
    await store.add(a);
    await store.add(b);
    assert.deepEqual(await store.remove(a.id), a);
    assert.equal(await store.remove(a.id), undefined);
    assert.deepEqual(new HistoryStore(storage).list().map((e) => e.id), [b.id]);
  });

  it('removes many entries with one write and one change', async () => {
    const storage = new MemoryStorage();
    const store = new HistoryStore(storage);
    const entries = [entry(), entry(), entry(), entry()];
    for (const e of entries) await store.add(e);
    const changes: string[][] = [];
    store.onDidChange((c) => changes.push([...c.removed]));
    const writes = storage.writes;
    const removed = await store.removeMany([entries[0]!.id, entries[2]!.id, 'not-there']);
    assert.deepEqual(removed.map((e) => e.id).sort(), [entries[0]!.id, entries[2]!.id].sort());
    assert.equal(storage.writes - writes, 1);
    assert.deepEqual(changes.map((c) => c.sort()), [[entries[0]!.id, entries[2]!.id].sort()]);
    assert.deepEqual(new HistoryStore(storage).list().map((e) => e.id).sort(), [entries[1]!.id, entries[3]!.id].sort());
    assert.deepEqual(await store.removeMany(['not-there']), []);
    assert.equal(storage.writes - writes, 1);
  });

  it('writes one change after another, so the last state wins', async () => {
    const storage = new MemoryStorage();
    const store = new HistoryStore(storage);
    const entries = [entry(), entry(), entry(), entry()];
    await Promise.all(entries.map((e) => store.add(e)));
    await store.flush();
    assert.equal(new HistoryStore(storage).size, 4);
  });

  it('reports a failed write, and later writes still happen', async () => {
    const storage = new MemoryStorage();
    const store = new HistoryStore(storage);
    storage.failNext = true;
    await assert.rejects(store.add(entry()), /disk full/);
    await store.add(entry());
    assert.equal(new HistoryStore(storage).size, 2);
  });

  it('ignores damaged or foreign stored values', () => {
    for (const raw of [undefined, null, 42, 'x', [], { entries: 'no' }, { version: 1 }]) {
      const storage = new MemoryStorage();
      if (raw !== undefined) storage.values.set(HISTORY_KEY, JSON.stringify(raw));
      assert.equal(new HistoryStore(storage).size, 0);
    }
    const good = entry();
    const storage = new MemoryStorage();
    storage.values.set(
      HISTORY_KEY,
      JSON.stringify({
        version: 1,
        entries: [good, { ...good }, { ...entry(), id: '../x' }, { ...entry(), prompt: '' }, { ...entry(), createdAt: 'today' }, { ...entry(), seed: 1.5 }, null, 7,
          // Tampered paths and schemes: out of the workspace, or not a workspace's file at all.
          { ...entry(), file: 'file:///ws/../x.png' },
          { ...entry(), file: 'file:///ws/assets/%2e%2e/%2E%2e/x.png' },
          { ...entry(), file: 'file:///ws/assets\\..\\..\\x.png' },
          { ...entry(), file: 'https://evil.example/x.png' },
          { ...entry(), file: 'command:workbench.action.terminal.new?x.png' },
          { ...entry(), createdAt: 1 },
          { ...entry(), createdAt: Date.UTC(2200, 0, 1) },
        ],
      }),
    );
    assert.deepEqual(new HistoryStore(storage).list(), [good]);
  });

  it('refuses to add an entry that is not valid', async () => {
    const store = new HistoryStore(new MemoryStorage());
    await assert.rejects(store.add({ ...entry(), id: 'not an id' }));
    assert.equal(store.size, 0);
  });

  it('keeps only known fields of a stored entry', () => {
    const e = entry();
    assert.deepEqual(sanitizeEntry({ ...e, script: '<script>' }), e);
    const noSeed = sanitizeEntry({ ...e, seed: -1 });
    assert.ok(noSeed && !('seed' in noSeed));
  });

  it('drops a stored entry that points at anything but an image file', () => {
    const e = entry();
    for (const file of ['file:///etc/passwd', 'file:///home/me/.ssh/id_rsa', 'file:///ws/assets/x.png.sh', 'file:///ws/assets/']) {
      assert.equal(sanitizeEntry({ ...e, file }), undefined, file);
    }
    for (const file of ['file:///ws/assets/a.png', 'file:///ws/assets/a.JPG', 'vscode-remote://ssh-remote%2Bhost/ws/a.webp']) {
      assert.ok(sanitizeEntry({ ...e, file }), file);
    }
  });

  it('filters by prompt text: every word, any case, full-width folded', async () => {
    const store = new HistoryStore(new MemoryStorage());
    const fox = entry({ prompt: 'A Red FOX in fresh snow' });
    const owl = entry({ prompt: 'An owl at night, watercolour' });
    const cjk = entry({ prompt: '雪の中の赤いキツネ' });
    for (const e of [fox, owl, cjk]) await store.add(e);
    assert.deepEqual(store.filter('fox').map((e) => e.id), [fox.id]);
    assert.deepEqual(store.filter('snow red').map((e) => e.id), [fox.id]);
    assert.deepEqual(store.filter('snow owl'), []);
    assert.deepEqual(store.filter('ＦＯＸ').map((e) => e.id), [fox.id]);
    assert.deepEqual(store.filter('キツネ').map((e) => e.id), [cjk.id]);
    assert.equal(store.filter('   ').length, 3);
    assert.ok(matchesQuery('<img src=x onerror=alert(1)>', 'onerror'));
  });
});
