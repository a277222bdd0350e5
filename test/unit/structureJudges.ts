/**
 * Judges of a placed link, per language, written from each language's rules independently of the
 * block models placement uses: they look at the document after the insertion and say whether the
 * link landed inside an atomic block, split a list, or separated a directive from its body. Used by
 * the property tests and by scripts/corpus-check.mjs.
 */
import { type DocumentLanguage, readImageReferences } from '../../src/core/documents';
import { maskLatex } from '../../src/core/documents/latex';

export type Damage = 'atomic' | 'list' | 'directive' | 'unread' | 'lost';

export interface Judged {
  readonly damage: readonly Damage[];
  readonly note: string;
}

/** What went wrong when `link` (at `linkStart` in `after`, made from `before`) names `probe`. */
export function judge(language: DocumentLanguage, before: string, after: string, linkStart: number, linkEnd: number, probe: string): Judged {
  const damage: Damage[] = [];
  const notes: string[] = [];
  const refsAfter = readImageReferences(after, language);
  // The probe as written: a document's own base folder (AsciiDoc's imagesdir) may stand before it when read.
  const isProbe = (r: { path: string; start: number; pathStart: number; pathEnd: number }) => r.start === linkStart && after.slice(r.pathStart, r.pathEnd) === probe;
  if (!refsAfter.some(isProbe)) {
    damage.push('unread');
    notes.push('the link is not read as an image (code, comment or verbatim)');
  }
  const paths = (refs: readonly { path: string }[]) => refs.map((r) => r.path).sort();
  const kept = paths(refsAfter.filter((r) => !isProbe(r)));
  if (JSON.stringify(kept) !== JSON.stringify(paths(readImageReferences(before, language)))) {
    damage.push('lost');
    notes.push('a reference of the document is no longer read the same');
  }
  const lines = after.split(/\r\n|\r|\n/);
  const first = lineIndex(after, linkStart);
  const last = lineIndex(after, linkEnd);
  const structural = JUDGES[language]?.(lines, first, last, after, linkStart);
  if (structural) {
    damage.push(structural[0]);
    notes.push(structural[1]);
  }
  return { damage, note: notes.join('; ') };
}

function lineIndex(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) n++;
  }
  return n;
}

const blank = (l: string | undefined) => l === undefined || !/\S/.test(l);
const cols = (l: string) => /^[ \t]*/.exec(l)![0].replace(/\t/g, '        ').length;

function prevText(lines: readonly string[], from: number): number {
  let i = from - 1;
  while (i >= 0 && blank(lines[i])) i--;
  return i;
}
function nextText(lines: readonly string[], from: number): number {
  let i = from + 1;
  while (i < lines.length && blank(lines[i])) i++;
  return i;
}

type StructuralJudge = (lines: readonly string[], first: number, last: number, text: string, linkStart: number) => [Damage, string] | undefined;

const RST_CONTAINERS = /^\.\.\s+(note|warning|tip|hint|important|caution|danger|error|attention|admonition|seealso|topic|sidebar|container|compound|versionadded|versionchanged|deprecated|versionremoved|only|tab|group-tab|tab-item|dropdown|card|grid-item-card)::/;
const RST_BULLET = /^([-*+\u2022]|\d+[.)]|#\.|\(?[a-zA-Z]\))( |$)/;

