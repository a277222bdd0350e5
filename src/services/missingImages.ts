import * as vscode from 'vscode';
import type { DocumentLanguage, ImageReference } from '../core/documents/types';
import { documentLanguage } from '../core/documents/types';
import type { SkipReason } from '../core/missingImages';
import { foldersBetween, languageOfPath, placeInside, planReference, resolveRelative } from '../core/missingImages';
import { FluxError } from '../core/errors';
import { normalizeParams } from '../core/params';
import { TrackedRange } from './anchor';
import { readConfig } from './config';
import type { GenerationService } from './generationService';
import type { LinkOutcome } from './linkInserter';
import { statOrUndefined } from './imageStore';
import type { ResolvedStyle, StyleRegistry } from './styles';

/** A reference whose file is missing and will be generated. */
export interface MissingImage {
  readonly document: vscode.TextDocument;
  readonly language: DocumentLanguage;
  readonly ref: ImageReference;
  /** The path as written when the document was scanned (the person may type before it is used). */
  readonly written: string;
  /** For a reference to retarget: its path, followed from the scan on, through the pick. Disposed by disposeScans. */
  readonly range?: TrackedRange;
  readonly prompt: string;
  /** Where the image is written (the reference's path, or its `.png` twin). */
  readonly target: vscode.Uri;
  /** The reference's new path (relative to the document) when `target` is not what it names. */
  readonly retargetTo?: string;
  /** Other references in the document to the same file that are changed with it (`x.jpg` twice). */
  readonly also: AlsoReference[];
}

/** A second reference to a missing image's file, whose path changes with the first's. */
export interface AlsoReference {
  readonly ref: ImageReference;
  readonly written: string;
  readonly range?: TrackedRange;
  readonly retargetTo: string;
}

export interface SkippedReference {
  readonly document: vscode.TextDocument;
  /** The path as written (for a reference the reader could not resolve, its whole text). */
  readonly path: string;
  readonly reason: SkipReason;
}

export interface DocumentScan {
  readonly document: vscode.TextDocument;
  readonly missing: MissingImage[];
  readonly skipped: SkippedReference[];
}

/** The document's language: its language id, else its file extension (an `.adoc` opened as plain text). */
export function languageOf(document: vscode.TextDocument): DocumentLanguage | undefined {
  return documentLanguage(document.languageId) ?? (document.uri.scheme === 'untitled' ? undefined : languageOfPath(document.uri.path));
}

/**
 * Every reference of the document whose PATH is relative, stays inside the workspace (also
 * through symbolic links) and names a file that does not exist; the others that cannot be
 * generated, with their reason. A file named by two references is generated once.
 */
export async function scanDocument(document: vscode.TextDocument, language: DocumentLanguage): Promise<DocumentScan> {
  // Loaded on first use, like the pipeline's own readers.
  const { readImageReferencesWithSkipped } = await import('../core/documents');
  const text = document.getText();
  // A reference the reader could not resolve (an AsciiDoc attribute the document does not define)
  // is never used as a path: it is listed with the others skipped.
  const { refs, skipped: unresolved } = readImageReferencesWithSkipped(text, language);
  // Followed from the same text: the person may type while the pick is open.
  const ranges = new Map<ImageReference, TrackedRange>();
  for (const ref of refs) {
    const plan = planReference(ref, language);
    if (plan.kind !== 'skip' && plan.retargetTo) ranges.set(ref, new TrackedRange(document, ref.pathStart, ref.pathEnd));
  }
  const all = [...ranges.values()];
  try {
    const scan = await scanReferences(document, language, text, refs, ranges);
    for (const range of ranges.values()) range.dispose();
    const early = unresolved.map((u) => ({ document, path: text.slice(u.start, u.end).trim(), reason: 'unresolved' as const }));
    return early.length ? { ...scan, skipped: [...early, ...scan.skipped] } : scan;
  } catch (err) {
    for (const range of all) range.dispose();
    throw err;
  }
}

/** Disposes what the scans follow in their documents; after the run (a retry scans again). */
export function disposeScans(scans: readonly DocumentScan[]): void {
  for (const scan of scans) {
    for (const image of scan.missing) {
      image.range?.dispose();
      for (const other of image.also) other.range?.dispose();
    }
  }
}

