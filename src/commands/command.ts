import * as vscode from 'vscode';
import { caughtError, showFluxError } from '../ui/notifications';

export interface CommandOptions<T> {
  /** What the command resolves to when it failed (the person has been told). */
  readonly failed: () => T;
  /** Offer Open Settings on this failure too (an edit refused by the model or gateway, say). */
  readonly openSettings?: (err: unknown) => boolean;
}

/**
 * Registers a command whose failure becomes the one error message: a FluxError in its words with
 * its next step; anything else is a bug in Flux, logged with its stack and shown as such (Show
 * Log, never Try Again). The command then resolves to `options.failed()`, never rejects.
 */
export function registerFluxCommand<T>(id: string, log: vscode.LogOutputChannel, options: CommandOptions<T>, run: (arg?: unknown) => Promise<T>): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (arg?: unknown): Promise<T> => {
    try {
      return await run(arg);
    } catch (err) {
      // Not awaited: the command resolves now; the message waits for the person.
      void showFluxError(caughtError(err, log, id), { openSettings: options.openSettings?.(err) });
      return options.failed();
    }
  });
}
