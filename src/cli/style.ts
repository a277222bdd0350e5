// The seam for house styles (docs/CONTRACT.md, "House styles"): the core has no style resolver yet.
// When it has one, this is the one place that asks it for a document's style (its own
// declaration, then `.vscode/flux-styles.json`'s default), and fill applies what it returns
// exactly as the extension does. Until then every document has none.
import type { DocumentLanguage } from '../core/documents/types';

export interface DocumentStyle {
  readonly name: string;
  /** The style's template, `{prompt}` where the writer's words go. */
  readonly prompt: string;
}

export function styleForDocument(_document: { readonly file: string; readonly text: string; readonly language: DocumentLanguage }, _root: string): DocumentStyle | undefined {
  return undefined;
}
