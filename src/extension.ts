import * as vscode from 'vscode';
import { ApiKeyStore } from './apiKeyStore';
import { registerClearApiKey, registerSetApiKey } from './commands/apiKey';
import { registerGenerateFromSelection } from './commands/generateFromSelection';
import { registerGenerateImage } from './commands/generateImage';
import { registerCancelGenerations, registerShowLog } from './commands/misc';
import { registerOpenStudio } from './commands/openStudio';
import { Generator } from './generator';
import { ImageFiles } from './imageFiles';

export function activate(context: vscode.ExtensionContext): void {
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
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
