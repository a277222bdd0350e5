import * as vscode from 'vscode';
import { readConfig } from '../services/config';
import type { ApiKeyStore } from '../services/keys';
import { providerName } from '../services/keys';
import { COMMANDS } from './ids';
import { askForKey } from '../ui/keyPrompt';
import { showInformation } from '../ui/messages';

/** Flux: Set API Key — the current provider's key; resolves to true when one was stored (never to the key). */
export function registerSetApiKey(keys: ApiKeyStore): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.setApiKey, async (): Promise<boolean> => {
    const { provider } = readConfig();
    const key = await askForKey(keys, provider);
    if (key) void showInformation(vscode.l10n.t('Flux: {0} API key saved in VS Code\'s secret storage.', providerName(provider)));
    return Boolean(key);
  });
}
