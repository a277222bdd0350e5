import * as vscode from 'vscode';
import { FluxError } from '../core/errors';
import { plainLabel, plainText } from '../core/safeText';
import type { Services } from '../services/services';
import { sizeLabel } from '../core/sizeText';
import { readConfig } from '../services/config';
import { providerName } from '../services/keys';
import type { BatchOutcome, DocumentScan, MissingImage, SkippedReference } from '../services/missingImages';
import { DocumentStyles, disposeScans, generateBatch, missingCost, missingJob, rescanFailed } from '../services/missingImages';
import { requestToSend } from '../services/generationService';
import { whyNotLinked } from './generate';
import { localizedMessage } from './notifications';
import { showDetails } from './details';
import { showInformation, showWarning } from './messages';

/** What Generate Missing Images (and its workspace form) resolves to, for scripts that run it. */
export interface MissingImagesResult {
  readonly written: vscode.Uri[];
  readonly failed: { readonly path: string; readonly message: string }[];
  readonly skipped: string[];
}

export interface MissingRunOptions {
  /** Show the quick pick (all picked); false generates every missing image at once. */
  readonly pick: boolean;
  /** Several documents: the pick is grouped by document, the lists name each document. */
  readonly workspace: boolean;
}

interface Outcome extends BatchOutcome {
  readonly cancelled: boolean;
}

/**
 * Lists, generates and reports: the quick pick, one progress notification for all the images
 * ("3 of 12", Cancel aborts every one), then a summary with Retry Failed. Every image goes
 * through the shared pipeline, whose queue keeps to flux.maxParallelRequests.
 */
export async function generateMissingImages(services: Services, scans: readonly DocumentScan[], options: MissingRunOptions): Promise<MissingImagesResult> {
  try {
    return await generateScanned(services, scans, options);
  } finally {
    disposeScans(scans);
  }
}

async function generateScanned(services: Services, scans: readonly DocumentScan[], options: MissingRunOptions): Promise<MissingImagesResult> {
  const skipped = scans.flatMap((s) => s.skipped.map((k) => describeSkip(k, options.workspace)));
  for (const line of skipped) services.log.info(`Missing images: skipped ${line}`);
  const all = scans.flatMap((s) => s.missing);
  const nothing: MissingImagesResult = { written: [], failed: [], skipped };
  if (!all.length) {
    const where = options.workspace ? vscode.l10n.t('the workspace') : plainText(vscode.workspace.asRelativePath(scans[0]?.document.uri ?? ''));
    const none = vscode.l10n.t('No missing images in {0}: every image reference names a file that exists.', where);
    void showInformation(plainText([none, skippedSentence(skipped)].filter(Boolean).join(' ')));
    return nothing;
  }
  // Each document's style, read once before the pick: its estimate is of what will be sent.
  const styles = new DocumentStyles(services.styles);
  await styles.load(all);
  const chosen = options.pick ? await pick(services, all, options.workspace, styles) : all;
  if (!chosen?.length) return nothing;
  // One question for the whole batch, before anything is sent.
  if (!(await services.costs.approve(chosen.map((image) => missingCost(image, styles)), chosen[0]?.document.uri))) return nothing;
  const outcome = await run(services, chosen, styles);
  const result: MissingImagesResult = {
    written: outcome.written.map((w) => w.uri),
    failed: outcome.failed.map((f) => ({ path: workspacePath(f.image.target), message: localizedMessage(f.error) })),
    skipped,
  };
  void summarize(services, outcome, chosen.length, skipped, options);
  return result;
}

/** Scans the documents again and generates those of `failed` that are still missing. */
async function retryFailed(services: Services, failed: readonly MissingImage[], options: MissingRunOptions): Promise<MissingImagesResult> {
  return generateMissingImages(services, await rescanFailed(failed, services.places), { ...options, pick: false });
}