const JUDGES: Partial<Record<DocumentLanguage, StructuralJudge>> = {
  restructuredtext(lines, first, last) {
    const x = cols(lines[first]!);
    const n = nextText(lines, last);
    if (n < lines.length && cols(lines[n]!) > x) return ['directive', `the indented line ${n + 1} below becomes the link's body`];
    const p = prevText(lines, first);
    if (p >= 0 && /::\s*$/.test(lines[p]!) && !/^\s*\.\./.test(lines[p]!) && cols(lines[p]!) >= x) return ['directive', `the link separates "${lines[p]!.trim()}" from its literal block`];
    // the element the link is in: the nearest line above it indented less
    for (let i = first - 1; i >= 0; i--) {
      if (blank(lines[i]) || cols(lines[i]!) >= x) continue;
      const t = lines[i]!.trim();
      if (/^\.\.\s/.test(t) && !RST_CONTAINERS.test(t)) return ['atomic', `inside "${t}"`];
      // a list item's text starts at its content column: a link there is in the item, not in its literal block
      const content = cols(lines[i]!) + (/^(?:[-*+\u2022]|\(?(?:\d+|#|[a-zA-Z])[.)])\s+/.exec(t)?.[0].length ?? 0);
      if (/::\s*$/.test(t) && !/^\.\./.test(t) && x > content) return ['atomic', `inside the literal block of "${t}"`];
      break;
    }
    // a list split: the item above and the item below at the link's own indentation
    if (p >= 0 && n < lines.length && cols(lines[n]!) === x && RST_BULLET.test(lines[n]!.trim())) {
      for (let i = p; i >= 0; i--) {
        if (blank(lines[i]) || cols(lines[i]!) > x) continue;
        if (cols(lines[i]!) === x && RST_BULLET.test(lines[i]!.trim()) && lines[i]!.trim()[0] === lines[n]!.trim()[0]) return ['list', `between the items at lines ${i + 1} and ${n + 1}`];
        break;
      }
    }
    if (p >= 0 && n < lines.length && /^\s*[|+]/.test(lines[p]!) && /^\s*[|+]/.test(lines[n]!) && /[|+]\s*$/.test(lines[p]!)) return ['atomic', 'inside a grid table'];
    return undefined;
  },

  asciidoc(lines, first, last) {
    if (/^[ \t]/.test(lines[first]!)) return ['atomic', 'indented: the link reads as a literal paragraph'];
    let open: string | undefined;
    let table = false;
    for (let i = 0; i < first; i++) {
      const l = lines[i]!.trimEnd();
      if (open !== undefined) {
        if (l === open) open = undefined;
        continue;
      }
      if (/^(-{4,}|\.{4,}|\+{4,}|\/{4,}|`{3})/.test(l) && (/^`{3}/.test(l) || /^(.)\1*$/.test(l))) open = /^`{3}/.test(l) ? '```' : l;
      else if (/^[|,:]={3,}$/.test(l)) table = !table;
    }
    if (open !== undefined) return ['atomic', `inside a ${open} block`];
    if (table) return ['atomic', 'inside a table'];
    const header = lines.findIndex((l) => blank(l));
    if (/^=[ \t]+\S/.test(lines[0] ?? '') && (header < 0 || first < header)) return ['atomic', 'inside the document header'];
    const p = prevText(lines, first);
    const n = nextText(lines, last);
    const item = /^[ \t]*(\*{1,5}|-|\.{1,5}|\d+\.|<\d+>)[ \t]+\S|^\S.*?(:{2,4}|;;)(\s|$)/;
    if (p >= 0 && n < lines.length && item.test(lines[n]!) && lines[first - 1]?.trim() !== '+') {
      for (let i = p; i >= 0 && !blank(lines[i]); i--) if (item.test(lines[i]!) && !/^\w+::\S/.test(lines[i]!)) return ['list', `between the items at lines ${i + 1} and ${n + 1}`];
    }
    return undefined;
  },

  html(_lines, _first, _last, text, linkStart) {
    const counts = new Map<string, number>();
    let body = false;
    const re = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][^\s/>]*)[^>]*>/g;
    for (let m = re.exec(text); m && m.index < linkStart; m = re.exec(text)) {
      if (!m[2]) continue;
      const name = m[2].toLowerCase();
      if (name === 'body') body = !m[1];
      if (name === 'html' && m[1]) body = false;
      if (!/^(pre|table|ul|ol|dl|head|select|svg|math|template)$/.test(name) || m[0].endsWith('/>')) continue;
      counts.set(name, Math.max(0, (counts.get(name) ?? 0) + (m[1] ? -1 : 1)));
    }
    for (const [name, count] of counts) if (count > 0) return [/^(ul|ol|dl)$/.test(name) ? 'list' : 'atomic', `directly inside <${name}>`];
    if (/<body[\s>]/i.test(text) && !body) return ['atomic', 'outside <body>'];
    return undefined;
  },

  latex(_lines, _first, _last, text, linkStart) {
    const masked = maskLatex(text);
    const allowed = new Set(['document', 'center', 'flushleft', 'flushright', 'minipage', 'quote', 'quotation', 'verse', 'abstract', 'frame', 'block', 'columns', 'column', 'multicols', 'multicols*', 'proof', 'itemize', 'enumerate', 'description', 'alertblock', 'exampleblock', 'landscape', 'sloppypar', 'spacing', 'singlespace', 'singlespacing', 'doublespace', 'onehalfspace', 'adjustwidth']);
    for (const m of masked.matchAll(/\\newtheorem\*?\s*\{([^}]+)\}/g)) allowed.add(m[1]!.trim());
    const stack: { name: string; item: boolean }[] = [];
    let depth = 0;
    let math = false;
    const re = /\\(begin|end)\s*\{([^}]*)\}|\\item(?![a-zA-Z@])|\\\[|\\\]|\$\$|\\[{}$\\]|[{}]/g;
    for (let m = re.exec(masked); m && m.index < linkStart; m = re.exec(masked)) {
      if (m[1] === 'begin') stack.push({ name: m[2]!.trim(), item: false });
      else if (m[1] === 'end') {
        const at = stack.map((s) => s.name).lastIndexOf(m[2]!.trim());
        if (at >= 0) stack.splice(at);
      } else if (m[0] === '\\item') {
        if (stack.length) stack[stack.length - 1]!.item = true;
      } else if (m[0] === '\\[' || m[0] === '\\]' || m[0] === '$$') math = m[0] === '$$' ? !math : m[0] === '\\[';
      else if (m[0] === '{') depth++;
      else if (m[0] === '}') depth = Math.max(0, depth - 1);
    }
    if (depth > 0) return ['atomic', 'inside a brace group'];
    if (math) return ['atomic', 'inside display math'];
    const bad = stack.find((s) => !allowed.has(s.name));
    if (bad) return ['atomic', `inside the ${bad.name} environment`];
    if (/\\begin\s*\{document\}/.test(masked) && !stack.some((s) => s.name === 'document')) return ['atomic', 'outside the document environment'];
    const top = stack[stack.length - 1];
    if (top && /^(itemize|enumerate|description)$/.test(top.name) && !top.item) return ['list', `before the first \\item of ${top.name}`];
    return undefined;
  },
};
