import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import { plainLabel } from '../core/safeText';
import type { DocumentStyle, StyleSource } from './styleSource';

/** The status bar's text for a document's style (also what the tests read). */
export function styleStatusText(style: DocumentStyle): string {
  return `$(paintcan) ${plainLabel(style.name, 40)}`;
}

function tooltip(style: DocumentStyle): string {
  if (!style.applied) {
    return vscode.l10n.t('House style "{0}" is not applied: this workspace is in Restricted Mode, and a style chooses the model, the size and the files that are sent. Trust the workspace to use it.', plainLabel(style.name));
  }
  const from =
    style.origin === 'document' ? vscode.l10n.t('declared by this document') : style.origin === 'setting' ? vscode.l10n.t('from the setting flux.style') : vscode.l10n.t('the default of .vscode/flux-styles.json');
  return vscode.l10n.t('House style "{0}" ({1}): every image made for this document gets it. Click to choose another.', plainLabel(style.name), from);
}

/**
 * `$(paintcan) NAME` on documents that have a style; it runs Choose Style. Follows the active
 * editor, edits of its document (the declaration), the styles files, `flux.style` and trust.
 */
export function registerStyleStatus(styles: StyleSource): vscode.Disposable & { readonly shown: () => string | undefined } {
  const item = vscode.window.createStatusBarItem('flux.style', vscode.StatusBarAlignment.Right, 100);
  item.name = vscode.l10n.t('Flux House Style');
  item.command = COMMANDS.chooseStyle;
  let visible = false;
  const update = (): void => {
    const document = vscode.window.activeTextEditor?.document;
    const style = document && document.uri.scheme !== 'output' ? styles.current(document) : undefined;
    visible = style !== undefined;
    if (!style) {
      item.hide();
      return;
    }
    item.text = style.applied ? styleStatusText(style) : `$(workspace-untrusted) ${styleStatusText(style)}`;
    item.tooltip = tooltip(style);
    item.backgroundColor = style.applied ? undefined : new vscode.ThemeColor('statusBarItem.warningBackground');
    item.show();
  };
  update();
  const disposable = vscode.Disposable.from(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) update();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flux.style')) update();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(update),
    styles.onDidChange(update),
  );
  // The item's text while shown, for the integration tests.
  return { dispose: () => disposable.dispose(), shown: () => (visible ? item.text : undefined) };
}
