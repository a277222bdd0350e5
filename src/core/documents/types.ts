/** Image references in the documents the extension understands (see CONTRACT.md, "Documents"). */

export type DocumentLanguage = 'markdown' | 'html' | 'restructuredtext' | 'asciidoc' | 'latex';

export const DOCUMENT_LANGUAGES: readonly DocumentLanguage[] = ['markdown', 'html', 'restructuredtext', 'asciidoc', 'latex'];

const LANGUAGE_IDS: Readonly<Record<string, DocumentLanguage>> = {
  markdown: 'markdown',
  mdx: 'markdown',
  quarto: 'markdown',
  rmd: 'markdown',
  html: 'html',
  restructuredtext: 'restructuredtext',
  rst: 'restructuredtext',
  asciidoc: 'asciidoc',
  latex: 'latex',
  tex: 'latex',
};

/**
 * VS Code language id → our language (`markdown`, `mdx`, `quarto`, `rmd` → markdown; `html`;
 * `restructuredtext`; `asciidoc`; `latex` and `tex`), `undefined` for any other.
 */
export function documentLanguage(languageId: string): DocumentLanguage | undefined {
  return Object.hasOwn(LANGUAGE_IDS, languageId) ? LANGUAGE_IDS[languageId] : undefined;
}

/** How the path is delimited in the source, outside `pathStart..pathEnd`. */
export type PathDelimiter = '' | '<>' | '"' | "'" | '{}';

export interface ImageReference {
  /** Offsets in the document text of the whole reference (e.g. `![alt](p "t")`). */
  readonly start: number;
  readonly end: number;
  /**
   * Offsets of the path as written, without its delimiters (angle brackets, quotes, braces).
   * For a Markdown reference-style image they are inside the definition line `[ref]: path`.
   */
  readonly pathStart: number;
  readonly pathEnd: number;
  /** What surrounds the path in the source; `retargetPath` writes text that is valid inside it. */
  readonly delimiter: PathDelimiter;
  /**
   * The path as the renderer reads it: delimiters removed, escapes and (for URL-based syntaxes,
   * Markdown and HTML) %-decoding resolved, query and fragment of a relative path dropped,
   * `/` separators. A URL with a scheme (`https:`, `data:`) is kept whole.
   */
  readonly path: string;
  /** The alt text or caption, unescaped, on one line; '' when none. */
  readonly alt: string;
  readonly title?: string;
  /** 'inline', 'reference', 'html', 'image', 'figure', 'block', 'inline-macro', 'includegraphics'. */
  readonly kind: string;
}
