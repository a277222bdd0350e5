import * as vscode from 'vscode';

/**
 * Read-only documents for what does not fit in a notification (a batch's whole summary):
 * `flux-details:/NAME.md?TEXT`. The text travels in the URI, so nothing is kept between calls;
 * a `.md` name gives Markdown's word wrap, and the text is only ever shown as source, never rendered.
 */
export const DETAILS_SCHEME = 'flux-details';

/** Read-only documents that show a recipe: `flux-recipe:/NAME.recipe.txt?IMAGE-URI` (commands/showImageRecipe.ts). */
export const RECIPE_SCHEME = 'flux-recipe';
/** The recipe page's language: word wrap on, no links (package.json's configurationDefaults). */
export const RECIPE_LANGUAGE = 'flux-recipe';

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
