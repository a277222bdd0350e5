/**
 * LaTeX's block model, after LaTeX's environments: a link (`\includegraphics` on its own paragraph)
 * goes only where running text may, so never
 * - in the preamble (before `\begin{document}`: it goes right after that line) nor after `\end{document}`;
 * - inside an environment other than the text ones below: verbatim and code environments (also
 *   those the preamble defines), `tabular`, `tikzpicture`, math, floats, anything unknown;
 * - inside a brace group or display math spread over lines;
 * - between `\begin{itemize}` (any list) and its first `\item`: in a list the link joins the item.
 * Units are runs of non-blank lines joined where one of these goes on.
 */
import { type BlockModel, type Span, lineLocator, runs } from './blocks';
import { maskLatex } from './latex';

const TEXT_ENVIRONMENTS = new Set([
  'document', 'center', 'flushleft', 'flushright', 'minipage', 'quote', 'quotation', 'verse', 'abstract', 'frame', 'block',
  'alertblock', 'exampleblock', 'columns', 'column', 'multicols', 'multicols*', 'landscape', 'sloppypar', 'spacing',
  'singlespace', 'singlespacing', 'doublespace', 'onehalfspace', 'adjustwidth', 'proof', 'itemize', 'enumerate', 'description',
]);
const SPECIAL = /[\\{}$]/g;
const ENVIRONMENT = /\\(begin|end)\s*\{([^}]*)\}/y;
const ITEM = /\\item(?![a-zA-Z@])/g;
const LISTS = /^(itemize|enumerate|description|compactitem|compactenum|compactdesc|asparaitem|asparaenum|inparaitem|inparaenum|list|dinglist|checklist|tasks)$/;

export function latexBlocks(lines: readonly string[], text = lines.join('\n')): BlockModel {
  const lineOf = lineLocator(lines);
  const spans: Span[] = [];
  const masked = maskLatex(text, (from, to) => spans.push({ start: lineOf(from), end: lineOf(Math.max(from, to - 1)) }));
  const text_ = new Set(TEXT_ENVIRONMENTS);
  if (masked.includes('\\newtheorem')) for (const m of masked.matchAll(/\\newtheorem\*?\s*\{([^}]+)\}/g)) text_.add(m[1]!.trim());
  const breakAfter = new Set<number>();
  let tail = lines.length;
  const stack: { name: string; at: number; end: number }[] = [];
  const groups: number[] = [];
  let mathOpen = -1;
  // one pass over the characters that can open or close something: `\`, braces, `$`
  SPECIAL.lastIndex = 0;
  for (let m = SPECIAL.exec(masked); m; m = SPECIAL.exec(masked)) {
    const at = m.index;
    const c = masked[at];
    if (c === '{') {
      groups.push(at);
      continue;
    }
    if (c === '}') {
      const open = groups.pop();
      if (open !== undefined) {
        const first = lineOf(open);
        const last = lineOf(at);
        if (last > first) spans.push({ start: first, end: last });
      }
      continue;
    }
    if (c === '$') {
      if (masked[at + 1] !== '$') continue;
      SPECIAL.lastIndex = at + 2;
      if (mathOpen < 0) mathOpen = at;
      else {
        spans.push({ start: lineOf(mathOpen), end: lineOf(at) });
        mathOpen = -1;
      }
      continue;
    }
    const next = masked[at + 1];
    if (next === '[' || next === ']') {
      SPECIAL.lastIndex = at + 2;
      if (next === '[') mathOpen = at;
      else if (mathOpen >= 0) {
        spans.push({ start: lineOf(mathOpen), end: lineOf(at) });
        mathOpen = -1;
      }
      continue;
    }
    if (next !== 'b' && next !== 'e') {
      SPECIAL.lastIndex = at + 2; // `\{`, `\}`, `\$`, `\\` and other control sequences
      continue;
    }
    ENVIRONMENT.lastIndex = at;
    const env = ENVIRONMENT.exec(masked);
    if (!env) continue;
    SPECIAL.lastIndex = at + env[0].length;
    const name = env[2]!.trim();
    if (env[1] === 'begin') {
      stack.push({ name, at, end: at + env[0].length });
      if (name === 'document') {
        // the preamble is one unit; a link for an anchor in it goes right after this line
        spans.push({ start: 0, end: lineOf(at) });
        breakAfter.add(lineOf(at));
      }
      continue;
    }
    if (name === 'document') tail = Math.min(tail, lineOf(at));
    let index = stack.length - 1;
    while (index >= 0 && stack[index]!.name !== name) index--;
    if (index < 0) continue;
    const open = stack.splice(index)[0]!;
    if (LISTS.test(name)) {
      // from \begin to the first \item of this list
      ITEM.lastIndex = open.end;
      const first = ITEM.exec(masked);
      spans.push({ start: lineOf(open.at), end: lineOf(first && first.index < at ? first.index : at) });
    } else if (!text_.has(name)) {
      spans.push({ start: lineOf(open.at), end: lineOf(at) });
    }
  }
  // environments and groups left open run to the end
  for (const s of stack) if (s.name !== 'document' && !text_.has(s.name)) spans.push({ start: lineOf(s.at), end: tail - 1 });
  for (const g of groups) spans.push({ start: lineOf(g), end: tail - 1 });
  return { units: runs(lines, tail, spans, breakAfter), tail };
}
