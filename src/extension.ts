import * as vscode from 'vscode';
import { registerImageTool } from './chat/imageTool';
import { registerCancelGenerations } from './commands/cancelGenerations';
import { registerClearApiKey } from './commands/clearApiKey';
import { registerEditImage } from './commands/editImage';
import { registerGenerateFromSelection } from './commands/generateFromSelection';
import { registerGenerateImage } from './commands/generateImage';
import { registerGenerateMissingImages } from './commands/generateMissingImages';
import { registerOpenStudio } from './commands/openStudio';
import { registerRegenerateImage } from './commands/regenerateImage';
import type { Services } from './commands/services';
import { registerSetApiKey } from './commands/setApiKey';
import { registerShowImageRecipe } from './commands/showImageRecipe';
import { registerShowLog } from './commands/showLog';
import { HistoryStore } from './core/history';
import type { ProviderId } from './core/providers/types';
import { TrackedAnchor } from './services/anchor';
import { GenerationService } from './services/generationService';
import { ImageStore } from './services/imageStore';
import { ApiKeyStore } from './services/keys';
import { FileHistory } from './services/fileHistory';
import { RecipeCache } from './services/recipeReader';
import { ImageCodeActionProvider } from './languageFeatures/codeActions';
import { ImageHoverProvider, referenceSelector } from './languageFeatures/hover';
import { ReferenceIndex } from './languageFeatures/imageReferences';
import { LinkInserter } from './services/linkInserter';
import { registerDetails } from './ui/details';
import { registerKeyContext } from './ui/keyContext';
import type { MessageLog } from './ui/messages';
import { recordMessages } from './ui/messages';

/** Only in ExtensionMode.Test: lets the integration suite reach the services without the UI. */
export interface TestingApi {
  setApiKey(key: string, provider?: ProviderId): Thenable<void>;
  clearApiKey(provider?: ProviderId): Thenable<void>;
  /** Where the log channel's files are written, to prove what they do not contain. */
  readonly logUri: vscode.Uri;
  readonly services: Services;
  /** The history found in the output folders' PNG recipes (scan on demand). */
  readonly fileHistory: FileHistory;
  /** Every information, warning and error message the extension has shown (ui/messages.ts). */
  readonly messages: MessageLog;
  /** How many tracked places in documents are still followed (each command lets go of its own). */
  liveAnchors(): number;
}

export function activate(context: vscode.ExtensionContext): { testing?: TestingApi } {
  const messages = context.extensionMode === vscode.ExtensionMode.Test ? recordMessages() : undefined;
  const log = vscode.window.createOutputChannel('Flux', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0');
  const files = new ImageStore();
  const links = new LinkInserter();
  const history = new HistoryStore(context.workspaceState);
  const generation = new GenerationService(keys, files, links, history, log, `flux-vscode/${version} vscode/${vscode.version}`);
  const services: Services = { generation, files, links, history, keys, log };

  context.subscriptions.push(
    log,
    files,
    generation,
    registerGenerateImage(services),
    registerGenerateFromSelection(services),
    registerEditImage(services),
    registerSetApiKey(keys),
    registerClearApiKey(keys),
    registerCancelGenerations(generation),
    registerShowLog(log),
    ...registerOpenStudio(context, services),
    ...registerGenerateMissingImages(services),
    registerImageTool(services),
    registerKeyContext(keys, context.secrets),
    registerDetails(),
  );

  // Recipes: hover and code actions on image references, regenerate, show recipe, history from files.
  const references = new ReferenceIndex();
  const recipes = new RecipeCache();
  const fileHistory = new FileHistory(history, recipes, context.workspaceState, log);
  context.subscriptions.push(
    fileHistory,
    vscode.languages.registerHoverProvider(referenceSelector(), new ImageHoverProvider(references, recipes)),
    vscode.languages.registerCodeActionsProvider(referenceSelector(), new ImageCodeActionProvider(references, recipes), ImageCodeActionProvider.metadata),
    registerRegenerateImage(services, references, recipes),
    ...registerShowImageRecipe(references, recipes),
  );
  // In the background, after start-up has settled: a cloned workspace's images join the history.
  const scanTimer = setTimeout(() => void fileHistory.scan(), 2000);
  context.subscriptions.push({ dispose: () => clearTimeout(scanTimer) });

  if (messages) {
    return { testing: { setApiKey: (key, provider) => keys.store(key, provider), clearApiKey: (provider) => keys.clear(provider), logUri: context.logUri, services, fileHistory, messages, liveAnchors: () => TrackedAnchor.live } };
  }
  return {};
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
