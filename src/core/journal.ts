/**
 * The journal of paid work in flight (docs/CONTRACT.md, "Nothing paid for is lost when VS Code
 * stops"): for each image a window is making, what is needed to get it back after a reload or a
 * crash. A request a polling service accepted (BFL, FLUX.2 through DMXAPI) is charged and waits
 * at the provider for ten minutes: its polling address is noted. Bytes that arrived but are not
 * in their file yet are noted by the name of the copy kept beside the journal. Never a key.
 *
 * Each window (extension host) keeps its own file, rewritten as it changes; this module is the
 * file's format, pure: no `vscode`, no file system. Everything read back is untrusted.
 */
import type { OutputFormat } from './models';
import { OUTPUT_FORMATS } from './models';
import type { ProviderId } from './providers/types';
import { PROVIDER_IDS } from './providers/types';

/** How long a provider keeps a result: BFL's (and so FLUX.2 through DMXAPI) is ten minutes. */
export const RESULT_LIFETIME_MS = 10 * 60_000;
/** A window rewrites its journal at least this often while it has work in flight. */
export const HEARTBEAT_MS = 30_000;
/** A journal whose window has not written for this long is that of a window that stopped. */
export const STALE_AFTER_MS = 3 * HEARTBEAT_MS;
export const JOURNAL_VERSION = 1;

const MAX_ENTRIES = 64;
const MAX_TEXT = 8000;
const ID = /^[A-Za-z0-9-]{1,64}$/;
const BYTES_FILE = /^[A-Za-z0-9-]{1,64}\.bin$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** What the image's record needs besides the bytes: the job as asked, never the key. */
export interface JournalJob {
  readonly prompt: string;
  readonly model: string;
  /** `16x9`, `WxH`, or '' for an edit that kept its input's ratio. */
  readonly size: string;
  readonly seed: number;
  readonly provider: ProviderId;
  readonly source?: { readonly path: string; readonly sha256: string };
  /** As sent, when not the settings' (a house style's, say): the recipe says what was made. */
  readonly megapixels?: number;
  readonly outputFormat?: OutputFormat;
  /** The house style it was made in (its name and template) and the prompt sent: a recovered image's recipe keeps them. */
  readonly style?: { readonly name: string; readonly prompt: string };
  readonly sentPrompt?: string;
}

export interface JournalEntry {
  /** This job's id (made by the window). */
  readonly id: string;
  /** Epoch ms when the job was started. */
  readonly startedAt: number;
  readonly job: JournalJob;
  /** A polling task the service accepted: where to ask for its result again. */
  readonly task?: { readonly pollUrl: string; readonly acceptedAt: number };
  /** Bytes that arrived, kept beside the journal under this name until the file is written. */
  readonly bytesFile?: string;
  /** The seed the service reported with those bytes. */
  readonly seed?: number;
}

export interface JournalFile {
  readonly version: number;
  /** The extension host's process id: a window whose process is gone is stopped. */
  readonly pid: number;
  /** Epoch ms of the last write. */
  readonly heartbeat: number;
  readonly entries: readonly JournalEntry[];
}

/** What to do with an entry found in a stopped window's journal. */
export type Recovery = 'bytes' | 'poll' | 'expired';

export function recoveryOf(entry: JournalEntry, now: number): Recovery {
  if (entry.bytesFile) return 'bytes';
  if (entry.task && now - entry.task.acceptedAt < RESULT_LIFETIME_MS) return 'poll';
  return 'expired';
}

/**
 * Whether the window that wrote `file` has stopped: its process is gone, or it has not written
 * for STALE_AFTER_MS (a process id can be reused; a live window writes every HEARTBEAT_MS).
 */
export function isStopped(file: JournalFile, now: number, processAlive: (pid: number) => boolean): boolean {
  return !processAlive(file.pid) || now - file.heartbeat > STALE_AFTER_MS;
}

export function serializeJournal(file: JournalFile): string {
  return JSON.stringify(file);
}

/** The journal as read from disk, checked field by field; undefined when it is not one. */
export function parseJournal(text: string): JournalFile | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(raw) || raw.version !== JOURNAL_VERSION) return undefined;
  if (!isCount(raw.pid) || !isTime(raw.heartbeat) || !Array.isArray(raw.entries)) return undefined;
  const entries = raw.entries.slice(0, MAX_ENTRIES).flatMap((e) => {
    const entry = parseEntry(e);
    return entry ? [entry] : [];
  });
  return { version: JOURNAL_VERSION, pid: raw.pid, heartbeat: raw.heartbeat, entries };
}

function parseEntry(raw: unknown): JournalEntry | undefined {
  if (!isObject(raw) || typeof raw.id !== 'string' || !ID.test(raw.id) || !isTime(raw.startedAt)) return undefined;
  const j = raw.job;
  if (!isObject(j)) return undefined;
  if (!isText(j.prompt) || !j.prompt.trim() || !isText(j.model) || !j.model || typeof j.size !== 'string' || j.size.length > 32) return undefined;
  if (typeof j.seed !== 'number' || !Number.isSafeInteger(j.seed) || j.seed < -1) return undefined;
  if (typeof j.provider !== 'string' || !(PROVIDER_IDS as readonly string[]).includes(j.provider)) return undefined;
  const s = j.source;
  const source = isObject(s) && isText(s.path) && typeof s.sha256 === 'string' && SHA256.test(s.sha256) ? { path: s.path, sha256: s.sha256 } : undefined;
  const st = j.style;
  const style = isObject(st) && isText(st.name) && st.name && isText(st.prompt) ? { name: st.name, prompt: st.prompt } : undefined;
  const job: JournalJob = {
    prompt: j.prompt,
    model: j.model,
    size: j.size,
    seed: j.seed,
    provider: j.provider as ProviderId,
    ...(source ? { source } : {}),
    ...(typeof j.megapixels === 'number' && Number.isFinite(j.megapixels) && j.megapixels > 0 && j.megapixels <= 16 ? { megapixels: j.megapixels } : {}),
    ...(typeof j.outputFormat === 'string' && (OUTPUT_FORMATS as readonly string[]).includes(j.outputFormat) ? { outputFormat: j.outputFormat as OutputFormat } : {}),
    ...(style ? { style, ...(isText(j.sentPrompt) && j.sentPrompt.trim() ? { sentPrompt: j.sentPrompt } : {}) } : {}),
  };
  const t = raw.task;
  const task = isObject(t) && isText(t.pollUrl) && isTime(t.acceptedAt) && /^https?:\/\//i.test(t.pollUrl) ? { pollUrl: t.pollUrl, acceptedAt: t.acceptedAt } : undefined;
  const bytesFile = typeof raw.bytesFile === 'string' && BYTES_FILE.test(raw.bytesFile) ? raw.bytesFile : undefined;
  const seed = typeof raw.seed === 'number' && Number.isSafeInteger(raw.seed) && raw.seed >= 0 ? raw.seed : undefined;
  return { id: raw.id, startedAt: raw.startedAt, job, ...(task ? { task } : {}), ...(bytesFile ? { bytesFile } : {}), ...(seed !== undefined ? { seed } : {}) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_TEXT;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > Date.UTC(2020, 0, 1) && v < Date.UTC(2100, 0, 1);
}
