import type MarkdownIt from 'markdown-it';
import { markdownIt } from './markdownIt';
import { type BlockModel, unitFor } from './documents/blocks';
import { blockModel } from './documents/index';
import type { DocumentLanguage } from './documents/types';

/**
 * Where a new image link goes in a document (CONTRACT "Where a link goes"): as a paragraph of its
 * own, never splitting a writer's paragraph or line, never gluing itself to text, never inside a
 * fence, front matter, table, HTML block or indented code. One rule for every command.
 *
 * Choices the contract leaves open:
 * - A selection that ends at the very start of a line (its last character is the line break
 *   before) belongs to the line before (`afterBlock` only).
 * - The "block" is CommonMark's leaf block holding the anchor (a paragraph, heading, table,
 *   fence...), inside its innermost list item / quote; so in `- a` followed by a nested list the
 *   link goes under `a`, inside the item, not after the nested list.
 * - An anchor on a blank line (`atCursor`, or `afterBlock` with nothing selected around it) puts
 *   the link on that line, inside the list items and quotes that continue both there and at the
 *   next line of text.
 * - `plain` documents: blocks are runs of non-blank lines; the link takes the smallest
 *   indentation of its block, so an indented reStructuredText paragraph keeps its directive.
 * - HTML, reStructuredText, AsciiDoc and LaTeX: the language's block model (`documents/blocks.ts`)
 *   gives the unit holding the anchor; the link goes after it at the indentation it names, never
 *   inside a unit without children (code, comment, table, a directive and its body...). A blank
 *   line between top-level units takes the link exactly there.
 * - Markdown, a loose list: a blank line between two items belongs to the item above.
 * - A document ending in a line break keeps ending in one; one that does not, still does not.
 * - A fence left open runs to the end of the document (CommonMark): the link goes at the end,
 *   still inside it, since closing someone's fence would change their text.
 */

export type PlacementMode = 'afterBlock' | 'atCursor';
export type DocumentFamily = 'markdown' | 'plain'; // markdown: markdown/mdx/quarto/rmd; plain: blank-line blocks only (any text)
/** What placement reads the document as: a family, or a language with its own block model. */
export type PlacementLanguage = DocumentFamily | DocumentLanguage;

export interface LinkInsertion {
  /** Offset in the document text where `text` is inserted (a pure insertion, nothing replaced). */
  readonly offset: number;
  readonly text: string;
  /** Where the link itself starts and ends inside `text` (for selections and rollbacks). */
  readonly linkStart: number;
  readonly linkEnd: number;
}

interface Line {
  readonly start: number;
  /** End of the line's text, before its line break. */
  readonly end: number;
  readonly hasBreak: boolean;
  readonly text: string;
}

interface Container {
  readonly kind: 'quote' | 'item';
  /** Lines [start, end) as markdown-it maps them (an item may include a trailing blank line). */
  readonly start: number;
  readonly end: number;
}

interface Block {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** Innermost last: the list items and quotes the block sits in. */
  readonly chain: readonly Container[];
  /** A block the link never goes inside, even on one of its blank lines. */
  readonly atomic?: boolean;
  /** The prefix of the link's lines, given by the language's block model. */
  readonly prefix?: string;
  /** The line between the block and the link instead of a blank one (AsciiDoc's `+`). */
  readonly join?: string;
}

interface Layout {
  readonly lines: readonly Line[];
  readonly family: DocumentFamily;
  readonly leaves: readonly Block[];
  readonly containers: readonly Container[];
}

// `html: true` so that HTML blocks are recognised (and kept whole) rather than read as paragraphs.
let parser: MarkdownIt | undefined;

const LEAVES = new Set(['paragraph_open', 'heading_open', 'table_open', 'fence', 'code_block', 'html_block', 'hr']);
const ATOMIC = new Set(['table_open', 'fence', 'code_block', 'html_block']);

