/**
 * Setting an image reference's alt text in its document's own syntax (the "Describe image from its
 * recipe" Quick Fix). Pure: the text and the reference in, one replacement out. Words from outside
 * (a recipe's prompt) are written as escaped text, never as markup.
 */
import { shortAlt } from '../markdown';
import { asciidocAlt } from './asciidoc';
import { escapeAttribute, readAttributes } from './html';
import { groupEnd } from './latex';
import { splitLines, indentOf, isBlank, oneLine } from './text';
import type { DocumentLanguage, ImageReference } from './types';

/** Replace `start..end` of the document's text with `text`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const IMAGE_NAME = /\.(png|jpe?g|webp|gif|svg|avif|bmp|tiff?)$/i;
const PLACEHOLDER = /^(img|image|picture|pic|photo|screenshot|figure|fig|alt|untitled)[-_ ]?\d*$/i;

/**
 * Alt text that describes nothing: none, the file's name (with or without its extension), a
 * slug such as `red-fox_2`, or a placeholder such as `image1`.
 */
export function isPlaceholderAlt(alt: string, path: string): boolean {
  const a = oneLine(alt);
  if (!a) return true;
  const base = path.split('/').pop() ?? '';
  const stem = base.replace(/\.[^.]*$/, '');
  const lower = a.toLowerCase();
  if (lower === base.toLowerCase() || lower === stem.toLowerCase()) return true;
  if (IMAGE_NAME.test(a) || PLACEHOLDER.test(a)) return true;
  // A slug: one "word" joined with dashes or underscores, as file names are.
  return !/\s/.test(a) && /[-_]/.test(a) && /^[\p{L}\p{N}_.-]+$/u.test(a);
}

/** The recipe's prompt as alt text: shortened at a sentence or word, on one line, not yet escaped. */
export function altFromPrompt(prompt: string): string {
  return shortAlt(prompt);
}

/** The edit that gives `ref` the alt text `alt` (plain words; escaped here); undefined when the reference's shape is not one we write. */
export function setAltText(language: DocumentLanguage, text: string, ref: ImageReference, alt: string): TextEdit | undefined {
  const words = oneLine(alt);
  if (!words) return undefined;
  if (ref.kind === 'html') return htmlAlt(text, ref, words);
  switch (language) {
    case 'markdown':
      return markdownAlt(text, ref, words);
    case 'html':
      return htmlAlt(text, ref, words);
    case 'restructuredtext':
      return rstAlt(text, ref, words);
    case 'asciidoc':
      return asciidocAltEdit(text, ref, words);
    case 'latex':
      return latexAlt(text, ref, words);
  }
}

