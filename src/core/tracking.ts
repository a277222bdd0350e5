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