/** The text to insert, and where, so that `link` stands alone as its own paragraph. */
export function placeLink(documentText: string, anchorOffset: number, mode: PlacementMode, link: string, eol: string, language: PlacementLanguage = 'markdown'): LinkInsertion {
  const family: DocumentFamily = language === 'markdown' ? 'markdown' : 'plain';
  const layout = analyse(documentText, family, language !== 'markdown' && language !== 'plain');
  const { lines } = layout;
  const anchor = Math.max(0, Math.min(anchorOffset, documentText.length));
  let index = lineAt(lines, anchor);
  if (mode === 'afterBlock' && index > 0 && anchor === lines[index].start) index -= 1;

  if (language !== 'markdown' && language !== 'plain') {
    // the models read offsets in the text with `\n` line breaks: the document's own when it has no other
    const texts = lines.map((l) => l.text);
    const model = blockModel(language, texts, documentText.includes('\r') ? texts.join('\n') : documentText);
    const unit = unitFor(model, index);
    if (unit) return afterBlock(layout, { start: unit.start, end: unit.end, chain: [], prefix: unit.indent, ...(unit.join ? { join: unit.join } : {}) }, link, eol);
    if (index < model.tail && isBlank(layout, index)) return onBlankLine(layout, index, link, eol);
    return afterModel(layout, model, link, eol);
  }
  if (family === 'markdown' && isBlank(layout, index)) {
    // A loose list's blank line between two items: the link joins the item above, not the list's end.
    const above = looseItemAbove(layout, index);
    if (above) return afterBlock(layout, above, link, eol);
  }

  const leaf = layout.leaves.find((b) => b.start <= index && index < b.end);
  // Fences, indented code, HTML blocks and front matter may hold blank lines: the link never goes inside.
  if (leaf && (leaf.atomic || !isBlank(layout, index))) return afterBlock(layout, leaf, link, eol);
  if (isBlank(layout, index)) return onBlankLine(layout, index, link, eol);
  return afterBlock(layout, looseBlock(layout, index), link, eol);
}

function analyse(text: string, family: DocumentFamily, modelled = false): Layout {
  const lines = splitLines(text);
  // a language with a block model needs only the lines
  if (modelled) return { lines, family, leaves: [], containers: [] };
  if (family === 'plain') return { lines, family, leaves: plainBlocks(lines), containers: [] };

  const leaves: Block[] = [];
  const containers: Container[] = [];
  const matter = frontMatterEnd(lines);
  if (matter > 0) leaves.push({ start: 0, end: matter, chain: [], atomic: true });
  // Front matter is blanked out (line numbers kept) so markdown-it does not read it as a rule and a heading.
  const source = lines.map((l, i) => (i < matter ? '' : l.text)).join('\n');
  const stack: Container[] = [];
  parser ??= new (markdownIt())({ html: true });
  for (const token of parser.parse(source, {})) {
    if (token.type === 'blockquote_open' || token.type === 'list_item_open') {
      const container: Container = { kind: token.type === 'blockquote_open' ? 'quote' : 'item', start: token.map?.[0] ?? 0, end: token.map?.[1] ?? 0 };
      stack.push(container);
      containers.push(container);
    } else if (token.type === 'blockquote_close' || token.type === 'list_item_close') {
      stack.pop();
    } else if (LEAVES.has(token.type) && token.map) {
      leaves.push({ start: token.map[0], end: token.map[1], chain: [...stack], atomic: ATOMIC.has(token.type) });
    }
  }
  return { lines, family, leaves, containers };
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const breaks = /\r\n?|\n/g;
  let start = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    lines.push({ start, end: m.index, hasBreak: true, text: text.slice(start, m.index) });
    start = m.index + m[0].length;
  }
  lines.push({ start, end: text.length, hasBreak: false, text: text.slice(start) });
  return lines;
}

function lineAt(lines: readonly Line[], offset: number): number {
  let index = 0;
  while (index + 1 < lines.length && lines[index + 1].start <= offset) index += 1;
  return index;
}

/** YAML (`---` … `---`/`...`) or TOML (`+++` … `+++`) front matter at the very start: its line count, or 0. */
function frontMatterEnd(lines: readonly Line[]): number {
  const open = lines[0].text.trimEnd();
  if (open !== '---' && open !== '+++') return 0;
  for (let i = 1; i < lines.length; i++) {
    const t = lines[i].text.trimEnd();
    if (t === open || (open === '---' && t === '...')) return i + 1;
  }
  return 0;
}

function plainBlocks(lines: readonly Line[]): Block[] {
  const blocks: Block[] = [];
  let start = -1;
  lines.forEach((line, i) => {
    const blank = /^\s*$/.test(line.text);
    if (!blank && start < 0) start = i;
    if (blank && start >= 0) {
      blocks.push({ start, end: i, chain: [] });
      start = -1;
    }
  });
  if (start >= 0) blocks.push({ start, end: lines.length, chain: [] });
  return blocks;
}

