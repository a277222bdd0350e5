/** Markdown image links: alt text and a link path that survives spaces, parentheses and CJK. */

import { stripBidiControls } from './safeText';

export const MAX_ALT_LENGTH = 100;

/**
 * The prompt on one line, brackets and backslashes escaped, shortened at a word boundary. Bidi
 * controls are dropped: in the document they would make the line read differently from what it is.
 */
export function altText(prompt: string, maxLength = MAX_ALT_LENGTH): string {
  return shortAlt(prompt, maxLength).replace(/[\\[\]]/g, (c) => `\\${c}`);
}

/**
 * The prompt on one line, bidi controls dropped, shortened for alt text: whole sentences when they
 * fill a fair part of it, else whole words and an ellipsis. Not escaped for any syntax.
 */
export function shortAlt(prompt: string, maxLength = MAX_ALT_LENGTH): string {
  let text = stripBidiControls(prompt).replace(/\s+/g, ' ').trim();
  const chars = [...text];
  if (chars.length > maxLength) {
    const cut = chars.slice(0, maxLength).join('');
    // Whole sentences when they fill a fair part of it ("A cottage in snow. Smoke rises."), else whole words and an ellipsis.
    const sentence = /^.*[.!?。！？](?=\s|$)/su.exec(cut)?.[0];
    if (sentence && [...sentence].length >= maxLength * 0.4) text = sentence;
    else {
      const space = cut.lastIndexOf(' ');
      text = `${(space > maxLength * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
    }
  }
  return text;
}

/** Percent-encodes what would break a link destination; keeps letters of any script readable. */
export function encodeLinkPath(path: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be encoded
  return path.replace(/[\s()<>[\]%#?\\"'`\u0000-\u001f\u007f]/gu, (c) => encodeURIComponent(c).replace(/[()'!*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`));
}

/**
 * The relative path from a folder to a file, both given as `/`-separated absolute paths
 * (URI paths). Case-sensitive, as URI paths are. A first segment with a `:` gets `./` before it,
 * so `a:b.png` is not read as a link with the scheme `a:`.
 */
export function relativePath(fromFolder: string, toFile: string): string {
  const from = fromFolder.split('/').filter(Boolean);
  const to = toFile.split('/').filter(Boolean);
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  const up = from.slice(i).map(() => '..');
  const path = [...up, ...to.slice(i)].join('/');
  return /^[^/]*:/.test(path) ? `./${path}` : path;
}

export function markdownImageLink(prompt: string, linkPath: string): string {
  return `![${altText(prompt)}](${encodeLinkPath(linkPath)})`;
}

// Link and image syntax, whole or cut off by a selection's edge: `![alt](path)`, `](../assets/x.png)`,
// `<img src="…">`, and bare paths or URLs to image files.
const MARKUP = /!?\[[^\]\n]*\]\([^)\n]*\)?|\]\([^)\n]*\)?|<img\b[^>\n]*>?|\S*\/\S*\.(?:png|jpe?g|webp|gif|svg)\b\)?|https?:\/\/\S+/gi;

/**
 * How much of a selection is link or image markup rather than words, from 0 to 1: a selection
 * that moved under the writer's drag while links landed above it reads like `windowsill](../assets/`.
 */
export function markupShare(text: string): number {
  const total = text.replace(/\s+/g, '').length;
  if (!total) return 0;
  const words = text.replace(MARKUP, ' ').replace(/[[\]()!<>]/g, ' ').replace(/\s+/g, '').length;
  return 1 - words / total;
}
