import * as vscode from 'vscode';
import { MAX_PROMPT_LENGTH } from '../core/params';
import { STUDIO_VIEW_TYPE } from '../services/constants';
import { draftsFolderOf } from '../studio/drafts';
import { InsertTargetTracker } from '../studio/insertTarget';
import { Studio } from '../studio/studioPanel';
import { COMMANDS } from './ids';
import type { Services } from '../services/services';

/**
 * Flux: Open Image Studio — opens (or reveals) the one Studio panel, its prompt prefilled with
 * the editor's selection; also restores the panel after a window reload.
 */
export function registerOpenStudio(context: vscode.ExtensionContext, services: Services): vscode.Disposable[] {
  // Created now, not when the Studio opens: it must know the editor that was active before.
  const target = new InsertTargetTracker();
  // Results are drafts in the extension's storage until inserted or saved (drafts.ts).
  const studio = new Studio({ extensionUri: context.extensionUri, services, target, draftsFolder: draftsFolderOf(context) });
  return [
    target,
    studio,
    vscode.window.registerWebviewPanelSerializer(STUDIO_VIEW_TYPE, studio),
    vscode.commands.registerCommand(COMMANDS.openStudio, () => {
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
