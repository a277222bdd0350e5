import * as vscode from 'vscode';
import { MAX_PROMPT_LENGTH } from '../core/params';
import { draftsFolderOf } from '../studio/drafts';
import type { InsertTargetTracker } from '../studio/insertTarget';
import { Studio } from '../studio/studioPanel';
import { COMMANDS } from './ids';
import type { Services } from '../services/services';

/**
 * Flux: Open Image Studio — opens (or reveals) the one Studio panel, its prompt prefilled with
 * the editor's selection. The Studio is also the serializer that restores the panel after a window
 * reload (registered at activation, activation.ts). `target` was made at activation too: it must
 * know the editor that was active before.
 */
export function registerOpenStudio(context: vscode.ExtensionContext, services: Services, target: InsertTargetTracker): { studio: Studio; disposables: vscode.Disposable[] } {
  // Results are drafts in the extension's storage until inserted or saved (drafts.ts).
  const studio = new Studio({ extensionUri: context.extensionUri, services, target, draftsFolder: draftsFolderOf(context) });
  return {
    studio,
    disposables: [
      studio,
      vscode.commands.registerCommand(COMMANDS.openStudio, () => {
        studio.createOrShow(selectedText());
      }),
    ],
  };
}

/** The active editor's selection, trimmed to what the service accepts; undefined without one. */
function selectedText(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return undefined;
  const text = editor.document.getText(editor.selection).trim();
  return text ? text.slice(0, MAX_PROMPT_LENGTH) : undefined;
}