/** `ranges`: those taken for a missing image are removed from it (the caller disposes the rest). */
async function scanReferences(
  document: vscode.TextDocument,
  language: DocumentLanguage,
  text: string,
  refs: readonly ImageReference[],
  ranges: Map<ImageReference, TrackedRange>,
): Promise<DocumentScan> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === document.uri.scheme && f.uri.authority === document.uri.authority);
  const dir = vscode.Uri.joinPath(document.uri, '..');
  const missing: MissingImage[] = [];
  const skipped: SkippedReference[] = [];
  const seen = new Map<string, MissingImage>();
  const listings = new Map<string, Promise<Set<string> | undefined>>();
  const stats = new Map<string, Promise<vscode.FileStat | undefined>>();

  for (const ref of refs) {
    const plan = planReference(ref, language);
    if (plan.kind === 'skip') {
      skipped.push({ document, path: ref.path, reason: plan.reason });
      continue;
    }
    const place = placeInside(dir.path, plan.writePath, folders.map((f) => f.uri.path));
    if (!place) {
      skipped.push({ document, path: ref.path, reason: 'outside' });
      continue;
    }
    const target = dir.with({ path: place.path });
    // Any of the names that would satisfy the reference: one listing per folder, not a stat each.
    let exists = false;
    for (const name of plan.existing) {
      const path = resolveRelative(dir.path, name);
      if (path === undefined) continue;
      const parent = path.slice(0, path.lastIndexOf('/')) || '/';
      const key = dir.with({ path: parent }).toString();
      if (!listings.has(key)) listings.set(key, listNames(dir.with({ path: parent })));
      if ((await listings.get(key))?.has(path.slice(path.lastIndexOf('/') + 1))) {
        exists = true;
        break;
      }
    }
    // A reference whose own file exists (`x.jpg` beside a missing `x.png`) is left alone.
    if (exists) continue;
    const first = seen.get(target.toString());
    if (first) {
      // Made once; a second reference that names it otherwise (`x.jpg` again) is changed with the
      // first. Images sharing one Markdown definition share its path: that is changed once.
      const samePath = (r: ImageReference) => r.pathStart === ref.pathStart && r.pathEnd === ref.pathEnd;
      if (plan.retargetTo && !samePath(first.ref) && !first.also.some((a) => samePath(a.ref))) {
        const range = ranges.get(ref);
        ranges.delete(ref);
        first.also.push({ ref, written: text.slice(ref.pathStart, ref.pathEnd), ...(range ? { range } : {}), retargetTo: plan.retargetTo });
      }
      continue;
    }
    if (await throughLink(dir.with({ path: place.folder }), foldersBetween(place.folder, place.path), stats)) {
      skipped.push({ document, path: ref.path, reason: 'symlink' });
      continue;
    }
    if (!plan.prompt) {
      skipped.push({ document, path: ref.path, reason: 'noText' });
      continue;
    }
    const range = ranges.get(ref);
    ranges.delete(ref);
    const image: MissingImage = { document, language, ref, written: text.slice(ref.pathStart, ref.pathEnd), prompt: plan.prompt, target, also: [], ...(range ? { range } : {}), ...(plan.retargetTo ? { retargetTo: plan.retargetTo } : {}) };
    seen.set(target.toString(), image);
    missing.push(image);
  }
  return { document, missing, skipped };
}

async function listNames(folder: vscode.Uri): Promise<Set<string> | undefined> {
  try {
    return new Set((await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name));
  } catch {
    return undefined;
  }
}

/**
 * True when a folder between the workspace folder and the file is a symbolic link (it may lead
 * out of the workspace), as ImageStore.checkFolder refuses for the output folder. A folder that
 * does not exist yet ends the walk: the rest will be created.
 */
async function throughLink(root: vscode.Uri, segments: readonly string[], cache: Map<string, Promise<vscode.FileStat | undefined>>): Promise<boolean> {
  let folder = root;
  for (const segment of segments) {
    folder = vscode.Uri.joinPath(folder, segment);
    const key = folder.toString();
    if (!cache.has(key)) cache.set(key, statOrUndefined(folder));
    const stat = await cache.get(key);
    if (!stat) return false;
    if (stat.type & vscode.FileType.SymbolicLink) return true;
  }
  return false;
}

/** What became of one written image's references: `a.jpg → a.png` changed, or left with why. */
export interface WrittenImage {
  readonly image: MissingImage;
  readonly uri: vscode.Uri;
  readonly changed: string[];
  readonly unchanged: { readonly pair: string; readonly reason: NotLinked }[];
}

type NotLinked = Extract<LinkOutcome, { linked: false }>['reason'];

export interface BatchOutcome {
  /** In the order the images were given. */
  readonly written: WrittenImage[];
  readonly failed: { readonly image: MissingImage; readonly error: unknown }[];
}

/**
 * Generates every image through the shared pipeline, all at once (its queue keeps to
 * flux.maxParallelRequests); `onDone` counts each one finished, written or failed. An abort of
 * `signal` cancels those not yet written. Never throws: a failure is the image's own outcome.
 */
