// Every feature of the extension, loaded on the first use of any of them (activation.ts is what
// VS Code runs at activation, and registers the stand-ins that load this module).
import * as vscode from 'vscode';
import { ImageTool } from './chat/imageTool';
import type { ImageToolInput } from './core/toolInput';
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
import { recipeDocuments, registerShowImageRecipe } from './commands/showImageRecipe';
import { registerShowLog } from './commands/showLog';
import { registerShowSpending } from './commands/showSpending';
import { registerAddToStyle } from './commands/addToStyle';
import { registerChooseStyle } from './commands/chooseStyle';
import { registerStyleStatus } from './ui/styleStatus';
import { registerShowWork } from './commands/showWork';
import { HistoryStore } from './core/history';
import { validRecipe } from './core/recipe';
import type { ProviderId } from './core/providers/types';
import type { PlaceTracker } from './services/places';
import { GenerationService, recipeOf } from './services/generationService';
import { ImageStore } from './services/imageStore';
import { ApiKeyStore } from './services/keys';
import { Costs } from './services/costs';
import { costsUi } from './ui/costs';
import { FileHistory } from './services/fileHistory';
import { RecipeCache } from './services/recipeReader';
import { ImageCodeActionProvider } from './languageFeatures/codeActions';
import { ImageHoverProvider } from './languageFeatures/hover';
import { ReferenceIndex } from './languageFeatures/imageReferences';
import { LinkInserter } from './services/linkInserter';
import { StyleRegistry } from './services/styles';
import { registerKeyContext } from './ui/keyContext';
import { pipelinePrompts } from './ui/keyPrompt';
import type { MessageLog } from './ui/messages';
import { TaskJournal } from './services/journal';
import { Recovery } from './services/recovery';
import { draftsFolderOf } from './studio/drafts';
import type { InsertTargetTracker } from './studio/insertTarget';
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
  /** The house style status bar item's text while it is shown. */
  styleStatus(): string | undefined;
  /** What the status bar item for images in progress says now; undefined while it is hidden. */
  workStatus(): string | undefined;
}

/** What activation.ts registers at activation and hands on to, once this module is loaded. */
export interface Features {
  readonly hover: vscode.HoverProvider;
  readonly codeActions: vscode.CodeActionProvider;
  readonly studio: vscode.WebviewPanelSerializer;
  readonly imageTool: vscode.LanguageModelTool<ImageToolInput>;
  readonly recipeDocuments: vscode.TextDocumentContentProvider;
  /** Only in ExtensionMode.Test. */
  readonly testing?: TestingApi;
}

/** What activation.ts made at activation: the places followed in documents, and the editor Insert goes to. */
export interface Activated {
  readonly places: PlaceTracker;
  readonly target: InsertTargetTracker;
}

/** Builds the services and registers the commands. */
export function activate(context: vscode.ExtensionContext, { places, target }: Activated): Features {
  const messages = context.extensionMode === vscode.ExtensionMode.Test ? recordMessages() : undefined;
  const log = vscode.window.createOutputChannel('Flux', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0');
  const files = new ImageStore();
  const links = new LinkInserter(places);
  const history = new HistoryStore(context.workspaceState);
  const costs = new Costs(history, costsUi());
  // Paid work in flight, noted as it changes, so a reload or a crash loses none of it.
  const journal = new TaskJournal(vscode.Uri.joinPath(context.globalStorageUri, 'journal'), log);
  const generation = new GenerationService(pipelinePrompts(keys), files, links, history, log, `flux-vscode/${version} vscode/${vscode.version}`, costs, journal);
  const styles = new StyleRegistry();
  const styleStatus = registerStyleStatus(styles);
  const services: Services = { generation, files, links, history, keys, log, costs, places, styles };
  const studio = registerOpenStudio(context, services, target);
  // The one status bar item for images in progress, whoever asked for them.
  const workStatus = new WorkStatus(generation);

  context.subscriptions.push(
    log,
    files,
    journal,
    generation,
    styles,
    registerGenerateImage(services),
    registerGenerateFromSelection(services),
    registerEditImage(services),
    registerSetApiKey(keys),
    registerClearApiKey(keys),
    registerCancelGenerations(generation),
    registerShowLog(log),
    registerShowSpending(costs, generation),
    ...studio.disposables,
    ...registerGenerateMissingImages(services),
    registerKeyContext(keys, context.secrets),
    registerAddToStyle(log),
    registerChooseStyle(styles, log),
    styleStatus,
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
    registerRegenerateImage(services, references, recipes),
    registerShowImageRecipe(references, recipes),
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

  const features: Features = {
    hover: new ImageHoverProvider(references, recipes),
    codeActions: new ImageCodeActionProvider(references, recipes),
    studio: studio.studio,
    imageTool: new ImageTool(services),
    recipeDocuments: recipeDocuments(recipes),
  };
  if (messages) {
    return { ...features, testing: { setApiKey: (key, provider) => keys.store(key, provider), clearApiKey: (provider) => keys.clear(provider), logUri: context.logUri, services, fileHistory, messages, liveAnchors: () => places.live, journal, recovery, styleStatus: () => styleStatus.shown(), workStatus: () => workStatus.text } };
  }
  return features;
}
