import { FluxError, text as t } from '../errors';
import { isListItem } from './asciidocBlocks';
import type { ImageReference, SkippedReference } from './types';
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

const ATTRIBUTE_ENTRY = /^:(!?)(\w[\w-]*)(!?):(?:[ \t]+(.*))?$/;
// `{name}` in a target, not escaped with a backslash
const TARGET_ATTRIBUTE = /(\\)?\{(\w[\w-]*)\}/g;

/**
 * A macro target with the document's own attributes put in (`{name}` from `:name: value`
 * entries above it), or the first name it cannot resolve.
 */
function resolveTarget(target: string, attributes: ReadonlyMap<string, string | null>): { value: string } | { missing: string } {
  let missing: string | undefined;
  const value = target.replace(TARGET_ATTRIBUTE, (whole, escaped: string | undefined, name: string) => {
    if (escaped) return whole.slice(1);
    const found = attributes.get(name.toLowerCase());
    if (found === undefined || found === null) missing ??= name;
    return found ?? whole;
  });
  return missing === undefined ? { value } : { missing };
}

/** `a/b` joined with `c`, as Asciidoctor puts `imagesdir` in front of a relative target. */
function joinPath(dir: string, target: string): string {
  if (!dir || /^[a-zA-Z][a-zA-Z0-9+.-]*:|^\//.test(target)) return target;
  const out: string[] = [];
  for (const part of `${dir}/${target}`.split('/')) {
    if (part === '.' || (part === '' && out.length)) continue;
    if (part === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function reference(start: number, end: number, pathStart: number, target: string, path: string, base: string, attributes: string, kind: string): ImageReference {
  const list = parseAttributeList(attributes);
  const alt = list.named.get('alt') ?? list.positional[0] ?? '';
  const title = list.named.get('title');
  return {
    start,
    end,
    pathStart,
    pathEnd: pathStart + target.length,
    delimiter: '',
    path: path.replace(/\\/g, '/'),
    alt: oneLine(unescapeAttributeReferences(alt)),
    ...(title ? { title: oneLine(title) } : {}),
    ...(base && path !== target ? { base } : {}),
    kind,
  };
}

/** `image::PATH[ALT]` block macros and `image:PATH[ALT]` inline macros, outside comments and verbatim blocks. */
export function readAsciidocImages(text: string): ImageReference[] {
  return readAsciidoc(text).refs;
}

/**
 * The references, and those left out with the reason: a target whose `{attribute}` the document does
 * not define is never used as a path. Attributes come from the document's own `:name: value` entries
 * above the reference; `imagesdir` is put in front of a relative target, as Asciidoctor does.
 */
export function readAsciidoc(text: string): { refs: ImageReference[]; skipped: SkippedReference[] } {
  const { refs, skipped } = scanAsciidoc(text, Infinity);
  return { refs, skipped };
}

/**
 * The folder (relative to the document) a new image target written at `offset` is read under:
 * the `imagesdir` the document sets above that line, when it is a relative folder. Undefined when
 * none is set, or when it is absolute, a URL or uses an attribute the document does not define
 * (a target is then written relative to the document).
 */
export function asciidocImagesDirAt(text: string, offset: number): string | undefined {
  const dir = scanAsciidoc(text, offset).attributes.get('imagesdir');
  return dir && !/^[a-zA-Z][a-zA-Z0-9+.-]*:|^[/\\]/.test(dir) ? dir : undefined;
}

/** Reads the document's lines that start before `until`. */
function scanAsciidoc(text: string, until: number): { refs: ImageReference[]; skipped: SkippedReference[]; attributes: ReadonlyMap<string, string | null> } {
  const refs: ImageReference[] = [];
  const skipped: SkippedReference[] = [];
  // null: defined, but from something the document does not hold (`{docdir}`)
  const attributes = new Map<string, string | null>();
  const lines = splitLines(text);
  let closing: string | undefined; // the delimiter line that ends the verbatim block we are in
  let verbatimNext = false; // a [source]-like style line was just read
  let verbatimParagraph = false;
  let previousBlank = true;
  let inTable = false;
  const add = (start: number, end: number, pathStart: number, target: string, attrs: string, kind: string) => {
    const resolved = resolveTarget(target, attributes);
    if ('missing' in resolved) {
      skipped.push({ start, end, reason: `the attribute {${resolved.missing}} is not defined in the document` });
      return;
    }
    const base = attributes.has('imagesdir') ? attributes.get('imagesdir')! : '';
    if (base === null && !/^[a-zA-Z][a-zA-Z0-9+.-]*:|^\//.test(resolved.value)) {
      skipped.push({ start, end, reason: 'the document’s imagesdir uses an attribute it does not define' });
      return;
    }
    refs.push(reference(start, end, pathStart, target, joinPath(base, resolved.value), base, attrs, kind));
  };
  let header: boolean | undefined;
  for (const line of lines) {
    if (line.start >= until) break;
    let l = line.text.trimEnd();
    let lineStart = line.start;
    if (closing !== undefined) {
      if (l === closing || (closing === '```' && l === '```')) closing = undefined;
      continue;
    }
    if (/^[|,:]={3,}$/.test(l)) {
      inTable = !inTable;
      previousBlank = true;
      verbatimParagraph = false;
      verbatimNext = false;
      continue;
    }
    if (inTable) {
      // a cell's specifier (`a|`, `2+l|`): what follows it is read as the cell's first line
      const cell = /^((?:\d+\*)?(?:\d*(?:\.\d+)?[+*])?[<^>]?(?:\.[<^>])?([adehlmsv])?)\|/.exec(l);
      if (cell) {
        // a new cell: a literal one (`l`) is not read, whatever the cell before was
        verbatimParagraph = cell[2] === 'l';
        verbatimNext = false;
        previousBlank = true;
        l = l.slice(cell[0].length).trimStart();
        lineStart = line.start + line.text.indexOf(l);
        if (!l) continue;
      }
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
      header = false;
      continue;
    }
    // The document header: `= Title`, then author and revision lines and attribute entries, up to
    // the first blank line. Its entries are the document's attributes (imagesdir among them).
    if (header === undefined) header = /^=[ \t]+\S/.test(l);
    const startsParagraph = previousBlank || (header && !/^=[ \t]/.test(l));
    previousBlank = false;
    if (verbatimParagraph) continue;
    if (l.startsWith('//')) continue; // a comment line (`////` blocks are handled above)
    if (VERBATIM_STYLE.test(l)) {
      verbatimNext = true;
      continue;
    }
    if (verbatimNext || (startsParagraph && /^[ \t]/.test(l) && !isListItem(l))) {
      // a styled verbatim paragraph, or a literal paragraph (its first line is indented, and no list item)
      verbatimNext = false;
      verbatimParagraph = true;
      continue;
    }
    const entry = startsParagraph ? ATTRIBUTE_ENTRY.exec(l) : null;
    if (entry) {
      const name = entry[2]!.toLowerCase();
      if (entry[1] || entry[3]) attributes.delete(name);
      else {
        const value = resolveTarget((entry[4] ?? '').trim(), attributes);
        attributes.set(name, 'value' in value ? value.value : null);
      }
      previousBlank = true;
      continue;
    }
    if (/^\[.*\]$/.test(l) || /^\.[^.\s]/.test(l)) {
      previousBlank = true; // block attributes and titles do not start the paragraph
      continue;
    }
    const block = BLOCK_IMAGE.exec(l);
    if (block) {
      add(lineStart, lineStart + l.length, lineStart + 'image::'.length, block[1]!, block[2]!, 'block');
      previousBlank = true; // a block macro is a block of its own: the next line starts another
      continue;
    }
    for (const m of l.matchAll(INLINE_IMAGE)) {
      if (m[1]) continue; // `\image:` is escaped
      const start = lineStart + m.index;
      add(start, start + m[0].length, start + 'image:'.length, m[2]!, m[3]!.replace(/\\\]/g, ']'), 'inline-macro');
    }
  }
  return { refs, skipped, attributes };
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