/** Blank for placement: only spaces, or (Markdown) only quote markers and spaces. */
function isBlank(layout: Layout, index: number): boolean {
  return (layout.family === 'plain' ? /^\s*$/ : /^[\s>]*$/).test(layout.lines[index].text);
}

/** Markdown text markdown-it attaches to no block (link reference definitions): its run of lines. */
function looseBlock(layout: Layout, index: number): Block {
  const free = (i: number) => i >= 0 && i < layout.lines.length && !isBlank(layout, i) && !layout.leaves.some((b) => b.start <= i && i < b.end);
  let start = index;
  let end = index + 1;
  while (free(start - 1)) start -= 1;
  while (free(end)) end += 1;
  return { start, end, chain: chainAt(layout, [index]) };
}

/** The list items and quotes (outermost first) that hold every one of `indexes`. */
function chainAt(layout: Layout, indexes: readonly number[]): Container[] {
  return layout.containers.filter((c) => indexes.every((i) => c.start <= i && i < c.end));
}

/** What each container adds in front of a line inside it: `> ` for a quote, the content column for an item. */
function prefixParts(layout: Layout, block: Block): string[] {
  if (block.prefix !== undefined) return [block.prefix];
  if (layout.family === 'plain') {
    const indents = layout.lines.slice(block.start, block.end).filter((l) => /\S/.test(l.text)).map((l) => /^\s*/.exec(l.text)?.[0] ?? '');
    return [indents.reduce((a, b) => (b.length < a.length ? b : a), indents[0] ?? '')];
  }
  const parts: string[] = [];
  const widths: number[] = [];
  block.chain.forEach((c, i) => {
    if (c.kind === 'quote') {
      parts.push('> ');
      return;
    }
    // Read the item's first line through the containers around it to find its content column.
    let rest = expandTabs(layout.lines[c.start].text);
    for (let j = 0; j < i; j++) {
      const outer = block.chain[j];
      if (outer.kind === 'quote') rest = rest.replace(/^ {0,3}> ?/, '');
      else if (outer.start === c.start) rest = rest.slice(itemWidth(rest));
      else rest = rest.slice(Math.min(widths[j], /^ */.exec(rest)?.[0].length ?? 0));
    }
    widths[i] = itemWidth(rest);
    parts.push(' '.repeat(widths[i]));
  });
  return parts;
}

/** Columns from the start of a list item's first line to its content (CommonMark's rule). */
function itemWidth(line: string): number {
  const m = /^( {0,3})([-+*]|\d{1,9}[.)])( *)(.?)/.exec(line);
  if (!m) return 2;
  const marker = m[1].length + m[2].length;
  const spaces = m[3].length;
  return m[4] === '' || spaces === 0 || spaces >= 5 ? marker + 1 : marker + spaces;
}

function expandTabs(line: string): string {
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(4 - (out.length % 4)) : ch;
  return out;
}

function quoteCount(parts: readonly string[]): number {
  return parts.filter((p) => p.startsWith('>')).length;
}

/** A blank line that can serve as the separator inside `parts` (it carries the quotes' markers). */
function reusable(layout: Layout, index: number, parts: readonly string[]): boolean {
  const line = layout.lines[index];
  if (!line.hasBreak && line.text === '') return false; // the end of a document ending in a line break
  return isBlank(layout, index) && (line.text.match(/>/g)?.length ?? 0) >= quoteCount(parts);
}

/** The separator line to put before `index` when the link's containers end there or continue. */
function separatorBefore(layout: Layout, block: Block, parts: readonly string[], index: number): string {
  let n = 0;
  while (n < block.chain.length && block.chain[n].start <= index && index < block.chain[n].end) n += 1;
  return parts.slice(0, layout.family === 'plain' ? 0 : n).join('').trimEnd();
}

function build(offset: number, before: string, prefix: string, link: string, after: string, eol: string): LinkInsertion {
  const body = link.split(/\r\n?|\n/).join(eol + prefix);
  const linkStart = before.length + prefix.length;
  return { offset, text: before + prefix + body + after, linkStart, linkEnd: linkStart + body.length };
}

