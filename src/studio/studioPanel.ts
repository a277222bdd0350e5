import * as vscode from 'vscode';
import { isInside, isInWorkspace, joinSegments } from '../services/imageStore';
import { readConfig } from '../services/config';
import { STUDIO_VIEW_TYPE } from '../services/constants';
import { outputFolderSegments } from '../core/outputFolder';
import { MODEL_FAMILIES, MODELS } from '../core/models';
import { MODEL_IDS } from '../core/models';
import { ASPECT_RATIOS, MAX_PROMPT_LENGTH } from '../core/params';
import type { Services } from '../services/services';
import type { InsertTargetTracker } from './insertTarget';
import type { Bootstrap, HostToWebview, WebviewStrings } from './protocol';
import { MAX_COUNT } from './protocol';
import { StudioController } from './studioController';

export interface StudioDependencies {
  readonly extensionUri: vscode.Uri;
  readonly services: Services;
  readonly target: InsertTargetTracker;
  /** Where the Studio keeps its results until they are inserted or saved (see drafts.ts). */
  readonly draftsFolder?: vscode.Uri;
}

/**
 * Keeps the one Image Studio panel: opens it, reveals it, restores it after a window reload
 * (as the panel serializer), and forgets it when it is closed.
 */
export class Studio implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private current: StudioPanel | undefined;

  constructor(private readonly deps: StudioDependencies) {}

  get panel(): StudioPanel | undefined {
    return this.current;
  }

  /** Opens the Studio beside the editor, or reveals it; `prefill` replaces the prompt. */
  createOrShow(prefill?: string): StudioPanel {
    if (this.current) {
      this.current.reveal(prefill);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(
      STUDIO_VIEW_TYPE,
      vscode.l10n.t('Image Studio'),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      webviewOptions(this.deps),
    );
    return this.adopt(panel, prefill);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, _state: unknown): Promise<void> {
    // The form comes back from the webview's own getState(); only the wiring is redone here.
    if (this.current) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.deps);
    this.adopt(panel, undefined);
  }

  dispose(): void {
    this.current?.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, prefill: string | undefined): StudioPanel {
    const studio = new StudioPanel(panel, this.deps, prefill);
    this.current = studio;
    studio.onDidDispose(() => {
      if (this.current === studio) this.current = undefined;
    });
    return studio;
  }
}

export class StudioPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  private roots: vscode.Uri[];
  readonly controller: StudioController;
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    deps: StudioDependencies,
    prefill: string | undefined,
  ) {
    this.roots = resourceRoots(deps);
    const webview = panel.webview;
    panel.iconPath = {
      light: vscode.Uri.joinPath(deps.extensionUri, 'media', 'studio-light.svg'),
      dark: vscode.Uri.joinPath(deps.extensionUri, 'media', 'studio-dark.svg'),
    };
    this.controller = new StudioController({
      services: deps.services,
      target: deps.target,
      post: (message: HostToWebview) => webview.postMessage(message),
      asWebviewUri: (uri) => webview.asWebviewUri(uri),
      allowFolder: (folder) => this.allowFolder(folder),
      ...(deps.draftsFolder ? { draftsFolder: deps.draftsFolder } : {}),
    });
    // Old drafts go when the Studio opens (and after each batch).
    void this.controller.pruneDrafts();
    this.controller.setInitialPrefill(prefill);
    webview.html = renderHtml(webview, deps.extensionUri, bootstrap(deps));
    this.disposables.push(
      this.controller,
      this.disposed,
      webview.onDidReceiveMessage((raw: unknown) => this.controller.handle(raw)),
      panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('flux.outputFolder')) this.updateRoots(resourceRoots(deps));
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.updateRoots(resourceRoots(deps))),
    );
  }

  reveal(prefill?: string): void {
    this.panel.reveal(undefined, false);
    if (prefill !== undefined) this.controller.prefill(prefill);
  }

  dispose(): void {
    const items = this.disposables.splice(0);
    if (!items.length) return;
    this.disposed.fire();
    this.panel.dispose();
    for (const d of items) d.dispose();
  }

  /** Lets the webview load images from a folder it could not yet (one outside the current roots). */
  private allowFolder(folder: vscode.Uri): boolean {
    if (this.roots.some((root) => isInside(folder, root))) return false;
    return this.updateRoots([...this.roots, folder]);
  }

  private updateRoots(roots: vscode.Uri[]): boolean {
    const key = (list: vscode.Uri[]) => list.map((u) => u.toString()).sort().join('\n');
    if (key(roots) === key(this.roots)) return false;
    // Changing the options reloads the webview; its state and the host's `init` bring it back.
    this.roots = roots;
    this.panel.webview.options = { enableScripts: true, localResourceRoots: roots };
    return true;
  }
}

