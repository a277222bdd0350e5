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
import type { Services } from './services/services';
import { registerSetApiKey } from './commands/setApiKey';
import { registerShowImageRecipe } from './commands/showImageRecipe';
import { registerShowLog } from './commands/showLog';
import { registerShowSpending } from './commands/showSpending';
import { registerShowWork } from './commands/showWork';
import { HistoryStore } from './core/history';
import { validRecipe } from './core/recipe';
import type { ProviderId } from './core/providers/types';
import { TrackedAnchor } from './services/anchor';
import { GenerationService, recipeOf } from './services/generationService';
import { ImageStore } from './services/imageStore';
import { ApiKeyStore } from './services/keys';
import { Costs } from './services/costs';
import { costsUi } from './ui/costs';
import { FileHistory } from './services/fileHistory';
import { RecipeCache } from './services/recipeReader';
import { ImageCodeActionProvider } from './languageFeatures/codeActions';
import { ImageHoverProvider, referenceSelector } from './languageFeatures/hover';
import { ReferenceIndex } from './languageFeatures/imageReferences';
import { LinkInserter } from './services/linkInserter';
import { registerDetails } from './ui/details';
import { registerKeyContext } from './ui/keyContext';
import { pipelinePrompts } from './ui/keyPrompt';
import type { MessageLog } from './ui/messages';
import { TaskJournal } from './services/journal';
import { Recovery } from './services/recovery';
import { draftsFolderOf } from './studio/drafts';
import { STALE_AFTER_MS } from './core/journal';
import { recoveryUi } from './ui/recovery';
import { recordMessages } from './ui/messages';
import { WorkStatus } from './ui/workStatus';

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
  /** This window's journal of paid work in flight, and the recovery of stopped windows' work. */
  readonly journal: TaskJournal;
  readonly recovery: Recovery;
  /** What the status bar item for images in progress says now; undefined while it is hidden. */
  workStatus(): string | undefined;
}

export function activate(context: vscode.ExtensionContext): { testing?: TestingApi } {
  const messages = context.extensionMode === vscode.ExtensionMode.Test ? recordMessages() : undefined;
  const log = vscode.window.createOutputChannel('Flux', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0');
  const files = new ImageStore();
  const links = new LinkInserter();
  const history = new HistoryStore(context.workspaceState);
  const costs = new Costs(history, costsUi());
  // Paid work in flight, noted as it changes, so a reload or a crash loses none of it.
  const journal = new TaskJournal(vscode.Uri.joinPath(context.globalStorageUri, 'journal'), log);
  const generation = new GenerationService(pipelinePrompts(keys), files, links, history, log, `flux-vscode/${version} vscode/${vscode.version}`, costs, journal);
  const services: Services = { generation, files, links, history, keys, log, costs };
  // The one status bar item for images in progress, whoever asked for them.
  const workStatus = new WorkStatus(generation);

  context.subscriptions.push(
    log,
    files,
    journal,
    generation,
    registerGenerateImage(services),
    registerGenerateFromSelection(services),
    registerEditImage(services),
    registerSetApiKey(keys),
    registerClearApiKey(keys),
    registerCancelGenerations(generation),
    registerShowLog(log),
    registerShowSpending(costs, generation),
    ...registerOpenStudio(context, services),
    ...registerGenerateMissingImages(services),
    registerImageTool(services),
    registerKeyContext(keys, context.secrets),
    registerDetails(),
    registerShowWork(generation),
    workStatus,
  );

  // Recipes: hover and code actions on image references, regenerate, show recipe, history from files.
  const references = new ReferenceIndex();
  // A file with the service's Content Credentials is written as it came: its recipe is in the history only.
  const recipes = new RecipeCache(undefined, (uri) => {
    const record = history.list().find((e) => e.file === uri.toString());
    return record && validRecipe(recipeOf(record));
  });
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
  // What a stopped window was making: fetched again, off the activation path. Once soon after the
  // start (a reload's old window is gone by then), once more when a window that stopped without a
  // word has missed its heartbeats.
  const recovery = new Recovery(journal, generation, draftsFolderOf(context), log, recoveryUi());
  // (The test suites run it themselves, at the moment they choose.)
  const recoveryTimers = messages ? [] : [setTimeout(() => void recovery.run(), 3000), setTimeout(() => void recovery.run(), STALE_AFTER_MS + 10_000)];
  context.subscriptions.push({ dispose: () => recoveryTimers.forEach(clearTimeout) });

  if (messages) {
    return { testing: { setApiKey: (key, provider) => keys.store(key, provider), clearApiKey: (provider) => keys.clear(provider), logUri: context.logUri, services, fileHistory, messages, liveAnchors: () => TrackedAnchor.live, journal, recovery, workStatus: () => workStatus.text } };
  }
  return {};
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
