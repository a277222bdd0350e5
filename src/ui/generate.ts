import * as vscode from 'vscode';
import { FluxError } from '../core/errors';
import { plainText } from '../core/safeText';
import { TrackedAnchor, TrackedRange } from '../services/anchor';
import { type GenerationJob, type GenerationResult, type GenerationService, linkText } from '../services/generationService';
import { displayPath } from '../services/imageStore';
import { showFluxError } from './notifications';
import { showInformation, showWarning } from './messages';

export interface ProgressOptions {
  /** With no link to place, open the image beside the current editor (an edit keeps its source in view). */
  readonly openBeside?: boolean;
  /** Offer Open Settings on this failure too (an edit refused by the model or gateway). */
  readonly settingsFor?: (err: unknown) => boolean;
}

/**
 * The palette's way to make an image: a cancellable notification while it is made, then a
 * message that says where it went with its next steps (Open, Reveal in Explorer, Open in
 * Studio), or the failure with its next step. With no document to link into, the image opens.
 * Resolves to the image's URI, or undefined when cancelled or failed.
 *
 * Takes over the job's retarget range (the caller disposes it only when this is never called):
 * it and the link's place are followed until no Try Again can come any more.
 */
export async function generateWithProgress(service: GenerationService, job: GenerationJob, options: ProgressOptions = {}): Promise<vscode.Uri | undefined> {
  // Kept past a failure, so Try Again links under the same sentence, or retargets the same
  // reference, even after more typing.
  const anchor = job.link ? (job.link.anchor ?? new TrackedAnchor(job.link.document, job.link.position)) : undefined;
  const range = job.retarget ? (job.retarget.range ?? new TrackedRange(job.retarget.document, job.retarget.pathStart, job.retarget.pathEnd)) : undefined;
  const tracked: GenerationJob = {
    ...job,
    ...(job.link && anchor ? { link: { ...job.link, anchor } } : {}),
    ...(job.retarget && range ? { retarget: { ...job.retarget, range } } : {}),
  };
  const done = () => {
    if (!job.link?.anchor) anchor?.dispose();
    range?.dispose();
  };
  return attempt(service, tracked, options, done);
}

/** One try; a failure offers Try Again, which is the next try. `done` runs once, after the last. */
async function attempt(service: GenerationService, job: GenerationJob, options: ProgressOptions, done: () => void): Promise<vscode.Uri | undefined> {
  const { prompt } = job.request;
  let result: GenerationResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Flux: “{0}”', plainText(prompt, 48)), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          const size = job.request.size ?? vscode.l10n.t('the input\'s size');
          const model = job.style?.model ?? job.request.model;
          progress.report({ message: job.request.image ? vscode.l10n.t('editing with {0}, {1}…', model, job.style?.size ?? size) : vscode.l10n.t('generating with {0}, {1}…', model, job.style?.size ?? size) });
          const outcome = await service.run({ ...job, signal: controller.signal, onProgress: (message) => progress.report({ message }) });
          if (token.isCancellationRequested) throw new FluxError('cancelled', 'Cancelled.');
          return outcome;
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (err) {
    // Not awaited: the command resolves now; the message waits for the person.
    let retried = false;
    const anchor = job.link?.anchor;
    const retry = () => {
      retried = true;
      return attempt(service, job.link && anchor ? { ...job, link: { ...job.link, position: job.link.document.positionAt(anchor.offset) } } : job, options, done);
    };
    void showFluxError(err, { retry, openSettings: options.settingsFor?.(err) }).finally(() => {
      if (!retried) done();
    });
    return undefined;
  }
  done();
  void announce(result, job, options);
  return result.uri;
}

/** Says where the image went, with buttons for what comes next; never modal. */
async function announce(result: GenerationResult, job: GenerationJob, options: ProgressOptions): Promise<void> {
  const open = vscode.l10n.t('Open');
  const reveal = vscode.l10n.t('Reveal in Explorer');
  const studio = vscode.l10n.t('Open in Studio');
  const path = plainText(displayPath(result.uri));
  let choice: string | undefined;
  if (!job.link && !job.retarget) {
    await vscode.commands.executeCommand('vscode.open', result.uri, options.openBeside ? { viewColumn: vscode.ViewColumn.Beside } : undefined);
    return;
  }
  if (job.retarget) {
    const where = plainText(vscode.workspace.asRelativePath(job.retarget.document.uri));
    choice = result.link?.linked
      ? await showInformation(vscode.l10n.t('Saved {0} and pointed the image in {1}, line {2} at it.', path, where, result.link.range.start.line + 1), open, reveal, studio)
      : await showWarning(vscode.l10n.t('Saved {0}, but the reference in {1} still points at the old image: {2}.', path, where, whyNotLinked(result.link?.reason)), open, reveal);
  } else if (!job.link) {
    return;
  } else if (result.link?.linked) {
    const where = plainText(vscode.workspace.asRelativePath(result.link.document.uri));
    choice = await showInformation(vscode.l10n.t('Saved {0} and linked it in {1}, line {2}.', path, where, result.link.range.start.line + 1), open, reveal, studio);
  } else {
    const copy = vscode.l10n.t('Copy Link');
    const reason = result.link?.reason;
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
  if (choice === open) await vscode.commands.executeCommand('vscode.open', result.uri, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  else if (choice === reveal) await vscode.commands.executeCommand('revealInExplorer', result.uri);
  else if (choice === studio) await vscode.commands.executeCommand('flux.openStudio');
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
