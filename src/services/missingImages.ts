import * as vscode from 'vscode';
import type { DocumentLanguage, ImageReference } from '../core/documents/types';
import { documentLanguage } from '../core/documents/types';
import type { SkipReason } from '../core/missingImages';
import { findMissingImages, languageOfPath, planReference } from '../core/missingImages';
import { FluxError } from '../core/errors';
import { normalizeParams } from '../core/params';
import type { PlaceScope, PlaceTracker } from './places';
import { readConfig } from './config';
import type { GenerationService, JobRequest } from './generationService';
import { jobCost } from './generationService';
import type { CostItem } from '../core/prices';
import { costItem } from './costs';
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
  /** Where its references' paths are followed from the scan on, through the pick (the scan's; disposeScans lets go). */
  readonly places: PlaceScope;
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
  /** The places its references are followed in until the batch ends (disposeScans). */
  readonly places: PlaceScope;
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
export async function scanDocument(document: vscode.TextDocument, language: DocumentLanguage, tracker: PlaceTracker): Promise<DocumentScan> {
  // Loaded on first use, like the pipeline's own readers.
  const { readImageReferencesWithSkipped } = await import('../core/documents');
  const text = document.getText();
  // A reference the reader could not resolve (an AsciiDoc attribute the document does not define)
  // is never used as a path: it is listed with the others skipped.
  const { refs, skipped: unresolved } = readImageReferencesWithSkipped(text, language);
  // Followed from the same text: the person may type while the pick is open.
  const places = tracker.scope();
  for (const ref of refs) {
    const plan = planReference(ref, language);
    if (plan.kind !== 'skip' && plan.retargetTo) places.range(document, ref.pathStart, ref.pathEnd);
  }
  try {
    const scan = await scanReferences(document, language, text, refs, places);
    const early = unresolved.map((u) => ({ document, path: text.slice(u.start, u.end).trim(), reason: 'unresolved' as const }));
    return early.length ? { ...scan, skipped: [...early, ...scan.skipped] } : scan;
  } catch (err) {
    places.dispose();
    throw err;
  }
}

/** Lets go of what the scans follow in their documents; after the run (a retry scans again). */
export function disposeScans(scans: readonly DocumentScan[]): void {
  for (const scan of scans) scan.places.dispose();
}

