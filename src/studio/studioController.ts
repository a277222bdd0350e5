import * as vscode from 'vscode';
import { readConfig } from '../services/config';
import { accountPage, caughtError, localizedMessage } from '../ui/notifications';
import { CardActions } from './cardActions';
import { Drafts } from './drafts';
import { InputImages } from './inputImages';
import type { HostCommand, HostToWebview, WebviewToHost } from './protocol';
import { validateWebviewMessage } from './protocol';
import type { StudioContext, StudioControllerOptions } from './studioContext';
import { StudioJobs } from './studioJobs';
import { StudioViews } from './studioViews';

export type { RemoveChoice, StudioControllerOptions } from './studioContext';

/**
 * The Studio's host side, without the panel: takes the webview's messages (validated here) and
 * hands each to the piece that owns it: jobs (studioJobs.ts), the input and reference images
 * (inputImages.ts), a card's actions (cardActions.ts), what the webview is shown (studioViews.ts).
 * It follows the insert target, the styles and the history so the webview stays current. Tests
 * drive it directly.
 */
export class StudioController implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private pendingPrefill: string | undefined;
  readonly drafts: Drafts | undefined;
  private disposed = false;
  private readonly views: StudioViews;
  private readonly inputs: InputImages;
  private readonly jobs: StudioJobs;
  private readonly cards: CardActions;

  constructor(private readonly options: StudioControllerOptions) {
    this.drafts = options.draftsFolder ? new Drafts(options.draftsFolder, options.services) : undefined;
    const ownRecords = new Set<string>();
    const context: StudioContext = { options, drafts: this.drafts, ownRecords, send: (message) => this.send(message) };
    this.views = new StudioViews(context);
    this.inputs = new InputImages(context);
    this.jobs = new StudioJobs(context, this.inputs, this.views, () => void this.pruneDrafts(), options.now ?? Date.now);
    this.cards = new CardActions(context, this.inputs, this.views, this.jobs);
    this.subscriptions.push(
      options.target.onDidChange(() => {
        this.send({ type: 'target', target: { label: options.target.label() } });
        void this.views.sendStyles();
      }),
      // A styles file created, changed or deleted, `flux.style` changed, or trust granted: the picker follows.
      options.services.styles.onDidChange(() => void this.views.sendStyles()),
      // One history: images made elsewhere (palette, selection, edits) appear here too.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['flux.prices', 'flux.monthlyBudget', 'flux.megapixels', 'flux.provider'].some((k) => e.affectsConfiguration(k))) this.views.sendCosts();
      }),
      options.services.history.onDidChange((change) => {
        if (change.added) this.views.sendCosts();
        for (const id of change.removed) this.send({ type: 'removed', id });
        if (change.added && !ownRecords.has(change.added.id)) this.views.sendAdded(change.added);
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
    return this.jobs.busy;
  }

  cancelAll(): void {
    this.jobs.cancelAll();
  }

  /** Deletes old drafts beyond the limits; never one in flight, being saved, or an edit's input. */
  pruneDrafts(): Promise<void> {
    if (!this.drafts) return Promise.resolve();
    return this.drafts.prune(new Set([...this.cards.savingNow(), ...this.jobs.inputsInUse()]));
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
        {
          // Try Again on a failed Reproduce or Variations: what it recorded, not today's settings and style.
          const again = message.retryOf !== undefined ? this.jobs.repeatOf(message.retryOf) : undefined;
          if (again) return this.jobs.generate(message, message.count, message.input, message.references, message.megapixels, { recorded: again.style }, again.made);
          return this.jobs.generate(message, message.count, message.input, message.references, message.megapixels, { pick: message.style });
        }
      case 'pickInput':
        return this.inputs.pickInput();
      case 'dropInput':
        return this.inputs.dropInput(message.uris);
      case 'pickReferences':
        return this.inputs.pickReferences();
      case 'dropReferences':
        return this.inputs.dropReferences(message.uris);
      case 'cancel':
        return this.cancelAll();
      case 'item':
        return this.cards.run(message.action, message.id, message.count ?? 1);
      case 'command':
        return runCommand(message.command);
    }
  }

  private sendInit(): void {
    const prefill = this.pendingPrefill;
    this.pendingPrefill = undefined;
    const { input, references } = this.inputs.takePending();
    this.send({
      type: 'init',
      items: this.views.items(),
      jobs: this.jobs.list(),
      target: { label: this.options.target.label() },
      ...(prefill !== undefined ? { prefill } : {}),
      ...(input ? { input } : {}),
      ...(references.length ? { references } : {}),
    });
    this.views.sendCosts();
    void this.views.sendStyles();
  }

  private send(message: HostToWebview): void {
    if (this.disposed) return;
    void Promise.resolve(this.options.post(message)).then(undefined, () => undefined);
  }
}

/** The buttons of an error: Open Account Page, Set API Key, Show Log, Open Settings. */
async function runCommand(command: HostCommand): Promise<void> {
  switch (command) {
    case 'openAccountPage':
      await vscode.env.openExternal(vscode.Uri.parse(accountPage(readConfig())));
      return;
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
