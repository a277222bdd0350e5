import * as vscode from 'vscode';
import { formatUsd } from '../core/prices';
import type { ModelSpending } from '../core/spending';
import type { Costs } from '../services/costs';
import type { GenerationService } from '../services/generationService';
import { COMMANDS } from './ids';

/**
 * Flux: Show Spending. This month and all time, per model, counted from the images made, in a
 * list the person can read and close. Resolves to `{ month, total }` in USD at once (the list
 * stays open without holding the caller).
 */
export function registerShowSpending(costs: Costs, generation: Pick<GenerationService, 'credits'>): vscode.Disposable {
  return vscode.commands.registerCommand(COMMANDS.showSpending, () => {
    const scope = vscode.window.activeTextEditor?.document.uri;
    const s = costs.spending(scope);
    const monthName = new Date(`${s.month}-15T12:00:00`).toLocaleDateString(vscode.env.language, { year: 'numeric', month: 'long' });
    const budget = costs.budget(scope);
    const rows = (list: readonly ModelSpending[]): vscode.QuickPickItem[] =>
      list.map((m) => ({ label: m.model, description: formatUsd(m.usd), detail: vscode.l10n.t('{0} images', m.images) }));
    const items: vscode.QuickPickItem[] = [
      { label: vscode.l10n.t('This month ({0})', monthName), kind: vscode.QuickPickItemKind.Separator },
      ...(s.monthByModel.length ? rows(s.monthByModel) : [{ label: vscode.l10n.t('No images made this month') }]),
      { label: vscode.l10n.t('All time'), kind: vscode.QuickPickItemKind.Separator },
      ...(s.totalByModel.length ? rows(s.totalByModel) : [{ label: vscode.l10n.t('No images made yet') }]),
    ];
    const pick = vscode.window.createQuickPick();
    pick.title =
      budget > 0
        ? vscode.l10n.t('Flux spending: this month {0} of your {1} budget · all time {2}', formatUsd(s.monthUsd), formatUsd(budget).replace('≈ ', ''), formatUsd(s.totalUsd))
        : vscode.l10n.t('Flux spending: this month {0} · all time {1}', formatUsd(s.monthUsd), formatUsd(s.totalUsd));
    pick.placeholder = s.unpriced
      ? vscode.l10n.t('Estimated from the images made and the prices in force. {0} images have no price: set flux.prices.', s.unpriced)
      : vscode.l10n.t('Estimated from the images made (their records and recipes) and the prices in force (flux.prices).');
    pick.items = items;
    pick.matchOnDescription = true;
    let hidden = false;
    pick.onDidHide(() => {
      hidden = true;
      pick.dispose();
    });
    pick.show();
    // What the provider says is left, where it tells (BFL): added when it answers.
    pick.busy = true;
    void generation.credits(scope).then((usd) => {
      if (hidden) return;
      pick.busy = false;
      if (usd === undefined) return;
      const credits = { label: vscode.l10n.t('Left on your Black Forest Labs account'), description: formatUsd(usd).replace('≈ ', '') };
      pick.items = [{ label: vscode.l10n.t('Provider'), kind: vscode.QuickPickItemKind.Separator }, credits, ...items];
    });
    return { month: s.monthUsd, total: s.totalUsd };
  });
}
