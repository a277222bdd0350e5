import * as vscode from 'vscode';
import type { ProviderId } from '../core/providers/types';
import type { PipelinePrompts } from '../services/generationService';
import type { ApiKeyStore } from '../services/keys';
import { providerName } from '../services/keys';
import { showWarning } from './messages';

/** What the pipeline asks or tells the person, drawn here: the key prompt and warnings. */
export function pipelinePrompts(keys: ApiKeyStore): PipelinePrompts {
  return {
    apiKey: (provider) => keys.getOrAsk(provider, (p) => askForKey(keys, p, vscode.l10n.t('Enter your {0} API key to generate images. It is kept in VS Code\'s secret storage.', providerName(p)))),
    storedKey: async (provider) => keys.get(provider),
    warn: (message) => void showWarning(message),
  };
}

/** Asks for a key and stores it; undefined when the person cancels. */
export async function askForKey(keys: ApiKeyStore, provider: ProviderId, prompt?: string): Promise<string | undefined> {
  const input = vscode.window.createInputBox();
  input.title = vscode.l10n.t('Flux: {0} API Key', providerName(provider));
  input.prompt = prompt ?? vscode.l10n.t('Enter your {0} API key. It is kept in VS Code\'s secret storage, never in settings.', providerName(provider));
  input.placeholder = provider === 'bfl' ? '' : 'sk-…';
  input.password = true;
  input.ignoreFocusOut = true;
  try {
    const key = await new Promise<string | undefined>((resolve) => {
      input.onDidChangeValue((v) => (input.validationMessage = validateKey(v, provider)));
      input.onDidAccept(() => {
        const value = input.value.trim();
        const problem = validateKey(value, provider);
        if (problem && typeof problem === 'string') {
          input.validationMessage = problem;
          return;
        }
        resolve(value);
        input.hide();
      });
      input.onDidHide(() => resolve(undefined));
      input.show();
    });
    if (key) await keys.store(key, provider);
    return key;
  } finally {
    input.dispose();
  }
}

function validateKey(value: string, provider: ProviderId): string | vscode.InputBoxValidationMessage | undefined {
  const v = value.trim();
  if (!v) return vscode.l10n.t('Paste the key from your {0} account.', providerName(provider));
  if (/\s/.test(v) || /[^\x21-\x7e]/.test(v)) return vscode.l10n.t('A key has no spaces or special characters. Paste it again.');
  if (provider === 'dmxapi' && !v.startsWith('sk-')) {
    return { message: vscode.l10n.t('DMXAPI keys usually start with “sk-”. Press Enter to use this one anyway.'), severity: vscode.InputBoxValidationSeverity.Warning };
  }
  return undefined;
}
