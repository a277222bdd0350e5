import * as vscode from 'vscode';
import type { ProviderId } from '../core/providers/types';
import { API_KEY_SECRETS } from './constants';

/** The provider's name as people know it, for prompts and messages. */
export function providerName(provider: ProviderId): string {
  return provider === 'bfl' ? vscode.l10n.t('Black Forest Labs') : vscode.l10n.t('DMXAPI');
}

/**
 * Keys live only in SecretStorage, one per provider; this is the one place that reads, stores
 * or deletes them. One provider's key is never handed to another.
 */
export class ApiKeyStore {
  private readonly asking = new Map<ProviderId, Promise<string | undefined>>();

  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(provider: ProviderId = 'dmxapi'): Thenable<string | undefined> {
    return this.secrets.get(API_KEY_SECRETS[provider]);
  }

  /**
   * The stored key, or `ask`s the person for one (once, even when several generations start
   * together). Asking is the UI's business (ui/keyPrompt.ts); this store only keeps keys.
   */
  async getOrAsk(provider: ProviderId, ask: (provider: ProviderId) => Promise<string | undefined>): Promise<string | undefined> {
    const key = await this.get(provider);
    if (key) return key;
    let pending = this.asking.get(provider);
    if (!pending) {
      pending = ask(provider).finally(() => this.asking.delete(provider));
      this.asking.set(provider, pending);
    }
    return pending;
  }

  store(key: string, provider: ProviderId = 'dmxapi'): Thenable<void> {
    return this.secrets.store(API_KEY_SECRETS[provider], key);
  }

  clear(provider: ProviderId = 'dmxapi'): Thenable<void> {
    return this.secrets.delete(API_KEY_SECRETS[provider]);
  }
}
