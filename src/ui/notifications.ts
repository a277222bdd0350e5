import * as vscode from 'vscode';
import { FluxError, asFluxError, nextSteps } from '../core/errors';
import { plainText } from '../core/safeText';
import { readConfig } from '../services/config';
import { showError, showWarning } from './messages';
import { validatePrompt } from './promptInput';

/**
 * Shows what went wrong with the obvious next step as a button. Returns when the person has
 * chosen (or dismissed) so callers may retry.
 */
export async function showFluxError(err: unknown, options: { retry?: () => unknown; editPrompt?: EditPrompt; openSettings?: boolean } = {}): Promise<void> {
  const e = asFluxError(err);
  if (e.kind === 'cancelled' || e.kind === 'noKey') return; // the person chose this
  const steps = nextSteps(e.kind);
  const setKey = vscode.l10n.t('Set API Key');
  const tryAgain = vscode.l10n.t('Try Again');
  const settings = vscode.l10n.t('Open Settings');
  const showLog = vscode.l10n.t('Show Log');
  const edit = vscode.l10n.t('Edit Prompt');
  const account = vscode.l10n.t('Open Account Page');
  const buttons: string[] = [];
  // Out of credit: topping up on the provider's site is the next step.
  if (steps.topUp) buttons.push(account);
  // Refused for its words: changing them is the next step.
  if (steps.editPrompt && options.editPrompt) buttons.push(edit);
  if (steps.setApiKey) buttons.push(setKey);
  if (options.retry && steps.retry) buttons.push(tryAgain);
  if (steps.openSettings || options.openSettings) buttons.push(settings);
  if (steps.showLog) buttons.push(showLog);
  const show = e.kind === 'moderation' || e.kind === 'invalidInput' ? showWarning : showError;
  // Outside words (a service's message, a prompt, a path) are in there: never a link or a command.
  const choice = await show(plainText(localizedMessage(e)), ...buttons);
  if (choice === setKey) {
    const stored = await vscode.commands.executeCommand<boolean>('flux.setApiKey');
    if (stored && options.retry) await options.retry();
  } else if (choice === edit && options.editPrompt) {
    const prompt = await askToEditPrompt(options.editPrompt.prompt);
    if (prompt !== undefined) await options.editPrompt.run(prompt);
  } else if (choice === tryAgain) {
    await options.retry?.();
  } else if (choice === settings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'flux.');
  } else if (choice === showLog) {
    await vscode.commands.executeCommand('flux.showLog');
  } else if (choice === account) {
    await vscode.env.openExternal(vscode.Uri.parse(accountPage(readConfig())));
  }
}

/** Where the current provider's account (credit, keys) is: BFL's dashboard, or the DMXAPI site of flux.baseUrl. */
export function accountPage(config: { readonly provider: string; readonly baseUrl: string }): string {
  if (config.provider === 'bfl') return 'https://dashboard.bfl.ai';
  try {
    return new URL(config.baseUrl).origin;
  } catch {
    return 'https://www.dmxapi.cn';
  }
}

/** The prompt a refused image was asked with, and how to ask again with new words (the same job, the same pipeline). */
export interface EditPrompt {
  readonly prompt: string;
  readonly run: (prompt: string) => unknown;
}

/** An input box holding the refused prompt; the changed words, or undefined when dismissed or emptied. */
async function askToEditPrompt(prompt: string): Promise<string | undefined> {
  const edited = await vscode.window.showInputBox({
    title: vscode.l10n.t('Flux: Edit Prompt'),
    prompt: vscode.l10n.t('The service refused these words. Change them, then press Enter to try again.'),
    value: prompt,
    ignoreFocusOut: true,
    validateInput: validatePrompt,
  });
  return edited?.trim() ? edited : undefined;
}

/**
 * Whatever was thrown, as the FluxError to show: anything that is not one is a bug in Flux
 * (kind `internal`), whose stack goes to the log here, where it is caught, and nowhere else.
 */
export function caughtError(err: unknown, log: vscode.LogOutputChannel, where: string): FluxError {
  const e = asFluxError(err);
  if (e !== err) log.error(`${where}: ${e.details.bug ?? ''}`);
  return e;
}

/** An error's message in the person's language (core messages carry their template and arguments). */
export function localizedMessage(err: unknown): string {
  if (err instanceof FluxError) return vscode.l10n.t(err.text.template, ...err.text.args);
  return err instanceof Error ? err.message : String(err);
}