function webviewOptions(deps: StudioDependencies): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: resourceRoots(deps), enableFindWidget: false, retainContextWhenHidden: false };
}

/**
 * What the webview may load: the extension's media/ and the folders images live in: the
 * output folder of each workspace folder, and any other folder the history points into.
 */
export function resourceRoots(deps: Pick<StudioDependencies, 'extensionUri' | 'services' | 'draftsFolder'>): vscode.Uri[] {
  const roots = new Map<string, vscode.Uri>();
  const add = (uri: vscode.Uri) => roots.set(uri.toString(), uri);
  add(vscode.Uri.joinPath(deps.extensionUri, 'media'));
  // The drafts, which are outside the workspace.
  if (deps.draftsFolder) add(deps.draftsFolder);
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    try {
      const segments = outputFolderSegments(readConfig(folder.uri).outputFolder);
      add(joinSegments(folder.uri, segments));
    } catch {
      // An invalid setting: generating reports it; nothing to load from there.
    }
  }
  for (const entry of deps.services.history.list()) {
    try {
      // Images from an earlier output folder still show, but only from inside the workspace.
      const parent = vscode.Uri.joinPath(vscode.Uri.parse(entry.file, true), '..');
      if (![...roots.values()].some((root) => isInside(parent, root)) && isInWorkspace(parent)) add(parent);
    } catch {
      // not a URI: skipped
    }
  }
  return [...roots.values()];
}

function bootstrap(deps: StudioDependencies): Bootstrap {
  const config = readConfig(deps.target.current()?.document.uri);
  const models: string[] = [...MODEL_IDS];
  if (!models.includes(config.model)) models.push(config.model);
  return {
    strings: webviewStrings(),
    models,
    modelGroups: MODEL_FAMILIES.map((label) => ({ label, models: MODELS.filter((m) => m.family === label).map((m) => m.id) })),
    ratios: [...ASPECT_RATIOS],
    maxPromptLength: MAX_PROMPT_LENGTH,
    maxCount: MAX_COUNT,
    defaults: { model: config.model, size: config.size, seed: config.seed },
  };
}