async function pick(services: Services, all: readonly MissingImage[], grouped: boolean, styles: DocumentStyles): Promise<MissingImage[] | undefined> {
  type Item = vscode.QuickPickItem & { image?: MissingImage };
  const items: Item[] = [];
  let last: vscode.TextDocument | undefined;
  for (const image of all) {
    if (grouped && image.document !== last) {
      items.push({ label: plainLabel(vscode.workspace.asRelativePath(image.document.uri)), kind: vscode.QuickPickItemKind.Separator });
      last = image.document;
    }
    // Alt text and paths come from the document: plain labels, never icons.
    // A `street.jpg` becomes `street.png`: said before anything is spent, on the item itself.
    // On a line of its own, so it is read whole: what will be sent for it, and a reference it rewrites.
    const rewrite = image.retargetTo ? vscode.l10n.t('The reference {0} will be changed to {1}: the service answers PNG.', image.written, image.retargetTo) : undefined;
    const detail = plainLabel([sentLine(image, styles), rewrite].filter(Boolean).join(' — '));
    items.push({ label: plainLabel(image.prompt), description: plainLabel(workspacePath(image.target)), detail, picked: true, image });
  }
  const name = grouped ? vscode.l10n.t('Flux: Generate Missing Images in Workspace') : vscode.l10n.t('Flux: Generate Missing Images');
  const qp = vscode.window.createQuickPick<Item>();
  qp.canSelectMany = true;
  qp.ignoreFocusOut = true;
  qp.matchOnDescription = true;
  qp.placeholder = vscode.l10n.t('Uncheck the images to leave alone, then press Enter');
  qp.items = items;
  qp.selectedItems = items.filter((i) => i.image);
  // The title says what the images picked would cost, and follows every tick.
  const retitle = () => {
    const chosen = qp.selectedItems.flatMap((i) => (i.image ? [i.image] : []));
    qp.title = vscode.l10n.t('{0}: {1} images, {2}', name, chosen.length, missingImagesEstimate(services, chosen, styles).text);
  };
  retitle();
  try {
    return await new Promise<MissingImage[] | undefined>((resolve) => {
      qp.onDidChangeSelection(retitle);
      qp.onDidAccept(() => {
        resolve(qp.selectedItems.flatMap((i) => (i.image ? [i.image] : [])));
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
  } finally {
    qp.dispose();
  }
}

/** What making these images would cost, each with its own document's settings and style. */
export function missingImagesEstimate(services: Services, images: readonly MissingImage[], styles: DocumentStyles) {
  return services.costs.estimate(images.map((image) => missingCost(image, styles)), images[0]?.document.uri);
}

/** How many, and with what: model, size and provider from the settings of the first document. */
/** What will be sent for `image`: model · size · provider, and its document's style (as the run sends it). */
function sentLine(image: MissingImage, styles: DocumentStyles): string {
  const config = readConfig(image.document.uri);
  const style = styles.known(image.document);
  const request = requestToSend(missingJob(image, style), config);
  const parts = [request.model, sizeLabel(request.size ?? config.size), providerName(config.provider)];
  if (style) parts.push(vscode.l10n.t('style {0}', style.name));
  return parts.join(' · ');
}

async function run(services: Services, images: readonly MissingImage[], styles: DocumentStyles): Promise<Outcome> {
  let cancelled = false;
  const batch = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Flux: Generate Missing Images'), cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => {
        cancelled = true;
        controller.abort();
      });
      progress.report({ message: vscode.l10n.t('{0} of {1}', 0, images.length) });
      try {
        return await generateBatch(services.generation, services.log, images, controller.signal, (done) =>
          progress.report({ message: vscode.l10n.t('{0} of {1}', done, images.length), increment: 100 / images.length }),
          styles,
        );
      } finally {
        sub.dispose();
      }
    },
  );
  return { ...batch, cancelled };
}

/**
 * The summary: one short sentence in a notification (not modal), the whole of it in the log and,
 * with Show Details, in a read-only document where it can be read whole. Retry Failed reruns only
 * the failed ones; after Cancel nothing failed, so Generate the Rest comes second, not first.
 */
