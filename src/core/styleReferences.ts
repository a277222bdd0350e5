/**
 * Adds an image to a style of `.vscode/flux-styles.json` (Flux: Add Image to Style…). The file is
 * the writer's: it is changed with jsonc-parser's `modify`, so its comments, order and formatting
 * stay as they were and only the one array (or the one new style) is touched.
 */
import type { FormattingOptions, ParseError } from 'jsonc-parser';
import { applyEdits, modify, parse, printParseErrorCode } from 'jsonc-parser';
import { FluxError, text } from './errors';

export interface AddReference {
  readonly style: string;
  /** Workspace-relative, `/` separators. */
  readonly reference: string;
  /** Makes the style when the file does not have it. */
  readonly newPrompt?: string;
  /** The new style's model, when the folder's own takes no reference images. */
  readonly newModel?: string;
}

/**
 * The file's new text with `add.reference` appended to the style's `references` (the style made
 * first when `newPrompt` is given), or `undefined` when the style already lists it.
 */
export function addReferenceToText(content: string, add: AddReference, fileLabel: string): string | undefined {
  const formattingOptions = formattingOf(content);
  let current = content.trim() ? content : '{}';
  const root = parseStylesFile(current, fileLabel);
  if (!isObject(root)) throw new FluxError('invalidInput', text('{0} is not a JSON object. Fix the file, then try again.', fileLabel));
  const style = isObject(root.styles) ? root.styles[add.style] : undefined;
  const edit = (path: (string | number)[], value: unknown, isArrayInsertion = false) => {
    current = applyEdits(current, modify(current, path, value, { formattingOptions, isArrayInsertion }));
  };
  if (!isObject(style)) {
    if (add.newPrompt === undefined) throw new FluxError('invalidInput', text('{0} has no style "{1}".', fileLabel, add.style));
    edit(['styles', add.style], { prompt: add.newPrompt, references: [add.reference], ...(add.newModel ? { model: add.newModel } : {}) });
    return current;
  }
  if (!Array.isArray(style.references)) {
    edit(['styles', add.style, 'references'], [add.reference]);
    return current;
  }
  if (style.references.includes(add.reference)) return undefined;
  edit(['styles', add.style, 'references', style.references.length], add.reference, true);
  return current;
}

function parseStylesFile(content: string, fileLabel: string): Record<string, unknown> | undefined {
  const errors: ParseError[] = [];
  const root: unknown = parse(content, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const line = content.slice(0, first.offset).split('\n').length;
    throw new FluxError('invalidInput', text('{0} is not valid JSON ({1} on line {2}). Fix the file, then try again.', fileLabel, printParseErrorCode(first.error), line));
  }
  return isObject(root) ? root : undefined;
}

/** The file's own indentation and line ends, so the added lines look like the others. */
function formattingOf(content: string): FormattingOptions {
  const indent = /^([ \t]+)\S/m.exec(content)?.[1];
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent?.length ?? 2, eol };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
