import * as vscode from 'vscode';

/**
 * Read-only documents for what does not fit in a notification (a batch's whole summary):
 * `flux-details:/NAME.md?TEXT`. The text travels in the URI, so nothing is kept between calls;
 * a `.md` name gives Markdown's word wrap, and the text is only ever shown as source, never rendered.
 */
export const DETAILS_SCHEME = 'flux-details';

/**
 * Read-only documents that show a recipe: the page `flux-recipe:/NAME.recipe.txt?IMAGE-URI` and its
 * JSON `flux-recipe:/NAME.recipe.json?IMAGE-URI` (commands/showImageRecipe.ts).
 */
export const RECIPE_SCHEME = 'flux-recipe';

/**
 * The language of a recipe document: `flux-recipe` for the page, `flux-recipe-json` (JSON's grammar)
 * for the JSON. Both wrap long lines and make no links (package.json's configurationDefaults): a
 * recipe's words come from a file and never become a link.
 */
function recipeLanguage(uri: vscode.Uri): string {
  return uri.path.endsWith('.json') ? 'flux-recipe-json' : 'flux-recipe';
}

/** A recipe document in its language (the same document when it already is). */
export function inRecipeLanguage(doc: vscode.TextDocument): Thenable<vscode.TextDocument> {
  const language = recipeLanguage(doc.uri);
  return doc.languageId === language ? Promise.resolve(doc) : vscode.languages.setTextDocumentLanguage(doc, language);
}

/**
 * Gives every recipe document its language, whenever it is opened: by the command, and again when
 * VS Code opens one itself (Go Back, Reopen Closed Editor, a restored window), which would otherwise
 * take the name's `.txt` or `.json`.
 */
export function registerRecipeLanguages(): vscode.Disposable {
  const apply = (doc: vscode.TextDocument): void => {
    if (doc.uri.scheme === RECIPE_SCHEME && !doc.isClosed) void inRecipeLanguage(doc).then(undefined, () => undefined);
  };
  vscode.workspace.textDocuments.forEach(apply);
  return vscode.workspace.onDidOpenTextDocument(apply);
}

export function registerDetails(): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, { provideTextDocumentContent: (uri) => uri.query });
}

/** Opens `text` as a read-only document named `name` (no extension), beside the editor. */
export async function showDetails(name: string, text: string): Promise<vscode.TextDocument> {
  const safe = name.replace(/[/\\?#]/g, '_');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${safe}.md`, query: text }));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
  return doc;
}
