/**
 * The Studio's history: what was generated, where the file is, and with which settings, so
 * an image can be found again, linked, or reproduced. Kept in the workspace's Memento
 * (`context.workspaceState`), so it persists per workspace across reloads and restarts.
 * No `vscode` import: the host passes the storage in, and tests pass a Map.
 */
import type { ImageRecord } from './imageRecord';
import { sanitizeRecord } from './imageRecord';

/** What `vscode.Memento` offers, and all this store needs. */
export interface HistoryStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** A history entry is the one image record. */
export type HistoryEntry = ImageRecord;

export interface HistoryLimits {
  /** Oldest entries beyond this are dropped. */
  readonly maxEntries: number;
  /**
   * Bound on the stored JSON, roughly in characters: a Memento value is rewritten whole on
   * every change, so it must stay small even when prompts are long.
   */
  readonly maxChars: number;
}

/** 1000 entries of typical prompts is about 300 KB; the character budget caps long prompts at ~2 MB. */
export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxEntries: 1000, maxChars: 2_000_000 };
export const HISTORY_KEY = 'flux.studio.history';
const VERSION = 1;
/** The stored size of an entry besides its prompt: field names, URI, numbers. */
const ENTRY_OVERHEAD = 200;

interface Stored {
  readonly version: number;
  readonly entries: readonly unknown[];
}

/** What changed: an entry added (with the ones it pushed out), or entries removed. */
export interface HistoryChange {
  readonly added?: HistoryEntry;
  readonly removed: readonly string[];
}

export class HistoryStore {
  private entries: HistoryEntry[];
  private readonly listeners = new Set<(change: HistoryChange) => void>();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: HistoryStorage,
    private readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
    private readonly key: string = HISTORY_KEY,
  ) {
    this.entries = readStored(storage.get<Stored>(key), limits);
  }

  /** Newest first. */
  list(): readonly HistoryEntry[] {
    return this.entries;
  }

  get size(): number {
    return this.entries.length;
  }

  get(id: string): HistoryEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  /** Entries whose prompt contains every word of the query (case- and width-insensitive). */
  filter(query: string): HistoryEntry[] {
    return this.entries.filter((e) => matchesQuery(e.prompt, query));
  }

  /** Adds an entry (newest first) and returns the entries dropped to stay within the limits. */
  async add(entry: HistoryEntry): Promise<HistoryEntry[]> {
    const clean = sanitizeEntry(entry);
    if (!clean) throw new Error('Not a valid history entry.');
    const rest = this.entries.filter((e) => e.id !== clean.id);
    const at = rest.findIndex((e) => e.createdAt <= clean.createdAt);
    rest.splice(at < 0 ? rest.length : at, 0, clean);
    const { kept, dropped } = applyLimits(rest, this.limits);
    this.entries = kept;
    this.fire({ added: clean, removed: dropped.map((d) => d.id) });
    await this.persist();
    return dropped;
  }

  /**
   * Adds many entries with one write (images found in the output folders): entries with an id
   * already there are skipped. Resolves to the entries added (those kept within the limits).
   */
  async addMany(entries: readonly HistoryEntry[]): Promise<HistoryEntry[]> {
    const known = new Set(this.entries.map((e) => e.id));
    const fresh: HistoryEntry[] = [];
    for (const entry of entries) {
      const clean = sanitizeEntry(entry);
      if (!clean || known.has(clean.id)) continue;
      known.add(clean.id);
      fresh.push(clean);
    }
    if (!fresh.length) return [];
    const all = [...this.entries, ...fresh].sort((a, b) => b.createdAt - a.createdAt);
    const { kept, dropped } = applyLimits(all, this.limits);
    this.entries = kept;
    const keptIds = new Set(kept.map((e) => e.id));
    const added = fresh.filter((e) => keptIds.has(e.id));
    const droppedOld = dropped.filter((e) => !fresh.includes(e)).map((e) => e.id);
    if (droppedOld.length) this.fire({ removed: droppedOld });
    for (const entry of added) this.fire({ added: entry, removed: [] });
    await this.persist();
    return added;
  }

  /** Removes an entry; resolves to it, or undefined when there was none. */
  async remove(id: string): Promise<HistoryEntry | undefined> {
    return (await this.removeMany([id]))[0];
  }

  /** Removes entries with one write (a whole history is written each time); resolves to those there were. */
  async removeMany(ids: readonly string[]): Promise<HistoryEntry[]> {
    const gone = new Set(ids);
    const removed = this.entries.filter((e) => gone.has(e.id));
    if (!removed.length) return [];
    this.entries = this.entries.filter((e) => !gone.has(e.id));
    this.fire({ removed: removed.map((e) => e.id) });
    await this.persist();
    return removed;
  }

  /** Every caller (palette, selection, Studio, edit…) adds here; the Studio listens. */
  onDidChange(listener: (change: HistoryChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(change: HistoryChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /** Resolves when every change so far has been written. */
  flush(): Promise<void> {
    return this.writing;
  }

  private persist(): Promise<void> {
    const value: Stored = { version: VERSION, entries: this.entries };
    // Writes run one after another, each with the state at its time, so the last one wins.
    const next = this.writing.then(() => this.storage.update(this.key, value));
    this.writing = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}

/** Lower-cased, full-width folded (NFKC) text, for matching. */
function fold(text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase();
}

/** True when every whitespace-separated word of `query` occurs in `text`. An empty query matches. */
export function matchesQuery(text: string, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const haystack = fold(text);
  return words.every((w) => haystack.includes(w));
}

function readStored(raw: Stored | undefined, limits: HistoryLimits): HistoryEntry[] {
  if (!raw || typeof raw !== 'object' || !Array.isArray(raw.entries)) return [];
  const seen = new Set<string>();
  const entries: HistoryEntry[] = [];
  for (const item of raw.entries) {
    const entry = sanitizeEntry(item);
    if (!entry || seen.has(entry.id)) continue;
    seen.add(entry.id);
    entries.push(entry);
  }
  entries.sort((a, b) => b.createdAt - a.createdAt);
  return applyLimits(entries, limits).kept;
}

function applyLimits(entries: HistoryEntry[], limits: HistoryLimits): { kept: HistoryEntry[]; dropped: HistoryEntry[] } {
  let count = Math.min(entries.length, Math.max(1, limits.maxEntries));
  let chars = 0;
  for (let i = 0; i < count; i++) {
    chars += entries[i].prompt.length + entries[i].file.length + ENTRY_OVERHEAD;
    // The newest entry is always kept, however long.
    if (chars > limits.maxChars && i > 0) {
      count = i;
      break;
    }
  }
  return { kept: entries.slice(0, count), dropped: entries.slice(count) };
}

/** A checked copy with only the known fields, or undefined when the stored value is not an entry. */
export const sanitizeEntry = sanitizeRecord;
