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
import { RECIPE_SCHEME } from '../ui/details';
import { showInformation, showWarning } from '../ui/messages';


/**
 * Flux: Show Image Recipe — the recipe of the image given (Explorer context menu, a code action,
 * `{ image }`), else of the reference under the cursor, else of the image preview in front. It
 * opens as a read-only plain-text document beside, so every word can be selected and copied;
 * plain text is never rendered, so nothing in it can act. Resolves to the recipe, or undefined
 * after saying the image has none.
 */
export function registerShowImageRecipe(references: ReferenceIndex, recipes: RecipeCache): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showImageRecipe, async (arg?: unknown): Promise<Recipe | undefined> => {
    const image = await imageFor(arg, references);
    if (!image) {
      void showInformation(vscode.l10n.t('Choose an image: right-click a PNG in the Explorer, or put the cursor on an image reference, then run Flux: Show Image Recipe.'));
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
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: RECIPE_SCHEME, path: `/${name}.recipe.txt`, query: image.toString() }));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
    return read.recipe;
  });
}

/** The text of `flux-recipe:` documents (registered at activation, activation.ts). */
export function recipeDocuments(recipes: RecipeCache): vscode.TextDocumentContentProvider {
  return {
    provideTextDocumentContent: async (uri) => {
      const image = vscode.Uri.parse(uri.query, true);
      const { recipe } = await recipes.get(image);
      return recipe ? recipeDocument(image, recipe) : vscode.l10n.t('{0} has no recipe.', displayPath(image));
    },
  };
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

/** Wider lines are wrapped at a space, the rest indented, so a long prompt reads without scrolling sideways. */
const WRAP = 100;

function wrapped(line: string): string {
  const out: string[] = [];
  let rest = line;
  while ([...rest].length > WRAP) {
    const head = [...rest].slice(0, WRAP).join('');
    const space = head.lastIndexOf(' ');
    const cut = space > WRAP / 3 ? space : head.length;
    out.push(rest.slice(0, cut).trimEnd());
    rest = `  ${rest.slice(cut).trimStart()}`;
  }
  out.push(rest);
  return out.join('\n');
}

/** The recipe as a readable page: labels translated, the time in local time, sizes as 16:9, then its JSON as found in the file. */
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
  for (const line of recipeLines(recipe)) lines.push(wrapped(`${labels[line.key] ?? line.label}: ${readable(line.key, line.value)}`));
  // The stored form last, for whoever needs it exactly; indented, so the editor can fold it away.
  lines.push('', '', vscode.l10n.t('As stored in the file (JSON):'), ...JSON.stringify(recipe, null, 2).split('\n').map((l) => `  ${l}`), '');
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
