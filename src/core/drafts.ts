/**
 * Which Studio drafts to delete. The Studio keeps its results in the extension's storage until
 * they are inserted or saved; this decides, without touching any file, which of them go when
 * there are too many or they take too much room. No `vscode` import.
 */

export interface DraftFile {
  /** How the caller names the file (its URI string). */
  readonly key: string;
  readonly size: number;
  /** Epoch milliseconds: when it was made (the history's createdAt, else the file's mtime). */
  readonly createdAt: number;
  /** A history entry shows it. Files nobody shows are deleted once past the grace period. */
  readonly listed: boolean;
}

export interface DraftLimits {
  readonly maxCount: number;
  readonly maxBytes: number;
  /** A file nobody lists is left alone this long: it may be one being written or recorded right now. */
  readonly orphanGraceMs: number;
}

/** 200 drafts or 500 MB, whichever comes first; unlisted files go after 10 minutes. */
export const DEFAULT_DRAFT_LIMITS: DraftLimits = { maxCount: 200, maxBytes: 500 * 1024 * 1024, orphanGraceMs: 10 * 60 * 1000 };

/**
 * The keys to delete: first every unlisted file older than the grace period, then the oldest
 * listed ones until at most `maxCount` drafts of at most `maxBytes` together remain. A key in
 * `keep` (a draft in flight, being saved, or the input of an edit in flight) is never chosen,
 * though it counts towards the limits.
 */
export function draftsToPrune(files: readonly DraftFile[], keep: ReadonlySet<string>, now: number, limits: DraftLimits = DEFAULT_DRAFT_LIMITS): string[] {
  const doomed = new Set<string>();
  for (const f of files) {
    if (!f.listed && !keep.has(f.key) && now - f.createdAt > limits.orphanGraceMs) doomed.add(f.key);
  }
  const remaining = files.filter((f) => !doomed.has(f.key));
  let count = remaining.length;
  let bytes = remaining.reduce((n, f) => n + Math.max(0, f.size), 0);
  // Oldest first; equal times by key, so the choice does not depend on the listing order.
  const oldestFirst = [...remaining].sort((a, b) => a.createdAt - b.createdAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const f of oldestFirst) {
    if (count <= limits.maxCount && bytes <= limits.maxBytes) break;
    if (keep.has(f.key)) continue;
    doomed.add(f.key);
    count -= 1;
    bytes -= Math.max(0, f.size);
  }
  return files.filter((f) => doomed.has(f.key)).map((f) => f.key);
}
