import * as vscode from 'vscode';
import { FluxError } from './core/errors';

/**
 * Shows what went wrong with the obvious next step as a button. Returns when the person has
 * chosen (or dismissed) so callers may retry.
 */
export async function showFluxError(err: unknown, options: { retry?: () => unknown } = {}): Promise<void> {
  const e = err instanceof FluxError ? err : new FluxError('network', err instanceof Error ? err.message : String(err));
  if (e.kind === 'cancelled') return;
  const setKey = vscode.l10n.t('Set API Key');
  const tryAgain = vscode.l10n.t('Try Again');
  const settings = vscode.l10n.t('Open Settings');
  const showLog = vscode.l10n.t('Show Log');
  const buttons: string[] = [];
  if (e.kind === 'auth') buttons.push(setKey);
  if (options.retry && ['rateLimit', 'server', 'timeout', 'network', 'malformed', 'notImage', 'download'].includes(e.kind)) buttons.push(tryAgain);
  if (['invalidInput', 'timeout', 'network'].includes(e.kind)) buttons.push(settings);
  buttons.push(showLog);
  const show = e.kind === 'moderation' || e.kind === 'invalidInput' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const choice = await show(e.message, ...buttons);
  if (choice === setKey) {
    const key = await vscode.commands.executeCommand<string | undefined>('flux.setApiKey');
    if (key && options.retry) await options.retry();
  } else if (choice === tryAgain) {
    await options.retry?.();
  } else if (choice === settings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'flux.');
  } else if (choice === showLog) {
    await vscode.commands.executeCommand('flux.showLog');
  }
}
