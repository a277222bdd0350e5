import * as vscode from 'vscode';
import type { ProviderId } from '../core/providers/types';
import { API_KEY_SECRETS } from './constants';

/** The provider's name as people know it, for prompts and messages. */
export function providerName(provider: ProviderId): string {
  return provider === 'bfl' ? vscode.l10n.t('Black Forest Labs') : vscode.l10n.t('DMXAPI');
}

/**
 * Keys live only in SecretStorage, one per provider; this is the one place that reads, asks
 * for or deletes them. One provider's key is never handed to another.
 */
export class ApiKeyStore {
  private readonly asking = new Map<ProviderId, Promise<string | undefined>>();

  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(provider: ProviderId = 'dmxapi'): Thenable<string | undefined> {
    return this.secrets.get(API_KEY_SECRETS[provider]);
  }

  /** The stored key, or asks for one (once, even when several generations start together). */
  async getOrAsk(provider: ProviderId = 'dmxapi'): Promise<string | undefined> {
    const key = await this.get(provider);
    if (key) return key;
    let pending = this.asking.get(provider);
    if (!pending) {
      pending = this.ask(provider, vscode.l10n.t('Enter your {0} API key to generate images. It is kept in VS Code\'s secret storage.', providerName(provider))).finally(() => this.asking.delete(provider));
      this.asking.set(provider, pending);
    }
    return pending;
  }

  /** Asks for a key and stores it; undefined when the person cancels. */
  async ask(provider: ProviderId = 'dmxapi', prompt?: string): Promise<string | undefined> {
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
      if (key) await this.secrets.store(API_KEY_SECRETS[provider], key);
      return key;
    } finally {
      input.dispose();
    }
  }

  store(key: string, provider: ProviderId = 'dmxapi'): Thenable<void> {
    return this.secrets.store(API_KEY_SECRETS[provider], key);
  }

  clear(provider: ProviderId = 'dmxapi'): Thenable<void> {
    return this.secrets.delete(API_KEY_SECRETS[provider]);
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
