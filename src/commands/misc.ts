import * as vscode from 'vscode';
import type { Generator } from '../generator';

/** Flux: Cancel Image Generations — aborts every request in flight. */
export function registerCancelGenerations(generator: Generator): vscode.Disposable {
  return vscode.commands.registerCommand('flux.cancelGenerations', () => generator.cancelAll());
}

/** Flux: Show Log. */
export function registerShowLog(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('flux.showLog', () => log.show(true));
}
