import * as vscode from 'vscode';
import { FluxError } from '../core/errors';
import { markupShare, shortAlt } from '../core/markdown';
import { normalizeParams, readCommandArgs } from '../core/params';
import { readConfig } from '../services/config';
import { referenceUris } from '../services/editInputFile';
import { takesImageLinks } from '../services/constants';
import { generateWithProgress } from '../ui/generate';
import { showWarning } from '../ui/messages';
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
      // What to do next, with the one button that helps (Open Settings or Show Log would not).
      if (!editor) {
        const open = vscode.l10n.t('Open a Document');
        void showWarning(vscode.l10n.t('Open a document, select the sentence that describes the picture, then run “Flux: Generate Image from Selection” again.'), open).then((choice) =>
          choice === open ? vscode.commands.executeCommand('workbench.action.quickOpen') : undefined,
        );
        return undefined;
      }
      throw new FluxError('invalidInput', vscode.l10n.t('Select the text that describes the image, then run “Flux: Generate Image from Selection” again.'));
    }
    // A selection that is mostly link or image markup (it moved while links landed above it): ask before spending.
    if (args.prompt === undefined && markupShare(prompt) > 0.5) {
      const go = vscode.l10n.t('Generate Anyway');
      const choice = await showWarning(vscode.l10n.t('The selection is mostly link or image markup, not a description: “{0}”. Generate an image from it anyway?', shortAlt(prompt, 80)), { modal: true }, go);
      if (choice !== go) return undefined;
    }
    const config = readConfig(editor?.document.uri);
    const request = normalizeParams({ prompt, model: args.model ?? config.model, size: args.size ?? config.size, seed: args.seed ?? config.seed });
    let link;
    if (editor && selection && takesImageLinks(editor.document)) {
      // A selection that ends at the start of a line (a whole line picked) belongs to the line before.
      const end = selection.end.character === 0 && selection.end.line > selection.start.line ? editor.document.lineAt(selection.end.line - 1).range.end : selection.end;
      link = { document: editor.document, position: end, mode: 'afterBlock' as const };
    }
    // The link's place is followed from now: reading the style (the file and its reference images)
    // takes a moment, in which the writer types and other links land.
    const places = services.places.scope();
    let made: vscode.Uri | undefined;
    try {
      if (link) places.at(link.document, link.position);
      const references = referenceUris(args.references);
      // The document's house style as it is now: a later change of the file or the declaration does not touch this image.
      const style = await services.styles.resolve(editor?.document, args.style);
      made = await generateWithProgress(services.generation, { request, places, scope: editor?.document.uri, ...(link ? { link } : {}), ...(references.length ? { references } : {}), ...(style ? { style } : {}) });
    } finally {
      places.dispose();
    }
    // The walkthrough's step is done when an image was made, not when the button was pressed.
    if (made) void vscode.commands.executeCommand('setContext', 'flux.madeImageFromSelection', true);
    return made;
  });
}
