import * as vscode from 'vscode';
import { FluxError } from '../core/errors';
import { normalizeParams, readCommandArgs } from '../core/params';
import { readConfig } from '../services/config';
import { referenceUris } from '../services/editInputFile';
import { takesImageLinks } from '../services/constants';
import { generateWithProgress } from '../ui/generate';
import { registerFluxCommand } from './command';
import { COMMANDS } from './ids';
import type { Services } from '../services/services';

/** Flux: Generate Image from Selection — the selection is the prompt; the link goes after its paragraph. */
export function registerGenerateFromSelection(services: Services): vscode.Disposable {
  return registerFluxCommand(COMMANDS.generateFromSelection, services.log, { failed: () => undefined }, async (arg?: unknown): Promise<vscode.Uri | undefined> => {
    const args = readCommandArgs(arg);
    const editor = vscode.window.activeTextEditor;
    const selection = editor?.selection;
    const selected = editor && selection && !selection.isEmpty ? editor.document.getText(selection) : '';
    const prompt = args.prompt ?? selected;
    if (!prompt.trim()) {
      throw new FluxError('invalidInput', vscode.l10n.t('Select the text that describes the image, then run “Flux: Generate Image from Selection” again.'));
    }
    const config = readConfig(editor?.document.uri);
    const request = normalizeParams({ prompt, model: args.model ?? config.model, size: args.size ?? config.size, seed: args.seed ?? config.seed });
    let link;
    if (editor && selection && takesImageLinks(editor.document)) {
      // A selection that ends at the start of a line (a whole line picked) belongs to the line before.
      const end = selection.end.character === 0 && selection.end.line > selection.start.line ? editor.document.lineAt(selection.end.line - 1).range.end : selection.end;
      link = { document: editor.document, position: end, mode: 'afterBlock' as const };
    }
    const references = referenceUris(args.references);
    return await generateWithProgress(services.generation, { request, scope: editor?.document.uri, ...(link ? { link } : {}), ...(references.length ? { references } : {}) });
  });
}
