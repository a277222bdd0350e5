import * as vscode from 'vscode';
import type { ApiKeyStore } from '../apiKeyStore';
import { STUDIO_VIEW_TYPE } from '../constants';
import { MAX_PROMPT_LENGTH } from '../core/params';
import type { Services } from '../placeImage';
import { HistoryStore } from '../studio/historyStore';
import { InsertTargetTracker } from '../studio/insertTarget';
import { Studio } from '../studio/studioPanel';

/**
 * Flux: Open Image Studio — opens (or reveals) the one Studio panel, its prompt prefilled with
 * the editor's selection; also restores the panel after a window reload.
 */
export function registerOpenStudio(context: vscode.ExtensionContext, services: Services, _keys: ApiKeyStore): vscode.Disposable[] {
  // Created now, not when the Studio opens: it must know the editor that was active before.
  const target = new InsertTargetTracker();
  const history = new HistoryStore(context.workspaceState);
  const studio = new Studio({ extensionUri: context.extensionUri, services, history, target });
  return [
    target,
    studio,
    vscode.window.registerWebviewPanelSerializer(STUDIO_VIEW_TYPE, studio),
    vscode.commands.registerCommand('flux.openStudio', () => {
      studio.createOrShow(selectedText());
    }),
  ];
}

/** The active editor's selection, trimmed to what the service accepts; undefined without one. */
function selectedText(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return undefined;
  const text = editor.document.getText(editor.selection).trim();
  return text ? text.slice(0, MAX_PROMPT_LENGTH) : undefined;
}
