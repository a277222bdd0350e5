/**
 * Image references in documents, read and written in each language's own syntax (docs/CONTRACT.md,
 * "Documents"). Pure: the host passes the document's text and language.
 *
 * The language registry's code: `LANGUAGES` (types.ts) says what each language is; `SYNTAX` here
 * holds how it is read, written, retargeted and what its blocks are. Adding a language is one
 * entry in each (the compiler asks for both).
 */
import { posix } from 'node:path';
import { altText, encodeLinkPath } from '../markdown';
import { asciidocImageLink, asciidocImagesDirAt, asciidocPath, readAsciidoc } from './asciidoc';
import { asciidocBlocks } from './asciidocBlocks';
import type { BlockModel } from './blocks';
import { htmlImageLink, htmlPath, scanImgTags } from './html';
import { htmlBlocks } from './htmlBlocks';
import { latexImageLink, latexPath, readLatexImages } from './latex';
import { latexBlocks } from './latexBlocks';
import { readMarkdownImages } from './markdownReferences';
import { readRstImages, rstImageLink, rstPath } from './restructuredText';
import { rstBlocks } from './rstBlocks';
import type { DocumentLanguage, ImageReference, SkippedReference } from './types';
import { oneLine } from './text';

export { DOCUMENT_LANGUAGES, LANGUAGES, LANGUAGE_IDS, documentLanguage, languageOfExtension } from './types';
export type { DocumentLanguage, ImageReference, LanguageInfo, PathDelimiter, SkippedReference } from './types';

interface LanguageSyntax {
  /** Every image reference, in document order, and those left out with why. */
  read(text: string): { refs: ImageReference[]; skipped: readonly SkippedReference[] };
  /** A new link; throws a FluxError (`invalidInput`) for a path the syntax cannot hold. `at`: where in which text it goes. */
  link(alt: string, path: string, at?: LinkContext): string;
  /** The text that replaces `ref.pathStart..ref.pathEnd` for `newPath`; `folder` is the document's (a `/` path). */
  retarget(ref: ImageReference, newPath: string, folder: string): string;
  /** Its block model for placement (`text` is `lines` joined with `\n`); Markdown's is placement's own (markdown-it). */
  blocks?(lines: readonly string[], text: string): BlockModel;
}

/** The document's text and the offset a new link goes at: what a language reads above it (AsciiDoc's `imagesdir`). */
export interface LinkContext {
  readonly text: string;
  readonly offset: number;
  /** The document's folder (a `/` path), to write a path relative to a folder named with `..`. */
  readonly folder?: string;
}

/** `path` (relative to the document in `folder`) as written relative to `base` (also relative to the document). */
function underImagesDir(base: string | undefined, path: string, folder = '/'): string {
  if (!base) return path;
  return posix.relative(posix.join(folder, base), posix.join(folder, path));
}

const none: readonly SkippedReference[] = [];

const SYNTAX: Readonly<Record<DocumentLanguage, LanguageSyntax>> = {
  markdown: {
    read: (text) => ({ refs: readMarkdownImages(text), skipped: none }),
    link: (alt, path) => `![${altText(oneLine(alt))}](${encodeLinkPath(path)})`,
    retarget: (ref, newPath) => {
      if (ref.kind === 'html') return htmlPath(newPath);
      return ref.delimiter === '<>' ? angleBracketPath(newPath) : encodeLinkPath(newPath);
    },
  },
  html: { read: (text) => ({ refs: scanImgTags(text), skipped: none }), link: htmlImageLink, retarget: (_ref, newPath) => htmlPath(newPath), blocks: htmlBlocks },
  restructuredtext: { read: (text) => ({ refs: readRstImages(text), skipped: none }), link: rstImageLink, retarget: (_ref, newPath) => rstPath(newPath), blocks: rstBlocks },
  asciidoc: {
    read: readAsciidoc,
    // Asciidoctor reads a relative target under the `imagesdir` set above it.
    link: (alt, path, at) => asciidocImageLink(alt, at ? underImagesDir(asciidocImagesDirAt(at.text, at.offset), path, at.folder) : path),
    // Under an `imagesdir` that climbs out (`../images`), only the document's folder says the way back.
    retarget: (ref, newPath, folder) => asciidocPath(/^[a-zA-Z][a-zA-Z0-9+.-]*:|^\//.test(newPath) ? newPath : underImagesDir(ref.base, newPath, folder)),
    blocks: asciidocBlocks,
  },
  latex: { read: (text) => ({ refs: readLatexImages(text), skipped: none }), link: (_alt, path) => latexImageLink(path), retarget: (_ref, newPath) => latexPath(newPath), blocks: latexBlocks },
};

/** Every image reference of a document, in document order. */
export function readImageReferences(text: string, language: DocumentLanguage): ImageReference[] {
  return SYNTAX[language].read(text).refs;
}

/** The references, and those the reader left out with the reason (never used as a path). */
export function readImageReferencesWithSkipped(text: string, language: DocumentLanguage): { refs: ImageReference[]; skipped: readonly SkippedReference[] } {
  return SYNTAX[language].read(text);
}

/** The language's block model over a document's lines (HTML, reStructuredText, AsciiDoc, LaTeX). */
export function blockModel(language: Exclude<DocumentLanguage, 'markdown'>, lines: readonly string[], text = lines.join('\n')): BlockModel {
  return SYNTAX[language].blocks!(lines, text);
}

/**
 * The reference at an offset (the cursor): the innermost one whose text holds it, either end
 * included; for a Markdown reference-style image, a cursor on its definition's path counts too.
 */
export function referenceAt(refs: readonly ImageReference[], offset: number): ImageReference | undefined {
  let best: ImageReference | undefined;
  for (const ref of refs) {
    if (offset >= ref.start && offset <= ref.end && (!best || ref.end - ref.start < best.end - best.start)) best = ref;
  }
  return best ?? refs.find((ref) => offset >= ref.pathStart && offset <= ref.pathEnd);
}

/**
 * A new link in the language's syntax (the contract's "link inserted" column). `alt` is the prompt
 * (put on one line, bidi controls removed); `path` is relative to the document, `/` separators.
 * reStructuredText gives two lines joined with `\n`; LaTeX has no alt text in the link. Throws a
 * FluxError (`invalidInput`) for a path the syntax cannot hold (AsciiDoc: `[`, `]`; LaTeX: `% # { } \ ~ ^ $ &`).
 * With `at`, an AsciiDoc path is written relative to the `imagesdir` the document sets above it.
 */
export function imageLink(language: DocumentLanguage, alt: string, path: string, at?: LinkContext): string {
  return SYNTAX[language].link(alt, path, at);
}

/** A path for inside `<…>` in Markdown: spaces and parentheses may stay; what the renderer would decode or end on is encoded. */
function angleBracketPath(path: string): string {
  // eslint-disable-next-line no-control-regex -- control characters and line breaks cannot stay
  return path.replace(/[%#?<>\\\u0000-\u001f\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * The text that replaces `ref.pathStart..ref.pathEnd` so the reference points at `newPath`
 * (relative to the document, `/` separators), valid inside the reference's delimiters and in the
 * encoding its language reads. For a Markdown reference-style image this rewrites the definition,
 * so every image that uses the same label follows. An AsciiDoc path under `imagesdir` is written
 * relative to it, through the document's `folder` (a `/` path) when the imagesdir climbs out of it.
 */
export function retargetPath(language: DocumentLanguage, ref: ImageReference, newPath: string, folder: string): string {
  return SYNTAX[language].retarget(ref, newPath, folder);
}
