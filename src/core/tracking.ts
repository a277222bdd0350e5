/** One replacement in a document, as VS Code reports it in `onDidChangeTextDocument`. */
export interface TextChange {
  readonly rangeOffset: number;
  readonly rangeLength: number;
  readonly text: string;
}

/**
 * Where an offset moves when the document changes (the changes of one event are applied in
 * the order given, as VS Code does). Text inserted exactly at the offset goes after it; an
 * offset inside replaced text moves to the end of the replacement.
 */
export function shiftOffset(offset: number, changes: readonly TextChange[]): number {
  let at = offset;
  for (const c of changes) {
    const end = c.rangeOffset + c.rangeLength;
    if (end <= at && !(c.rangeLength === 0 && c.rangeOffset === at)) {
      at += c.text.length - c.rangeLength;
    } else if (c.rangeOffset < at && at < end) {
      at = c.rangeOffset + c.text.length;
    }
  }
  return at;
}

/** Text to insert at the end of a line so that an image link becomes its own paragraph below it. */
export function linkBlockAfterLine(link: string, nextLineText: string | undefined, eol: string): string {
  const after = nextLineText !== undefined && nextLineText.trim() !== '' ? eol : '';
  return `${eol}${eol}${link}${after}`;
}

/**
 * Text to insert at a cursor so that an image link stands as its own paragraph: on a blank
 * line it goes in as is; at the end of a line of text it goes below it (as `linkBlockAfterLine`);
 * in the middle of text it splits the paragraph around itself.
 */
export function linkBlockAtCursor(link: string, textBefore: string, textAfter: string, nextLineText: string | undefined, eol: string): string {
  const afterText = textBefore.trim() !== '';
  const beforeText = textAfter.trim() !== '';
  if (afterText && !beforeText) return linkBlockAfterLine(link, nextLineText, eol);
  return `${afterText ? eol + eol : ''}${link}${beforeText ? eol + eol : ''}`;
}
