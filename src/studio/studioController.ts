import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { Services } from '../services/services';
import { asFluxError, nextSteps } from '../core/errors';
import { IMAGE_FILE_NAME } from '../core/imageType';
import type { HistoryEntry } from '../core/history';
import type { GenerationParams } from '../core/params';
import type { InputImage } from '../core/providers/types';
import { normalizeModel, normalizePrompt, normalizeSeed, normalizeSizeFor } from '../core/params';
import { markdownImageLink } from '../core/markdown';
import { readChosenEditInput, readReferences } from '../services/editInputFile';
import { checkModelRequest } from '../core/models';
import { MEGAPIXELS } from '../core/dimensions';
import { sizeToRepeat } from '../core/recipe';
import { readConfig } from '../services/config';
import { costItem } from '../services/costs';
import { linkText, recordedStyle, styleReferences } from '../services/generationService';
import type { JobStyle } from '../services/generationService';
import { displayPath, isInWorkspace, workspaceLinkPath } from '../services/imageStore';
import { caughtError, localizedMessage } from '../ui/notifications';
import { pickWorkspaceImage } from '../ui/pickImage';
import { Drafts } from './drafts';
import type { InsertTarget, InsertTargetTracker } from './insertTarget';
import type { ErrorView, FormField, HistoryItemView, HostCommand, HostToWebview, InputView, ItemAction, JobView, ReferenceView, StylesView, WebviewToHost } from './protocol';
import { batchSeeds, MAX_URI_FIELD, validateWebviewMessage } from './protocol';
import { showWarning } from '../ui/messages';

/** What removing an image from the history should do; undefined = nothing (cancelled). */
export type RemoveChoice = 'history' | 'file' | undefined;

export interface StudioControllerOptions {
  readonly services: Services;
  readonly target: InsertTargetTracker;
  /** Delivers a message to the webview; resolves to false when it was not delivered. */
  readonly post: (message: HostToWebview) => Thenable<boolean> | boolean;
  /** `webview.asWebviewUri`. */
  readonly asWebviewUri: (uri: vscode.Uri) => vscode.Uri;
  /** Called before an image in `folder` is shown, so the webview may load from it; true when that reloads the page. */
  readonly allowFolder?: (folder: vscode.Uri) => unknown;
  /** Asks whether to remove an entry, and its file too; default a modal warning. */
  readonly confirmRemove?: (entry: HistoryEntry, path: string) => Thenable<RemoveChoice>;
  /**
   * Where results go as drafts until Insert or Save to assets (the extension's storage). Without
   * it they go straight into the output folder.
   */
  readonly draftsFolder?: vscode.Uri;
  /** Asks for an input image from the workspace; default a quick pick of its images, newest first. */
  readonly pickImage?: () => Thenable<vscode.Uri | undefined>;
  /** Asks for reference images in the workspace; default an open dialog of images, several at once. */
  readonly pickReferences?: () => Thenable<readonly vscode.Uri[] | undefined>;
  readonly now?: () => number;
}

/**
 * The house style of a Generate: the Style picker's choice (a name, `null` = No style, undefined =
 * the target document's style), resolved when the job starts; or a record's style as it was made
 * (Reproduce, Variations), never today's.
 */
type StyleChoice = { readonly pick: string | null | undefined } | { readonly recorded: JobStyle | undefined };

/** Requests the Studio may have in flight at once. */
const MAX_RUNNING = 8;
/** Input images handed out per panel; the oldest are forgotten. */
const MAX_INPUTS = 50;

interface RunningJob {
  view: JobView;
  readonly controller: AbortController;
  /** An edit's input file (kept from pruning while the job runs). */
  readonly input?: string;
}

/** An input image the webview may name by id: the host keeps where it is. */
interface InputChoice {
  readonly uri: vscode.Uri;
  readonly name: string;
  readonly parent?: string;
}

/**
 * The Studio's host side, without the panel: takes the webview's messages (validated here),
 * generates through the one generation service (which writes the file and records the history),
 * inserts links, and answers through `post`. Tests drive it directly.
 */
export class StudioController implements vscode.Disposable {
  private readonly running = new Map<string, RunningJob>();
  private readonly now: () => number;
  private readonly subscriptions: vscode.Disposable[] = [];
  private pendingPrefill: string | undefined;
  /** An input offered while the page reloads for its folder: it goes with the next `init`. */
  private pendingInput: InputView | undefined;
  /** References offered while the page reloads for their folder. */
  private pendingReferences: ReferenceView[] = [];
  /** Records made by this panel's own jobs: announced with their job, not as outside additions. */
  private readonly ownRecords = new Set<string>();
  private readonly inputs = new Map<string, InputChoice>();
  /** Drafts being copied into the workspace (their URI strings): never pruned meanwhile. */
  private readonly saving = new Set<string>();
  readonly drafts: Drafts | undefined;
  private disposed = false;
  /** Counts `styles` messages, so a slow read never overwrites a newer one. */
  private stylesSeq = 0;

