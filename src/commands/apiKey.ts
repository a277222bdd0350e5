import * as vscode from 'vscode';
import type { ApiKeyStore } from '../apiKeyStore';

/** Flux: Set API Key — resolves to true when a key was stored (never to the key itself). */
export function registerSetApiKey(keys: ApiKeyStore): vscode.Disposable {
  return vscode.commands.registerCommand('flux.setApiKey', async (): Promise<boolean> => {
    const key = await keys.ask();
    if (key) void vscode.window.showInformationMessage(vscode.l10n.t('Flux: API key saved in VS Code\'s secret storage.'));
    return Boolean(key);
  });
}

/** Flux: Clear API Key. */
export function registerClearApiKey(keys: ApiKeyStore): vscode.Disposable {
  return vscode.commands.registerCommand('flux.clearApiKey', async (): Promise<void> => {
    await keys.clear();
    void vscode.window.showInformationMessage(vscode.l10n.t('Flux: API key removed. You will be asked for one the next time you generate.'));
  });
}
