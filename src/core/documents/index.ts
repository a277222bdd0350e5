/**
 * Image references in documents, read and written in each language's own syntax (CONTRACT.md,
 * "Documents"). Pure: the host passes the document's text and language.
 */
import { altText, encodeLinkPath } from '../markdown';
import { asciidocImageLink, asciidocPath, readAsciidocImages } from './asciidoc';
import { htmlImageLink, htmlPath, scanImgTags } from './html';
import { latexImageLink, latexPath, readLatexImages } from './latex';
import { readMarkdownImages } from './markdownReferences';
import { readRstImages, rstImageLink, rstPath } from './restructuredText';
import type { DocumentLanguage, ImageReference } from './types';
import { oneLine } from './text';

export { DOCUMENT_LANGUAGES, documentLanguage } from './types';
export type { DocumentLanguage, ImageReference, PathDelimiter } from './types';

/** Every image reference of a document, in document order. */
export function readImageReferences(text: string, language: DocumentLanguage): ImageReference[] {
  switch (language) {
    case 'markdown':
      return readMarkdownImages(text);
    case 'html':
      return scanImgTags(text);
    case 'restructuredtext':
      return readRstImages(text);
    case 'asciidoc':
      return readAsciidocImages(text);
    case 'latex':
      return readLatexImages(text);
  }
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
 */
export function imageLink(language: DocumentLanguage, alt: string, path: string): string {
  switch (language) {
    case 'markdown':
      return `![${altText(oneLine(alt))}](${encodeLinkPath(path)})`;
    case 'html':
      return htmlImageLink(alt, path);
    case 'restructuredtext':
      return rstImageLink(alt, path);
    case 'asciidoc':
      return asciidocImageLink(alt, path);
    case 'latex':
      return latexImageLink(path);
  }
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
 * so every image that uses the same label follows.
 */
export function retargetPath(language: DocumentLanguage, ref: ImageReference, newPath: string): string {
  switch (language) {
    case 'markdown':
      if (ref.kind === 'html') return htmlPath(newPath);
      return ref.delimiter === '<>' ? angleBracketPath(newPath) : encodeLinkPath(newPath);
    case 'html':
      return htmlPath(newPath);
    case 'restructuredtext':
      return rstPath(newPath);
    case 'asciidoc':
      return asciidocPath(newPath);
    case 'latex':
      return latexPath(newPath);
  }
}
