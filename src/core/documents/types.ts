/** Image references in the documents the extension understands (see docs/CONTRACT.md, "Documents"). */

export type DocumentLanguage = 'markdown' | 'html' | 'restructuredtext' | 'asciidoc' | 'latex';

/** What a language is, without its code (light enough to load at activation); its code is in `index.ts`'s `SYNTAX`. */
export interface LanguageInfo {
  /** VS Code language ids of its documents. */
  readonly ids: readonly string[];
  /** File extensions (lower case, no dot) of its documents, for files opened as plain text and workspace scans. */
  readonly extensions: readonly string[];
  /** How links are placed: Markdown's own block rules, or the language's block model. */
  readonly family: 'markdown' | 'plain';
  /** Its comment syntax: a line comment's start, a block comment's ends. */
  readonly comment: { readonly line?: string; readonly block?: readonly [string, string] };
  /** Front matter it may start with (YAML `---`, TOML `+++`). */
  readonly frontMatter?: readonly ('yaml' | 'toml')[];
}

/**
 * The language registry: every place that needs the supported languages reads it (and a unit test
 * checks package.json's activation events, menus and `when` clauses against it).
 */
export const LANGUAGES: Readonly<Record<DocumentLanguage, LanguageInfo>> = {
  markdown: { ids: ['markdown', 'mdx', 'quarto', 'rmd'], extensions: ['md', 'markdown', 'mdx', 'qmd', 'rmd'], family: 'markdown', comment: { block: ['<!--', '-->'] }, frontMatter: ['yaml', 'toml'] },
  html: { ids: ['html'], extensions: ['html', 'htm'], family: 'plain', comment: { block: ['<!--', '-->'] } },
  restructuredtext: { ids: ['restructuredtext', 'rst'], extensions: ['rst'], family: 'plain', comment: { line: '.. ' } },
  asciidoc: { ids: ['asciidoc'], extensions: ['adoc', 'asciidoc'], family: 'plain', comment: { line: '//', block: ['////', '////'] } },
  latex: { ids: ['latex', 'tex'], extensions: ['tex'], family: 'plain', comment: { line: '%' } },
};

export const DOCUMENT_LANGUAGES: readonly DocumentLanguage[] = Object.keys(LANGUAGES) as DocumentLanguage[];

/** Every VS Code language id the extension reads, in the registry's order. */
export const LANGUAGE_IDS: readonly string[] = DOCUMENT_LANGUAGES.flatMap((l) => LANGUAGES[l].ids);

const BY_ID: ReadonlyMap<string, DocumentLanguage> = new Map(DOCUMENT_LANGUAGES.flatMap((l) => LANGUAGES[l].ids.map((id) => [id, l] as const)));
const BY_EXTENSION: ReadonlyMap<string, DocumentLanguage> = new Map(DOCUMENT_LANGUAGES.flatMap((l) => LANGUAGES[l].extensions.map((e) => [e, l] as const)));

/**
 * VS Code language id → our language (`markdown`, `mdx`, `quarto`, `rmd` → markdown; `html`;
 * `restructuredtext` and `rst`; `asciidoc`; `latex` and `tex`), `undefined` for any other.
 */
export function documentLanguage(languageId: string): DocumentLanguage | undefined {
  return BY_ID.get(languageId);
}

/** A file extension (without the dot, any case) → our language. */
export function languageOfExtension(extension: string): DocumentLanguage | undefined {
  return BY_EXTENSION.get(extension.toLowerCase());
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
  /**
   * The folder (relative to the document) the written path is relative to, when the language puts
   * one in front of it (AsciiDoc's `imagesdir`); `retargetPath` writes the new path relative to it.
   */
  readonly base?: string;
  /** 'inline', 'reference', 'html', 'image', 'figure', 'block', 'inline-macro', 'includegraphics'. */
  readonly kind: string;
}

/** A reference the reader saw but left out, with the reason (an AsciiDoc attribute it cannot resolve). */
export interface SkippedReference {
  readonly start: number;
  readonly end: number;
  readonly reason: string;
}
