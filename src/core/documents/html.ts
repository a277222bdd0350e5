import type MarkdownIt from 'markdown-it';
import { encodeLinkPath } from '../markdown';
import { markdownIt } from '../markdownIt';
import type { ImageReference, PathDelimiter } from './types';
import { oneLine, urlToPath } from './text';

let utils: MarkdownIt['utils'] | undefined;

/** HTML character references decoded (markdown-it's table of HTML5 entities); backslashes stay. */
export function decodeEntities(value: string): string {
  // unescapeAll also resolves Markdown backslash escapes: doubling every backslash makes it give each back as it was
  if (!value.includes('&')) return value;
  utils ??= new (markdownIt())().utils;
  return utils.unescapeAll(value.replace(/\\/g, '\\\\'));
}

/** Escapes text for an attribute value in double quotes, or for element content. */
export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

interface Attribute {
  readonly name: string;
  /** Raw value as written, without quotes, and its offsets. */
  readonly raw: string;
  readonly valueStart: number;
  readonly valueEnd: number;
  readonly quote: PathDelimiter;
}

// Elements whose content is text, not markup: an <img> written inside them is not an image.
const RAW_TEXT = /^(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)$/i;

/**
 * Every `<img>` tag in `text[from, to)`, following the HTML tokenizer's rules for tags and
 * attributes; comments, `<!…>` declarations and raw-text elements (script, style, textarea…)
 * are skipped. Offsets are in `text`.
 */
export function scanImgTags(text: string, from = 0, to = text.length): ImageReference[] {
  const refs: ImageReference[] = [];
  let i = from;
  while (i < to) {
    const lt = text.indexOf('<', i);
    if (lt < 0 || lt >= to) break;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      i = close < 0 || close + 3 > to ? to : close + 3;
      continue;
    }
    if (text[lt + 1] === '!' || text[lt + 1] === '?') {
      const close = text.indexOf('>', lt + 2);
      i = close < 0 ? to : close + 1;
      continue;
    }
    const nameMatch = /^<([a-zA-Z][^\s/>]*)/.exec(text.slice(lt, Math.min(to, lt + 64)));
    if (!nameMatch) {
      i = lt + 1;
      continue;
    }
    const tagName = nameMatch[1]!;
    const tag = readAttributes(text, lt + nameMatch[0].length, to);
    if (!tag) {
      i = lt + 1;
      continue;
    }
    if (/^img$/i.test(tagName)) {
      const ref = imgReference(lt, tag.end, tag.attributes);
      if (ref) refs.push(ref);
    } else if (RAW_TEXT.test(tagName)) {
      const close = text.slice(tag.end, to).search(new RegExp(`</${tagName}[\\s/>]`, 'i'));
      i = close < 0 ? to : tag.end + close;
      continue;
    }
    i = tag.end;
  }
  return refs;
}

export function readAttributes(text: string, pos: number, to: number): { end: number; attributes: Attribute[] } | undefined {
  const attributes: Attribute[] = [];
  let i = pos;
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
  while (i < to) {
    while (i < to && (isSpace(text[i]) || text[i] === '/')) i++;
    if (i >= to) return undefined;
    if (text[i] === '>') return { end: i + 1, attributes };
    const nameStart = i;
    i++; // the first character may be '=' (HTML treats it as part of the name)
    while (i < to && !isSpace(text[i]) && text[i] !== '/' && text[i] !== '>' && text[i] !== '=') i++;
    const name = text.slice(nameStart, i).toLowerCase();
    let j = i;
    while (j < to && isSpace(text[j])) j++;
    if (text[j] !== '=') {
      attributes.push({ name, raw: '', valueStart: i, valueEnd: i, quote: '' });
      continue;
    }
    j++;
    while (j < to && isSpace(text[j])) j++;
    const q = text[j];
    if (q === '"' || q === "'") {
      const close = text.indexOf(q, j + 1);
      if (close < 0 || close >= to) return undefined;
      attributes.push({ name, raw: text.slice(j + 1, close), valueStart: j + 1, valueEnd: close, quote: q });
      i = close + 1;
    } else {
      const start = j;
      while (j < to && !isSpace(text[j]) && text[j] !== '>') j++;
      attributes.push({ name, raw: text.slice(start, j), valueStart: start, valueEnd: j, quote: '' });
      i = j;
    }
  }
  return undefined;
}

function imgReference(start: number, end: number, attributes: readonly Attribute[]): ImageReference | undefined {
  // the first of duplicate attributes wins, as in browsers
  const get = (name: string) => attributes.find((a) => a.name === name);
  const src = get('src');
  if (!src || !src.raw.trim()) return undefined;
  const alt = get('alt');
  const title = get('title');
  const rawSrc = src.raw;
  // browsers strip leading and trailing ASCII whitespace from URLs
  const lead = rawSrc.length - rawSrc.trimStart().length;
  const trail = rawSrc.length - rawSrc.trimEnd().length;
  return {
    start,
    end,
    pathStart: src.valueStart + lead,
    pathEnd: src.valueEnd - trail,
    delimiter: src.quote,
    path: urlToPath(decodeEntities(rawSrc)),
    alt: alt ? oneLine(decodeEntities(alt.raw)) : '',
    ...(title ? { title: decodeEntities(title.raw) } : {}),
    kind: 'html',
  };
}

export function htmlImageLink(alt: string, path: string): string {
  return `<img src="${htmlPath(path)}" alt="${escapeAttribute(oneLine(alt))}">`;
}

/** A path for a `src` value: %-encoded where a URL needs it, then `&` as `&amp;`; valid in any quoting. */
export function htmlPath(path: string): string {
  return encodeLinkPath(path).replace(/[=&]/g, (c) => (c === '&' ? '&amp;' : '%3D'));
}
