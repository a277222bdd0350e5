/**
 * The block model placement reads for the languages other than Markdown: a tree of units over the
 * document's lines. A new link goes right after a unit, never inside one that has no children.
 */

export interface Unit {
  /** First line (0-based). */
  readonly start: number;
  /** Line after the last one that is not blank (trailing blank lines are not part of the unit). */
  readonly end: number;
  /** What goes in front of each line of a link placed after this unit (its own indentation, or an item's content column). */
  readonly indent: string;
  /** Units inside where a link may go (a list's items, a directive's body); none: the unit is whole. */
  readonly children?: readonly Unit[];
  /**
   * The line put between the unit and the link instead of a blank line, so the link joins it
   * (AsciiDoc's list continuation `+`).
   */
  readonly join?: string;
  readonly kind: string;
}

/** A document's units, and the lines from which nothing can follow (after `</body>`, `\end{document}`). */
export interface BlockModel {
  readonly units: readonly Unit[];
  /** The first line of the document's tail, where no link goes (a link there goes after the unit before); lines.length when none. */
  readonly tail: number;
}

/**
 * The unit after which a link for an anchor on line `index` goes: the innermost unit holding the
 * line; on a line no child holds (a blank line between a list's items, a directive's head), the last
 * child before it, else the unit itself. An anchor in the tail counts as on the line before it.
 * `undefined` when no top-level unit holds the line: a blank line between them, or before the first.
 */
export function unitFor(model: BlockModel, index: number): Unit | undefined {
  const line = Math.min(index, model.tail - 1);
  let list = model.units;
  let chosen: Unit | undefined;
  for (;;) {
    const holding = list.find((u) => u.start <= line && line < u.end);
    if (holding) {
      chosen = holding;
      if (!holding.children?.length) return chosen;
      list = holding.children;
      continue;
    }
    if (!chosen) {
      if (index < model.tail) return undefined;
      // in the tail, after blank lines: the last unit before it
      return list.filter((u) => u.end <= line).pop();
    }
    return list.filter((u) => u.end <= line).pop() ?? chosen;
  }
}

/** Index of the first non-blank line at or after `from` (or `lines.length`). */
export function nextText(lines: readonly string[], from: number, to = lines.length): number {
  let i = from;
  while (i < to && isBlankText(lines[i]!)) i++;
  return i;
}

export function isBlankText(line: string): boolean {
  return !/\S/.test(line);
}

/** Columns of leading whitespace, a tab reaching the next multiple of 8 (docutils' rule). */
export function columns(line: string): number {
  let n = 0;
  for (const c of line) {
    if (c === ' ') n++;
    else if (c === '\t') n += 8 - (n % 8);
    else break;
  }
  return n;
}

/** `end` moved back over trailing blank lines, not before `start + 1`. */
export function trimEnd(lines: readonly string[], start: number, end: number): number {
  let e = end;
  while (e > start + 1 && isBlankText(lines[e - 1]!)) e--;
  return e;
}

/** A range of lines [start, end] (both included) that no link may cut: an element, an environment. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * Units over lines [0, to): runs of non-blank lines, joined across blank lines where a span goes on,
 * and cut after the lines in `breakAfter`. Each takes the smallest indentation of its lines.
 */
export function runs(lines: readonly string[], to: number, spans: readonly Span[], breakAfter: ReadonlySet<number> = new Set()): Unit[] {
  // inside[k] > 0: line k continues a span that started above it, so no unit ends before it
  const inside = new Int32Array(to + 2);
  for (const s of spans) {
    if (s.end <= s.start || s.start >= to) continue;
    inside[s.start + 1]! += 1;
    inside[Math.min(s.end, to - 1) + 1]! -= 1;
  }
  for (let k = 1; k <= to; k++) inside[k]! += inside[k - 1]!;
  const units: Unit[] = [];
  let i = nextText(lines, 0, to);
  // a span from the very start (the head, the preamble) holds the blank lines above its text too
  if (spans.some((s) => s.start === 0 && s.end >= i)) i = 0;
  while (i < to) {
    let end = i + 1;
    while (end < to && (inside[end]! > 0 || (!isBlankText(lines[end]!) && !breakAfter.has(end - 1)))) end++;
    end = trimEnd(lines, i, end);
    let indent: string | undefined;
    for (let k = i; k < end; k++) {
      const line = lines[k]!;
      if (isBlankText(line)) continue;
      const lead = /^[ \t]*/.exec(line)![0];
      if (indent === undefined || lead.length < indent.length) indent = lead;
    }
    units.push({ start: i, end, indent: indent ?? '', kind: 'run' });
    i = nextText(lines, end, to);
  }
  return units;
}

/** The line (0-based) of an offset in `lines` joined with `\n`. */
export function lineLocator(lines: readonly string[]): (offset: number) => number {
  const starts = new Int32Array(lines.length);
  let offset = 0;
  lines.forEach((l, i) => {
    starts[i] = offset;
    offset += l.length + 1;
  });
  return (at) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}
