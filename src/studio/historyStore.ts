/**
 * The Studio's history: what was generated, where the file is, and with which settings, so
 * an image can be found again, linked, or reproduced. Kept in the workspace's Memento
 * (`context.workspaceState`), so it persists per workspace across reloads and restarts.
 * No `vscode` import: the host passes the storage in, and tests pass a Map.
 */
import { ID_PATTERN, MAX_MODEL_FIELD, MAX_PROMPT_FIELD, MAX_SIZE_FIELD } from './protocol';

/** What `vscode.Memento` offers, and all this store needs. */
export interface HistoryStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface HistoryEntry {
  /** Made by the host; matches ID_PATTERN. */
  readonly id: string;
  readonly prompt: string;
  readonly model: string;
  /** Normalised size asked for: `16x9` or `WIDTHxHEIGHT`. */
  readonly size: string;
  /** The seed the service reported using; else the fixed seed sent; absent when neither is known. */
  readonly seed?: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly durationMs?: number;
  readonly width?: number;
  readonly height?: number;
  /** The image file as a URI string (works for remote and virtual workspaces too). */
  readonly file: string;
}

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
const MAX_FILE_FIELD = 4096;

interface Stored {
  readonly version: number;
  readonly entries: readonly unknown[];
}

export class HistoryStore {
  private entries: HistoryEntry[];
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
    await this.persist();
    return dropped;
  }

  /** Removes an entry; resolves to it, or undefined when there was none. */
  async remove(id: string): Promise<HistoryEntry | undefined> {
    const entry = this.get(id);
    if (!entry) return undefined;
    this.entries = this.entries.filter((e) => e !== entry);
    await this.persist();
    return entry;
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

function optionalInteger(value: unknown, min: number): number | undefined | false {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min ? value : false;
}

/** A checked copy with only the known fields, or undefined when the stored value is not an entry. */
const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;

export function sanitizeEntry(raw: unknown): HistoryEntry | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.id !== 'string' || !ID_PATTERN.test(r.id)) return undefined;
  if (typeof r.prompt !== 'string' || !r.prompt || r.prompt.length > MAX_PROMPT_FIELD) return undefined;
  if (typeof r.model !== 'string' || !r.model || r.model.length > MAX_MODEL_FIELD) return undefined;
  if (typeof r.size !== 'string' || !r.size || r.size.length > MAX_SIZE_FIELD) return undefined;
  // Only image files: a tampered entry cannot point the Studio at anything else.
  if (typeof r.file !== 'string' || !r.file || r.file.length > MAX_FILE_FIELD || !IMAGE_FILE.test(r.file)) return undefined;
  if (typeof r.createdAt !== 'number' || !Number.isFinite(r.createdAt) || r.createdAt < 0) return undefined;
  const seed = optionalInteger(r.seed, -1);
  const width = optionalInteger(r.width, 1);
  const height = optionalInteger(r.height, 1);
  const durationMs = typeof r.durationMs === 'number' && Number.isFinite(r.durationMs) && r.durationMs >= 0 ? Math.round(r.durationMs) : undefined;
  if (seed === false || width === false || height === false) return undefined;
  return {
    id: r.id,
    prompt: r.prompt,
    model: r.model,
    size: r.size,
    ...(seed !== undefined && seed >= 0 ? { seed } : {}),
    createdAt: r.createdAt,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(width !== undefined && height !== undefined ? { width, height } : {}),
    file: r.file,
  };
}
