import * as vscode from 'vscode';
import { plainText } from '../core/safeText';
import { type GenerationJob, type GenerationResult, type GenerationService, linkText } from '../services/generationService';
import { displayPath } from '../services/imageStore';
import { type LinkSummary, linkSummaryFor, openImage, revealImage } from './linkSummary';
import { showFluxError } from './notifications';
import { showWarning } from './messages';

export interface ProgressOptions {
  /** With no link to place, open the image beside the current editor (an edit keeps its source in view). */
  readonly openBeside?: boolean;
  /** Offer Open Settings on this failure too (an edit refused by the model or gateway). */
  readonly settingsFor?: (err: unknown) => boolean;
}

/**
 * The palette's way to make an image: the status bar item while it is made (cancellable from
 * there), then a message that says where it went with its next steps (Open, Reveal in Explorer,
 * Open in Studio), one for all the images that finish together; or the failure with its next step. With no document to link into, the image opens.
 * Resolves to the image's URI, or undefined when cancelled or failed.
 *
 * The job's places (its own scope, or one made now) are followed until no Try Again can come any
 * more, so Try Again links under the same sentence, or retargets the same reference, even after
 * more typing.
 */
export async function generateWithProgress(service: GenerationService, job: GenerationJob, options: ProgressOptions = {}): Promise<vscode.Uri | undefined> {
  const places = service.places.scope(job.places);
  // Followed from now (a scope follows a value from when it is first asked for it).
  if (job.link) places.at(job.link.document, job.link.position);
  if (job.retarget) for (const p of [job.retarget, ...(job.retarget.also ?? [])]) places.range(job.retarget.document, p.pathStart, p.pathEnd);
  return attempt(service, { ...job, places }, options, () => places.dispose());
}

/** One try; a failure offers Try Again, which is the next try. `done` runs once, after the last. */
async function attempt(service: GenerationService, job: GenerationJob, options: ProgressOptions, done: () => void): Promise<vscode.Uri | undefined> {
  // No toast per image: the one status bar item (ui/workStatus.ts) says what is in progress and
  // cancels; finished images are told together (ui/linkSummary.ts).
  const summary = linkSummaryFor(service);
  summary.begin();
  let result: GenerationResult;
  try {
    result = await service.run(job);
  } catch (err) {
    summary.end();
    // Not awaited: the command resolves now; the message waits for the person.
    let retried = false;
    // The same job: its places have followed the text since the first try.
    const again = (prompt?: string) => {
      retried = true;
      if (prompt === undefined) return attempt(service, job, options, done);
      // New words: a recorded style's `sentPrompt` (Regenerate, Reproduce) is the old words filled
      // in; the style's template is filled again with the new ones.
      const style = job.style ? { ...job.style, sentPrompt: undefined } : undefined;
      return attempt(service, { ...job, request: { ...job.request, prompt }, ...(style ? { style } : {}) }, options, done);
    };
    void showFluxError(err, { retry: () => again(), editPrompt: { prompt: job.request.prompt, run: (prompt) => again(prompt) }, openSettings: options.settingsFor?.(err) }).finally(() => {
      if (!retried) done();
    });
    return undefined;
  }
  done();
  try {
    await announce(result, job, options, summary);
  } finally {
    summary.end();
  }
  return result.uri;
}

/** Says where the image went: a linked image joins the summary of images finished together; never modal. */
async function announce(result: GenerationResult, job: GenerationJob, options: ProgressOptions, summary: LinkSummary): Promise<void> {
  if (!job.link && !job.retarget) {
    void vscode.commands.executeCommand('vscode.open', result.uri, options.openBeside ? { viewColumn: vscode.ViewColumn.Beside } : undefined);
    return;
  }
  if (result.link?.linked) {
    summary.add({ image: result.uri, document: result.link.document.uri, retargeted: Boolean(job.retarget) });
    return;
  }
  void notLinked(result, job);
}

/** The image is saved but its link is not where it should be: why, with Copy Link when there is no link at all. */
async function notLinked(result: GenerationResult, job: GenerationJob): Promise<void> {
  const open = vscode.l10n.t('Open');
  const reveal = vscode.l10n.t('Reveal in Explorer');
  const path = plainText(displayPath(result.uri));
  const reason = result.link && !result.link.linked ? result.link.reason : undefined;
  let choice: string | undefined;
  if (job.retarget) {
    const where = plainText(vscode.workspace.asRelativePath(job.retarget.document.uri));
    choice = await showWarning(vscode.l10n.t('Saved {0}, but the reference in {1} still points at the old image: {2}.', path, where, whyNotLinked(reason)), open, reveal);
  } else if (job.link) {
    const copy = vscode.l10n.t('Copy Link');
    const why =
      reason === 'readonly'
        ? vscode.l10n.t('the document is read-only')
        : reason === 'closed'
          ? vscode.l10n.t('the document was closed')
          : reason === 'hiddenUnsaved'
            ? vscode.l10n.t('the document was closed with unsaved changes')
            : vscode.l10n.t('the document refused the change');
    choice = await showWarning(vscode.l10n.t('Saved {0}, but did not link it: {1}.', path, why), copy, open, reveal);
    if (choice === copy) {
      // In the document's own syntax; a path it cannot hold (LaTeX's `%`) says so instead.
      try {
        await vscode.env.clipboard.writeText(await linkText(job.link.document, job.request.prompt, result.uri));
      } catch (err) {
        await showFluxError(err);
      }
    }
  }
  if (choice === open) await openImage(result.uri);
  else if (choice === reveal) await revealImage(result.uri);
}

/** Why a retargeted reference was left as it was. */
export function whyNotLinked(reason: string | undefined): string {
  switch (reason) {
    case 'readonly':
      return vscode.l10n.t('the document is read-only');
    case 'closed':
      return vscode.l10n.t('the document was closed');
    case 'hiddenUnsaved':
      return vscode.l10n.t('the document was closed with unsaved changes');
    default:
      return vscode.l10n.t('the document changed there meanwhile');
  }
}
