/** Small helpers shared by the document readers and writers. */

// Bidi embedding, override and isolate controls and marks: they can make a link read differently
// from what it is (Trojan Source), so they never go into a document from a prompt.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Text on one line, whitespace collapsed, bidi controls removed. */
export function oneLine(value: string): string {
  return value.replace(BIDI_CONTROLS, '').replace(/\s+/gu, ' ').trim();
}

/** `%XX` sequences decoded where they form valid UTF-8; anything else is left as written. */
export function percentDecode(value: string): string {
  return value.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      // a run with an invalid UTF-8 sequence: decode what can be, byte group by byte group
      return run.replace(/%[0-9a-fA-F]{2}/g, (one) => {
        try {
          return decodeURIComponent(one);
        } catch {
          return one;
        }
      });
    }
  });
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** A URL with a scheme (`https:`, `data:`, `file:`), as opposed to a path. A drive letter is a path. */
export function hasScheme(value: string): boolean {
  return SCHEME.test(value) && !/^[a-zA-Z]:[\\/]/.test(value);
}

/**
 * A link destination (already unescaped by its syntax) as a file path: a relative or rooted path
 * loses its `?query` and `#fragment` and is %-decoded, backslashes become `/`. URLs stay whole.
 */
export function urlToPath(url: string): string {
  const trimmed = url.trim();
  if (hasScheme(trimmed)) return trimmed;
  const cut = trimmed.search(/[?#]/);
  const path = cut < 0 ? trimmed : trimmed.slice(0, cut);
  return percentDecode(path).replace(/\\/g, '/');
}

/** Lines of a text with their offsets; `end` excludes the line break (`\n`, `\r\n` or `\r`). */
export interface Line {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push({ start, end: m.index, text: text.slice(start, m.index) });
    start = m.index + m[0].length;
  }
  lines.push({ start, end: text.length, text: text.slice(start) });
  return lines;
}

export function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].replace(/\t/g, '        ').length;
}

export function isBlank(line: string): boolean {
  return line.trim() === '';
}
