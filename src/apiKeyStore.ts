import * as vscode from 'vscode';
import { API_KEY_SECRET } from './constants';

/** The key lives only in SecretStorage; this is the one place that reads, asks for or deletes it. */
export class ApiKeyStore {
  private asking: Promise<string | undefined> | undefined;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(): Thenable<string | undefined> {
    return this.secrets.get(API_KEY_SECRET);
  }

  /** The stored key, or asks for one (once, even when several generations start together). */
  async getOrAsk(): Promise<string | undefined> {
    const key = await this.get();
    if (key) return key;
    this.asking ??= this.ask(vscode.l10n.t('Enter your DMXAPI key to generate images. It is kept in VS Code\'s secret storage.')).finally(() => (this.asking = undefined));
    return this.asking;
  }

  /** Asks for a key and stores it; undefined when the person cancels. */
  async ask(prompt = vscode.l10n.t('Enter your DMXAPI key. It is kept in VS Code\'s secret storage, never in settings.')): Promise<string | undefined> {
    const input = vscode.window.createInputBox();
    input.title = vscode.l10n.t('Flux: API Key');
    input.prompt = prompt;
    input.placeholder = 'sk-…';
    input.password = true;
    input.ignoreFocusOut = true;
    try {
      const key = await new Promise<string | undefined>((resolve) => {
        input.onDidChangeValue((v) => (input.validationMessage = validateKey(v)));
        input.onDidAccept(() => {
          const value = input.value.trim();
          const problem = validateKey(value);
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
      if (key) await this.secrets.store(API_KEY_SECRET, key);
      return key;
    } finally {
      input.dispose();
    }
  }

  store(key: string): Thenable<void> {
    return this.secrets.store(API_KEY_SECRET, key);
  }

  clear(): Thenable<void> {
    return this.secrets.delete(API_KEY_SECRET);
  }
}

function validateKey(value: string): string | vscode.InputBoxValidationMessage | undefined {
  const v = value.trim();
  if (!v) return vscode.l10n.t('Paste the key from your DMXAPI account.');
  if (/\s/.test(v) || /[^\x21-\x7e]/.test(v)) return vscode.l10n.t('A key has no spaces or special characters. Paste it again.');
  if (!v.startsWith('sk-')) {
    return { message: vscode.l10n.t('DMXAPI keys usually start with “sk-”. Press Enter to use this one anyway.'), severity: vscode.InputBoxValidationSeverity.Warning };
  }
  return undefined;
}
