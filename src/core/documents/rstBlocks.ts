/**
 * reStructuredText's block model, after docutils' reStructuredText Markup Specification: body
 * elements are told apart by their first line and end where the indentation comes back to theirs.
 * - Explicit markup (`.. `): a directive, comment, target, footnote or substitution definition takes
 *   every following line that is blank or indented more than its `..`. Admonitions and other
 *   directives whose content is body elements (`note`, `warning`, `container`...) are a unit with
 *   children (their body after the first blank line); any other is whole.
 * - A paragraph followed by more indented lines: a literal block when it ends in `::` (whole), else a
 *   block quote or a definition (children: the indented part; an anchor in the paragraph goes after all).
 * - Bullet and enumerated lists, definition lists: a list unit whose children are the items, each
 *   placed after at its content column (so the link joins the item, the list goes on).
 * - Field lists, option lists, simple and grid tables: whole.
 */
import { type BlockModel, type Unit, columns, isBlankText, nextText, trimEnd } from './blocks';

const CONTAINER_DIRECTIVES = new Set([
  'note', 'warning', 'tip', 'hint', 'important', 'caution', 'danger', 'error', 'attention', 'admonition', 'seealso', 'topic',
  'sidebar', 'container', 'compound', 'versionadded', 'versionchanged', 'deprecated', 'versionremoved', 'only', 'tab',
  'group-tab', 'tab-item', 'dropdown', 'card', 'grid-item-card',
]);
const BULLET = /^([-*+\u2022\u2023\u2043])( +|$)/;
const ENUMERATED = /^(?:\(?(?:\d+|#|[a-zA-Z]|[ivxlcdm]+|[IVXLCDM]+)\)|(?:\d+|#|[a-zA-Z]|[ivxlcdm]+|[IVXLCDM]+)\.)( +|$)/;
const FIELD = /^:(?![: ])(?:\\.|[^\\:])+:( |$)/;
const OPTION = /^(?:-[a-zA-Z0-9]|--[a-zA-Z]|\/[a-zA-Z])[^ ]*(?: ?[^ ]+)?( {2,}|$)/;
const SIMPLE_TABLE_BORDER = /^=+( +=+)+ *$/;
const GRID_TABLE_BORDER = /^\+-[-+]*\+ *$/;
const DIRECTIVE = /^\.\.[ \t]+([\w][\w:+.-]*)::/;

export function rstBlocks(source: readonly string[]): BlockModel {
  // Items' markers are blanked in this copy so their content can be read as a region of its own.
  const lines = [...source];
  return { units: region(lines, 0, lines.length), tail: lines.length };
}

/** The first line after `i` at `indent` or less (not blank), the end of what an element at `indent` holds. */
function indentedEnd(lines: string[], i: number, to: number, indent: number): number {
  let j = i + 1;
  for (; j < to; j++) {
    if (!isBlankText(lines[j]!) && columns(lines[j]!) <= indent) break;
  }
  return j;
}

function listKind(lines: readonly string[], i: number, to: number): string | undefined {
  const body = lines[i]!.trimStart();
  if (BULLET.test(body)) return `bullet${body[0]}`;
  const m = ENUMERATED.exec(body);
  if (!m) return undefined;
  // docutils: an enumerated item's next line is blank, indented to its content, or the next item
  const next = lines[i + 1];
  if (i + 1 >= to || next === undefined || isBlankText(next)) return 'enumerated';
  const indent = columns(lines[i]!);
  if (columns(next) === indent && ENUMERATED.test(next.trimStart())) return 'enumerated';
  return columns(next) > indent ? 'enumerated' : undefined;
}

/** The units of lines [from, to), whose elements start at the smallest indentation among them. */
function region(lines: string[], from: number, to: number): Unit[] {
  const units: Unit[] = [];
  let i = nextText(lines, from, to);
  while (i < to) {
    const unit = element(lines, i, to);
    const previous = units[units.length - 1];
    // consecutive items of one kind (a blank line between them or not) are one list
    if (previous && previous.kind === `list:${unit.kind}` && columns(lines[previous.start]!) === columns(lines[unit.start]!)) {
      units[units.length - 1] = { ...previous, end: unit.end, children: [...previous.children!, unit] };
    } else if (unit.kind.startsWith('bullet') || unit.kind === 'enumerated' || unit.kind === 'definition') {
      units.push({ start: unit.start, end: unit.end, indent: ' '.repeat(columns(lines[unit.start]!)), children: [unit], kind: `list:${unit.kind}` });
    } else {
      units.push(unit);
    }
    i = nextText(lines, unit.end, to);
  }
  return units;
}

/** The element starting at line `i` (not blank), up to `to`. */
function element(lines: string[], i: number, to: number): Unit {
  const text = lines[i]!;
  const indent = columns(text);
  const pad = ' '.repeat(indent);
  const body = text.slice(text.length - text.trimStart().length);
  const whole = (end: number, kind: string): Unit => ({ start: i, end: trimEnd(lines, i, end), indent: pad, kind });

  if (/^\.\.( |\t|$)/.test(body)) {
    const end = indentedEnd(lines, i, to, indent);
    // `..` alone, then a blank line: an empty comment; what follows is not in it
    if (body.trim() === '..' && (i + 1 >= to || isBlankText(lines[i + 1]!))) return whole(i + 1, 'comment');
    const name = DIRECTIVE.exec(body)?.[1]?.toLowerCase();
    if (name && CONTAINER_DIRECTIVES.has(name)) {
      // the head: the directive line and its options; the content may follow without a blank line
      let headEnd = i + 1;
      while (headEnd < end && /^\s*:[^:\s][^:]*:(\s|$)/.test(lines[headEnd]!)) headEnd++;
      const children = region(lines, headEnd, end);
      return { ...whole(end, 'directive'), ...(children.length ? { children } : {}) };
    }
    return whole(end, 'explicit');
  }
  const kind = listKind(lines, i, to);
  if (kind) {
    const marker = (BULLET.exec(body) ?? ENUMERATED.exec(body))!;
    const end = indentedEnd(lines, i, to, indent);
    const rest = body.slice(marker[0].length);
    // the content column: after the marker and its spaces, or two past the marker on an empty first line
    const content = indent + (rest ? marker[0].length : marker[0].trimEnd().length + 1);
    lines[i] = ' '.repeat(content) + rest;
    const children = region(lines, i, end);
    return { start: i, end: trimEnd(lines, i, end), indent: ' '.repeat(content), children, kind };
  }
  if (FIELD.test(body)) return whole(listEnd(lines, i, to, indent, FIELD), 'field-list');
  if (OPTION.test(body) && i + 1 < to && (!isBlankText(lines[i + 1]!) ? columns(lines[i + 1]!) > indent || OPTION.test(lines[i + 1]!.trimStart()) : true) && / {2,}\S|^\S+$/.test(body)) {
    return whole(listEnd(lines, i, to, indent, OPTION), 'option-list');
  }
  if (SIMPLE_TABLE_BORDER.test(body)) {
    // a simple table ends at a border line followed by a blank line or the end
    let j = i + 1;
    for (; j < to; j++) {
      if (SIMPLE_TABLE_BORDER.test(lines[j]!.trimStart()) && (j + 1 >= to || isBlankText(lines[j + 1]!))) break;
    }
    return whole(Math.min(j + 1, to), 'table');
  }
  // a paragraph (a grid table, a section title, a line block are read the same way): until a blank line
  let j = i + 1;
  while (j < to && !isBlankText(lines[j]!)) j++;
  const paragraphKind = GRID_TABLE_BORDER.test(body) ? 'table' : 'paragraph';
  // directly followed by a more indented line: a definition list item (term, then its definition)
  const second = lines[i + 1];
  if (i + 1 < to && second !== undefined && !isBlankText(second) && columns(second) > indent && paragraphKind === 'paragraph' && !/::\s*$/.test(text)) {
    const end = indentedEnd(lines, i, to, indent);
    const children = region(lines, i + 1, end);
    return { start: i, end: trimEnd(lines, i, end), indent: ' '.repeat(columns(second)), children, kind: 'definition' };
  }
  const after = nextText(lines, j, to);
  if (after < to && columns(lines[after]!) > indent) {
    const end = indentedEnd(lines, j - 1, to, indent);
    // `Example::` and its indented literal block are one; a block quote's own elements take links
    if (/::\s*$/.test(lines[j - 1]!)) return whole(end, 'literal');
    return { ...whole(end, 'quoted'), children: region(lines, after, end) };
  }
  return whole(j, paragraphKind);
}

/** A field or option list: items at `indent`, each with its indented body, blank lines between them or not. */
function listEnd(lines: string[], i: number, to: number, indent: number, marker: RegExp): number {
  let end = indentedEnd(lines, i, to, indent);
  for (;;) {
    const next = nextText(lines, end, to);
    if (next >= to || columns(lines[next]!) !== indent || !marker.test(lines[next]!.trimStart())) return end;
    end = indentedEnd(lines, next, to, indent);
  }
}
