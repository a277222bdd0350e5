import * as vscode from 'vscode';
import type { WorkSource } from '../ui/workStatus';
import { showWork } from '../ui/workStatus';
import { COMMANDS } from './ids';

/** What the status bar item for images in progress runs (internal, not in the palette). */
export function registerShowWork(source: WorkSource): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showWork, () => showWork(source));
}
