import { FluxError, text as t } from '../errors';
import type { ImageReference } from './types';
import { oneLine } from './text';

const VERBATIM_ENVIRONMENTS = /^(verbatim\*?|Verbatim\*?|BVerbatim|LVerbatim|lstlisting|minted|comment|alltt|filecontents\*?|verbatimtab|spverbatim|tcblisting|pyglist|pycode|sagecommandline|luacode\*?|\w+code)$/;
// Packages' ways to define a new verbatim-like environment: `\lstnewenvironment{name}`, `\newminted{lang}` (→ `langcode`)...
const VERBATIM_DEFINITIONS = /\\(lstnewenvironment|DefineVerbatimEnvironment|newtcblisting|NewTCBListing|newminted|newmintedfile|CustomVerbatimEnvironment|RenewDocumentEnvironment|NewDocumentEnvironment)\s*\{\\?([^}]+)\}/g;

/** The document's own verbatim-like environments, as its preamble defines them. */
export function customVerbatim(text: string): ReadonlySet<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(VERBATIM_DEFINITIONS)) {
    if (m[1] === 'newminted') names.add(`${m[2]!}code`);
    else if (m[1] === 'NewDocumentEnvironment' || m[1] === 'RenewDocumentEnvironment') {
      // only one whose argument is read verbatim (`+b` body with a listing inside is not detectable: left out)
      if (/^\s*\{[^}]*\}\s*\{[^}]*\+?v/.test(text.slice(m.index + m[0].length, m.index + m[0].length + 40))) names.add(m[2]!);
    } else names.add(m[2]!);
  }
  for (const m of text.matchAll(/\\newenvironment\s*\{([^}]+)\}(?:\[[^\]]*\])*\s*\{[^{}]*\\(?:begin\{(?:lstlisting|minted|Verbatim|verbatim)\}|lstset|VerbatimEnvironment)/g)) names.add(m[1]!);
  return names;
}

function isVerbatim(name: string, custom: ReadonlySet<string>): boolean {
  return VERBATIM_ENVIRONMENTS.test(name) || custom.has(name);
}
const FIGURE_ENVIRONMENTS = /^(figure\*?|subfigure|wrapfigure|SCfigure|sidewaysfigure|marginfigure)$/;

/**
 * The text with comments, verbatim environments and `\verb` arguments blanked out (same length,
 * line breaks kept), so offsets found in it are offsets in the original.
 */
const LINE_BREAK = /[\r\n]/g;
const BEGIN = /\\begin\s*\{([^}]*)\}/y;
const VERB = /\\verb\*?([^a-zA-Z\s*])/y;
const SPECIAL = /[\\%]/g;

