import * as vscode from 'vscode';
import { TrackedAnchor } from './anchor';
import { FluxError } from './core/errors';
import type { GenerationParams } from './core/params';
import { readConfig } from './config';
import { showFluxError } from './errorMessages';
import type { Generator } from './generator';
import type { ImageFiles } from './imageFiles';
import { displayPath, linkPathFor } from './imageFiles';
import { markdownImageLink } from './core/markdown';

export interface Services {
  readonly generator: Generator;
  readonly files: ImageFiles;
  readonly log: vscode.LogOutputChannel;
}

export interface Placement {
  readonly document: vscode.TextDocument;
  readonly position: vscode.Position;
  readonly placement: 'cursor' | 'belowLine';
}

/**
 * The palette and selection flow: generate under a cancellable notification, write the file,
 * link it where the person asked (following their edits meanwhile) or open it. Resolves to the
 * image's URI, or undefined when cancelled or failed (the failure is shown, with a next step).
 */
export async function generateAndPlace(services: Services, params: GenerationParams, scope: vscode.Uri | undefined, where: Placement | undefined): Promise<vscode.Uri | undefined> {
  // Read now (a retry after "raise the limit" sees the new value); `scope` is the document whose
  // workspace folder holds the image, even when it takes no link.
  const config = readConfig(scope);
  const anchor = where ? new TrackedAnchor(where.document, where.position) : undefined;
  let anchorOutlivesCall = false;
  const short = params.prompt.length > 48 ? `${params.prompt.slice(0, 48)}…` : params.prompt;
  try {
    // Checked first: a bad output folder is reported before any paid request is made.
    const { folder } = await services.files.outputFolder(config.outputFolder, scope);
    const saved = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Flux: “{0}”', short), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          progress.report({ message: vscode.l10n.t('generating with {0}, {1}…', params.model, params.size) });
          const image = await services.generator.generate(params, config, {
            signal: controller.signal,
            onRetry: ({ delayMs, status }) => progress.report({ message: vscode.l10n.t('The service is busy ({0}); trying again in {1} s…', status, Math.ceil(delayMs / 1000)) }),
          });
          if (token.isCancellationRequested) throw new FluxError('cancelled', 'Cancelled.');
          progress.report({ message: vscode.l10n.t('saving…') });
          return services.files.save(
            { bytes: image.bytes, extension: image.type.extension, prompt: params.prompt },
            folder,
            where && anchor ? { document: where.document, anchor, placement: where.placement } : undefined,
          );
        } finally {
          sub.dispose();
        }
      },
    );
    services.log.info(`Saved ${displayPath(saved.uri)}${where && !saved.linked ? ' (the document could not take the link)' : ''}`);
    if (!where) {
      await vscode.commands.executeCommand('vscode.open', saved.uri);
    } else if (!saved.linked) {
      void offerLink(where.document.uri, saved.uri, params.prompt);
    }
    return saved.uri;
  } catch (err) {
    // Not awaited: the command resolves now; the message waits for the person. Meanwhile the
    // anchor keeps following their edits, so Try Again still links under the same sentence.
    anchorOutlivesCall = true;
    const retry = () => generateAndPlace(services, params, scope, where && anchor ? { ...where, position: where.document.positionAt(anchor.offset) } : where);
    void showFluxError(err, { retry }).finally(() => anchor?.dispose());
    return undefined;
  } finally {
    if (!anchorOutlivesCall) anchor?.dispose();
  }
}

/** The image is saved but its document refused the link: say so, and offer the link to paste. */
async function offerLink(documentUri: vscode.Uri, imageUri: vscode.Uri, prompt: string): Promise<void> {
  const copy = vscode.l10n.t('Copy Link');
  const open = vscode.l10n.t('Open Image');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Saved {0}, but {1} could not take the link (it is read-only or was closed).', displayPath(imageUri), vscode.workspace.asRelativePath(documentUri)),
    copy,
    open,
  );
  if (choice === copy) await vscode.env.clipboard.writeText(markdownImageLink(prompt, linkPathFor(documentUri, imageUri)));
  if (choice === open) await vscode.commands.executeCommand('vscode.open', imageUri);
}
