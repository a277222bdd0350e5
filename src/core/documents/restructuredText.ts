import type { ImageReference } from './types';
import { type Line, indentOf, isBlank, oneLine, splitLines } from './text';

const IMAGE_DIRECTIVE = /^([ \t]*)\.\.[ \t]+(?:\|[^|]+\|[ \t]+)?(image|figure)::(.*)$/i;
const EXPLICIT_MARKUP = /^[ \t]*\.\.(?:[ \t]+(.*))?$/;
const DIRECTIVE = /^([\w][\w:+.-]*)::/;
const OPTION = /^[ \t]*:([^:]+):(?:[ \t]+(.*))?$/;
// Directives whose content is code or raw output, not reStructuredText
const LITERAL_DIRECTIVES = /^(code|code-block|sourcecode|raw|math|parsed-literal|highlight|literalinclude|testcode|testoutput|doctest|jupyter-execute|ipython)$/i;

/**
 * A directive argument as docutils reads a URI: unescaped whitespace removed (the argument may
 * continue on following lines), `\ ` kept as a space, other backslash escapes resolved.
 */
function decodeUri(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      out += /\s/.test(raw[i + 1]!) ? ' ' : raw[i + 1];
      i++;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out.replace(/\\/g, '/');
}

/** Inline markup removed from a caption: emphasis, strong, literals, interpreted text roles. */
function captionText(raw: string): string {
  return oneLine(
    raw
      .replace(/:[\w-]+:`([^`]*)`/g, '$1')
      .replace(/(\*\*|\*|``|`)(\S(?:.*?\S)?)\1_?/g, '$2')
      .replace(/\\(.)/g, '$1'),
  );
}

/** `.. image::` and `.. figure::` directives (also in substitution definitions), outside comments and literal blocks. */
export function readRstImages(text: string): ImageReference[] {
  const lines = splitLines(text);
  const refs: ImageReference[] = [];
  // While set, lines indented more than this (and blank lines) belong to a block that is skipped.
  let skipIndent: number | undefined;
  let skipStopsAtBlank = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (skipIndent !== undefined) {
      if (isBlank(line.text) ? !skipStopsAtBlank : indentOf(line.text) > skipIndent) continue;
      skipIndent = undefined;
    }
    const directive = IMAGE_DIRECTIVE.exec(line.text);
    if (directive) {
      const read = readDirective(lines, i, directive);
      if (read) {
        refs.push(read.ref);
        i = read.last - 1;
      }
      continue;
    }
    const markup = EXPLICIT_MARKUP.exec(line.text);
    if (markup) {
      const rest = markup[1] ?? '';
      const name = DIRECTIVE.exec(rest);
      if (!rest.trim()) {
        // `..` alone: a comment that takes only the indented lines right below it
        skipIndent = indentOf(line.text);
        skipStopsAtBlank = true;
      } else if (name ? LITERAL_DIRECTIVES.test(name[1]!) : !/^(\[|_|\|)/.test(rest)) {
        // a comment or a code directive: nothing in its block is an image
        skipIndent = indentOf(line.text);
        skipStopsAtBlank = false;
      }
      continue;
    }
    if (/::[ \t]*$/.test(line.text)) {
      // a paragraph ending in `::` introduces a literal block indented more than its text (in a list
      // item, more than the item's content column)
      const item = /^[ \t]*(?:[-*+\u2022]|\(?(?:\d+|#|[a-zA-Z])[.)])[ \t]+/.exec(line.text);
      skipIndent = item ? item[0].length : indentOf(line.text);
      skipStopsAtBlank = false;
    }
  }
  return refs;
}

function readDirective(lines: readonly Line[], first: number, m: RegExpExecArray): { ref: ImageReference; last: number } | undefined {
  const line = lines[first]!;
  const indent = indentOf(line.text);
  const kind = m[2]!.toLowerCase();
  const argOffset = line.text.length - m[3]!.length;
  let pathStart = -1;
  let pathEnd = -1;
  let raw = '';
  const addArgument = (l: Line, from: number) => {
    const part = l.text.slice(from);
    const trimmed = part.trim();
    if (!trimmed) return;
    const at = l.start + from + (part.length - part.trimStart().length);
    if (pathStart < 0) pathStart = at;
    pathEnd = at + trimmed.length;
    raw += (raw ? '\n' : '') + trimmed;
  };
  addArgument(line, argOffset);
  let i = first + 1;
  // the argument may go on over the indented lines right below, until an option or a blank line
  for (; i < lines.length; i++) {
    const l = lines[i]!.text;
    if (isBlank(l) || indentOf(l) <= indent || OPTION.test(l)) break;
    addArgument(lines[i]!, 0);
  }
  if (pathStart < 0) return undefined;
  let end = pathEnd;
  const options = new Map<string, string>();
  let lastOption: string | undefined;
  let optionIndent = 0;
  for (; i < lines.length; i++) {
    const l = lines[i]!.text;
    if (isBlank(l) || indentOf(l) <= indent) break;
    const option = OPTION.exec(l);
    if (option && (lastOption === undefined || indentOf(l) <= optionIndent)) {
      lastOption = option[1]!.trim().toLowerCase();
      optionIndent = indentOf(l);
      if (!options.has(lastOption)) options.set(lastOption, option[2] ?? '');
    } else if (lastOption !== undefined) {
      options.set(lastOption, `${options.get(lastOption)!} ${l.trim()}`);
    } else {
      break;
    }
    end = lines[i]!.start + l.trimEnd().length;
  }
  let caption = '';
  if (kind === 'figure') {
    // the caption is the first paragraph of the figure's content, after a blank line
    let j = i;
    while (j < lines.length && isBlank(lines[j]!.text)) j++;
    if (j > i && j < lines.length && indentOf(lines[j]!.text) > indent && !EXPLICIT_MARKUP.test(lines[j]!.text)) {
      const parts: string[] = [];
      for (; j < lines.length && !isBlank(lines[j]!.text) && indentOf(lines[j]!.text) > indent; j++) {
        parts.push(lines[j]!.text);
        end = lines[j]!.start + lines[j]!.text.trimEnd().length;
      }
      caption = captionText(parts.join(' '));
    }
  }
  const alt = options.has('alt') ? oneLine(options.get('alt')!) : caption;
  return {
    ref: {
      start: line.start + line.text.length - line.text.trimStart().length,
      end,
      pathStart,
      pathEnd,
      delimiter: '',
      path: decodeUri(raw),
      alt,
      ...(options.get('title') ? { title: oneLine(options.get('title')!) } : {}),
      kind,
    },
    last: i,
  };
}

/** A path as a directive argument: whitespace and backslashes escaped, so docutils reads it back whole. */
export function rstPath(path: string): string {
  return path.replace(/\\/g, '\\\\').replace(/\s/g, (c) => `\\${c === '\n' || c === '\r' ? ' ' : c}`);
}

export function rstImageLink(alt: string, path: string): string {
  const text = oneLine(alt);
  return text ? `.. image:: ${rstPath(path)}\n   :alt: ${text}` : `.. image:: ${rstPath(path)}`;
}
