import * as vscode from 'vscode';
import { readConfig } from '../services/config';
import type { ApiKeyStore } from '../services/keys';
import { providerName } from '../services/keys';
import { COMMANDS } from './ids';
import { showInformation } from '../ui/messages';

/** Flux: Clear API Key — the current provider's key. */
export function registerClearApiKey(keys: ApiKeyStore): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.clearApiKey, async (): Promise<void> => {
    const { provider } = readConfig();
    await keys.clear(provider);
    void showInformation(vscode.l10n.t('Flux: {0} API key removed. You will be asked for one the next time you generate.', providerName(provider)));
  });
}