/** Everything the webview says, localized here (its script has no access to vscode.l10n). */
function webviewStrings(): WebviewStrings {
  const t = vscode.l10n.t;
  return {
    compose: t('New image'),
    prompt: t('Prompt'),
    promptPlaceholder: t('Describe the image: subject, setting, light, style…'),
    promptHint: t('{0} to generate'),
    model: t('Model'),
    aspectRatio: t('Aspect ratio'),
    custom: t('Custom size in pixels'),
    customSize: t('Width × height in pixels'),
    customSizePlaceholder: t('e.g. 1024x768'),
    seed: t('Seed'),
    seedRandom: t('Random'),
    seedFixed: t('Fixed'),
    seedNumber: t('Seed number'),
    seedsRange: t('Seeds {0}–{1}, one per image.'),
    seedsRandom: t('A new random seed for each image.'),
    count: t('Images'),
    generate: t('Generate'),
    generateMany: t('Generate {0} images'),
    estimate: t('Cost of this click: {0}'),
    spentThisMonth: t('This month: {0}'),
    spentOfBudget: t('This month: {0} of your {1} budget'),
    costUnknown: t('Cost unknown: set flux.prices for this model'),
    cancel: t('Cancel'),
    generatingOne: t('Generating an image…'),
    generating: t('Generating {0} images…'),
    history: t('History'),
    filter: t('Filter the history by prompt'),
    filterPlaceholder: t('Filter by prompt'),
    emptyHistory: t('Images you generate appear here, newest first.'),
    noMatch: t('No image has a prompt with “{0}”.'),
    insertTarget: t('Insert goes to {0}'),
    noInsertTarget: t('Open a document (Markdown, HTML, reStructuredText, AsciiDoc or LaTeX) to insert images into it.'),
    insert: t('Insert'),
    insertInto: t('Insert a link into {0} at the cursor'),
    copyLink: t('Copy Markdown link'),
    useSettings: t('Use these settings'),
    editPrompt: t('Edit prompt'),
    variations: t('Variations (new random seeds)'),
    reproduce: t('Reproduce (same seed)'),
    reproduceNoSeed: t('The seed of this image is not known, so it cannot be made again exactly.'),
    moreActions: t('More actions'),
    recentPrompts: t('Recent prompts'),
    noRecentPrompts: t('Prompts you generate with appear here.'),
    promptRequired: t('Write a prompt first.'),
    seedFieldDisabled: t('Choose Fixed to enter a seed.'),
    fileMissingAction: t('The file is missing: remove it from the history, or use Reproduce.'),
    reveal: t('Reveal in Explorer'),
    open: t('Open image'),
    remove: t('Remove from history…'),
    dismiss: t('Dismiss'),
    retry: t('Try Again'),
    openAccountPage: t('Open Account Page'),
    setApiKey: t('Set API Key'),
    showLog: t('Show Log'),
    openSettings: t('Open Settings'),
    elapsed: t('{0} s'),
    waiting: t('Generating…'),
    failed: t('Not generated'),
    fileMissing: t('The file is missing'),
    seedLabel: t('seed {0}'),
    seedUnknown: t('seed unknown'),
    settingsApplied: t('The form now has this image’s prompt, model, size and seed.'),
    actionsFor: t('Actions for “{0}”'),
    seedInvalid: t('Enter a whole number from 0 up, or choose Random.'),
    imageReady: t('Image ready: {0}'),
    saveToAssets: t('Save to assets'),
    draftNotInWorkspace: t('A draft is not in the workspace yet: Insert or Save to assets first.'),
    draft: t('Draft'),
    draftHint: t('Kept in the Studio’s drafts until you insert it or save it to the output folder.'),
    recovered: t('Recovered'),
    recoveredHint: t('Fetched again after VS Code stopped while it was being made. Insert places it as usual.'),
    editImage: t('Edit…'),
    addToStyle: t('Add to style…'),
    styleHint: t('Made in this house style: {0}'),
    inputImage: t('Input image'),
    chooseImage: t('Choose an image…'),
    removeInput: t('Remove the input image'),
    dropHint: t('Or drop an image from the Explorer here (hold Shift).'),
    fromSource: t('from {0}'),
    showSource: t('Show {0}, the image this one was made from'),
    asInput: t('Keep the input image’s shape'),
    generateEdit: t('Edit image'),
    editInstruction: t('What should change?'),
    leaveEdit: t('Stop editing'),
    editedWith: t('Edit: {0}'),
    editPlaceholder: t('For example: make it night; add a red umbrella'),
    alreadySaved: t('Already in the workspace: {0}'),
    references: t('References'),
    useAsReference: t('Use as Reference'),
    chooseReferences: t('Choose an image…'),
    referenceCount: t('{0} of {1}'),
    referencesHint: t('Images sent with the prompt: “the dog from image 1 in the garden of image 2”. Or drop images from the Explorer here.'),
    noReferences: t('{0} takes no reference images here. Choose a FLUX.2 model to send some.'),
    removeReference: t('Remove reference {0}'),
    referencesFull: t('This model takes {0} references at most. Remove one to add another.'),
    madeWithReferences: t('{0} references'),
    megapixels: t('Megapixels'),
    megapixelsOption: t('{0} MP ({1})'),
    megapixelsCustom: t('A custom size gives the pixels itself.'),
    style: t('Style'),
    noStyle: t('No style'),
    styleReferences: t('Reference images: {0}'),
    styleFromDocument: t('The style of {0}'),
  };
}

/** `&`, `<`, `>` and `"` as entities, for text inside a double-quoted attribute. */
export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function nonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}

/**
 * The page: a strict CSP (scripts only with this page's nonce, images and styles only from
 * the webview's own resource origin), the bundled script and CSS from media/, and the
 * bootstrap data as an escaped attribute, never inside a script.
 */
export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri, data: Bootstrap): string {
  const n = nonce();
  const src = webview.cspSource;
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'build', 'studio.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'studio.css'));
  const csp = [`default-src 'none'`, `img-src ${src}`, `style-src ${src}`, `font-src ${src}`, `script-src 'nonce-${n}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(style.toString())}">
<title>${escapeAttribute(vscode.l10n.t('Image Studio'))}</title>
</head>
<body data-bootstrap="${escapeAttribute(JSON.stringify(data))}">
<noscript>${escapeAttribute(vscode.l10n.t('The Image Studio needs scripts enabled.'))}</noscript>
<script nonce="${n}" src="${escapeAttribute(script.toString())}"></script>
</body>
</html>`;
}
