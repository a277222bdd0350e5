import * as vscode from 'vscode';
import type { Recipe } from '../core/recipe';
import { recipeLines } from '../core/recipe';
import { plainText } from '../core/safeText';
import { sizeLabel } from '../core/sizeText';
import type { ReferenceIndex } from '../languageFeatures/imageReferences';
import { IMAGE_FILE_NAME } from '../core/imageType';
import { imageArgument } from '../languageFeatures/imageReferences';
import { displayPath } from '../services/imageStore';
import type { RecipeCache } from '../services/recipeReader';
import { COMMANDS } from './ids';
import { RECIPE_SCHEME, inRecipeLanguage } from '../ui/details';
import { showInformation, showWarning } from '../ui/messages';


/**
 * Flux: Show Image Recipe — the recipe of the image given (Explorer context menu, a code action,
 * `{ image }`), else of the reference under the cursor, else of the image preview in front. It
 * opens as a read-only plain-text page beside, so every word can be selected and copied; plain
 * text is never rendered, so nothing in it can act. Resolves to the recipe, or undefined after
 * saying the image has none.
 *
 * Flux: Show Image Recipe as JSON — the same recipe exactly as stored in the file, as a read-only
 * JSON document (folding, colours); on request, from the page's title bar or the palette.
 */
export function registerShowImageRecipe(references: ReferenceIndex, recipes: RecipeCache): vscode.Disposable {
  const show = async (arg: unknown, form: 'page' | 'json'): Promise<Recipe | undefined> => {
    // The title bar's button passes the page's own URI; the palette, nothing, with the page in front.
    const page = arg === undefined ? recipeImage(vscode.window.activeTextEditor?.document.uri) : recipeImage(arg);
    const image = page ?? (await imageFor(arg, references));
    if (!image) {
      void showInformation(
        form === 'json'
          ? vscode.l10n.t('Choose an image: right-click a PNG in the Explorer, or put the cursor on an image reference, then run Flux: Show Image Recipe as JSON.')
          : vscode.l10n.t('Choose an image: right-click a PNG in the Explorer, or put the cursor on an image reference, then run Flux: Show Image Recipe.'),
      );
      return undefined;
    }
    const read = await recipes.get(image);
    const path = plainText(displayPath(image));
    if (read.unreadable === 'missing') {
      void showWarning(vscode.l10n.t('{0} is not there.', path));
      return undefined;
    }
    if (!read.recipe) {
      void showInformation(vscode.l10n.t('{0} has no recipe: it was not made by Flux for VS Code, or recipes were turned off (flux.embedRecipe).', path));
      return undefined;
    }
    const name = (image.path.split('/').pop() ?? 'image').replace(/[?#]/g, '_');
    const extension = form === 'json' ? 'json' : 'txt';
    const opened = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: RECIPE_SCHEME, path: `/${name}.recipe.${extension}`, query: image.toString() }));
    // In its own language, which wraps long lines and makes no links (ui/details.ts); also given on
    // any later open, so it is here only to show the document in it at once.
    const doc = await inRecipeLanguage(opened);
    // From a recipe document, the other form takes its place in the same group; otherwise beside the document.
    const column = page ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside;
    await vscode.window.showTextDocument(doc, { viewColumn: column, preview: true, preserveFocus: false });
    return read.recipe;
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.showImageRecipe, (arg?: unknown) => show(arg, 'page')),
    vscode.commands.registerCommand(COMMANDS.showImageRecipeJson, (arg?: unknown) => show(arg, 'json')),
  );
}

/** The text of `flux-recipe:` documents (registered at activation, activation.ts): the page, or the JSON for a `.json` name. */
export function recipeDocuments(recipes: RecipeCache): vscode.TextDocumentContentProvider {
  return {
    provideTextDocumentContent: async (uri) => {
      const image = vscode.Uri.parse(uri.query, true);
      const { recipe } = await recipes.get(image);
      if (!recipe) return vscode.l10n.t('{0} has no recipe.', displayPath(image));
      return uri.path.endsWith('.json') ? `${JSON.stringify(recipe, null, 2)}\n` : recipeDocument(image, recipe);
    },
  };
}

/** The image a `flux-recipe:` document shows, when `uri` is one. */
function recipeImage(uri: unknown): vscode.Uri | undefined {
  if (!(uri instanceof vscode.Uri) || uri.scheme !== RECIPE_SCHEME) return undefined;
  try {
    return vscode.Uri.parse(uri.query, true);
  } catch {
    return undefined;
  }
}

/** The argument (a Uri, `{ image }`), the reference under the cursor, or the image preview in front. */
async function imageFor(arg: unknown, references: ReferenceIndex): Promise<vscode.Uri | undefined> {
  const given = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) && 'image' in arg ? imageArgument((arg as { image: unknown }).image) : imageArgument(arg);
  if (given) return given;
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const here = await references.at(editor.document, editor.selection.active);
    if (here?.uri) return here.uri;
  }
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && IMAGE_FILE_NAME.test(input.uri.path)) return input.uri;
  return undefined;
}

/** The recipe as a readable page: labels translated, the time in local time, sizes as 16:9; where its JSON is, last. */
export function recipeDocument(image: vscode.Uri, recipe: Recipe): string {
  const labels: Record<string, string> = {
    prompt: vscode.l10n.t('Prompt'),
    model: vscode.l10n.t('Model'),
    size: vscode.l10n.t('Size'),
    seed: vscode.l10n.t('Seed'),
    provider: vscode.l10n.t('Provider'),
    created: vscode.l10n.t('Created'),
    source: vscode.l10n.t('Source'),
  };
  const lines = [vscode.l10n.t('Recipe of {0}', displayPath(image)), ''];
  // One line each, so a prompt is copied whole: the page's language (flux-recipe) wraps them on screen.
  for (const line of recipeLines(recipe)) lines.push(`${labels[line.key] ?? line.label}: ${readable(line.key, line.value)}`);
  // The stored form is for whoever needs it exactly: on request, not repeated below the page.
  lines.push('', vscode.l10n.t('The recipe exactly as stored in the file: Flux: Show Image Recipe as JSON, or the {0} button at the top right of this page.', '{ }'), '');
  return lines.join('\n');
}

function readable(key: string, value: string): string {
  if (key === 'size') return sizeLabel(value);
  if (key === 'created') {
    const time = new Date(value);
    return Number.isNaN(time.getTime()) ? value : time.toLocaleString(vscode.env.language, { dateStyle: 'long', timeStyle: 'short' });
  }
  return value;
}