async function summarize(services: Services, outcome: Outcome, asked: number, skipped: readonly string[], options: MissingRunOptions): Promise<void> {
  const { written, failed } = outcome;
  const short = outcome.cancelled
    ? vscode.l10n.t('Cancelled: {0} of {1} images were written; the others left nothing behind.', written.length, asked)
    : failed.length
      ? vscode.l10n.t('Generated {0} of {1} missing images; {2} failed.', written.length, asked, failed.length)
      : vscode.l10n.t('Generated {0} of {1} missing images.', written.length, asked);
  const where = (w: { image: MissingImage }) => (options.workspace ? `${vscode.workspace.asRelativePath(w.image.document.uri)}: ` : '');
  const paragraphs: string[] = [short];
  if (written.length) paragraphs.push([vscode.l10n.t('Written:'), ...written.map((w) => `- ${where(w)}${workspacePath(w.uri)}`)].join('\n'));
  const changed = [...new Set(written.flatMap((w) => w.changed))];
  if (changed.length) paragraphs.push(vscode.l10n.t('The service answers PNG, so these references now name the .png file (one Undo takes each back): {0}.', changed.join(', ')));
  // Written, but the reference could not be changed (the person changed it meanwhile, say).
  const left = written.filter((w) => w.unchanged.length);
  if (left.length) {
    const items = left.map((w) => `${where(w)}${w.unchanged.map((u) => `${u.pair} (${whyNotLinked(u.reason)})`).join(', ')}`);
    paragraphs.push(vscode.l10n.t('These references could not be changed to name the .png written for them; change them yourself: {0}.', items.join('; ')));
  }
  const real = failed.filter((f) => !(f.error instanceof FluxError && f.error.kind === 'cancelled'));
  if (real.length) paragraphs.push([vscode.l10n.t('Not generated:'), ...real.map((f) => `- ${where(f)}${workspacePath(f.image.target)}: ${localizedMessage(f.error)}`)].join('\n'));
  const skip = skippedSentence(skipped);
  if (skip) paragraphs.push(skip);
  // Line by line: no control or bidi characters, but the lines and lists stay.
  const details = paragraphs
    .join('\n\n')
    .split('\n')
    .map((line) => (line ? plainText(line, 20_000) : line))
    .join('\n');
  for (const line of details.split('\n')) if (line) services.log.info(`Missing images: ${line}`);
  const showDetailsLabel = vscode.l10n.t('Show Details');
  const retry = outcome.cancelled ? vscode.l10n.t('Generate the Rest') : vscode.l10n.t('Retry Failed');
  const buttons = !failed.length ? [showDetailsLabel] : outcome.cancelled ? [showDetailsLabel, retry] : [retry, showDetailsLabel];
  const message = plainText(short);
  const choice = failed.length || left.length ? await showWarning(message, ...buttons) : await showInformation(message, ...buttons);
  if (choice === retry) {
    await retryFailed(
      services,
      failed.map((f) => f.image),
      options,
    );
  } else if (choice === showDetailsLabel) {
    await showDetails(vscode.l10n.t('Missing Images summary'), `${details}\n`);
  }
}

function skippedSentence(skipped: readonly string[]): string {
  return skipped.length ? vscode.l10n.t('Skipped {0}: {1}.', skipped.length, skipped.join('; ')) : '';
}

/** `img/x.png (no alt text or caption)`, with the document first when there are several. */
function describeSkip(k: SkippedReference, withDocument: boolean): string {
  const path = k.path.length > 120 ? `${k.path.slice(0, 119)}…` : k.path;
  const text = `${path} (${reasonText(k.reason)})`;
  return withDocument ? `${vscode.workspace.asRelativePath(k.document.uri)}: ${text}` : text;
}

function reasonText(reason: SkippedReference['reason']): string {
  switch (reason) {
    case 'url':
      return vscode.l10n.t('a URL, not a file in the workspace');
    case 'absolute':
      return vscode.l10n.t('an absolute path; only paths relative to the document are generated');
    case 'notImage':
      return vscode.l10n.t('not a .png, .jpg, .jpeg or .webp file');
    case 'outside':
      return vscode.l10n.t('outside the workspace');
    case 'symlink':
      return vscode.l10n.t('its folder is a symbolic link, which may lead out of the workspace');
    case 'noText':
      return vscode.l10n.t('no alt text or caption to use as the prompt');
    case 'unresolved':
      return vscode.l10n.t('it names an attribute the document does not define, so its path is not known');
  }
}

/** Workspace-relative (the folder's name first only in a multi-root workspace). */
function workspacePath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri);
}
