import * as vscode from 'vscode';
import type { GenerationService } from '../services/generationService';
import { COMMANDS } from './ids';

/** Flux: Cancel Image Generations — aborts every request in flight or waiting. */
export function registerCancelGenerations(generation: GenerationService): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.cancelGenerations, () => generation.cancelAll());
}