  constructor(private readonly options: StudioControllerOptions) {
    this.now = options.now ?? Date.now;
    this.drafts = options.draftsFolder ? new Drafts(options.draftsFolder, options.services) : undefined;
    this.subscriptions.push(
      options.target.onDidChange(() => {
        this.send({ type: 'target', target: { label: options.target.label() } });
        void this.sendStyles();
      }),
      // A styles file created, changed or deleted, `flux.style` changed, or trust granted: the picker follows.
      options.services.styles.onDidChange(() => void this.sendStyles()),
      // One history: images made elsewhere (palette, selection, edits) appear here too.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['flux.prices', 'flux.monthlyBudget', 'flux.megapixels', 'flux.provider'].some((k) => e.affectsConfiguration(k))) this.sendCosts();
      }),
      options.services.history.onDidChange((change) => {
        if (change.added) this.sendCosts();
        for (const id of change.removed) this.send({ type: 'removed', id });
        if (change.added && !this.ownRecords.has(change.added.id)) this.sendAdded(change.added);
      }),
    );
  }

  /** Handles one raw message from the webview; anything malformed is ignored. Resolves when it is done. */
  async handle(raw: unknown): Promise<void> {
    const message = validateWebviewMessage(raw);
    if (!message || this.disposed) return;
    try {
      await this.dispatch(message);
    } catch (err) {
      // A bug (logged with its stack) or a failure in words, next to nothing in particular.
      this.send({ type: 'notice', level: 'error', message: localizedMessage(caughtError(err, this.options.services.log, 'Studio')) });
    }
  }

  /** Puts text into the prompt: now when the webview is there, else with the next `init`. */
  prefill(prompt: string): void {
    this.pendingPrefill = prompt;
    void Promise.resolve(this.options.post({ type: 'prefill', prompt })).then((delivered) => {
      if (delivered && this.pendingPrefill === prompt) this.pendingPrefill = undefined;
    });
  }

  /** Sets the prefill for the webview's first `init` (a new panel). */
  setInitialPrefill(prompt: string | undefined): void {
    this.pendingPrefill = prompt;
  }

  get busy(): boolean {
    return this.running.size > 0;
  }

  cancelAll(): void {
    for (const job of this.running.values()) job.controller.abort();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelAll();
    for (const s of this.subscriptions) s.dispose();
  }

  private async dispatch(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.sendInit();
      case 'generate':
        return this.generate(message, message.count, message.input, message.references, message.megapixels, { pick: message.style });
      case 'pickInput':
        return this.pickInput();
      case 'dropInput':
        return this.dropInput(message.uris);
      case 'pickReferences':
        return this.pickReferences();
      case 'dropReferences':
        return this.dropReferences(message.uris);
      case 'cancel':
        return this.cancelAll();
      case 'item':
        return this.itemAction(message.action, message.id, message.count ?? 1);
      case 'command':
        return this.runCommand(message.command);
    }
  }

  private sendInit(): void {
    const prefill = this.pendingPrefill;
    this.pendingPrefill = undefined;
    const input = this.pendingInput;
    this.pendingInput = undefined;
    const references = this.pendingReferences;
    this.pendingReferences = [];
    this.send({
      type: 'init',
      items: this.options.services.history.list().flatMap((e) => {
        try {
          return [this.view(e)];
        } catch {
          return []; // a stored file that is not a URI any more: not shown
        }
      }),
      jobs: [...this.running.values()].map((j) => j.view),
      target: { label: this.options.target.label() },
      ...(prefill !== undefined ? { prefill } : {}),
      ...(input ? { input } : {}),
      ...(references.length ? { references } : {}),
    });
    this.sendCosts();
    void this.sendStyles();
  }

  /** The Style picker's choices: the styles of the target document's workspace folder and the style it uses now. */
  private async sendStyles(): Promise<void> {
    const seq = ++this.stylesSeq;
    const { styles: registry } = this.options.services;
    const document = this.options.target.current()?.document;
    const folder = registry.folderOf(document);
    let view: StylesView;
    try {
      const [list, chosen] = await Promise.all([folder ? registry.list(folder) : Promise.resolve([]), registry.choose(document)]);
      const reason = registry.untrustedReason();
      view = {
        styles: list.map(({ name, style }) => ({
          name,
          ...(style.description ? { description: style.description } : {}),
          ...(style.model ? { model: style.model } : {}),
          ...(style.size ? { size: style.size } : {}),
          ...(style.megapixels !== undefined ? { megapixels: style.megapixels } : {}),
          references: style.references?.length ?? 0,
        })),
        ...(chosen ? { current: chosen.name } : {}),
        ...(reason ? { disabledReason: reason } : {}),
      };
    } catch (err) {
      this.options.services.log.warn(`Studio could not read the house styles: ${messageOf(err)}`);
      view = { styles: [] };
    }
    if (seq === this.stylesSeq) this.send({ type: 'styles', styles: view });
  }

  /** The prices in force and this month's spending, for the estimate beside Generate. */
  private sendCosts(): void {
    const { costs } = this.options.services;
    const scope = this.options.target.current()?.document.uri;
    const config = readConfig(scope);
    this.send({ type: 'costs', costs: { prices: costs.book(scope).rules, monthUsd: costs.spending(scope).monthUsd, budget: costs.budget(scope), megapixels: config.megapixels, provider: config.provider } });
  }

  // ---- generating ----

  private async generate(
    input: { prompt: string; model: string; size: string; seed: number },
    count: number,
    inputId?: string,
    referenceIds: readonly string[] = [],
    megapixels?: number,
    styleChoice: StyleChoice = { pick: undefined },
  ): Promise<void> {
    let choice: InputChoice | undefined;
    if (inputId !== undefined) {
      choice = this.inputs.get(inputId);
      if (!choice) {
        this.send({ type: 'formError', field: 'input', message: vscode.l10n.t('The input image is no longer available. Choose it again.') });
        return;
      }
    }
    const referenceChoices: InputChoice[] = [];
    for (const id of referenceIds) {
      const reference = this.inputs.get(id);
      if (!reference) {
        this.send({ type: 'formError', field: 'references', message: vscode.l10n.t('A reference image is no longer available. Remove it and choose it again.') });
        return;
      }
      referenceChoices.push(reference);
    }
    if (megapixels !== undefined && !(megapixels >= MEGAPIXELS.min && megapixels <= MEGAPIXELS.max)) {
      this.send({ type: 'formError', field: 'size', message: vscode.l10n.t('Megapixels must be from {0} to {1}.', MEGAPIXELS.min, MEGAPIXELS.max) });
      return;
    }
    // An edit without a size keeps its input's aspect ratio.
    const params = this.checkForm(input, count, choice !== undefined && input.size === '');
    if (!params) return;
    const config = readConfig(this.options.target.current()?.document.uri);
    const references = referenceChoices.map((r) => r.uri);
    // The house style as it is now (its file read, its references checked): a bad one sends nothing.
    let style: JobStyle | undefined;
    if ('recorded' in styleChoice) style = styleChoice.recorded;
    else {
      try {
        style = await this.options.services.styles.resolve(this.options.target.current()?.document, styleChoice.pick, { model: params.model });
      } catch (err) {
        this.send({ type: 'formError', field: 'style', message: localizedMessage(err) });
        return;
      }
    }
    // What the request will be once the style has had its say (its model, size, megapixels, references win).
    const sentModel = style?.model ?? params.model;
    const sentSize = style?.size ?? (params.size || undefined);
    const sentMegapixels = style?.megapixels ?? megapixels ?? config.megapixels;
    const sentReferences = styleReferences(references, style);
    // The model's limit (an edit's input counts as one), before anything is read or sent.
    try {
      checkModelRequest(
        { prompt: params.prompt, model: sentModel, size: sentSize, seed: params.seed, megapixels: sentMegapixels, references: sentReferences.map(() => PLACEHOLDER_IMAGE), ...(choice ? { image: PLACEHOLDER_IMAGE } : {}) },
        config.provider,
      );
    } catch (err) {
      this.send({ type: 'formError', field: style && (style.model || style.references?.length) ? 'style' : references.length ? 'references' : 'size', message: localizedMessage(err) });
      return;
    }
    // Each reference read now (an image, 20 MB at most, still there): a problem names the file before any request.
    if (references.length) {
      try {
        await readReferences(references);
      } catch (err) {
        this.send({ type: 'formError', field: 'references', message: localizedMessage(err) });
        return;
      }
    }
    // Each image is a paid request: two full batches in flight are plenty.
    if (this.running.size + count > MAX_RUNNING) {
      this.send({ type: 'formError', field: 'general', message: vscode.l10n.t('{0} images are still being made. Wait for them, or cancel, before starting more.', this.running.size) });
      return;
    }
    const target = this.options.target.current();
    const scope = target?.document.uri;
    if (this.drafts) {
      this.options.allowFolder?.(this.drafts.folder);
    } else {
      try {
        // Checked before any paid request: a bad output folder is reported first.
        const { folder } = await this.options.services.files.outputFolder(readConfig(scope).outputFolder, scope);
        this.options.allowFolder?.(folder);
      } catch (err) {
        this.send({ type: 'formError', field: 'general', message: localizedMessage(err) });
        return;
      }
    }
    // The host reads the input image itself, from the file it handed out: never bytes from the page.
    let edit: { image: InputImage; source: { path: string; sha256: string }; parent?: string } | undefined;
    if (choice) {
      try {
        edit = await readInput(choice);
      } catch (err) {
        this.send({ type: 'formError', field: 'input', message: localizedMessage(err) });
        return;
      }
    }
    // The whole batch is one question against the monthly budget, asked before anything is sent.
    const request = { model: sentModel, size: sentSize, ...(edit ? { image: edit.image } : {}), references: sentReferences };
    if (!(await this.options.services.costs.approve([costItem(request, count, style?.megapixels ?? megapixels ?? readConfig(scope).megapixels)], scope))) {
      this.send({ type: 'formError', field: 'general', message: vscode.l10n.t('Nothing was sent: you chose to stay within your monthly budget.') });
      return;
    }
    const startedAt = this.now();
    const jobs: RunningJob[] = batchSeeds(params.seed, count).map((seed) => ({
      view: {
        jobId: newId(),
        prompt: params.prompt,
        model: params.model,
        size: params.size,
        seed,
        startedAt,
        ...(choice && inputId ? { input: { id: inputId, name: choice.name } } : {}),
        ...(referenceIds.length ? { references: [...referenceIds] } : {}),
        ...(megapixels !== undefined ? { megapixels } : {}),
        ...('pick' in styleChoice && styleChoice.pick !== undefined ? { style: styleChoice.pick } : {}),
      },
      controller: new AbortController(),
      ...(choice ? { input: choice.uri.toString() } : {}),
    }));
    for (const job of jobs) this.running.set(job.view.jobId, job);
    this.send({ type: 'jobsStarted', jobs: jobs.map((j) => j.view) });
    // One request per image; the shared queue decides how many run at once.
    await Promise.all(jobs.map((job) => this.runJob(job, params, scope, edit, { references, ...(megapixels !== undefined ? { megapixels } : {}) }, style)));
    void this.pruneDrafts();
  }

  /** Deletes old drafts beyond the limits; never one in flight, being saved, or an edit's input. */
  pruneDrafts(): Promise<void> {
    if (!this.drafts) return Promise.resolve();
    const keep = new Set<string>(this.saving);
    for (const job of this.running.values()) if (job.input) keep.add(job.input);
    return this.drafts.prune(keep);
  }

  /** Checks the form as the commands do; a problem is reported next to its field. */
  private checkForm(input: { prompt: string; model: string; size: string; seed: number }, count: number, sizeOptional = false): GenerationParams | undefined {
    const fail = (field: FormField, err: unknown): undefined => {
      this.send({ type: 'formError', field, message: localizedMessage(err) });
      return undefined;
    };
    let prompt: string, model: string, size: string, seed: number;
    try {
      prompt = normalizePrompt(input.prompt);
    } catch (e) {
      return fail('prompt', e);
    }
    try {
      model = normalizeModel(input.model);
    } catch (e) {
      return fail('model', e);
    }
    try {
      // FLUX.2 takes pixels in multiples of 16 up to 4 MP; Kontext 256–2048 per side.
      size = sizeOptional ? '' : normalizeSizeFor(input.size, model);
    } catch (e) {
      return fail('size', e);
    }
    try {
      seed = normalizeSeed(input.seed);
      if (seed >= 0) normalizeSeed(seed + count - 1);
    } catch (e) {
      return fail('seed', e);
    }
    return { prompt, model, size, seed };
  }

  private async runJob(
    job: RunningJob,
    params: GenerationParams,
    scope: vscode.Uri | undefined,
    edit: { image: InputImage; source: { path: string; sha256: string }; parent?: string } | undefined,
    flux2: { references: readonly vscode.Uri[]; megapixels?: number } = { references: [] },
    style?: JobStyle,
  ): Promise<void> {
    const { services } = this.options;
    const { signal } = job.controller;
    try {
      const result = await services.generation.run({
        request: {
          prompt: params.prompt,
          model: params.model,
          size: params.size || undefined,
          seed: job.view.seed,
          ...(edit ? { image: edit.image } : {}),
          ...(flux2.megapixels !== undefined ? { megapixels: flux2.megapixels } : {}),
        },
        // The pipeline reads them again when the request leaves the queue: one changed meanwhile is sent as it is then.
        ...(flux2.references.length ? { references: flux2.references } : {}),
        // The writer's words stay `prompt`; the pipeline sends the style's template filled with them.
        ...(style ? { style } : {}),
        ...(scope ? { scope } : {}),
        ...(this.drafts ? { folder: this.drafts.folder } : {}),
        ...(edit ? { source: edit.source, ...(edit.parent ? { parent: edit.parent } : {}) } : {}),
        signal,
        approved: true,
        onProgress: (message) => {
          job.view = { ...job.view, message };
          this.send({ type: 'jobProgress', jobId: job.view.jobId, message });
        },
        onRecord: (record) => this.ownRecords.add(record.id),
      });
      this.running.delete(job.view.jobId);
      this.send({ type: 'jobDone', jobId: job.view.jobId, item: this.view(result.record) });
    } catch (err) {
      this.running.delete(job.view.jobId);
      this.send({ type: 'jobFailed', jobId: job.view.jobId, error: errorView(err, signal.aborted) });
    }
  }

  private sendAdded(entry: HistoryEntry): void {
    try {
      // An image from elsewhere may sit in a folder the webview cannot load from yet.
      this.options.allowFolder?.(vscode.Uri.joinPath(vscode.Uri.parse(entry.file, true), '..'));
      this.send({ type: 'jobDone', jobId: '', item: this.view(entry) });
    } catch {
      // a file that is not a URI: not shown
    }
  }

  // ---- actions on an image ----

  private async itemAction(action: ItemAction, id: string, count: number): Promise<void> {
    const entry = this.options.services.history.get(id);
    if (!entry) {
      this.send({ type: 'notice', level: 'error', message: vscode.l10n.t('That image is no longer in the history.'), id });
      return;
    }
    const uri = vscode.Uri.parse(entry.file, true);
    const draft = this.drafts?.contains(uri) ?? false;
    switch (action) {
      case 'insert':
        return this.insert(entry, uri);
      case 'save':
        return this.saveAction(entry, uri);
      case 'edit':
        if (await this.missing(entry, uri)) return;
        return this.offerInput({ uri, name: fileName(uri), parent: entry.id }, true);
      case 'reference': {
        if (await this.missing(entry, uri)) return;
        // A recipe names its references by workspace path: a draft goes into the workspace first.
        const file = draft ? await this.save(entry, uri, this.options.target.current()?.document.uri) : uri;
        if (file) await this.acceptReference(file);
        return;
      }
      case 'openSource':
        return this.openSource(entry);
      case 'addToStyle':
        if (draft) return this.notInWorkspace(entry);
        if (await this.missing(entry, uri)) return;
        await vscode.commands.executeCommand(COMMANDS.addToStyle, uri);
        return;
      case 'copyLink':
        if (draft) return this.notInWorkspace(entry);
        return this.copyLink(entry, uri);
      case 'reveal':
        if (draft) return this.notInWorkspace(entry);
        if (await this.missing(entry, uri)) return;
        await vscode.commands.executeCommand('revealInExplorer', uri);
        return;
      case 'open': {
        if (await this.missing(entry, uri)) return;
        const column = this.options.target.current()?.viewColumn ?? vscode.ViewColumn.Beside;
        await vscode.commands.executeCommand('vscode.open', uri, { viewColumn: column, preview: true });
        return;
      }
      case 'variations':
      case 'reproduce': {
        const same = action !== 'variations';
        if (same && entry.seed === undefined) {
          this.send({ type: 'notice', level: 'error', message: vscode.l10n.t('The seed of this image is not known, so it cannot be made again exactly. Use Variations.'), id: entry.id });
          return;
        }
        // An edit is made again from its input image, when the history still has it.
        const input = this.parentInput(entry);
        // As recorded: FLUX.2's pixels, never today's flux.megapixels; an edit that kept its input's ratio keeps it again.
        const size = input && !entry.size ? '' : sizeToRepeat(entry) || '1x1';
        // The same references again (as recorded: by path), so a series keeps its cat and its garden.
        const references = (entry.references ?? []).map((r) => {
          const uri = sourceUri(r.path);
          const id = newId();
          if (uri) this.inputs.set(id, { uri, name: fileName(uri) });
          return id;
        });
        // Variations: new random seeds, each request pays for a new picture, never the same one again.
        // The style as recorded (its template and sent prompt), never the style as it is today; the
        // record's model, size and references already are what the style made them.
        return this.generate({ prompt: entry.prompt, model: entry.model, size, seed: same ? (entry.seed ?? -1) : -1 }, same ? 1 : count, input, references, undefined, { recorded: recordedStyle(entry) });
      }
      case 'remove':
        return this.remove(entry, uri);
    }
  }

  private async insert(entry: HistoryEntry, uri: vscode.Uri): Promise<void> {
    const target = this.options.target.current();
    if (!target) {
      this.send({
        type: 'notice',
        level: 'error',
        message: vscode.l10n.t('There is no document to insert into. Open a Markdown, HTML, reStructuredText, AsciiDoc or LaTeX document, put the cursor where the image goes, then choose Insert again.'),
        id: entry.id,
      });
      return;
    }
    if (await this.missing(entry, uri)) return;
    // A draft is copied into the output folder first (for the target document); the link points at the copy.
    const saved = this.drafts?.contains(uri) ? await this.save(entry, uri, target.document.uri) : uri;
    if (!saved) return;
    // Read again after the file check: the person may have typed meanwhile.
    const current = this.options.target.current() ?? target;
    const { document, position } = current;
    const label = this.options.target.label() ?? document.uri.path;
    // This Insert's places: the cursor, followed while the link text is made.
    const places = this.options.services.places.scope();
    let outcome;
    try {
      const anchor = places.at(document, position);
      // An edit keeps its source's description as the alt text: the instruction says what changed, not what is shown.
      const link = await linkText(document, this.description(entry) ?? entry.prompt, saved, anchor.offset);
      outcome = await this.options.services.links.insert({ document, anchor, mode: 'atCursor', link });
    } finally {
      places.dispose();
    }
    if (!outcome.linked) {
      this.send({ type: 'notice', level: 'error', message: vscode.l10n.t('Could not change {0}. Check that it is not read-only, then try again.', label), id: entry.id });
      return;
    }
    this.placeCursorAfter(current, outcome.range);
    this.send({ type: 'notice', level: 'info', message: vscode.l10n.t('Inserted into {0}, line {1}.', label, outcome.range.start.line + 1), id: entry.id });
  }

  /**
   * The next link goes after this one, and a visible editor whose cursor was where the link
   * went gets it after the link, ready to type on.
   */
  private placeCursorAfter(target: InsertTarget, link: vscode.Range): void {
    const end = link.end;
    this.options.target.movedTo(target.document, target.document.offsetAt(end));
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== target.document) continue;
      const { selection } = editor;
      // The cursor or selection the person left where Insert aimed, or one that grew to take the
      // link in: the person continues after the link, with nothing selected.
      if (selection.active.isEqual(target.position) || selection.contains(link)) {
        editor.selection = new vscode.Selection(end, end);
      }
    }
  }

  /** Save to assets: the draft is copied into the output folder and its card shows the copy. */
  private async saveAction(entry: HistoryEntry, uri: vscode.Uri): Promise<void> {
    if (!this.drafts?.contains(uri)) {
      this.send({ type: 'notice', level: 'info', message: vscode.l10n.t('{0} is in the workspace already.', displayPath(uri)), id: entry.id });
      return;
    }
    if (await this.missing(entry, uri)) return;
    const saved = await this.save(entry, uri, this.options.target.current()?.document.uri);
    if (saved) this.send({ type: 'notice', level: 'info', message: vscode.l10n.t('Saved as {0}.', displayPath(saved)), id: entry.id });
  }

  /**
   * Copies a draft into the output folder of `scope`'s workspace folder, by the naming rules and
   * never over a file; the card becomes the saved file. Undefined (after a notice) when it failed.
   */
  private async save(entry: HistoryEntry, draft: vscode.Uri, scope: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
    const drafts = this.drafts;
    if (!drafts) return draft;
    const key = draft.toString();
    if (this.saving.has(key)) return undefined; // a double click: the first one saves
    this.saving.add(key);
    try {
      const { folder } = await this.options.services.files.outputFolder(readConfig(scope).outputFolder, scope);
      this.options.allowFolder?.(folder);
      // The history hears of the new file with this panel's own record: shown by `itemUpdated`, not as an addition.
      this.ownRecords.add(entry.id);
      const saved = await drafts.save(entry, draft, folder);
      const updated = this.options.services.history.get(entry.id);
      if (updated) this.send({ type: 'itemUpdated', item: this.view(updated) });
      return saved;
    } catch (err) {
      this.send({ type: 'notice', level: 'error', message: localizedMessage(err), id: entry.id });
      return undefined;
    } finally {
      this.saving.delete(key);
    }
  }

  private notInWorkspace(entry: HistoryEntry): void {
    this.send({ type: 'notice', level: 'error', message: vscode.l10n.t('This image is a draft, not in the workspace yet. Choose Insert or Save to assets first.'), id: entry.id });
  }

  // ---- input images (edits) ----

  /** Hands an image to the webview as the next Generate's input, under a fresh id. */
  private offerInput(choice: InputChoice, startEdit = false): void {
    const id = newId();
    this.inputs.set(id, choice);
    if (this.inputs.size > MAX_INPUTS) this.inputs.delete(this.inputs.keys().next().value!);
    const reloads = this.options.allowFolder?.(vscode.Uri.joinPath(choice.uri, '..')) === true;
    const input: InputView = {
      id,
      name: choice.name,
      src: this.options.asWebviewUri(choice.uri).toString(),
      path: this.drafts?.contains(choice.uri) ? choice.name : displayPath(choice.uri),
      ...(choice.parent ? { parent: choice.parent } : {}),
    };
    if (reloads) this.pendingInput = input;
    this.send({ type: 'input', input, ...(startEdit ? { startEdit } : {}) });
  }

  /**
   * What an edit's picture shows: the description of its source in the history (followed up
   * through edits of edits), or undefined for an image that is not an edit of a known image.
   */
  private description(entry: HistoryEntry): string | undefined {
    let source = entry.parent ? this.options.services.history.get(entry.parent) : undefined;
    if (!source) return undefined;
    // Bounded: a tampered history could hold a loop of parents.
    for (let depth = 0; depth < 32 && source.parent; depth++) {
      const up = this.options.services.history.get(source.parent);
      if (!up) break;
      source = up;
    }
    return source.prompt;
  }

  /** The input image of an edit in the history (to make it again), as an id the webview can send. */
  private parentInput(entry: HistoryEntry): string | undefined {
    if (!entry.source) return undefined;
    const parent = entry.parent ? this.options.services.history.get(entry.parent) : undefined;
    let uri: vscode.Uri | undefined;
    try {
      uri = parent ? vscode.Uri.parse(parent.file, true) : sourceUri(entry.source.path);
    } catch {
      uri = undefined;
    }
    if (!uri) return undefined;
    const id = newId();
    this.inputs.set(id, { uri, name: fileName(uri), ...(parent ? { parent: parent.id } : {}) });
    return id;
  }

  // ---- reference images ----

  private async pickReferences(): Promise<void> {
    const uris = await (this.options.pickReferences ?? pickReferenceFiles)();
    for (const uri of uris ?? []) {
      if (!(await this.acceptReference(uri))) return;
    }
  }

  /** Files dropped on the References row: every image among them, in order. */
  private async dropReferences(uris: readonly string[]): Promise<void> {
    const images = droppedImages(uris);
    for (const uri of images) {
      if (!(await this.acceptReference(uri))) return;
    }
    if (!images.length) this.send({ type: 'formError', field: 'references', message: vscode.l10n.t('Drop a PNG, JPEG or WebP image from the Explorer.') });
  }

  /**
   * Checks a reference as the pipeline will (in the workspace, an image of at most 20 MB) and
   * hands it to the webview under a fresh id. False (after a message) when it cannot be used.
   */
  private async acceptReference(uri: vscode.Uri): Promise<boolean> {
    const name = fileName(uri);
    if (!isInWorkspace(uri)) {
      this.send({ type: 'formError', field: 'references', message: vscode.l10n.t('{0} is not in the workspace. Only images in the workspace can be references: copy it into the workspace first.', name) });
      return false;
    }
    try {
      await readReferences([uri]);
    } catch (err) {
      this.send({ type: 'formError', field: 'references', message: localizedMessage(err) });
      return false;
    }
    const id = newId();
    this.inputs.set(id, { uri, name });
    if (this.inputs.size > MAX_INPUTS) this.inputs.delete(this.inputs.keys().next().value!);
    const reloads = this.options.allowFolder?.(vscode.Uri.joinPath(uri, '..')) === true;
    const reference: ReferenceView = { id, name, src: this.options.asWebviewUri(uri).toString(), path: displayPath(uri) };
    if (reloads) this.pendingReferences.push(reference);
    this.send({ type: 'reference', reference });
    return true;
  }

  private async pickInput(): Promise<void> {
    const uri = await (this.options.pickImage ?? pickWorkspaceImage)();
    if (!uri) return;
    await this.acceptInput(uri);
  }

  /** A drop on the compose area: the first URI that is an image in the workspace (or one of the Studio's). */
  private async dropInput(uris: readonly string[]): Promise<void> {
    for (const uri of droppedImages(uris)) {
      if (!isInWorkspace(uri) && !this.historyEntryFor(uri)) {
        this.send({ type: 'formError', field: 'input', message: vscode.l10n.t('Only images in the workspace can be edited here. Copy the image into the workspace first.') });
        return;
      }
      return this.acceptInput(uri);
    }
    this.send({ type: 'formError', field: 'input', message: vscode.l10n.t('Drop a PNG, JPEG or WebP image from the Explorer.') });
  }

  /** Checks the file (an image of at most 20 MB) before offering it, so a problem shows at once. */
  private async acceptInput(uri: vscode.Uri): Promise<void> {
    const name = fileName(uri);
    try {
      await readInput({ uri, name });
    } catch (err) {
      this.send({ type: 'formError', field: 'input', message: localizedMessage(err) });
      return;
    }
    const entry = this.historyEntryFor(uri);
    this.offerInput({ uri, name, ...(entry ? { parent: entry.id } : {}) });
  }

  private historyEntryFor(uri: vscode.Uri): HistoryEntry | undefined {
    const key = uri.toString();
    return this.options.services.history.list().find((e) => e.file === key);
  }

  /** "from <source>": the parent's card when the history has it, else the source file. */
  private async openSource(entry: HistoryEntry): Promise<void> {
    if (entry.parent && this.options.services.history.get(entry.parent)) {
      this.send({ type: 'reveal', id: entry.parent });
      return;
    }
    const uri = entry.source ? sourceUri(entry.source.path) : undefined;
    if (!uri || !(await exists(uri))) {
      this.send({ type: 'notice', level: 'error', message: vscode.l10n.t('The image this one was made from is no longer there.'), id: entry.id });
      return;
    }
    const column = this.options.target.current()?.viewColumn ?? vscode.ViewColumn.Beside;
    await vscode.commands.executeCommand('vscode.open', uri, { viewColumn: column, preview: true });
  }

  private async copyLink(entry: HistoryEntry, uri: vscode.Uri): Promise<void> {
    const target = this.options.target.current();
    let link: string;
    let message: string;
    if (target) {
      // The link in the target document's own syntax (LaTeX, HTML, reStructuredText, AsciiDoc, Markdown).
      const { documentLanguage } = await import('../core/documents');
      const language = documentLanguage(target.document.languageId) ?? 'markdown';
      const label = this.options.target.label() ?? target.document.uri.path;
      try {
        link = await linkText(target.document, entry.prompt, uri, target.document.offsetAt(target.position));
      } catch (err) {
        this.send({ type: 'notice', level: 'error', message: messageOf(err), id: entry.id });
        return;
      }
      message = language === 'markdown' ? vscode.l10n.t('Copied the Markdown link (relative to {0}).', label) : vscode.l10n.t('Copied the link in the syntax of {0} (relative to it).', label);
    } else {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      link = markdownImageLink(entry.prompt, workspaceLinkPath(uri));
      message = folder ? vscode.l10n.t('Copied the Markdown link (relative to the workspace folder {0}).', folder.name) : vscode.l10n.t('Copied the Markdown link.');
    }
    await vscode.env.clipboard.writeText(link);
    this.send({ type: 'notice', level: 'info', message, id: entry.id });
  }

  private async remove(entry: HistoryEntry, uri: vscode.Uri): Promise<void> {
    const path = displayPath(uri);
    // A draft is the Studio's own file: it goes with its card. Outside the workspace otherwise (a
    // tampered history) the Studio only forgets the file, never deletes it.
    const choice = this.drafts?.contains(uri) ? 'file' : isInWorkspace(uri) ? await (this.options.confirmRemove ?? confirmRemove)(entry, path) : 'history';
    if (!choice) return;
    if (choice === 'file') {
      try {
        await deleteFile(uri);
        this.options.services.log.info(`Studio deleted ${path}`);
      } catch (err) {
        if (!(err instanceof vscode.FileSystemError && err.code === 'FileNotFound')) {
          this.send({ type: 'notice', level: 'error', message: vscode.l10n.t('Could not delete {0} ({1}). It is still in the history.', path, messageOf(err)), id: entry.id });
          return;
        }
      }
    }
    await this.options.services.history.remove(entry.id);
    this.send({
      type: 'notice',
      level: 'info',
      message: choice === 'file' ? vscode.l10n.t('Deleted {0}.', path) : vscode.l10n.t('Removed from the history; {0} is still there.', path),
    });
  }

  private async missing(entry: HistoryEntry, uri: vscode.Uri): Promise<boolean> {
    try {
      await vscode.workspace.fs.stat(uri);
      return false;
    } catch {
      this.send({
        type: 'notice',
        level: 'error',
        message: vscode.l10n.t('{0} is no longer there. Regenerate the image, or remove it from the history.', displayPath(uri)),
        id: entry.id,
      });
      return true;
    }
  }

  private async runCommand(command: HostCommand): Promise<void> {
    switch (command) {
      case 'setApiKey':
        await vscode.commands.executeCommand('flux.setApiKey');
        return;
      case 'showLog':
        await vscode.commands.executeCommand('flux.showLog');
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'flux.');
        return;
    }
  }

  // ---- helpers ----

  private view(entry: HistoryEntry): HistoryItemView {
    const uri = vscode.Uri.parse(entry.file, true);
    const description = this.description(entry);
    const draft = this.drafts?.contains(uri) ?? false;
    return {
      id: entry.id,
      ...(entry.parent ? { parent: entry.parent } : {}),
      ...(entry.source ? { sourceName: entry.source.path.split('/').pop() || entry.source.path } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(draft ? { draft: true } : {}),
      ...(entry.recovered ? { recovered: true } : {}),
      ...(entry.references?.length ? { references: entry.references } : {}),
      prompt: entry.prompt,
      model: entry.model,
      size: entry.size,
      ...(entry.seed !== undefined ? { seed: entry.seed } : {}),
      createdAt: entry.createdAt,
      ...(entry.width && entry.height ? { width: entry.width, height: entry.height } : {}),
      ...(entry.style ? { style: { name: entry.style.name, prompt: entry.style.prompt } } : {}),
      src: this.options.asWebviewUri(uri).toString(),
      path: draft ? fileName(uri) : displayPath(uri),
    };
  }

  private send(message: HostToWebview): void {
    if (this.disposed) return;
    void Promise.resolve(this.options.post(message)).then(undefined, () => undefined);
  }
}

