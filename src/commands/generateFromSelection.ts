import * as vscode from 'vscode';
import { readConfig } from '../config';
import { FluxError } from '../core/errors';
import { normalizeParams, readCommandArgs } from '../core/params';
import { showFluxError } from '../errorMessages';
import type { Services } from '../placeImage';
import { generateAndPlace } from '../placeImage';
import { takesImageLinks } from '../constants';

/** Flux: Generate Image from Selection — the selection is the prompt; the link goes under it. */
export function registerGenerateFromSelection(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand('flux.generateFromSelection', async (arg?: unknown): Promise<vscode.Uri | undefined> => {
    try {
      const args = readCommandArgs(arg);
      const editor = vscode.window.activeTextEditor;
      const selection = editor?.selection;
      const selected = editor && selection && !selection.isEmpty ? editor.document.getText(selection) : '';
      const prompt = args.prompt ?? selected;
      if (!prompt.trim()) {
        throw new FluxError('invalidInput', vscode.l10n.t('Select the text that describes the image, then run “Flux: Generate Image from Selection” again.'));
      }
      const config = readConfig(editor?.document.uri);
      const params = normalizeParams({ prompt, model: args.model ?? config.model, size: args.size ?? config.size, seed: args.seed ?? config.seed });
      let where;
      if (editor && selection && takesImageLinks(editor.document)) {
        // A selection that ends at the start of a line (a whole line picked) belongs to the line before.
        const end = selection.end.character === 0 && selection.end.line > selection.start.line ? editor.document.lineAt(selection.end.line - 1).range.end : selection.end;
        where = { document: editor.document, position: end, placement: 'belowLine' as const };
      }
      return await generateAndPlace(services, params, editor?.document.uri, where);
    } catch (err) {
      void showFluxError(err);
      return undefined;
    }
  });
}
