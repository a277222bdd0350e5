/**
 * AsciiDoc's block model, after the AsciiDoc language documentation (Asciidoctor):
 * - The document header (`= Title`, author and revision lines, attribute entries) up to the first
 *   blank line is whole.
 * - Block attribute lines (`[source]`, `[[id]]`) and titles (`.Title`) belong to the block below.
 * - Delimited blocks: listing `----`, literal `....`, passthrough `++++`, comment `////`, tables
 *   (`|===`, `,===`, `:===`), fenced code and any block styled verbatim (`[source]`, `[stem]`...)
 *   are whole; example `====`, sidebar `****`, quote `____` and open `--` blocks take links inside.
 * - Lists (`*`, `-`, `.`, `1.`, `<1>`, `term::`): the link joins the item it follows with a list
 *   continuation (`+`), so the list goes on; nothing is indented (an indented line is literal).
 * - A paragraph ends at a blank line or where a delimited block starts.
 */
import { type BlockModel, type Unit, isBlankText, nextText } from './blocks';

const DELIMITER = /^(-{4,}|\.{4,}|\+{4,}|\/{4,}|={4,}|\*{4,}|_{4,}|--|[|,:!]={3,}|`{3,}.*)$/;
const CONTAINER_DELIMITER = /^(={4,}|\*{4,}|_{4,}|--)$/;
const VERBATIM_STYLE = /^\[(source|listing|literal|pass|comment|stem|latexmath|asciimath|verse)\b/;
const ATTACHED = /^(\[.*\]|\.[^.\s].*)$/;
const LIST_ITEM = /^[ \t]*(\*{1,5}|-|\.{1,5}|\d+\.|[a-zA-Z]\.|[ivxIVX]+\)|<(?:\d+|\.)>)[ \t]+\S/;
const DESCRIPTION_ITEM = /^(?!\/\/)[^\s].*?(:{2,4}|;;)(?:[ \t]+\S.*)?$/;

export function asciidocBlocks(lines: readonly string[]): BlockModel {
  const units: Unit[] = [];
  let i = nextText(lines, 0);
  // the header: the document title and what follows it up to a blank line
  if (i < lines.length && /^=[ \t]+\S/.test(lines[i]!)) {
    let j = i + 1;
    while (j < lines.length && !isBlankText(lines[j]!)) j++;
    units.push({ start: i, end: j, indent: '', kind: 'header' });
    i = nextText(lines, j);
  }
  units.push(...region(lines, i, lines.length));
  return { units, tail: lines.length };
}

/** A list item's first line (its marker may be indented). */
export function isListItem(line: string): boolean {
  return LIST_ITEM.test(line) || (DESCRIPTION_ITEM.test(line) && !/^\w+::\S/.test(line));
}

function region(lines: readonly string[], from: number, to: number): Unit[] {
  const units: Unit[] = [];
  let i = nextText(lines, from, to);
  while (i < to) {
    let first = i;
    while (first < to && ATTACHED.test(lines[first]!.trimEnd()) && !DELIMITER.test(lines[first]!.trimEnd())) first++;
    if (first < to && isListItem(lines[first]!)) {
      // a list: items, blank lines between them or not; each item takes what is attached to it
      const items: Unit[] = [];
      let j = first;
      while (j < to && isListItem(lines[j]!)) {
        const end = itemEnd(lines, j, to);
        items.push({ start: items.length ? j : i, end, indent: '', join: '+', kind: 'item' });
        j = nextText(lines, end, to);
      }
      units.push({ start: i, end: items[items.length - 1]!.end, indent: '', children: items, kind: 'list' });
      i = nextText(lines, items[items.length - 1]!.end, to);
      continue;
    }
    const unit = block(lines, i, to);
    units.push(unit);
    i = nextText(lines, unit.end, to);
  }
  return units;
}

/** The block starting at `i`, with the attribute and title lines above it. */
function block(lines: readonly string[], i: number, to: number): Unit {
  if (/^\/\/(?!\/\/)/.test(lines[i]!)) {
    // line comments before a block are not part of it: its attribute lines may follow them
    let k = i + 1;
    while (k < to && /^\/\/(?!\/\/)/.test(lines[k]!)) k++;
    return { start: i, end: k, indent: '', kind: 'comment' };
  }
  let j = i;
  let verbatim = false;
  while (j < to && ATTACHED.test(lines[j]!.trimEnd()) && !DELIMITER.test(lines[j]!.trimEnd())) {
    if (VERBATIM_STYLE.test(lines[j]!)) verbatim = true;
    j++;
  }
  if (j >= to || isBlankText(lines[j]!)) return { start: i, end: Math.max(j, i + 1), indent: '', kind: 'attributes' };
  const first = lines[j]!.trimEnd();
  const delimiter = DELIMITER.exec(first);
  if (delimiter) {
    const close = closing(lines, j, to, first);
    const end = Math.min(close + 1, to);
    if (!verbatim && CONTAINER_DELIMITER.test(first)) {
      const children = region(lines, j + 1, close);
      return { start: i, end, indent: '', kind: 'container', ...(children.length ? { children } : {}) };
    }
    return { start: i, end, indent: '', kind: 'delimited' };
  }
  // a paragraph: until a blank line, a delimiter line or (after its first line) a list item
  let k = j + 1;
  while (k < to && !isBlankText(lines[k]!) && !DELIMITER.test(lines[k]!.trimEnd())) k++;
  return { start: i, end: k, indent: '', kind: verbatim ? 'verbatim' : 'paragraph' };
}

/** The line closing the delimited block opened at `j` (the same line again; fences close with three backticks), or the last line. */
function closing(lines: readonly string[], j: number, to: number, open: string): number {
  const fence = open.startsWith('```');
  for (let k = j + 1; k < to; k++) {
    const l = lines[k]!.trimEnd();
    if (fence ? l === '```' : l === open) return k;
  }
  return to - 1;
}

/** Where a list item ends: its text runs to a blank line or the next item; `+` lines attach blocks to it. */
function itemEnd(lines: readonly string[], i: number, to: number): number {
  let k = i + 1;
  for (;;) {
    while (k < to && !isBlankText(lines[k]!) && !isListItem(lines[k]!) && lines[k]!.trim() !== '+' && !DELIMITER.test(lines[k]!.trimEnd())) k++;
    if (k < to && lines[k]!.trim() === '+') {
      const attached = block(lines, k + 1, to);
      k = attached.end;
      continue;
    }
    return k;
  }
}
