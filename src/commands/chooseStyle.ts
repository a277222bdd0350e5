import * as vscode from 'vscode';
import { resolveInFolder } from '../core/editInput';
import { FluxError } from '../core/errors';
import { plainLabel } from '../core/safeText';
import type { StyleDef } from '../core/styles';
import { declarationEdit, declaredStyle, NO_STYLE, STYLES_FILE } from '../core/styles';
import type { StyleRegistry } from '../services/styles';
import { styleLanguageOf, stylesFileOf } from '../services/styles';
import { showInformation } from '../ui/messages';
import { registerFluxCommand } from './command';
import { COMMANDS } from './ids';

/** Arguments for scripts and tests: which document, and the style to write without asking (`null`: no style). */
export interface ChooseStyleArgs {
  readonly uri?: vscode.Uri;
  readonly style?: string | null;
}

/** What the command resolves to: the style chosen (`null`: none), or undefined when nothing was chosen. */
export type ChooseStyleResult = string | null | undefined;

/** The styles file a new workspace starts from: one style to rename and describe. */
const STARTER = {
  styles: {
    house: {
      description: 'The look of this project: change the words, add reference images',
      prompt: '{prompt}. Clean flat illustration, soft pastel palette, plenty of white space',
    },
  },
};

/** Flux: Choose Style for Document. */
export function registerChooseStyle(styles: StyleRegistry, log: vscode.LogOutputChannel): vscode.Disposable {
  return registerFluxCommand<ChooseStyleResult>(COMMANDS.chooseStyle, log, { failed: () => undefined }, async (arg) => {
    const args: ChooseStyleArgs = arg instanceof vscode.Uri ? { uri: arg } : typeof arg === 'object' && arg !== null ? (arg as ChooseStyleArgs) : {};
    const document = args.uri ? await vscode.workspace.openTextDocument(args.uri) : vscode.window.activeTextEditor?.document;
    if (!document) throw new FluxError('invalidInput', vscode.l10n.t('Open a document first: a style is chosen for one document.'));
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) throw new FluxError('invalidInput', vscode.l10n.t('{0} is not in a workspace folder. House styles belong to a folder (its .vscode/flux-styles.json): open the folder, then try again.', plainLabel(document.fileName.split(/[\\/]/).pop() ?? '')));
    const file = await styles.read(folder);
    if (file?.error) throw new FluxError('invalidInput', vscode.l10n.t(file.error.template, ...file.error.args));
    const list = await styles.list(folder);
    let chosen: string | null | undefined = args.style;
    if (chosen === undefined) {
      if (!list.length) {
        await offerStylesFile(folder, file !== undefined);
        return undefined;
      }
      chosen = await pickStyle(styles, document, folder, list);
      if (chosen === undefined) return undefined;
    }
    if (chosen !== null && chosen !== NO_STYLE && !list.some((s) => s.name === chosen)) {
      throw new FluxError('invalidInput', vscode.l10n.t('{0} has no style "{1}".', STYLES_FILE, plainLabel(chosen)));
    }
    await writeDeclaration(styles, document, folder, chosen);
    return chosen;
  });
}

async function pickStyle(styles: StyleRegistry, document: vscode.TextDocument, folder: vscode.WorkspaceFolder, list: readonly { readonly name: string; readonly style: StyleDef }[]): Promise<string | null | undefined> {
  type Item = vscode.QuickPickItem & { style: string | null };
  const current = (await styles.choose(document))?.name ?? null;
  const currentMark = `$(check) ${vscode.l10n.t('current')}`;
  const items: Item[] = list.map(({ name, style }) => {
    const refs = (style.references ?? []).map((r) => r.split('/').pop() ?? r);
    // A thumbnail only from inside the folder: `..` or an absolute path shows the paint can.
    const firstPath = style.references?.[0] !== undefined ? resolveInFolder(folder.uri.path, style.references[0]) : undefined;
    return {
      style: name,
      label: plainLabel(name),
      description: [name === current ? currentMark : '', style.description ? plainLabel(style.description) : ''].filter(Boolean).join(' · '),
      ...(refs.length ? { detail: plainLabel(`${refs.length === 1 ? vscode.l10n.t('1 reference') : vscode.l10n.t('{0} references', refs.length)}: ${refs.join(', ')}`) } : {}),
      // The first reference image is the style's thumbnail.
      iconPath: firstPath !== undefined ? folder.uri.with({ path: firstPath }) : new vscode.ThemeIcon('paintcan'),
    };
  });
  items.push({ style: null, label: vscode.l10n.t('No style'), iconPath: new vscode.ThemeIcon('circle-slash'), description: current === null ? currentMark : vscode.l10n.t('images get only the words of the document') });
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = vscode.l10n.t('Flux: Choose Style for Document');
  qp.placeholder = vscode.l10n.t('The house style of {0}', plainLabel(vscode.workspace.asRelativePath(document.uri)));
  qp.items = items;
  qp.matchOnDescription = true;
  qp.activeItems = items.filter((i) => i.style === current);
  try {
    return await new Promise<string | null | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]?.style));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
  } finally {
    qp.dispose();
  }
}

/** Writes, changes or removes the document's declaration: one edit, one Undo. */
async function writeDeclaration(styles: StyleRegistry, document: vscode.TextDocument, folder: vscode.WorkspaceFolder, chosen: string | null): Promise<void> {
  const language = styleLanguageOf(document);
  if (!language) {
    throw new FluxError('invalidInput', vscode.l10n.t('Flux cannot write a style declaration in a {0} document. Styles are declared in Markdown, MDX, Quarto, R Markdown, HTML, reStructuredText, AsciiDoc and LaTeX.', plainLabel(document.languageId)));
  }
  // "No style" removes the document's own line, unless the folder would then give it a style: then it says none.
  const name = chosen === null && (await styles.choose(folder.uri)) !== undefined ? NO_STYLE : chosen;
  const text = document.getText();
  if ((declaredStyle(text, language) ?? null) === name) return;
  const change = declarationEdit(text, language, name);
  if (!change) return;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.newText);
  if (!(await vscode.workspace.applyEdit(edit))) throw new FluxError('write', vscode.l10n.t('{0} could not be changed.', plainLabel(vscode.workspace.asRelativePath(document.uri))));
}

/** No styles yet: offers to make the file with one style to start from, and opens it. */
async function offerStylesFile(folder: vscode.WorkspaceFolder, exists: boolean): Promise<void> {
  const file = stylesFileOf(folder.uri);
  if (exists) {
    const open = vscode.l10n.t('Open Styles File');
    if ((await showInformation(vscode.l10n.t('{0} has no styles yet. Add one under "styles", with a "prompt" holding {1} where the words of the image go.', STYLES_FILE, '{prompt}'), open)) === open) {
      await vscode.window.showTextDocument(file);
    }
    return;
  }
  const create = vscode.l10n.t('Create Styles File');
  const choice = await showInformation(
    vscode.l10n.t('This folder has no house styles yet. A style is kept in {0}: a prompt with {1} where the words of each image go, and reference images. Create the file with a first style?', STYLES_FILE, '{prompt}'),
    create,
  );
  if (choice !== create) return;
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(file, { ignoreIfExists: true, contents: new TextEncoder().encode(`${JSON.stringify(STARTER, undefined, 2)}\n`) });
  await vscode.workspace.applyEdit(edit);
  await vscode.window.showTextDocument(file);
}
