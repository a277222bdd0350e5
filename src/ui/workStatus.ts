import * as vscode from 'vscode';
import { formatElapsed } from '../core/elapsed';
import { plainLabel } from '../core/safeText';
import { COMMANDS } from '../commands/ids';

/** Anything that says how many images are being made (the generation service). */
export interface WorkSource {
  readonly working: number;
  readonly onDidChangeWork: vscode.Event<number>;
  /** Each image in progress, with its own Cancel. */
  inProgress(): readonly { readonly prompt: string; readonly started: number; cancel(): void }[];
}

/**
 * The one status bar item for work in progress, whoever started it (palette, Studio, batches,
 * the chat tool): `$(loading~spin) Flux: 2 images · 0:14` while images are being made, the time
 * counted from when the work began; gone when it is done. Clicking it offers the log and Cancel.
 */
export class WorkStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('flux.work', vscode.StatusBarAlignment.Left, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private since = 0;

  constructor(
    private readonly source: WorkSource,
    private readonly now: () => number = Date.now,
  ) {
    this.item.name = vscode.l10n.t('Flux: Images in Progress');
    this.item.command = COMMANDS.showWork;
    this.disposables.push(this.item, source.onDidChangeWork(() => this.update()));
    this.update();
  }

  /** What the item says now (undefined when hidden), for tests. */
  get text(): string | undefined {
    return this.timer ? this.item.text : undefined;
  }

  private update(): void {
    const count = this.source.working;
    if (count <= 0) {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      this.item.hide();
      return;
    }
    if (!this.timer) {
      this.since = this.now();
      this.timer = setInterval(() => this.render(), 1000);
      this.item.show();
    }
    this.render();
  }

  private render(): void {
    const count = this.source.working;
    const elapsed = formatElapsed(this.now() - this.since);
    this.item.text = `$(loading~spin) ${count === 1 ? vscode.l10n.t('Flux: 1 image · {0}', elapsed) : vscode.l10n.t('Flux: {0} images · {1}', count, elapsed)}`;
    this.item.tooltip = vscode.l10n.t('Images being made. Click for the log or to cancel.');
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/**
 * What clicking the status bar item offers: each image in progress (choosing one cancels it), then
 * cancelling everything, and the log.
 */
export async function showWork(source: WorkSource, now: () => number = Date.now): Promise<void> {
  interface Item extends vscode.QuickPickItem {
    run(): Thenable<unknown> | void;
  }
  const images: Item[] = source.inProgress().map((work) => ({
    // The writer's words, as text: never an icon.
    label: plainLabel(work.prompt, 60),
    description: formatElapsed(now() - work.started),
    detail: vscode.l10n.t('Choose to cancel this image'),
    run: () => work.cancel(),
  }));
  const items: Item[] = [
    ...images,
    ...(images.length > 1 ? [{ label: vscode.l10n.t('Cancel All Images in Progress'), run: () => vscode.commands.executeCommand(COMMANDS.cancelGenerations) }] : []),
    { label: vscode.l10n.t('Show Log'), run: () => vscode.commands.executeCommand(COMMANDS.showLog) },
  ];
  const count = source.working;
  const choice = await vscode.window.showQuickPick(items, {
    title: count === 1 ? vscode.l10n.t('Flux: 1 image in progress') : vscode.l10n.t('Flux: {0} images in progress', count),
    placeHolder: count > 0 ? vscode.l10n.t('Choose an image to cancel it') : undefined,
  });
  await choice?.run();
}
