import * as vscode from 'vscode';
import { FluxError } from '../core/errors';
import { plainLabel } from '../core/safeText';
import type { StyleChoice, StyleSource } from '../ui/styleSource';
import { STYLES_FILE } from '../ui/styleSource';
import { showInformation } from '../ui/messages';
import { registerFluxCommand } from './command';
import { COMMANDS } from './ids';

/** Arguments for scripts and tests: which document, and the style to write without asking (`null`: no style). */
export interface ChooseStyleArgs {
  readonly uri?: vscode.Uri;
  readonly style?: string | null;
}

/** What the command resolves to: the style now declared (`null`: none), or undefined when nothing changed. */
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
export function registerChooseStyle(styles: StyleSource, log: vscode.LogOutputChannel): vscode.Disposable {
  return registerFluxCommand<ChooseStyleResult>(COMMANDS.chooseStyle, log, { failed: () => undefined }, async (arg) => {
    const args: ChooseStyleArgs = arg instanceof vscode.Uri ? { uri: arg } : typeof arg === 'object' && arg !== null ? (arg as ChooseStyleArgs) : {};
    const document = args.uri ? await vscode.workspace.openTextDocument(args.uri) : vscode.window.activeTextEditor?.document;
    if (!document) throw new FluxError('invalidInput', vscode.l10n.t('Open a document first: a style is chosen for one document.'));
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) throw new FluxError('invalidInput', vscode.l10n.t('{0} is not in a workspace folder. House styles belong to a folder (its .vscode/flux-styles.json): open the folder, then try again.', plainLabel(document.fileName.split(/[\\/]/).pop() ?? '')));
    const list = styles.list(folder);
    let chosen: string | null | undefined = args.style;
    if (chosen === undefined) {
      if (!list.length) {
        await offerStylesFile(styles, folder);
        return undefined;
      }
      chosen = await pickStyle(styles, document, folder, list);
      if (chosen === undefined) return undefined;
    }
    if (chosen !== null && chosen !== 'none' && !list.some((s) => s.name === chosen)) {
      throw new FluxError('invalidInput', vscode.l10n.t('{0} has no style "{1}".', STYLES_FILE.join('/'), plainLabel(chosen)));
    }
    return writeDeclaration(styles, document, folder, chosen);
  });
}

async function pickStyle(styles: StyleSource, document: vscode.TextDocument, folder: vscode.WorkspaceFolder, list: readonly StyleChoice[]): Promise<string | null | undefined> {
  type Item = vscode.QuickPickItem & { style: string | null };
  const current = styles.current(document)?.name ?? null;
  const currentMark = vscode.l10n.t('current');
  const items: Item[] = list.map((s) => {
    const refs = s.references.map((r) => r.split('/').pop() ?? r);
    return {
      style: s.name,
      label: plainLabel(s.name),
      description: [s.name === current ? `$(check) ${currentMark}` : '', s.description ? plainLabel(s.description) : ''].filter(Boolean).join(' · '),
      ...(refs.length ? { detail: plainLabel(`${refs.length === 1 ? vscode.l10n.t('1 reference') : vscode.l10n.t('{0} references', refs.length)}: ${refs.join(', ')}`) } : {}),
      // The first reference shown as the style's picture.
      ...(s.references[0] ? { iconPath: vscode.Uri.joinPath(folder.uri, ...s.references[0].split('/')) } : { iconPath: new vscode.ThemeIcon('paintcan') }),
    };
  });
  items.push({ style: null, label: vscode.l10n.t('No style'), iconPath: new vscode.ThemeIcon('circle-slash'), description: current === null ? `$(check) ${currentMark}` : vscode.l10n.t('images get only the words of the document') });
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
async function writeDeclaration(styles: StyleSource, document: vscode.TextDocument, folder: vscode.WorkspaceFolder, chosen: string | null): Promise<ChooseStyleResult> {
  // "No style" removes the document's own line, unless the folder would then give it one: then it says none.
  const name = chosen === null && styles.fallback(folder) !== undefined ? 'none' : chosen;
  if ((styles.declared(document) ?? null) === name) return undefined;
  const change = styles.declarationEdit(document, name);
  if (!change) {
    throw new FluxError('invalidInput', vscode.l10n.t('Flux cannot write a style declaration in a {0} document. Styles are declared in Markdown, MDX, Quarto, R Markdown, HTML, reStructuredText, AsciiDoc and LaTeX.', plainLabel(document.languageId)));
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(change.offset), document.positionAt(change.offset + change.length)), change.text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new FluxError('write', vscode.l10n.t('{0} could not be changed.', plainLabel(vscode.workspace.asRelativePath(document.uri))));
  return chosen;
}

/** No styles yet: offers to make the file with one style to start from, and opens it. */
async function offerStylesFile(styles: StyleSource, folder: vscode.WorkspaceFolder): Promise<void> {
  const file = vscode.Uri.joinPath(folder.uri, ...STYLES_FILE);
  if (styles.hasFile(folder)) {
    const open = vscode.l10n.t('Open Styles File');
    if ((await showInformation(vscode.l10n.t('{0} has no styles yet. Add one under "styles", with a "prompt" holding {1} where the words of the image go.', STYLES_FILE.join('/'), '{prompt}'), open)) === open) {
      await vscode.window.showTextDocument(file);
    }
    return;
  }
  const create = vscode.l10n.t('Create Styles File');
  const choice = await showInformation(
    vscode.l10n.t('This folder has no house styles yet. A style is kept in {0}: a prompt with {1} where the words of each image go, and reference images. Create the file with a first style?', STYLES_FILE.join('/'), '{prompt}'),
    create,
  );
  if (choice !== create) return;
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(file, { ignoreIfExists: true, contents: new TextEncoder().encode(`${JSON.stringify(STARTER, undefined, 2)}\n`) });
  await vscode.workspace.applyEdit(edit);
  await vscode.window.showTextDocument(file);
}