function afterBlock(layout: Layout, block: Block, link: string, eol: string): LinkInsertion {
  const { lines } = layout;
  let last = block.end - 1;
  while (last > block.start && isBlank(layout, last)) last -= 1;
  const parts = prefixParts(layout, block);
  const prefix = parts.join('');
  if (block.join !== undefined) {
    // Joined to the block by its own line; a blank line after, when text follows.
    const next = last + 1;
    const textNext = next < lines.length && !isBlank(layout, next);
    return build(lines[last].end, eol + block.join + eol, prefix, link, textNext ? eol : '', eol);
  }
  const blank = layout.family === 'plain' ? '' : prefix.trimEnd();
  const next = last + 1;

  if (next >= lines.length) return build(lines[last].end, eol + blank + eol, prefix, link, '', eol);
  if (reusable(layout, next, parts)) {
    const after = next + 1;
    if (after >= lines.length) return build(lines[next].end, eol, prefix, link, '', eol);
    if (!lines[after].hasBreak && lines[after].text === '') return build(lines[after].start, '', prefix, link, eol, eol);
    const tail = isBlank(layout, after) ? '' : separatorBefore(layout, block, parts, after) + eol;
    return build(lines[after].start, '', prefix, link, eol + tail, eol);
  }
  // The document ends with a line break right after the block: keep it ending with one.
  if (!lines[next].hasBreak && lines[next].text === '') return build(lines[next].start, blank + eol, prefix, link, eol, eol);
  const tail = isBlank(layout, next) ? '' : eol + separatorBefore(layout, block, parts, next);
  return build(lines[last].end, eol + blank + eol, prefix, link, tail, eol);
}

function onBlankLine(layout: Layout, index: number, link: string, eol: string): LinkInsertion {
  const { lines } = layout;
  let textBelow = index + 1;
  while (textBelow < lines.length && isBlank(layout, textBelow)) textBelow += 1;
  const chain = textBelow < lines.length ? chainAt(layout, [index, textBelow]) : [];
  const block: Block = { start: index, end: index + 1, chain };
  const parts = layout.family === 'plain' ? [''] : prefixParts(layout, block);
  const prefix = parts.join('');
  const blank = prefix.trimEnd();
  const line = lines[index];
  const textAbove = index > 0 && !isBlank(layout, index - 1);

  if (!line.hasBreak) {
    // The last line: an empty one (the document ends with a line break, or is empty) or spaces.
    if (line.text !== '') return build(line.end, eol, prefix, link, '', eol);
    return build(line.start, textAbove ? blank + eol : '', prefix, link, line.start > 0 ? eol : '', eol);
  }
  // Text just above and another blank line below: use this line as the blank above, the next as the one below.
  if (textAbove && reusable(layout, index + 1, parts)) return build(lines[index + 1].start, '', prefix, link, eol, eol);
  // Nothing above and a blank line below: the link takes this empty line, the next one keeps it apart.
  if (!textAbove && line.text === '' && reusable(layout, index + 1, parts)) return build(line.start, '', prefix, link, '', eol);
  return build(line.start, textAbove ? blank + eol : '', prefix, link, eol, eol);
}

/** No unit before the anchor and it is not on a free blank line (a document that is all tail): after the last unit, else at the start. */
function afterModel(layout: Layout, model: BlockModel, link: string, eol: string): LinkInsertion {
  const last = model.units[model.units.length - 1];
  if (last) return afterBlock(layout, { start: last.start, end: last.end, chain: [], prefix: last.indent }, link, eol);
  const { lines } = layout;
  if (lines.length === 1 && lines[0].text === '') return build(0, '', '', link, '', eol);
  return build(0, '', '', link, eol + eol, eol);
}

/**
 * In a loose list, the leaf above a blank line that lies inside an item (or between two items of
 * one list) whose next line of text starts another item: the link goes after it, inside the item.
 */
function looseItemAbove(layout: Layout, index: number): Block | undefined {
  let below = index + 1;
  while (below < layout.lines.length && isBlank(layout, below)) below += 1;
  if (below >= layout.lines.length) return undefined;
  const startsItem = layout.containers.some((c) => c.kind === 'item' && c.start === below);
  if (!startsItem) return undefined;
  let above = index - 1;
  while (above >= 0 && isBlank(layout, above)) above -= 1;
  if (above < 0) return undefined;
  // the item holding the line above, that ends where the next one starts (the same list)
  const items = layout.containers.filter((c) => c.kind === 'item' && c.start <= above && above < c.end && c.end <= below);
  const sibling = items.find((c) => layout.containers.some((d) => d.kind === 'item' && d.start === below && chainDepth(layout, d) === chainDepth(layout, c)));
  if (!sibling) return undefined;
  return layout.leaves.filter((b) => b.start <= above && above < b.end).pop();
}

function chainDepth(layout: Layout, container: Container): number {
  return layout.containers.filter((c) => c !== container && c.start <= container.start && container.end <= c.end).length;
}
