import * as vscode from 'vscode';
import { ApiKeyStore } from './apiKeyStore';
import { registerClearApiKey, registerSetApiKey } from './commands/apiKey';
import { registerGenerateFromSelection } from './commands/generateFromSelection';
import { registerGenerateImage } from './commands/generateImage';
import { registerCancelGenerations, registerShowLog } from './commands/misc';
import { registerOpenStudio } from './commands/openStudio';
import { Generator } from './generator';
import { ImageFiles } from './imageFiles';

/** Only in ExtensionMode.Test: lets the integration suite store a key without the input box. */
export interface TestingApi {
  setApiKey(key: string): Thenable<void>;
  clearApiKey(): Thenable<void>;
  /** Where the log channel's files are written, to prove what they do not contain. */
  readonly logUri: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): { testing?: TestingApi } {
  const log = vscode.window.createOutputChannel('Flux', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0');
  const generator = new Generator(keys, log, `flux-vscode/${version} vscode/${vscode.version}`);
  const files = new ImageFiles();
  const services = { generator, files, log };

  context.subscriptions.push(
    log,
    generator,
    registerGenerateImage(services),
    registerGenerateFromSelection(services),
    registerSetApiKey(keys),
    registerClearApiKey(keys),
    registerCancelGenerations(generator),
    registerShowLog(log),
    ...registerOpenStudio(context, services, keys),
  );

  if (context.extensionMode === vscode.ExtensionMode.Test) {
    return { testing: { setApiKey: (key) => keys.store(key), clearApiKey: () => keys.clear(), logUri: context.logUri } };
  }
  return {};
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