async function scanReferences(document: vscode.TextDocument, language: DocumentLanguage, text: string, refs: readonly ImageReference[], places: PlaceScope): Promise<DocumentScan> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === document.uri.scheme && f.uri.authority === document.uri.authority);
  const dir = vscode.Uri.joinPath(document.uri, '..');
  const at = (path: string) => dir.with({ path });
  const found = await findMissingImages(text, refs, language, dir.path, folders.map((f) => f.uri.path), {
    listNames: async (folder) => {
      try {
        return new Set((await vscode.workspace.fs.readDirectory(at(folder))).map(([name]) => name));
      } catch {
        return undefined;
      }
    },
    // As ImageStore.checkFolder refuses for the output folder.
    isSymbolicLink: async (folder) => {
      const stat = await statOrUndefined(at(folder));
      return stat && (stat.type & vscode.FileType.SymbolicLink) !== 0;
    },
  });
  const skips = found.skipped.map((s) => ({ ref: s.ref, reason: s.reason }));
  const missing: MissingImage[] = [];
  for (const image of found.missing) {
    if (image.throughLink || !image.prompt) {
      skips.push({ ref: image.ref, reason: image.throughLink ? 'symlink' : 'noText' });
      continue;
    }
    missing.push({
      document,
      language,
      ref: image.ref,
      written: image.written,
      places,
      prompt: image.prompt,
      target: at(image.path),
      also: image.also,
      ...(image.retargetTo ? { retargetTo: image.retargetTo } : {}),
    });
  }
  // In the document's order, as the person reads them.
  const skipped: SkippedReference[] = skips.sort((a, b) => a.ref.start - b.ref.start).map((s) => ({ document, path: s.ref.path, reason: s.reason }));
  return { document, places, missing, skipped };
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
  styles?: DocumentStyles,
): Promise<BatchOutcome> {
  const written: WrittenImage[] = [];
  const failed: BatchOutcome['failed'] = [];
  let done = 0;
  await Promise.all(
    images.map(async (image) => {
      try {
        written.push(await generateOne(generation, log, image, signal, await styles?.of(image.document)));
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

/**
 * Each document's house style, read once, as it is when the batch starts: the pick's estimate and
 * the batch use the same. A style that cannot be used fails its document's images, with its reason.
 */
export class DocumentStyles {
  private readonly styles = new Map<vscode.TextDocument, Promise<ResolvedStyle | undefined>>();
  private readonly read = new Map<vscode.TextDocument, ResolvedStyle | undefined>();

  constructor(private readonly registry: StyleRegistry | undefined) {}

  of(document: vscode.TextDocument): Promise<ResolvedStyle | undefined> {
    let style = this.styles.get(document);
    if (!style) {
      style = this.registry ? this.registry.resolve(document) : Promise.resolve(undefined);
      this.styles.set(document, style);
      style.then((s) => this.read.set(document, s), () => undefined);
    }
    return style;
  }

  /** Every document of `images` read (a style that cannot be used is left for the batch to say). */
  async load(images: readonly MissingImage[]): Promise<void> {
    await Promise.all([...new Set(images.map((i) => i.document))].map((d) => this.of(d).catch(() => undefined)));
  }

  /** The style read for `document`, once `load` or `of` has read it; undefined for none or not usable. */
  known(document: vscode.TextDocument): ResolvedStyle | undefined {
    return this.read.get(document);
  }
}

/** What the pipeline is asked for one missing image: the same for the estimate and the run. */
export function missingJob(image: MissingImage, style: ResolvedStyle | undefined): JobRequest & { readonly target: vscode.Uri } {
  const config = readConfig(image.document.uri);
  const request = normalizeParams({ prompt: image.prompt, model: config.model, size: config.size, seed: config.seed });
  return { request, target: image.target, ...(style ? { style } : {}) };
}

/** What one missing image will cost, made with its document's settings and style, as it will be sent. */
export function missingCost(image: MissingImage, styles: DocumentStyles): CostItem {
  const config = readConfig(image.document.uri);
  try {
    return jobCost(missingJob(image, styles.known(image.document)), config);
  } catch {
    // Settings the run will refuse anyway: priced as they read.
    return costItem(config, 1, config.megapixels);
  }
}

async function generateOne(generation: GenerationService, log: vscode.LogOutputChannel, image: MissingImage, signal: AbortSignal, style: ResolvedStyle | undefined): Promise<WrittenImage> {
  if (signal.aborted) throw new FluxError('cancelled', vscode.l10n.t('Cancelled. Nothing was saved.'));
  const { request, target } = missingJob(image, style);
  const { language } = image;
  const { retargetPath } = await import('../core/documents');
  // Every reference to change: this one (`x.jpg` → `x.png`) and others in the document naming the same file.
  const toChange = [...(image.retargetTo ? [{ ref: image.ref, written: image.written, retargetTo: image.retargetTo }] : []), ...image.also];
  const places = toChange.map((p) => ({
    pathStart: p.ref.pathStart,
    pathEnd: p.ref.pathEnd,
    written: p.written,
    pathText: () => retargetPath(language, p.ref, p.retargetTo, vscode.Uri.joinPath(image.document.uri, '..').path),
  }));
  const [main, ...also] = places;
  const result = await generation.run({
    request,
    scope: image.document.uri,
    target,
    // The batch was agreed against the budget once, before the first request.
    approved: true,
    places: image.places,
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
export async function rescanFailed(failed: readonly MissingImage[], tracker: PlaceTracker): Promise<DocumentScan[]> {
  const targets = new Set(failed.map((f) => f.target.toString()));
  const documents = [...new Set(failed.map((f) => f.document))];
  const scans: DocumentScan[] = [];
  try {
    for (const document of documents) {
      const language = languageOf(document);
      if (document.isClosed || !language) continue;
      const scan = await scanDocument(document, language, tracker);
      // Those not retried (unchecked in the pick, say) are let go of with the retry's scans.
      scans.push({ document, places: scan.places, missing: scan.missing.filter((m) => targets.has(m.target.toString())), skipped: [] });
    }
  } catch (err) {
    disposeScans(scans);
    throw err;
  }
  return scans;
}
