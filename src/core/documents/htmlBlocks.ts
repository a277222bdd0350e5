/**
 * HTML's block model, after the HTML parsing rules: a link (an `<img>` line) never goes inside a
 * comment, a raw-text element (`script`, `style`, `textarea`...), `pre`, a table, a list (`ul`,
 * `ol`, `dl`: directly in one it is not an item), `select`, embedded SVG or MathML, `template`, nor
 * the `head` (from the start of the document to the `<body>` tag, which it follows at the earliest);
 * nor after `</body>`. Otherwise units are runs of non-blank lines.
 */
import { type BlockModel, type Span, lineLocator, runs } from './blocks';

const RAW_TEXT = /^(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)$/i;
const NAME = /<\/?([a-zA-Z][^\s/>]*)/y;
const TAG = /<(\/?)([a-zA-Z][^\s/>]*)[^>]*>/y;
const WHOLE = /^(pre|listing|table|ul|ol|dl|menu|select|datalist|svg|math|template|object|video|audio|picture|head|map)$/i;

export function htmlBlocks(lines: readonly string[], text = lines.join('\n')): BlockModel {
  const lineOf = lineLocator(lines);
  const spans: Span[] = [];
  const open: { name: string; at: number }[] = [];
  const breakAfter = new Set<number>();
  let tail = lines.length;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      const end = close < 0 ? text.length : close + 3;
      spans.push({ start: lineOf(lt), end: lineOf(end - 1) });
      i = end;
      continue;
    }
    // only the elements named above matter: any other tag is passed by its name
    NAME.lastIndex = lt;
    const named = NAME.exec(text);
    if (named && !RAW_TEXT.test(named[1]!) && !WHOLE.test(named[1]!) && !/^(body|html)$/i.test(named[1]!)) {
      i = lt + named[0].length;
      continue;
    }
    TAG.lastIndex = lt;
    const tag = TAG.exec(text);
    if (!tag) {
      i = lt + 1;
      continue;
    }
    const name = tag[2]!.toLowerCase();
    const end = lt + tag[0].length;
    if (tag[1]) {
      if (name === 'body' || (name === 'html' && tail === lines.length)) tail = Math.min(tail, lineOf(lt));
      const at = open.map((o) => o.name).lastIndexOf(name);
      if (at >= 0) {
        const opened = open.splice(at)[0]!;
        spans.push({ start: lineOf(opened.at), end: lineOf(end - 1) });
      }
    } else if (RAW_TEXT.test(name)) {
      const closer = new RegExp(`</${name}[\\s/>]`, 'gi');
      closer.lastIndex = end;
      const close = closer.exec(text)?.index ?? -1;
      const gt = close < 0 ? -1 : text.indexOf('>', close);
      const stop = close < 0 ? text.length : gt < 0 ? text.length : gt + 1;
      spans.push({ start: lineOf(lt), end: lineOf(Math.max(stop - 1, lt)) });
      i = stop;
      continue;
    } else if (name === 'body') {
      // the head, and the lines before <body>, are one unit; the link goes after the <body> tag at the earliest
      spans.push({ start: 0, end: lineOf(end - 1) });
      breakAfter.add(lineOf(end - 1));
      const head = open.findIndex((o) => o.name === 'head');
      if (head >= 0) open.splice(head);
    } else if (WHOLE.test(name) && !tag[0].endsWith('/>')) {
      open.push({ name, at: lt });
    }
    i = end;
  }
  // an element never closed (a `<ul>` left open) runs to the end
  for (const o of open) spans.push({ start: lineOf(o.at), end: tail - 1 });
  // an element that ends on the line of `</body>` (`</ul></section></body>`): the tail starts where it does
  for (let moved = true; moved; ) {
    moved = false;
    for (const s of spans) {
      if (s.start < tail && s.end >= tail && s.start > 0) {
        tail = s.start;
        moved = true;
      }
    }
  }
  return { units: runs(lines, tail, spans, breakAfter), tail };
}
