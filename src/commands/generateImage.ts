import * as vscode from 'vscode';
import { normalizeParams, readCommandArgs } from '../core/params';
import { readConfig } from '../services/config';
import { referenceUris } from '../services/editInputFile';
import { takesImageLinks } from '../services/constants';
import { generateWithProgress } from '../ui/generate';
import { validatePrompt } from '../ui/promptInput';
import { registerFluxCommand } from './command';
import { COMMANDS } from './ids';
import type { Services } from '../services/services';

/** Flux: Generate Image — asks for a prompt (prefilled with the selection), links at the cursor. */
export function registerGenerateImage(services: Services): vscode.Disposable {
  return registerFluxCommand(COMMANDS.generateImage, services.log, { failed: () => undefined }, async (arg?: unknown): Promise<vscode.Uri | undefined> => {
    const args = readCommandArgs(arg);
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    const prompt = args.prompt ?? (await askForPrompt(selected));
    if (prompt === undefined) return undefined;
    const config = readConfig(editor?.document.uri);
    const request = normalizeParams({ prompt, model: args.model ?? config.model, size: args.size ?? config.size, seed: args.seed ?? config.seed });
    const link = editor && takesImageLinks(editor.document) ? { document: editor.document, position: editor.selection.active, mode: 'atCursor' as const } : undefined;
    // The link's place is followed from now: reading the style (the file and its reference images)
    // takes a moment, in which the writer types and other links land.
    const places = services.places.scope();
    try {
      if (link) places.at(link.document, link.position);
      const references = referenceUris(args.references);
      // The document's house style as it is now: a later change of the file or the declaration does not touch this image.
      const style = await services.styles.resolve(editor?.document, args.style);
      return await generateWithProgress(services.generation, { request, places, scope: editor?.document.uri, ...(link ? { link } : {}), ...(references.length ? { references } : {}), ...(style ? { style } : {}) });
    } finally {
      places.dispose();
    }
  });
}

async function askForPrompt(value: string): Promise<string | undefined> {
  const prompt = await vscode.window.showInputBox({
    title: vscode.l10n.t('Flux: Generate Image'),
    prompt: vscode.l10n.t('Describe the image. Press Enter to generate, Escape to cancel.'),
    placeHolder: vscode.l10n.t('A red fox in fresh snow, morning light, watercolour'),
    value: value.replace(/\s+/g, ' ').trim(),
    ignoreFocusOut: true,
    validateInput: validatePrompt,
  });
  return prompt?.trim() ? prompt : undefined;
}
