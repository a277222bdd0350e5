import * as vscode from 'vscode';
import type { HoverLabels } from '../core/recipeHover';
import { HOVER_COMMANDS, writeRecipeHover } from '../core/recipeHover';
import type { RecipeCache } from '../services/recipeReader';
import type { ReferenceIndex } from './imageReferences';

/**
 * The hover on an image reference: the image, scaled down, and when the file carries a recipe
 * its prompt, model, size and seed, with Regenerate, Edit… and Open in Studio. The recipe is
 * text from a file: it goes in only through `appendText` (see core/recipeHover.ts), and the
 * hover trusts exactly its three commands, no HTML.
 */
export class ImageHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly references: ReferenceIndex,
    private readonly recipes: RecipeCache,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const found = await this.references.at(document, position);
    if (!found?.uri || token.isCancellationRequested) return undefined;
    const read = await this.recipes.get(found.uri);
    if (read.unreadable === 'missing' || token.isCancellationRequested) return undefined;
    const markdown = new vscode.MarkdownString(undefined, false);
    markdown.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
    markdown.supportHtml = false;
    markdown.supportThemeIcons = false;
    writeRecipeHover(markdown, { imageSrc: found.uri.toString(), imageArg: found.uri, ...(read.recipe ? { recipe: read.recipe } : {}), aiGenerated: read.aiGenerated === true, contentCredentials: read.contentCredentials === true, labels: hoverLabels() });
    const range = new vscode.Range(document.positionAt(found.ref.start), document.positionAt(found.ref.end));
    return new vscode.Hover(markdown, range);
  }
}

export function hoverLabels(): HoverLabels {
  const t = vscode.l10n.t;
  return {
    prompt: t('Prompt'),
    model: t('Model'),
    size: t('Size'),
    seed: t('Seed'),
    regenerate: t('Regenerate'),
    edit: t('Edit…'),
    studio: t('Open in Studio'),
    noRecipe: t('This image has no recipe: it was not made by Flux for VS Code, or recipes were turned off.'),
    aiGenerated: t('AI-generated'),
    contentCredentials: t('Content Credentials from the service'),
    references: t('References'),
  };
}
