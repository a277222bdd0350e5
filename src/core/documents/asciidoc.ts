import { FluxError, text as t } from '../errors';
import type { ImageReference } from './types';
import { isBlank, oneLine, splitLines } from './text';

// Asciidoctor's own patterns (BlockMediaMacroRx, InlineImageMacroRx), for images only
const BLOCK_IMAGE = /^image::(\S|\S.*?\S)\[(.*)\]$/;
const INLINE_IMAGE = /(\\)?image:([^:\s[](?:[^\n[]*[^\s[])?)\[(|[^\n]*?[^\\])\]/g;
// Delimited blocks whose content is not parsed for macros: listing, literal, passthrough, comment, fenced code
const VERBATIM_DELIMITER = /^(-{4,}|\.{4,}|\+{4,}|\/{4,}|`{3})/;
// A block style that makes the next paragraph (or delimited block) verbatim
const VERBATIM_STYLE = /^\[(source|listing|literal|pass|comment|stem|latexmath|asciimath)\b[^\]]*\]$/;
const ATTRIBUTE_REFERENCE = /\{(?=\w[\w-]*(?::[^}\n]*)?\})/g;

interface AttributeList {
  readonly positional: readonly string[];
  readonly named: ReadonlyMap<string, string>;
}

/** An attribute list as Asciidoctor splits it: commas, `"` or `'` quoted values with `\"` escapes, `name=value`. */
export function parseAttributeList(source: string): AttributeList {
  const positional: string[] = [];
  const named = new Map<string, string>();
  let i = 0;
  while (i <= source.length) {
    while (source[i] === ' ') i++;
    let name: string | undefined;
    const nameMatch = /^([\w][\w-]*)[ ]*=[ ]*/.exec(source.slice(i));
    if (nameMatch) {
      name = nameMatch[1]!.toLowerCase();
      i += nameMatch[0].length;
    }
    let value: string;
    const q = source[i];
    if (q === '"' || q === "'") {
      let j = i + 1;
      let v = '';
      for (; j < source.length && source[j] !== q; j++) {
        if (source[j] === '\\' && source[j + 1] === q) j++;
        v += source[j];
      }
      value = v;
      i = j + 1;
      while (i < source.length && source[i] !== ',') i++;
    } else {
      const comma = source.indexOf(',', i);
      const stop = comma < 0 ? source.length : comma;
      value = source.slice(i, stop).trim();
      i = stop;
    }
    if (name) named.set(name, value);
    else positional.push(value);
    i++; // the comma
  }
  return { positional, named };
}

function unescapeAttributeReferences(value: string): string {
  return value.replace(/\\\{(?=\w[\w-]*(?::[^}\n]*)?\})/g, '{');
}

function reference(start: number, end: number, pathStart: number, target: string, attributes: string, kind: string): ImageReference {
  const list = parseAttributeList(attributes);
  const alt = list.named.get('alt') ?? list.positional[0] ?? '';
  const title = list.named.get('title');
  return {
    start,
    end,
    pathStart,
    pathEnd: pathStart + target.length,
    delimiter: '',
    path: target.replace(/\\/g, '/'),
    alt: oneLine(unescapeAttributeReferences(alt)),
    ...(title ? { title: oneLine(title) } : {}),
    kind,
  };
}

/** `image::PATH[ALT]` block macros and `image:PATH[ALT]` inline macros, outside comments and verbatim blocks. */
export function readAsciidocImages(text: string): ImageReference[] {
  const refs: ImageReference[] = [];
  const lines = splitLines(text);
  let closing: string | undefined; // the delimiter line that ends the verbatim block we are in
  let verbatimNext = false; // a [source]-like style line was just read
  let verbatimParagraph = false;
  let previousBlank = true;
  for (const line of lines) {
    const l = line.text.trimEnd();
    if (closing !== undefined) {
      if (l === closing || (closing === '```' && l === '```')) closing = undefined;
      continue;
    }
    const delimiter = VERBATIM_DELIMITER.exec(l);
    if (delimiter && (l === delimiter[1] || delimiter[1] === '```')) {
      closing = delimiter[1];
      verbatimNext = false;
      continue;
    }
    if (isBlank(l)) {
      verbatimParagraph = false;
      previousBlank = true;
      continue;
    }
    const startsParagraph = previousBlank;
    previousBlank = false;
    if (verbatimParagraph) continue;
    if (l.startsWith('//')) continue; // a comment line (`////` blocks are handled above)
    if (VERBATIM_STYLE.test(l)) {
      verbatimNext = true;
      continue;
    }
    if (verbatimNext || (startsParagraph && /^[ \t]/.test(l))) {
      // a styled verbatim paragraph, or a literal paragraph (its first line is indented)
      verbatimNext = false;
      verbatimParagraph = true;
      continue;
    }
    if (/^\[.*\]$/.test(l) || /^\.[^.\s]/.test(l)) {
      previousBlank = true; // block attributes and titles do not start the paragraph
      continue;
    }
    const block = BLOCK_IMAGE.exec(l);
    if (block) {
      refs.push(reference(line.start, line.start + l.length, line.start + 'image::'.length, block[1]!, block[2]!, 'block'));
      continue;
    }
    for (const m of l.matchAll(INLINE_IMAGE)) {
      if (m[1]) continue; // `\image:` is escaped
      const start = line.start + m.index;
      refs.push(reference(start, start + m[0].length, start + 'image:'.length, m[2]!, m[3]!.replace(/\\\]/g, ']'), 'inline-macro'));
    }
  }
  return refs;
}

/** The path as a macro target; Asciidoctor cannot read a target with `[` or a line break in it. */
export function asciidocPath(path: string): string {
  if (/[[\]\r\n]/.test(path) || path.trim() !== path || !path) {
    throw new FluxError('invalidInput', t('The image path “{0}” cannot be written in an AsciiDoc image macro. Rename the file or change flux.outputFolder.', path));
  }
  return path;
}

/** Alt text as the first attribute: quoted (with `\"`) when it holds a comma, quote, `=` or `]`; attribute references escaped. */
export function asciidocAlt(alt: string): string {
  const value = oneLine(alt).replace(/\\+$/, '').replace(ATTRIBUTE_REFERENCE, '\\{');
  return /[,"'=\]]/.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}

export function asciidocImageLink(alt: string, path: string): string {
  return `image::${asciidocPath(path)}[${asciidocAlt(alt)}]`;
}