/** Markdown: every ASCII punctuation that could start markup is backslash-escaped (CommonMark reads `\X` as X). */
export function markdownAltText(words: string): string {
  return words.replace(/[\\`*_[\]<>&!#|~]/g, (c) => `\\${c}`);
}

function markdownAlt(text: string, ref: ImageReference, words: string): TextEdit | undefined {
  if (text.slice(ref.start, ref.start + 2) !== '![') return undefined;
  let depth = 0;
  for (let i = ref.start + 2; i < ref.end; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') depth++;
    else if (c === ']') {
      if (depth === 0) return { start: ref.start + 2, end: i, text: markdownAltText(words) };
      depth--;
    }
  }
  return undefined;
}

function htmlAlt(text: string, ref: ImageReference, words: string): TextEdit | undefined {
  if (text.slice(ref.start, ref.start + 4).toLowerCase() !== '<img') return undefined;
  const read = readAttributes(text, ref.start + 4, ref.end);
  if (!read) return undefined;
  const value = escapeAttribute(words);
  const alt = read.attributes.find((a) => a.name === 'alt');
  if (!alt) return { start: ref.start + 4, end: ref.start + 4, text: ` alt="${value}"` };
  if (alt.quote === '"') return { start: alt.valueStart, end: alt.valueEnd, text: value };
  if (alt.quote === "'") return { start: alt.valueStart, end: alt.valueEnd, text: value.replace(/'/g, '&#39;') };
  // Unquoted (`alt=x`) or bare (`alt`): quoted from now on.
  const hasEquals = /=\s*$/.test(text.slice(ref.start, alt.valueStart));
  return { start: alt.valueStart, end: alt.valueEnd, text: `${hasEquals ? '' : '='}"${value}"` };
}

function rstAlt(text: string, ref: ImageReference, words: string): TextEdit | undefined {
  const lines = splitLines(text);
  const first = lines.findIndex((l) => l.start <= ref.start && ref.start <= l.start + l.text.length);
  if (first < 0) return undefined;
  const indent = indentOf(lines[first]!.text);
  const pathLine = lines.findIndex((l) => l.start <= ref.pathEnd && ref.pathEnd <= l.start + l.text.length);
  let optionIndent: number | undefined;
  for (let i = pathLine + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (isBlank(l.text) || indentOf(l.text) <= indent) break;
    const m = /^(\s*):alt:(\s*)(.*)$/i.exec(l.text);
    optionIndent ??= indentOf(l.text);
    if (m) {
      const from = l.start + m[1]!.length + ':alt:'.length;
      // The value goes on over deeper-indented lines below it.
      let end = l.start + l.text.trimEnd().length;
      for (let j = i + 1; j < lines.length && !isBlank(lines[j]!.text) && indentOf(lines[j]!.text) > indentOf(l.text); j++) end = lines[j]!.start + lines[j]!.text.trimEnd().length;
      return { start: from, end, text: ` ${words}` };
    }
  }
  const at = lines[pathLine]!;
  const eol = at.start + at.text.length;
  const newline = text.slice(eol, eol + 2) === '\r\n' ? '\r\n' : '\n';
  return { start: eol, end: eol, text: `${newline}${' '.repeat(optionIndent ?? indent + 3)}:alt: ${words}` };
}

function asciidocAltEdit(text: string, ref: ImageReference, words: string): TextEdit | undefined {
  const open = ref.pathEnd;
  if (text[open] !== '[' || text[ref.end - 1] !== ']') return undefined;
  const from = open + 1;
  const to = ref.end - 1;
  // An inline macro ends at the first `]` even inside quotes: written `\]` there.
  const value = ref.kind === 'inline-macro' ? asciidocAlt(words).replace(/\]/g, '\\]') : asciidocAlt(words);
  const items = attributeItems(text, from, to);
  const named = items.find((it) => /^\s*alt\s*=/i.test(text.slice(it.start, it.end)));
  if (named) {
    const eq = text.indexOf('=', named.start);
    return { start: eq + 1, end: named.end, text: value };
  }
  const [head] = items;
  if (!head || (head.start === head.end && items.length === 1)) return { start: from, end: to, text: value };
  if (/^\s*[\w][\w-]*\s*=/.test(text.slice(head.start, head.end))) return { start: from, end: from, text: `${value},` };
  return { start: head.start, end: head.end, text: value };
}

/** The comma-separated items of an attribute list, quotes honoured. */
function attributeItems(text: string, from: number, to: number): { start: number; end: number }[] {
  const items: { start: number; end: number }[] = [];
  let start = from;
  let quote: string | undefined;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if ((c === '"' || c === "'") && !text.slice(start, i).trim()) quote = c;
    else if (c === ',') {
      items.push({ start, end: i });
      start = i + 1;
    }
  }
  items.push({ start, end: to });
  return items;
}

/** LaTeX text: its special characters escaped, so the words stay words. */
export function latexAltText(words: string): string {
  return words.replace(/[\\{}%&#$_~^]/g, (c) => (c === '\\' ? '\\textbackslash{}' : c === '~' ? '\\textasciitilde{}' : c === '^' ? '\\textasciicircum{}' : `\\${c}`));
}

/** `\includegraphics[…, alt={…}]{PATH}` (graphicx's `alt` key). */
function latexAlt(text: string, ref: ImageReference, words: string): TextEdit | undefined {
  const m = /^\\includegraphics\*?\s*/.exec(text.slice(ref.start, ref.pathStart));
  if (!m) return undefined;
  const value = `alt={${latexAltText(words)}}`;
  const at = ref.start + m[0].length;
  if (text[at] !== '[') return { start: at, end: at, text: `[${value}]` };
  const close = groupEnd(text, at);
  if (close < 0) return undefined;
  const inner = text.slice(at + 1, close - 1);
  const key = /(^|,)\s*alt\s*=\s*/.exec(inner);
  if (key) {
    const valueStart = at + 1 + key.index + key[0].length;
    let valueEnd: number;
    if (text[valueStart] === '{') valueEnd = groupEnd(text, valueStart);
    else {
      const comma = text.indexOf(',', valueStart);
      valueEnd = comma < 0 || comma > close - 1 ? close - 1 : comma;
    }
    if (valueEnd < 0) return undefined;
    return { start: valueStart - (key[0].length - key[1]!.length), end: valueEnd, text: value };
  }
  return inner.trim() ? { start: close - 1, end: close - 1, text: `,${value}` } : { start: at + 1, end: close - 1, text: value };
}
