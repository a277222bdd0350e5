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
import { type BlockModel, type Span, runs } from './blocks';
import { maskLatex } from './latex';

const TEXT_ENVIRONMENTS = new Set([
  'document', 'center', 'flushleft', 'flushright', 'minipage', 'quote', 'quotation', 'verse', 'abstract', 'frame', 'block',
  'alertblock', 'exampleblock', 'columns', 'column', 'multicols', 'multicols*', 'landscape', 'sloppypar', 'spacing',
  'singlespace', 'singlespacing', 'doublespace', 'onehalfspace', 'adjustwidth', 'proof', 'itemize', 'enumerate', 'description',
]);
const LISTS = /^(itemize|enumerate|description|compactitem|compactenum|compactdesc|asparaitem|asparaenum|inparaitem|inparaenum|list|dinglist|checklist|tasks)$/;

export function latexBlocks(lines: readonly string[]): BlockModel {
  const text = lines.join('\n');
  const lineStarts: number[] = [];
  let offset = 0;
  for (const l of lines) {
    lineStarts.push(offset);
    offset += l.length + 1;
  }
  const lineOf = (at: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const spans: Span[] = [];
  const masked = maskLatex(text, (from, to) => spans.push({ start: lineOf(from), end: lineOf(Math.max(from, to - 1)) }));
  const text_ = new Set(TEXT_ENVIRONMENTS);
  for (const m of masked.matchAll(/\\newtheorem\*?\s*\{([^}]+)\}/g)) text_.add(m[1]!.trim());
  const breakAfter = new Set<number>();
  let tail = lines.length;
  const stack: { name: string; at: number; end: number }[] = [];
  const groups: number[] = [];
  const re = /\\(begin|end)\s*\{([^}]*)\}|\\\[|\\\]|\$\$|\\[{}$]|\\\\|[{}]/g;
  let mathOpen = -1;
  for (let m = re.exec(masked); m; m = re.exec(masked)) {
    const token = m[0];
    if (m[1] === 'begin') {
      const name = m[2]!.trim();
      stack.push({ name, at: m.index, end: m.index + token.length });
      if (name === 'document') {
        // the preamble is one unit; a link for an anchor in it goes right after this line
        spans.push({ start: 0, end: lineOf(m.index) });
        breakAfter.add(lineOf(m.index));
      }
    } else if (m[1] === 'end') {
      const name = m[2]!.trim();
      if (name === 'document') tail = Math.min(tail, lineOf(m.index));
      const at = stack.map((s) => s.name).lastIndexOf(name);
      if (at < 0) continue;
      const open = stack.splice(at)[0]!;
      if (LISTS.test(name)) {
        // from \begin to the first \item of this list
        const item = /\\item(?![a-zA-Z@])/g;
        item.lastIndex = open.end;
        const first = item.exec(masked);
        spans.push({ start: lineOf(open.at), end: lineOf(first && first.index < m.index ? first.index : m.index) });
      } else if (!text_.has(name)) {
        spans.push({ start: lineOf(open.at), end: lineOf(m.index) });
      }
    } else if (token === '\\[' || (token === '$$' && mathOpen < 0)) {
      mathOpen = m.index;
    } else if (token === '\\]' || token === '$$') {
      if (mathOpen >= 0) spans.push({ start: lineOf(mathOpen), end: lineOf(m.index) });
      mathOpen = -1;
    } else if (token === '{') {
      groups.push(m.index);
    } else if (token === '}') {
      const open = groups.pop();
      if (open !== undefined) spans.push({ start: lineOf(open), end: lineOf(m.index) });
    }
  }
  // environments and groups left open run to the end
  for (const s of stack) if (s.name !== 'document' && !text_.has(s.name)) spans.push({ start: lineOf(s.at), end: tail - 1 });
  for (const g of groups) spans.push({ start: lineOf(g), end: tail - 1 });
  return { units: runs(lines, tail, spans, breakAfter), tail };
}
