import * as vscode from 'vscode';
import type { ApiKeyStore } from '../apiKeyStore';
import type { Services } from '../placeImage';

/** Flux: Open Image Studio — placeholder until the Studio lands. */
export function registerOpenStudio(_context: vscode.ExtensionContext, _services: Services, _keys: ApiKeyStore): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('flux.openStudio', () => {
      void vscode.window.showInformationMessage(vscode.l10n.t('The Image Studio is coming soon. Use “Flux: Generate Image” meanwhile.'));
    }),
  ];
}