/** The URIs of a drop that parse and name an image file (by its extension), in order. */
function droppedImages(uris: readonly string[]): vscode.Uri[] {
  return uris.flatMap((raw) => {
    try {
      const uri = vscode.Uri.parse(raw, true);
      return IMAGE_FILE_NAME.test(uri.path) ? [uri] : [];
    } catch {
      return [];
    }
  });
}

/** Stands in for an image when only the count matters (the model's limit). */
const PLACEHOLDER_IMAGE: InputImage = { bytes: new Uint8Array(0), name: '', mime: 'image/png' };

/** An open dialog of images, starting in the first workspace folder; several may be chosen. */
async function pickReferenceFiles(): Promise<readonly vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: vscode.l10n.t('Use as Reference'),
    title: vscode.l10n.t('Reference images'),
    filters: { [vscode.l10n.t('Image files')]: ['png', 'jpg', 'jpeg', 'webp'] },
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
}

export function newId(): string {
  return globalThis.crypto.randomUUID();
}

function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** A workspace-relative path (a recipe's `source`) in the first workspace folder that has it. */
function sourceUri(path: string): vscode.Uri | undefined {
  if (!path || path.length > MAX_URI_FIELD || path.split('/').some((s) => s === '..' || s === '.')) return undefined;
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length ? vscode.Uri.joinPath(folders[0]!.uri, ...path.split('/')) : undefined;
}

/** An edit's input, read by the host from the file (see readChosenEditInput), with its workspace-relative path for the recipe. */
export async function readInput(choice: { uri: vscode.Uri; name: string; parent?: string }): Promise<{ image: InputImage; source: { path: string; sha256: string }; parent?: string }> {
  const { uri, name } = choice;
  const input = await readChosenEditInput(uri, name);
  const path = isInWorkspace(uri) ? vscode.workspace.asRelativePath(uri, false) : name;
  return { image: { ...input.image, name }, source: { path, sha256: input.sha256 }, ...(choice.parent ? { parent: choice.parent } : {}) };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** An error in words, with the buttons that are its obvious next step. */
export function errorView(err: unknown, cancelledByUser: boolean): ErrorView {
  if (cancelledByUser) return { message: vscode.l10n.t('Cancelled.'), kind: 'cancelled', commands: [], retry: true };
  const e = asFluxError(err);
  const steps = nextSteps(e.kind);
  const commands: HostCommand[] = [];
  if (steps.setApiKey) commands.push('setApiKey');
  if (steps.openSettings) commands.push('openSettings');
  if (steps.showLog) commands.push('showLog');
  // Cancelled elsewhere (Flux: Cancel Image Generations) or no key yet: trying again is the way on.
  return { message: localizedMessage(e), kind: e.kind, commands, retry: steps.retry || e.kind === 'cancelled' || e.kind === 'noKey' };
}

async function confirmRemove(entry: HistoryEntry, path: string): Promise<RemoveChoice> {
  const removeOnly = vscode.l10n.t('Remove from History');
  const deleteFile = vscode.l10n.t('Delete File');
  const short = entry.prompt.length > 60 ? `${entry.prompt.slice(0, 60)}…` : entry.prompt;
  const choice = await showWarning(
    vscode.l10n.t('Remove “{0}” from the Studio history?', short),
    { modal: true, detail: vscode.l10n.t('The file {0} stays in the workspace unless you choose Delete File (it goes to the trash where there is one).', path) },
    removeOnly,
    deleteFile,
  );
  return choice === deleteFile ? 'file' : choice === removeOnly ? 'history' : undefined;
}

async function deleteFile(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.workspace.fs.delete(uri, { useTrash: true });
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') throw err;
    // Some file systems (remote, virtual) have no trash.
    await vscode.workspace.fs.delete(uri, { useTrash: false });
  }
}
