import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import { DESCRIBE_ACTION_KIND, IMAGE_ACTION_KIND, IMAGE_ACTIONS_METADATA } from './codeActionKinds';
import type { RecipeCache } from '../services/recipeReader';
import type { ReferenceAt, ReferenceIndex } from './imageReferences';

/**
 * Ctrl+. on an image reference: Regenerate (new seed), Reproduce (same seed, when the recipe
 * knows it), Edit…, Show Image Recipe. Offered only when the cursor (or the selection's start)
 * is on a reference to a local image.
 */
export class ImageCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kind = IMAGE_ACTION_KIND;
  static readonly describeKind = DESCRIBE_ACTION_KIND;
  static readonly metadata = IMAGE_ACTIONS_METADATA;

  constructor(
    private readonly references: ReferenceIndex,
    private readonly recipes: RecipeCache,
  ) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const wants = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind) || kind.contains(context.only);
    if (!wants(ImageCodeActionProvider.kind) && !wants(ImageCodeActionProvider.describeKind)) return [];
    const position = range instanceof vscode.Selection ? range.active : range.start;
    const found = await this.references.at(document, position);
    if (!found?.uri || token.isCancellationRequested) return [];
    const read = await this.recipes.get(found.uri);
    if (read.unreadable === 'missing') return [];
    const image = found.uri;
    const action = (title: string, command: string, args: object) => {
      const a = new vscode.CodeAction(title, ImageCodeActionProvider.kind);
      a.command = { title, command, arguments: [args] };
      return a;
    };
    const actions: vscode.CodeAction[] = [];
    const describe = wants(ImageCodeActionProvider.describeKind) && read.recipe ? await describeAction(found, read.recipe.prompt) : undefined;
    if (describe) actions.push(describe);
    if (!wants(ImageCodeActionProvider.kind)) return actions;
    if (read.recipe) {
      actions.push(action(vscode.l10n.t('Regenerate Image (new seed)'), COMMANDS.regenerateImage, { image }));
      if (read.recipe.seed !== null) actions.push(action(vscode.l10n.t('Reproduce Image (same seed {0})', read.recipe.seed), COMMANDS.regenerateImage, { image, sameSeed: true }));
    }
    actions.push(action(vscode.l10n.t('Edit Image…'), COMMANDS.editImage, { image }));
    actions.push(action(vscode.l10n.t('Show Image Recipe'), COMMANDS.showImageRecipe, { image }));
    return actions;
  }
}

/**
 * Alt text that describes nothing (none, the file's name, a slug): set it from the recipe's prompt,
 * shortened at a sentence or word, written as text in the document's own syntax.
 */
async function describeAction(found: ReferenceAt, prompt: string): Promise<vscode.CodeAction | undefined> {
  const { altFromPrompt, isPlaceholderAlt, setAltText } = await import('../core/documents/altText');
  const { document, ref, language } = found;
  if (document.version !== found.version || !isPlaceholderAlt(ref.alt, ref.path)) return undefined;
  const alt = altFromPrompt(prompt);
  const change = alt ? setAltText(language, document.getText(), ref, alt) : undefined;
  if (!change) return undefined;
  const title = vscode.l10n.t('Describe image from its recipe');
  const action = new vscode.CodeAction(title, ImageCodeActionProvider.describeKind);
  action.edit = new vscode.WorkspaceEdit();
  action.edit.replace(document.uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.text);
  action.isPreferred = true;
  return action;
}
