import * as vscode from 'vscode';
import { linkedSummary } from '../core/linkSummary';
import { plainText } from '../core/safeText';
import type { GenerationService } from '../services/generationService';
import { displayPath, statOrUndefined } from '../services/imageStore';
import { showInformation } from './messages';

/** At most this long a finished image waits for the others started with it before it is told. */
export const HOLD_MS = 10_000;

export interface Linked {
  readonly image: vscode.Uri;
  readonly document: vscode.Uri;
  readonly retargeted: boolean;
}

/**
 * One message for the images that finish together: while other images asked for from the palette
 * (or a document) are still being made, a finished one waits for them (at most HOLD_MS), so three
 * generations end in "3 images linked in story.md" rather than three toasts. A lone image is told
 * at once. Images no longer on disk when the message is shown (an Undo removed them) are left out,
 * and Open checks again when clicked.
 */
export class LinkSummary {
  private pending: Linked[] = [];
  private active = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** An image is being made. */
  begin(): void {
    this.active++;
  }

  /** It is done (saved and added, or failed). */
  end(): void {
    this.active = Math.max(0, this.active - 1);
    if (this.active === 0) this.flush();
  }

  add(linked: Linked): void {
    this.pending.push(linked);
    this.timer ??= setTimeout(() => this.flush(), HOLD_MS);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.pending;
    this.pending = [];
    if (items.length) void tell(items);
  }
}

const summaries = new WeakMap<GenerationService, LinkSummary>();

/** The summary of the images a generation service makes for the palette and documents. */
export function linkSummaryFor(service: GenerationService): LinkSummary {
  let summary = summaries.get(service);
  if (!summary) summaries.set(service, (summary = new LinkSummary()));
  return summary;
}

async function tell(items: readonly Linked[]): Promise<void> {
  const present = (await Promise.all(items.map(async (i) => ((await statOrUndefined(i.image)) ? i : undefined)))).filter((i): i is Linked => i !== undefined);
  const said = linkedSummary(present.map((i) => ({ image: displayPath(i.image), document: vscode.workspace.asRelativePath(i.document), retargeted: i.retargeted })));
  if (!said) return;
  // Outside words (paths) are shown as text, never a link.
  const message = vscode.l10n.t(said.template, ...said.args.map((a) => (typeof a === 'string' ? plainText(a) : a)));
  const studio = vscode.l10n.t('Open in Studio');
  if (present.length === 1) {
    const open = vscode.l10n.t('Open');
    const reveal = vscode.l10n.t('Reveal in Explorer');
    const choice = await showInformation(message, open, reveal, studio);
    if (choice === open) await openImage(present[0]!.image);
    else if (choice === reveal) await revealImage(present[0]!.image);
    else if (choice === studio) await vscode.commands.executeCommand('flux.openStudio');
    return;
  }
  const show = vscode.l10n.t('Show Images');
  const choice = await showInformation(message, show, studio);
  if (choice === studio) await vscode.commands.executeCommand('flux.openStudio');
  else if (choice === show) await pickImage(present);
}

/** A quick pick of the images still on disk; the chosen one opens. */
async function pickImage(items: readonly Linked[]): Promise<void> {
  const still = (await Promise.all(items.map(async (i) => ((await statOrUndefined(i.image)) ? i : undefined)))).filter((i): i is Linked => i !== undefined);
  if (!still.length) {
    void showInformation(vscode.l10n.t('These images are not there any more: an Undo removed them.'));
    return;
  }
  const picked = await vscode.window.showQuickPick(
    still.map((i) => ({ label: plainText(displayPath(i.image)), description: plainText(vscode.workspace.asRelativePath(i.document)), image: i.image })),
    { title: vscode.l10n.t('Open an image') },
  );
  if (picked) await openImage(picked.image);
}

/** Opens the image beside the editor, or says it is gone (an Undo removed it) instead of failing. */
export async function openImage(image: vscode.Uri): Promise<void> {
  if (await gone(image)) return;
  await vscode.commands.executeCommand('vscode.open', image, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}

export async function revealImage(image: vscode.Uri): Promise<void> {
  if (await gone(image)) return;
  await vscode.commands.executeCommand('revealInExplorer', image);
}

async function gone(image: vscode.Uri): Promise<boolean> {
  if (await statOrUndefined(image)) return false;
  void showInformation(vscode.l10n.t('{0} is not there any more: an Undo removed it.', plainText(displayPath(image))));
  return true;
}