export function maskLatex(text: string, onVerbatim?: (from: number, to: number) => void): string {
  const custom = customVerbatim(text);
  // the blanked ranges, in order; the text is built once from them (no array of characters)
  const ranges: [number, number][] = [];
  const blank = (from: number, to: number) => {
    if (to > from) ranges.push([from, to]);
  };
  // the offset of the line break at or after `from` (or the end): no copy of the rest of the text
  const lineEnd = (from: number): number => {
    LINE_BREAK.lastIndex = from;
    return LINE_BREAK.exec(text)?.index ?? text.length;
  };
  SPECIAL.lastIndex = 0;
  for (let m = SPECIAL.exec(text); m; m = SPECIAL.exec(text)) {
    const i = m.index;
    if (m[0] === '\\') {
      BEGIN.lastIndex = i;
      const begin = text.startsWith('\\begin', i) ? BEGIN.exec(text) : null;
      if (begin && isVerbatim(begin[1]!, custom)) {
        const endTag = `\\end{${begin[1]}}`;
        const close = text.indexOf(endTag, i + begin[0].length);
        const stop = close < 0 ? text.length : close + endTag.length;
        blank(i, stop);
        onVerbatim?.(i, stop);
        SPECIAL.lastIndex = stop;
        continue;
      }
      VERB.lastIndex = i;
      const verb = text.startsWith('\\verb', i) ? VERB.exec(text) : null;
      if (verb) {
        const open = i + verb[0].length;
        let close = text.indexOf(verb[1]!, open);
        const eol = lineEnd(open);
        if (close < 0 || close > eol) close = eol - 1;
        blank(i, close + 1);
        SPECIAL.lastIndex = Math.max(close + 1, i + 1);
        continue;
      }
      SPECIAL.lastIndex = i + 2; // a control symbol such as \% or \\ is never a comment
      continue;
    }
    // a comment, to the end of its line
    const stop = lineEnd(i);
    blank(i, stop);
    SPECIAL.lastIndex = stop;
  }
  if (!ranges.length) return text;
  // joined once: a flat string, quick for the regular expressions that read it next
  const parts: string[] = [];
  let at = 0;
  for (const [from, to] of ranges) {
    parts.push(text.slice(at, from), text.slice(from, to).replace(/[^\r\n]/g, ' '));
    at = to;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** The index just after the group that opens at `open` (a `{` or `[`), braces balanced; -1 when it never closes. */
export function groupEnd(text: string, open: number): number {
  const closer = text[open] === '[' ? ']' : '}';
  let depth = 0;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0) return closer === '}' ? i + 1 : -1;
      depth--;
    } else if (c === closer && depth === 0) {
      return i + 1;
    }
  }
  return -1;
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** Caption markup reduced to text: commands dropped with their arguments kept, `~` and `\\` as spaces. */
export function latexText(raw: string): string {
  return oneLine(
    raw
      .replace(/\\(label|ref|cite|footnote|index)\*?\s*(\[[^\]]*\])?\{[^{}]*\}/g, '')
      .replace(/\\\\(\[[^\]]*\])?/g, ' ')
      .replace(/\\([%&#$_ ])/g, '$1')
      .replace(/\\\{/g, '\ue000')
      .replace(/\\\}/g, '\ue001')
      .replace(/\\[a-zA-Z@]+\*?\s*/g, '')
      .replace(/~/g, ' ')
      .replace(/[{}]/g, '')
      .replace(/\ue000/g, '{')
      .replace(/\ue001/g, '}'),
  );
}

interface Environment {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

function figureEnvironments(masked: string): Environment[] {
  const found: Environment[] = [];
  const stack: { name: string; start: number }[] = [];
  for (const m of masked.matchAll(/\\(begin|end)\s*\{([^}]*)\}/g)) {
    const name = m[2]!;
    if (!FIGURE_ENVIRONMENTS.test(name)) continue;
    if (m[1] === 'begin') {
      stack.push({ name, start: m.index });
    } else {
      const at = stack.map((s) => s.name).lastIndexOf(name);
      if (at < 0) continue;
      const open = stack.splice(at)[0]!;
      found.push({ name, start: open.start, end: m.index + m[0].length });
    }
  }
  return found;
}

/** The `\caption{…}` of an environment, not counting those of environments nested in it. */
function captionOf(masked: string, env: Environment, all: readonly Environment[]): string | undefined {
  const nested = all.filter((e) => e !== env && e.start > env.start && e.end <= env.end);
  const re = /\\(?:sub)?caption\*?\s*/g;
  re.lastIndex = env.start;
  for (let m = re.exec(masked); m && m.index < env.end; m = re.exec(masked)) {
    if (nested.some((e) => m!.index > e.start && m!.index < e.end)) continue;
    let i = m.index + m[0].length;
    if (masked[i] === '[') {
      const close = groupEnd(masked, i);
      if (close < 0) continue;
      i = skipSpaces(masked, close);
    }
    if (masked[i] !== '{') continue;
    const close = groupEnd(masked, i);
    if (close < 0) continue;
    return latexText(masked.slice(i + 1, close - 1));
  }
  return undefined;
}

/** Key-value options; a value in braces is taken without them. */
function keyValue(options: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|,)\\s*${key}\\s*=\\s*`).exec(options);
  if (!m) return undefined;
  const from = m.index + m[0].length;
  if (options[from] === '{') {
    const close = groupEnd(options, from);
    return close < 0 ? undefined : options.slice(from + 1, close - 1);
  }
  const comma = options.indexOf(',', from);
  return options.slice(from, comma < 0 ? undefined : comma).trim();
}

/** `\includegraphics[opts]{PATH}` outside comments and verbatim; alt from `alt=` or the enclosing figure's caption. */
export function readLatexImages(text: string): ImageReference[] {
  const masked = maskLatex(text);
  const environments = figureEnvironments(masked);
  const refs: ImageReference[] = [];
  for (const m of masked.matchAll(/\\includegraphics(?![a-zA-Z@])\*?/g)) {
    let i = skipSpaces(masked, m.index + m[0].length);
    let options = '';
    // graphicx takes one optional argument, the old graphics package two
    for (let n = 0; n < 2 && masked[i] === '['; n++) {
      const close = groupEnd(masked, i);
      if (close < 0) break;
      options += (options ? ',' : '') + masked.slice(i + 1, close - 1);
      i = skipSpaces(masked, close);
    }
    if (masked[i] !== '{') continue;
    const close = groupEnd(masked, i);
    if (close < 0) continue;
    const inner = masked.slice(i + 1, close - 1);
    const trimmed = inner.trim();
    if (!trimmed) continue;
    const pathStart = i + 1 + (inner.length - inner.trimStart().length);
    const start = m.index;
    const enclosing = environments.filter((e) => e.start < start && e.end > start).sort((a, b) => b.start - a.start)[0];
    const alt = keyValue(options, 'alt');
    const caption = enclosing ? captionOf(masked, enclosing, environments) : undefined;
    refs.push({
      start,
      end: close,
      pathStart,
      pathEnd: pathStart + trimmed.length,
      delimiter: '{}',
      // `"my file".png` is the old way to write a name with spaces
      path: trimmed.replace(/"/g, '').replace(/\\/g, '/'),
      alt: alt !== undefined ? latexText(alt) : (caption ?? ''),
      kind: 'includegraphics',
    });
  }
  return refs;
}

/**
 * A path for `\includegraphics{…}`. LaTeX (since 2019-10) reads spaces, CJK, `_` and several dots in
 * a file name, but `% # { } \ ~ ^ $ &` and control characters break or change it: those are refused.
 */
export function latexPath(path: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are refused too
  if (!path || /[%#{}\\~^$&\u0000-\u001f\u007f]/.test(path)) {
    throw new FluxError('invalidInput', t('The image path “{0}” has characters LaTeX cannot read in a file name (% # { } \\ ~ ^ $ &). Rename the file or change flux.outputFolder.', path));
  }
  return path;
}

export function latexImageLink(path: string): string {
  return `\\includegraphics[width=\\linewidth]{${latexPath(path)}}`;
}
