import type { CostsUi } from '../services/costs';
import { showWarning } from './messages';

/** How the Costs service asks and tells the person: a modal question before a budget is passed. */
export function costsUi(): CostsUi {
  return {
    confirm: async ({ message, detail, proceed }) => (await showWarning(message, { modal: true, detail }, proceed)) === proceed,
    warn: (message) => void showWarning(message),
  };
}