export async function generateBatch(
  generation: GenerationService,
  log: vscode.LogOutputChannel,
  images: readonly MissingImage[],
  signal: AbortSignal,
  onDone: (done: number) => void,
  styles?: StyleRegistry,
): Promise<BatchOutcome> {
  const written: WrittenImage[] = [];
  const failed: BatchOutcome['failed'] = [];
  let done = 0;
  // Each document its own house style, read once, as it is when the batch starts.
  const styleOf = new Map<vscode.TextDocument, Promise<ResolvedStyle | undefined>>();
  const documentStyle = (document: vscode.TextDocument) => {
    let style = styleOf.get(document);
    if (!style) styleOf.set(document, (style = styles ? styles.resolve(document) : Promise.resolve(undefined)));
    return style;
  };
  await Promise.all(
    images.map(async (image) => {
      try {
        written.push(await generateOne(generation, log, image, signal, await documentStyle(image.document)));
      } catch (error) {
        failed.push({ image, error });
      } finally {
        onDone(++done);
      }
    }),
  );
  const order = new Map(images.map((image, i) => [image, i]));
  written.sort((a, b) => order.get(a.image)! - order.get(b.image)!);
  failed.sort((a, b) => order.get(a.image)! - order.get(b.image)!);
  return { written, failed };
}

async function generateOne(generation: GenerationService, log: vscode.LogOutputChannel, image: MissingImage, signal: AbortSignal, style: ResolvedStyle | undefined): Promise<WrittenImage> {
  if (signal.aborted) throw new FluxError('cancelled', vscode.l10n.t('Cancelled. Nothing was saved.'));
  const config = readConfig(image.document.uri);
  const request = normalizeParams({ prompt: image.prompt, model: config.model, size: config.size, seed: config.seed });
  const { language } = image;
  const { retargetPath } = await import('../core/documents');
  // Every reference to change: this one (`x.jpg` → `x.png`) and others in the document naming the same file.
  const toChange = [...(image.retargetTo ? [{ ref: image.ref, written: image.written, range: image.range, retargetTo: image.retargetTo }] : []), ...image.also];
  const places = toChange.map((p) => ({
    pathStart: p.ref.pathStart,
    pathEnd: p.ref.pathEnd,
    written: p.written,
    ...(p.range ? { range: p.range } : {}),
    pathText: () => retargetPath(language, p.ref, p.retargetTo),
  }));
  const [main, ...also] = places;
  const result = await generation.run({
    request,
    scope: image.document.uri,
    target: image.target,
    // The batch was agreed against the budget once, before the first request.
    approved: true,
    ...(main ? { retarget: { document: image.document, ...main, also } } : {}),
    ...(style ? { style } : {}),
    signal,
  });
  const link = result.link;
  const pair = (p: (typeof toChange)[number]) => `${p.ref.path} → ${p.retargetTo}`;
  // Left as they were: all of them when the edit was refused, else those the person changed meanwhile.
  const left = !link ? [] : link.linked ? (link.left ?? []) : toChange.map((_, i) => i);
  const reason: NotLinked = link && !link.linked ? link.reason : 'refused';
  const unchanged = left.map((i) => ({ pair: pair(toChange[i]!), reason }));
  const changed = link?.linked ? toChange.filter((_, i) => !left.includes(i)).map(pair) : [];
  if (unchanged.length) {
    const where = (uri: vscode.Uri) => vscode.workspace.asRelativePath(uri);
    log.warn(`Missing images: ${where(result.uri)} written, but in ${where(image.document.uri)} these references were not changed: ${unchanged.map((u) => `${u.pair} (${u.reason})`).join(', ')}.`);
  }
  return { image, uri: result.uri, changed, unchanged };
}

/** The documents of `failed` scanned again: only those still missing, each followed anew. */
export async function rescanFailed(failed: readonly MissingImage[]): Promise<DocumentScan[]> {
  const targets = new Set(failed.map((f) => f.target.toString()));
  const documents = [...new Set(failed.map((f) => f.document))];
  const scans: DocumentScan[] = [];
  try {
    for (const document of documents) {
      const language = languageOf(document);
      if (document.isClosed || !language) continue;
      const scan = await scanDocument(document, language);
      scans.push({ document, missing: scan.missing.filter((m) => targets.has(m.target.toString())), skipped: [] });
      // Those not retried (unchecked in the pick, say) are not followed any longer.
      disposeScans([{ ...scan, missing: scan.missing.filter((m) => !targets.has(m.target.toString())) }]);
    }
  } catch (err) {
    disposeScans(scans);
    throw err;
  }
  return scans;
}
