import * as vscode from 'vscode';
import type { HistoryStore } from '../core/history';
import type { CostItem, PriceBook, PriceProblem } from '../core/prices';
import { estimateAll, formatUsd, priceBook } from '../core/prices';
import type { Spending } from '../core/spending';
import { overBudget, spending } from '../core/spending';
import { readConfig } from './config';

/** A question the person answers before money is spent: true to go on. */
export interface BudgetQuestion {
  readonly message: string;
  readonly detail: string;
  readonly proceed: string;
}

/** How the Costs service talks to the person (the host passes the UI in: services never import it). */
export interface CostsUi {
  /** A modal question; resolves true only when the person chose `proceed`. */
  confirm(question: BudgetQuestion): Promise<boolean>;
  /** A non-modal warning about the settings, naming the setting. */
  warn(message: string): void;
}

export interface Estimate {
  readonly usd: number;
  /** Items whose model has no price. */
  readonly unknown: number;
  /** `≈ $0.12`, or words saying the price is unknown. */
  readonly text: string;
}

/**
 * The one owner of what images cost: the price book in force (the table with `flux.prices` on
 * top), the estimate of what is about to be sent, this month's spending (from the history,
 * which holds the records and the recipes of image files a clone brought), and the monthly
 * budget's question. Every way an image is made passes its estimate through `approve`, once per
 * click or batch.
 */
export class Costs {
  private warned = '';

  constructor(
    private readonly history: HistoryStore,
    public ui: CostsUi,
    private readonly now: () => number = Date.now,
  ) {}

  /** The prices in force for a document's folder; a bad `flux.prices` is said once per value. */
  book(scope?: vscode.Uri): PriceBook {
    const { book, problems } = priceBook(readConfig(scope).prices);
    const said = JSON.stringify(problems);
    if (problems.length > 0 && said !== this.warned) {
      this.warned = said;
      this.ui.warn(problemMessage(problems));
    }
    if (problems.length === 0) this.warned = '';
    return book;
  }

  /** USD per month (0 = none); a negative or non-numeric value counts as none, and is said. */
  budget(scope?: vscode.Uri): number {
    const raw = vscode.workspace.getConfiguration('flux', scope).get<unknown>('monthlyBudget');
    const budget = readConfig(scope).monthlyBudget;
    // The typed setting falls back to no budget; the person is told why theirs is not applied.
    if (budget === 0 && raw !== undefined && raw !== null && raw !== 0) {
      this.ui.warn(vscode.l10n.t('The setting flux.monthlyBudget must be a number of US dollars, 0 or more (0 = no budget). No budget is applied until it is.'));
    }
    return budget;
  }

  estimate(items: readonly CostItem[], scope?: vscode.Uri): Estimate {
    const { usd, unknown } = estimateAll(items, this.book(scope));
    return { usd, unknown, text: estimateText(usd, unknown, items.length) };
  }

  spending(scope?: vscode.Uri): Spending {
    return spending(this.history.list(), this.now(), this.book(scope));
  }

  /**
   * Whether to go on with `items`: yes without a question unless the month's spending plus
   * their estimate passes `flux.monthlyBudget`; then the person is asked, modally, with the
   * month's figure, the budget and the estimate. A refusal sends nothing.
   */
  async approve(items: readonly CostItem[], scope?: vscode.Uri): Promise<boolean> {
    if (items.length === 0) return true;
    const budget = this.budget(scope);
    if (budget === 0) return true;
    const estimate = this.estimate(items, scope);
    const month = this.spending(scope).monthUsd;
    if (!overBudget(month, estimate.usd, budget)) return true;
    return this.ui.confirm({
      message: vscode.l10n.t('This would take this month past your Flux budget.'),
      detail: vscode.l10n.t('Spent this month: {0}. Budget (flux.monthlyBudget): {1}. {2}: {3}.', formatUsd(month), formatUsd(budget).replace('≈ ', ''), items.length === 1 ? vscode.l10n.t('This image') : vscode.l10n.t('These {0} images', items.length), estimate.text),
      proceed: vscode.l10n.t('Generate Anyway'),
    });
  }
}

export { costItem } from '../core/prices';

export function estimateText(usd: number, unknown: number, items: number): string {
  if (unknown === 0) return formatUsd(usd);
  if (unknown === items) return vscode.l10n.t('cost unknown (set flux.prices)');
  return vscode.l10n.t('{0} and {1} of unknown cost (set flux.prices)', formatUsd(usd), unknown);
}

function problemMessage(problems: readonly PriceProblem[]): string {
  const lines = problems.map((p) =>
    p.reason === 'negative'
      ? vscode.l10n.t('“{0}” has a negative price', p.model)
      : p.reason === 'notANumber'
        ? vscode.l10n.t('“{0}” has a price that is not a number', p.model)
        : vscode.l10n.t('“{0}” is not a model Flux knows (its price is used only for that model name)', p.model),
  );
  return vscode.l10n.t('The setting flux.prices: {0}. The shipped price is used where yours cannot be.', lines.join('; '));
}
