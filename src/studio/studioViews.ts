// What the webview is shown of the host's state: a history entry as a card, outside additions to
// the history, the house styles for the Style picker, and the prices and spending for the estimate.
import * as vscode from 'vscode';
import type { HistoryEntry } from '../core/history';
import { readConfig } from '../services/config';
import { displayPath } from '../services/imageStore';
import type { HistoryItemView, StylesView } from './protocol';
import type { StudioContext } from './studioContext';
import { fileName, messageOf } from './studioContext';

export class StudioViews {
  /** Counts `styles` messages, so a slow read never overwrites a newer one. */
  private stylesSeq = 0;

  constructor(private readonly context: StudioContext) {}

  /** Every entry of the history as a card, newest first as the history lists them. */
  items(): HistoryItemView[] {
    return this.context.options.services.history.list().flatMap((e) => {
      try {
        return [this.item(e)];
      } catch {
        return []; // a stored file that is not a URI any more: not shown
      }
    });
  }

  /** A history entry as its card shows it. */
  item(entry: HistoryEntry): HistoryItemView {
    const uri = vscode.Uri.parse(entry.file, true);
    const description = this.description(entry);
    const draft = this.context.drafts?.contains(uri) ?? false;
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
      src: this.context.options.asWebviewUri(uri).toString(),
      path: draft ? fileName(uri) : displayPath(uri),
    };
  }

  /**
   * What an edit's picture shows: the description of its source in the history (followed up
   * through edits of edits), or undefined for an image that is not an edit of a known image.
   */
  description(entry: HistoryEntry): string | undefined {
    const { history } = this.context.options.services;
    let source = entry.parent ? history.get(entry.parent) : undefined;
    if (!source) return undefined;
    // Bounded: a tampered history could hold a loop of parents.
    for (let depth = 0; depth < 32 && source.parent; depth++) {
      const up = history.get(source.parent);
      if (!up) break;
      source = up;
    }
    return source.prompt;
  }

  /** An image made elsewhere (palette, selection, edits): its card, as if a job had made it. */
  sendAdded(entry: HistoryEntry): void {
    try {
      // An image from elsewhere may sit in a folder the webview cannot load from yet.
      this.context.options.allowFolder?.(vscode.Uri.joinPath(vscode.Uri.parse(entry.file, true), '..'));
      this.context.send({ type: 'jobDone', jobId: '', item: this.item(entry) });
    } catch {
      // a file that is not a URI: not shown
    }
  }

  /** The Style picker's choices: the styles of the target document's workspace folder and the style it uses now. */
  async sendStyles(): Promise<void> {
    const seq = ++this.stylesSeq;
    const { services, target } = this.context.options;
    const { styles: registry } = services;
    const document = target.current()?.document;
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
      services.log.warn(`Studio could not read the house styles: ${messageOf(err)}`);
      view = { styles: [] };
    }
    if (seq === this.stylesSeq) this.context.send({ type: 'styles', styles: view });
  }

  /** The prices in force and this month's spending, for the estimate beside Generate. */
  sendCosts(): void {
    const { costs } = this.context.options.services;
    const scope = this.context.options.target.current()?.document.uri;
    const config = readConfig(scope);
    this.context.send({ type: 'costs', costs: { prices: costs.book(scope).rules, monthUsd: costs.spending(scope).monthUsd, budget: costs.budget(scope), megapixels: config.megapixels, provider: config.provider } });
  }
}
