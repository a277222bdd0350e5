import * as vscode from 'vscode';
import { readConfig } from '../services/config';
import type { ApiKeyStore } from '../services/keys';

/** True while a key is stored for the current provider: the walkthrough's first step completes on it. */
export const HAS_API_KEY_CONTEXT = 'flux.hasApiKey';

/** Keeps `flux.hasApiKey` true exactly while the current provider has a stored key. */
export function registerKeyContext(keys: ApiKeyStore, secrets: vscode.SecretStorage): vscode.Disposable {
  // Checks may overlap (a key stored while the provider changes): only the latest one is applied.
  let generation = 0;
  const update = async () => {
    const mine = ++generation;
    const stored = Boolean(await keys.get(readConfig().provider));
    if (mine === generation) await vscode.commands.executeCommand('setContext', HAS_API_KEY_CONTEXT, stored);
  };
  void update();
  return vscode.Disposable.from(
    secrets.onDidChange(() => void update()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flux.provider')) void update();
    }),
  );
}
