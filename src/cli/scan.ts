// Which image references of the documents name a missing file, by the same rules as Generate
// Missing Images: the references read per language (core/documents), each planned by
// core/missingImages (URLs, absolute paths and non-images skipped, `.jpg` written as `.png`, LaTeX's
// implicit extensions), kept inside the repository, not through a symbolic link, one image per file.
// Synchronous reads: thousands of small files go faster without a thread-pool round trip each,
// and nothing else runs meanwhile in a command-line scan.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readImageReferencesWithSkipped } from '../core/documents';
import type { ImageReference } from '../core/documents/types';
import type { SkipReason } from '../core/missingImages';
import { foldersBetween, placeInside, planReference, resolveRelative } from '../core/missingImages';
import type { FoundDocument } from './walk';
import { repoRelative } from './walk';

/** A document as read: its text exactly as on disk (UTF-8). */
export interface ReadDocument extends FoundDocument {
  readonly text: string;
}

export interface MissingImage {
  readonly document: ReadDocument;
  readonly ref: ImageReference;
  /** The path as written in the document (the text between `ref.pathStart` and `ref.pathEnd`). */
  readonly written: string;
  /** The alt text or caption; '' when there is none (then fill skips it, check still reports it). */
  readonly prompt: string;
  /** Absolute, native separators: where the image is written. */
  readonly target: string;
  /** `target` relative to the repository root, `/` separators (what --shard hashes). */
  readonly repoPath: string;
  /** The reference's new path, relative to the document, when the file written is not the one it names. */
  readonly retargetTo?: string;
  /** Other references of the document to the same file, changed with it (`x.jpg` twice). */
  readonly also: { readonly ref: ImageReference; readonly written: string; readonly retargetTo: string }[];
  /** Made through a folder that is a symbolic link: reported by check, never written by fill. */
  readonly throughLink: boolean;
}

export type SkipWhy = SkipReason | 'unreadable' | 'notUtf8' | 'reader';

export interface SkippedReference {
  /** The document, relative to the repository. */
  readonly document: string;
  /** The reference's path as read, or '' for the document as a whole. */
  readonly reference: string;
  readonly why: SkipWhy;
  /** The reader's own words, for `reader`. */
  readonly detail?: string;
}

export interface Scan {
  readonly documents: number;
  readonly missing: MissingImage[];
  readonly skipped: SkippedReference[];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export async function scanDocuments(root: string, documents: readonly FoundDocument[]): Promise<Scan> {
  const missing: MissingImage[] = [];
  const skipped: SkippedReference[] = [];
  const listings = new Map<string, Set<string> | undefined>();
  const links = new Map<string, boolean | undefined>();
  const rootPath = toSlash(root);
  for (const found of documents) {
    let text: string;
    try {
      text = strictUtf8.decode(fs.readFileSync(found.file));
    } catch (err) {
      skipped.push({ document: found.repoPath, reference: '', why: err instanceof TypeError ? 'notUtf8' : 'unreadable' });
      continue;
    }
    const document: ReadDocument = { ...found, text };
    const { refs, skipped: unread } = readImageReferencesWithSkipped(text, found.language);
    for (const s of unread) skipped.push({ document: found.repoPath, reference: text.slice(s.start, s.end).trim().slice(0, 120), why: 'reader', detail: s.reason });
    const dir = toSlash(path.dirname(found.file));
    const seen = new Map<string, MissingImage>();
    for (const ref of refs) {
      const plan = planReference(ref, found.language);
      if (plan.kind === 'skip') {
        skipped.push({ document: found.repoPath, reference: ref.path, why: plan.reason });
        continue;
      }
      const place = placeInside(dir, plan.writePath, [rootPath]);
      if (!place) {
        skipped.push({ document: found.repoPath, reference: ref.path, why: 'outside' });
        continue;
      }
      if (anyExists(dir, plan.existing, listings)) continue;
      const target = fromSlash(place.path);
      const first = seen.get(target);
      if (first) {
        const samePath = (r: ImageReference) => r.pathStart === ref.pathStart && r.pathEnd === ref.pathEnd;
        if (plan.retargetTo && !samePath(first.ref) && !first.also.some((a) => samePath(a.ref))) {
          first.also.push({ ref, written: text.slice(ref.pathStart, ref.pathEnd), retargetTo: plan.retargetTo });
        }
        continue;
      }
      const image: MissingImage = {
        document,
        ref,
        written: text.slice(ref.pathStart, ref.pathEnd),
        prompt: plan.prompt,
        target,
        repoPath: repoRelative(root, target),
        also: [],
        throughLink: throughLink(root, foldersBetween(place.folder, place.path), links),
        ...(plan.retargetTo ? { retargetTo: plan.retargetTo } : {}),
      };
      seen.set(target, image);
      missing.push(image);
    }
  }
  return { documents: documents.length, missing, skipped };
}

/** Any of the names (relative to `dir`) exists: one listing per folder, not a stat each. */
function anyExists(dir: string, names: readonly string[], listings: Map<string, Set<string> | undefined>): boolean {
  for (const name of names) {
    const full = resolveRelative(dir, name);
    if (full === undefined) continue;
    const parent = full.slice(0, full.lastIndexOf('/')) || '/';
    if (!listings.has(parent)) listings.set(parent, listNames(fromSlash(parent)));
    if (listings.get(parent)?.has(full.slice(full.lastIndexOf('/') + 1))) return true;
  }
  return false;
}

function listNames(folder: string): Set<string> | undefined {
  try {
    return new Set(fs.readdirSync(folder));
  } catch {
    return undefined;
  }
}

/** A folder between the root and the file is a symbolic link (it may lead out of the repository). */
function throughLink(root: string, segments: readonly string[], cache: Map<string, boolean | undefined>): boolean {
  let folder = root;
  for (const segment of segments) {
    folder = path.join(folder, segment);
    if (!cache.has(folder)) cache.set(folder, fs.lstatSync(folder, { throwIfNoEntry: false })?.isSymbolicLink());
    const link = cache.get(folder);
    // undefined: the folder does not exist yet (the rest will be created).
    if (link === undefined) return false;
    if (link) return true;
  }
  return false;
}

/** core/missingImages works on `/`-separated absolute paths. */
function toSlash(p: string): string {
  return path.sep === '/' ? p : `/${p.split(path.sep).join('/')}`;
}

function fromSlash(p: string): string {
  return path.sep === '/' ? p : p.slice(1).split('/').join(path.sep);
}
