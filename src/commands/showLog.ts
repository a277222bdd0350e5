import * as vscode from 'vscode';
import { COMMANDS } from './ids';

/** Flux: Show Log. */
export function registerShowLog(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showLog, () => log.show(true));
}
