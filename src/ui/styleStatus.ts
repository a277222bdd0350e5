import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import { plainLabel } from '../core/safeText';
import type { StyleSource } from '../core/styles';
import type { StyleRegistry } from '../services/styles';
import { styleLanguageOf } from '../services/styles';

function tooltip(name: string, source: StyleSource, untrusted: string | undefined): string {
  if (untrusted) return `${untrusted} ${vscode.l10n.t('Trust the workspace to use the style "{0}".', name)}`;
  const from = source === 'declaration' ? vscode.l10n.t('declared by this document') : source === 'setting' ? vscode.l10n.t('from the setting flux.style') : vscode.l10n.t('the default of .vscode/flux-styles.json');
  return vscode.l10n.t('House style "{0}" ({1}): every image made for this document gets it. Click to choose another.', name, from);
}

/**
 * `$(paintcan) NAME` on documents that have a style; it runs Choose Style. Follows the active
 * editor, edits of its document (the declaration), the styles files, `flux.style` and trust.
 */
export function registerStyleStatus(styles: StyleRegistry): vscode.Disposable & { readonly shown: () => string | undefined } {
  const item = vscode.window.createStatusBarItem('flux.style', vscode.StatusBarAlignment.Right, 100);
  item.name = vscode.l10n.t('Flux House Style');
  item.command = COMMANDS.chooseStyle;
  let visible = false;
  // Answers can come back out of order: only the latest one is shown.
  let asked = 0;
  const update = async (): Promise<void> => {
    const ask = ++asked;
    const document = vscode.window.activeTextEditor?.document;
    const chosen = document && styleLanguageOf(document) ? await styles.choose(document).catch(() => undefined) : undefined;
    if (ask !== asked) return;
    visible = chosen !== undefined;
    if (!chosen) {
      item.hide();
      return;
    }
    const name = plainLabel(chosen.name, 40);
    const untrusted = styles.untrustedReason();
    item.text = untrusted ? `$(workspace-untrusted) ${vscode.l10n.t('{0} (not applied)', name)}` : `$(paintcan) ${name}`;
    item.tooltip = tooltip(name, chosen.source, untrusted);
    item.backgroundColor = untrusted ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  const refresh = (): void => void update();
  refresh();
  const disposable = vscode.Disposable.from(
    item,
    vscode.window.onDidChangeActiveTextEditor(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document && e.contentChanges.length) refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flux.style')) refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(refresh),
    styles.onDidChange(refresh),
  );
  // The item's text while shown, for the integration tests.
  return { dispose: () => disposable.dispose(), shown: () => (visible ? item.text : undefined) };
}
