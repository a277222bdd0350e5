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
import type { ScanFiles, SkipReason } from '../core/missingImages';
import { findMissingImages } from '../core/missingImages';
import { fromSlash, toSlash } from './paths';
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
  const rootPath = toSlash(root);
  const files = nodeFiles();
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
    const scan = await findMissingImages(text, refs, found.language, dir, [rootPath], files);
    for (const s of scan.skipped) skipped.push({ document: found.repoPath, reference: s.ref.path, why: s.reason });
    for (const image of scan.missing) {
      const target = fromSlash(image.path);
      missing.push({
        document,
        ref: image.ref,
        written: image.written,
        prompt: image.prompt,
        target,
        repoPath: repoRelative(root, target),
        also: image.also,
        throughLink: image.throughLink,
        ...(image.retargetTo ? { retargetTo: image.retargetTo } : {}),
      });
    }
  }
  return { documents: documents.length, missing, skipped };
}

/** Synchronous reads through Node (see above), each folder read once for the whole scan. */
function nodeFiles(): ScanFiles {
  const listings = new Map<string, Set<string> | undefined>();
  const links = new Map<string, boolean | undefined>();
  const list = (folder: string) => {
    try {
      return new Set(fs.readdirSync(fromSlash(folder)));
    } catch {
      return undefined;
    }
  };
  return {
    listNames: (folder) => (listings.has(folder) ? listings.get(folder) : listings.set(folder, list(folder)).get(folder)),
    isSymbolicLink: (folder) => (links.has(folder) ? links.get(folder) : links.set(folder, fs.lstatSync(fromSlash(folder), { throwIfNoEntry: false })?.isSymbolicLink()).get(folder)),
  };
}

/** core/missingImages works on `/`-separated absolute paths. */
