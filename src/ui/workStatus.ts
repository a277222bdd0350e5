import * as vscode from 'vscode';
import { formatElapsed } from '../core/elapsed';
import { COMMANDS } from '../commands/ids';

/** Anything that says how many images are being made (the generation service). */
export interface WorkSource {
  readonly working: number;
  readonly onDidChangeWork: vscode.Event<number>;
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

/** What clicking the status bar item offers: the log, or cancelling everything in progress. */
export async function showWork(source: WorkSource): Promise<void> {
  const log = vscode.l10n.t('Show Log');
  const cancel = vscode.l10n.t('Cancel All Images in Progress');
  const items = source.working > 0 ? [log, cancel] : [log];
  const choice = await vscode.window.showQuickPick(items, { title: source.working === 1 ? vscode.l10n.t('Flux: 1 image in progress') : vscode.l10n.t('Flux: {0} images in progress', source.working) });
  if (choice === log) await vscode.commands.executeCommand(COMMANDS.showLog);
  else if (choice === cancel) await vscode.commands.executeCommand(COMMANDS.cancelGenerations);
}
