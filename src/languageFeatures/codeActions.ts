import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { RecipeCache } from '../services/recipeReader';
import type { ReferenceIndex } from './imageReferences';

/**
 * Ctrl+. on an image reference: Regenerate (new seed), Reproduce (same seed, when the recipe
 * knows it), Edit…, Show Image Recipe. Offered only when the cursor (or the selection's start)
 * is on a reference to a local image.
 */
export class ImageCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kind = vscode.CodeActionKind.RefactorRewrite.append('flux');
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [ImageCodeActionProvider.kind] };

  constructor(
    private readonly references: ReferenceIndex,
    private readonly recipes: RecipeCache,
  ) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    if (context.only && !context.only.contains(ImageCodeActionProvider.kind) && !ImageCodeActionProvider.kind.contains(context.only)) return [];
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
    if (read.recipe) {
      actions.push(action(vscode.l10n.t('Regenerate Image (new seed)'), COMMANDS.regenerateImage, { image }));
      if (read.recipe.seed !== null) actions.push(action(vscode.l10n.t('Reproduce Image (same seed {0})', read.recipe.seed), COMMANDS.regenerateImage, { image, sameSeed: true }));
    }
    actions.push(action(vscode.l10n.t('Edit Image…'), COMMANDS.editImage, { image }));
    actions.push(action(vscode.l10n.t('Show Image Recipe'), COMMANDS.showImageRecipe, { image }));
    return actions;
  }
}
