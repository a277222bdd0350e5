/**
 * Text from outside (a service's error, a prompt, a file name) shown in VS Code's own UI as plain
 * words that can never turn into a link, a command or an icon there.
 *
 * What VS Code parses (1.100, microsoft/vscode):
 * - Notifications (`showErrorMessage` and friends, and `withProgress` titles shown as notifications)
 *   go through `parseLinkedText` (src/vs/base/common/linkedText.ts), which turns every match of
 *   `/\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi` into a
 *   clickable link; a `command:` target runs that command with the encoded arguments. No other
 *   syntax is linked (no bare URLs, no autolinks, no HTML): the rest becomes text nodes.
 * - The status bar (`setStatusBarMessage`, window progress) and quick pick labels and descriptions
 *   render `$(name)` / `$(name~modifier)` as codicons (src/vs/base/common/iconLabels.ts).
 *
 * Both need two characters side by side: a link needs `](`, an icon needs `$(`. So a space goes
 * between them (`] (`, `$ (`): the text still reads the same to a person, no hidden character is
 * added, and neither regex can match any more. VS Code only ever replaces newlines with spaces
 * and cuts at 1000 characters before parsing, which cannot bring the two back together. Control
 * characters are removed before this check, so one hidden between `]` and `(` cannot be used to
 * slip a pair past it.
 */

/**
 * Bidirectional controls (ALM, LRM, RLM, embeddings, overrides, isolates): they can make text
 * read differently from what it is. The one list, as the inside of a regular expression's class.
 */
export const BIDI_CONTROL_CHARS = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069';
const BIDI_CONTROLS = new RegExp(`[${BIDI_CONTROL_CHARS}]`, 'g');

/** The text without bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), nothing else changed. */
export function stripBidiControls(s: string): string {
  return s.replace(BIDI_CONTROLS, '');
}

/** The longest notification message VS Code shows before cutting it itself. */
export const MAX_NOTIFICATION_LENGTH = 1000;
/** A quick pick label or description: one line, long enough for a prompt's start or a file name. */
export const MAX_LABEL_LENGTH = 256;

/**
 * For notifications, status bar messages and progress titles: one line, no control or bidi
 * characters, no `](` or `$(`, at most `maxLength` UTF-16 units (ending in `…` when shortened).
 */
export function plainText(s: string, maxLength = MAX_NOTIFICATION_LENGTH): string {
  return neutralise(s, maxLength);
}

/** For quick pick labels and descriptions: the same rules, with a shorter default length. */
export function plainLabel(s: string, maxLength = MAX_LABEL_LENGTH): string {
  return neutralise(s, maxLength);
}

const ELLIPSIS = '…';

/** Characters dropped without a trace: bidi controls and invisible format characters (ZWSP, word joiner, BOM, invisible operators). */
function isDropped(c: number): boolean {
  return (
    c === 0x061c ||
    c === 0x200b ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x2064) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0xfeff ||
    // C0 and C1 controls that are not line or column breaks (those become spaces below)
    (c <= 0x1f && !(c >= 0x09 && c <= 0x0d)) ||
    (c >= 0x7f && c <= 0x9f && c !== 0x85)
  );
}

/** Tabs, line breaks and the Unicode spaces: each run becomes one space. */
function isSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function neutralise(s: string, maxLength: number): string {
  const limit = Math.max(1, Math.floor(maxLength));
  // One pass that stops as soon as the result is known to be too long: a 45 MB message costs
  // no more than a short one.
  let out = '';
  let pendingSpace = false;
  let last = 0;
  let truncated = false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    let ch: string;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        ch = s.slice(i, i + 2);
        i++;
      } else {
        ch = '\ufffd';
        c = 0xfffd;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate cannot be shown; it would also make the text invalid UTF-16 to the renderer.
      ch = '\ufffd';
      c = 0xfffd;
    } else {
      ch = s[i];
    }
    if (isDropped(c)) continue;
    if (isSpace(c)) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) {
      out += ' ';
      pendingSpace = false;
    } else if (c === 0x28 /* ( */ && (last === 0x5d /* ] */ || last === 0x24) /* $ */) {
      out += ' ';
    }
    out += ch;
    last = c;
    if (out.length > limit) {
      truncated = true;
      break;
    }
  }
  return truncated ? shorten(out, limit) : out;
}

/** Cuts at a grapheme boundary (never inside a surrogate pair, an emoji sequence or before a combining mark) and adds `…`. */
function shorten(s: string, limit: number): string {
  const room = limit - ELLIPSIS.length;
  let cut = 0;
  for (const { segment, index } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)) {
    if (index + segment.length > room) break;
    cut = index + segment.length;
  }
  return `${s.slice(0, cut).trimEnd()}${ELLIPSIS}`;
}
