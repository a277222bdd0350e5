import { documentLanguage } from '../core/documents/types';
import type { ProviderId } from '../core/providers/types';

/** The SecretStorage entry of each provider's key (the first one kept its old name). */
export const API_KEY_SECRETS: Readonly<Record<ProviderId, string>> = { dmxapi: 'flux.apiKey', bfl: 'flux.apiKey.bfl' };
export const STUDIO_VIEW_TYPE = 'flux.studio';
export const GENERATING_CONTEXT = 'flux.generating';

/**
 * A document that takes an image link (Markdown, HTML, reStructuredText, AsciiDoc, LaTeX), but
 * not the Output panel's view of a log, nor a notebook's Markdown cell (its links resolve against
 * the notebook, which a cell does not know).
 */
export function takesImageLinks(document: { readonly languageId: string; readonly uri: { readonly scheme: string } }): boolean {
  return documentLanguage(document.languageId) !== undefined && document.uri.scheme !== 'output' && document.uri.scheme !== 'vscode-notebook-cell';
}
