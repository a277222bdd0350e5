// House styles (docs/CONTRACT.md, "House styles"): the workspace's `.vscode/flux-styles.json` read and
// checked, which style a document uses (its own declaration, then `flux.style`, then the file's
// default; `none` switches off), the template filled with the writer's words, and the one edit that
// writes, changes or removes a document's declaration. Pure: the host (services/styles.ts) and
// flux-docs (cli/style.ts) read the files and pass their text in.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { MEGAPIXELS } from './dimensions';
import type { DocumentLanguage } from './documents/types';
import { LANGUAGES } from './documents/types';
import type { Text } from './errors';
import { FluxError, text } from './errors';
import type { OutputFormat } from './models';
import { OUTPUT_FORMATS } from './models';
import { parseSize } from './params';
import { MODEL_PATTERN } from './settings';

/** Where the styles live, relative to a workspace folder. */
export const STYLES_FILE = '.vscode/flux-styles.json';

/** The value that means "no style", in a declaration, the setting, the file's default or an argument. */
export const NO_STYLE = 'none';

/** A style's name: what a declaration can hold (letters, digits, `.`, `_`, `-`). */
export const STYLE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** One style as written in the file. */
export interface StyleDef {
  readonly description?: string;
  /** The template: `{prompt}` where the writer's words go; without it the text follows the words after ", ". */
  readonly prompt: string;
  /** Reference images, workspace-relative paths (checked by the host). */
  readonly references?: readonly string[];
  readonly model?: string;
  /** As written (a ratio or pixels), checked to be a size; normalised for the model when used. */
  readonly size?: string;
  readonly megapixels?: number;
  readonly outputFormat?: OutputFormat;
}

/** The file as read: the styles that are well written, and what is wrong with the others. */
export interface StylesFile {
  readonly default?: string;
  readonly styles: Readonly<Record<string, StyleDef>>;
  /** Styles written wrongly, by name: using one is refused with this message (the others still work). */
  readonly invalid: Readonly<Record<string, Text>>;
  /** The whole file cannot be used (not JSON, not an object of styles): using any style is refused with this. */
  readonly error?: Text;
}

/**
 * Reads the text of `.vscode/flux-styles.json` (JSON with comments and trailing commas, as VS Code
 * writes its own files). `file` names the file in the messages. Never throws.
 */
export function parseStylesFile(source: string, file: string = STYLES_FILE): StylesFile {
  const errors: ParseError[] = [];
  const root: unknown = parse(source, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    const line = source.slice(0, first.offset).split('\n').length;
    return { styles: {}, invalid: {}, error: text('{0} is not valid JSON (line {1}: {2}). Fix the file; nothing was sent.', file, line, printParseErrorCode(first.error)) };
  }
  if (!isObject(root) || !isObject(root.styles)) {
    return { styles: {}, invalid: {}, error: text('{0} must hold an object with “styles”, each style an object with a “prompt”. Nothing was sent.', file) };
  }
  if (root.default !== undefined && (typeof root.default !== 'string' || !(root.default === NO_STYLE || STYLE_NAME_PATTERN.test(root.default)))) {
    return { styles: {}, invalid: {}, error: text('In {0}, “default” must be the name of a style, or “none”. Nothing was sent.', file) };
  }
  const styles: Record<string, StyleDef> = {};
  const invalid: Record<string, Text> = {};
  for (const [name, raw] of Object.entries(root.styles)) {
    const checked = checkStyle(name, raw, file);
    if ('problem' in checked) invalid[name] = checked.problem;
    else styles[name] = checked.style;
  }
  return { ...(typeof root.default === 'string' ? { default: root.default } : {}), styles, invalid };
}

function checkStyle(name: string, raw: unknown, file: string): { style: StyleDef } | { problem: Text } {
  if (!STYLE_NAME_PATTERN.test(name) || name === NO_STYLE) {
    return { problem: text('In {0}, “{1}” cannot be a style name: use letters, digits, “.”, “_” and “-” (and not “none”).', file, name) };
  }
  if (!isObject(raw) || typeof raw.prompt !== 'string' || !raw.prompt.trim()) {
    return { problem: text('In {0}, the style “{1}” has no “prompt” (the text its images are made with). Nothing was sent.', file, name) };
  }
  const wrong = (field: string) => ({ problem: text('In {0}, the style “{1}” has an invalid “{2}”. Nothing was sent.', file, name, field) });
  const style: { -readonly [K in keyof StyleDef]: StyleDef[K] } = { prompt: raw.prompt };
  if (raw.description !== undefined) {
    if (typeof raw.description !== 'string') return wrong('description');
    style.description = raw.description;
  }
  if (raw.references !== undefined) {
    if (!Array.isArray(raw.references) || !raw.references.every((r): r is string => typeof r === 'string' && r.trim() !== '')) return wrong('references');
    style.references = raw.references;
  }
  if (raw.model !== undefined) {
    if (typeof raw.model !== 'string' || !MODEL_PATTERN.test(raw.model.trim())) return wrong('model');
    style.model = raw.model.trim();
  }
  if (raw.size !== undefined) {
    if (typeof raw.size !== 'string') return wrong('size');
    try {
      parseSize(raw.size, { pixelRange: false });
    } catch {
      return wrong('size');
    }
    style.size = raw.size;
  }
  if (raw.megapixels !== undefined) {
    if (typeof raw.megapixels !== 'number' || !(raw.megapixels >= MEGAPIXELS.min && raw.megapixels <= MEGAPIXELS.max)) return wrong('megapixels');
    style.megapixels = raw.megapixels;
  }
  if (raw.outputFormat !== undefined) {
    if (!(OUTPUT_FORMATS as readonly unknown[]).includes(raw.outputFormat)) return wrong('outputFormat');
    style.outputFormat = raw.outputFormat as OutputFormat;
  }
  return { style };
}

/**
 * The style `name` of a read file, or a FluxError (invalidInput) naming the file and the style: the
 * file unreadable, the style written wrongly, or not there.
 */
export function styleFrom(file: StylesFile, name: string, fileLabel: string = STYLES_FILE): StyleDef {
  if (file.error) throw new FluxError('invalidInput', file.error);
  const problem = Object.prototype.hasOwnProperty.call(file.invalid, name) ? file.invalid[name] : undefined;
  if (problem) throw new FluxError('invalidInput', problem);
  const style = Object.prototype.hasOwnProperty.call(file.styles, name) ? file.styles[name] : undefined;
  if (!style) throw unknownStyle(name, fileLabel, Object.keys(file.styles));
  return style;
}

/** "The document asks for a style the file does not have." */
export function unknownStyle(name: string, fileLabel: string, known: readonly string[]): FluxError {
  return known.length
    ? new FluxError('invalidInput', text('The style “{0}” is not in {1} (it has {2}). Nothing was sent.', name, fileLabel, known.join(', ')))
    : new FluxError('invalidInput', text('The style “{0}” was asked for, but {1} has no styles. Nothing was sent.', name, fileLabel));
}

/** The words sent: the template with `{prompt}` replaced by the writer's words, or the words, ", " and the template. */
export function fillTemplate(template: string, words: string): string {
  return template.includes('{prompt}') ? template.split('{prompt}').join(words.trim()) : `${words.trim()}, ${template.trim()}`;
}

/** Where the style of a document came from. */
export type StyleSource = 'explicit' | 'declaration' | 'setting' | 'default';

export interface StyleChoiceInput {
  /** A command argument, the chat tool's input, the Studio's picker: a name, `null` (no style), or undefined (not said). */
  readonly explicit?: string | null;
  /** The document's own declaration. */
  readonly declared?: string;
  /** `flux.style` for the document's folder ('' when unset). */
  readonly setting?: string;
  /** The file's `default`. */
  readonly fileDefault?: string;
}

/** The first said of explicit, declared, setting, file default; `none` (or `null` explicit) means no style. */
export function chooseStyle(input: StyleChoiceInput): { readonly name: string; readonly source: StyleSource } | undefined {
  if (input.explicit === null) return undefined;
  const order: [StyleSource, string | undefined][] = [
    ['explicit', input.explicit],
    ['declaration', input.declared],
    ['setting', input.setting],
    ['default', input.fileDefault],
  ];
  for (const [source, value] of order) {
    const name = value?.trim();
    if (!name) continue;
    return name === NO_STYLE ? undefined : { name, source };
  }
  return undefined;
}

/** The name of the style chosen by `chooseStyle`, or undefined for none. */
export function chooseStyleName(input: StyleChoiceInput): string | undefined {
  return chooseStyle(input)?.name;
}

/** A document's own declaration: its name, and the offsets of its whole line (line break included). */
export interface StyleDeclaration {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const NAME = String.raw`(?:"([^"\s]+)"|'([^'\s]+)'|([^\s"'>]+))`;

interface Line {
  readonly text: string;
  readonly start: number;
  /** After its line break. */
  readonly end: number;
}

function linesOf(source: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < source.length) {
    const nl = source.indexOf('\n', start);
    const end = nl < 0 ? source.length : nl + 1;
    lines.push({ text: source.slice(start, end).replace(/\r?\n$/, ''), start, end });
    start = end;
  }
  return lines;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Front matter at the very start: its kind, the index of its closing line, or undefined. */
function frontMatter(lines: readonly Line[]): { readonly kind: 'yaml' | 'toml'; readonly close: number } | undefined {
  const open = lines[0]?.text.trimEnd();
  if (open !== '---' && open !== '+++') return undefined;
  for (let i = 1; i < lines.length; i++) {
    const t = lines[i]!.text.trimEnd();
    if (t === open || (open === '---' && t === '...')) return { kind: open === '---' ? 'yaml' : 'toml', close: i };
  }
  return undefined;
}

/** The pattern of a declaration line in `language`, its name in groups 1–3. */
function declarationPattern(language: DocumentLanguage, matter?: 'yaml' | 'toml'): RegExp {
  if (matter === 'yaml') return new RegExp(String.raw`^flux-style\s*:\s*${NAME}\s*(?:#.*)?$`);
  if (matter === 'toml') return new RegExp(String.raw`^flux-style\s*=\s*${NAME}\s*(?:#.*)?$`);
  const { comment } = LANGUAGES[language];
  if (comment.line) return new RegExp(String.raw`^\s*${escapeRegExp(comment.line.trimEnd())}\s*flux-style\s*:\s*${NAME}\s*$`);
  const [open, close] = comment.block!;
  return new RegExp(String.raw`^\s*${escapeRegExp(open)}\s*flux-style\s*:\s*${NAME}\s*${escapeRegExp(close)}\s*$`);
}

/**
 * The document's own declaration, read through the language registry: front matter `flux-style:`
 * (YAML, or `flux-style = "…"` in TOML) in the Markdown family; elsewhere the first comment line
 * `flux-style: NAME` in the language's comment syntax. Undefined when it has none.
 */
export function findDeclaration(source: string, language: DocumentLanguage): StyleDeclaration | undefined {
  const lines = linesOf(source);
  const info = LANGUAGES[language];
  let range: readonly Line[] = lines;
  let pattern: RegExp;
  if (info.family === 'markdown') {
    const matter = frontMatter(lines);
    if (!matter) return undefined;
    range = lines.slice(1, matter.close);
    pattern = declarationPattern(language, matter.kind);
  } else {
    pattern = declarationPattern(language);
  }
  for (const line of range) {
    const m = pattern.exec(line.text);
    if (m) return { name: m[1] ?? m[2] ?? m[3]!, start: line.start, end: line.end };
  }
  return undefined;
}

/** The style name the document declares, or undefined. */
export function declaredStyle(source: string, language: DocumentLanguage): string | undefined {
  return findDeclaration(source, language)?.name;
}

/** One replacement in a document's text (offsets in the text given). */
export interface StyleTextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** A declaration line for `name` in `language`, without its line break. */
export function declarationLine(language: DocumentLanguage, name: string, matter?: 'yaml' | 'toml'): string {
  if (matter === 'yaml') return `flux-style: ${name}`;
  if (matter === 'toml') return `flux-style = "${name}"`;
  const { comment } = LANGUAGES[language];
  if (comment.line) return `${comment.line.trimEnd()} flux-style: ${name}`;
  const [open, close] = comment.block!;
  return `${open} flux-style: ${name} ${close}`;
}

/**
 * The one edit that makes the document declare `name` (or, with `null`, declare nothing): an
 * existing declaration is changed or removed (an emptied front matter with it); otherwise Markdown
 * gets it in its front matter (made when absent), the other languages a comment line at the top
 * (after an HTML doctype). Undefined when nothing changes. Keeps the document's line breaks.
 */
export function declarationEdit(source: string, language: DocumentLanguage, name: string | null): StyleTextEdit | undefined {
  if (name !== null && !(STYLE_NAME_PATTERN.test(name) || name === NO_STYLE)) {
    throw new FluxError('invalidInput', text('“{0}” cannot be a style name: use letters, digits, “.”, “_” and “-”.', name));
  }
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const lines = linesOf(source);
  const info = LANGUAGES[language];
  const matter = info.family === 'markdown' ? frontMatter(lines) : undefined;
  const found = findDeclaration(source, language);
  if (found) {
    if (name === found.name) return undefined;
    if (name !== null) {
      const line = lines.find((l) => l.start === found.start)!;
      return { start: found.start, end: found.start + line.text.length, newText: declarationLine(language, name, matter?.kind) };
    }
    // Removed; front matter that held only the declaration goes with it.
    if (matter && matter.close === 2) {
      const after = lines[matter.close + 1];
      const end = after && after.text.trim() === '' ? after.end : lines[matter.close]!.end;
      return { start: 0, end, newText: '' };
    }
    // reStructuredText: the blank line written after it at the top goes with it.
    const next = lines.find((l) => l.start === found.end);
    const end = language === 'restructuredtext' && found.start === 0 && next && next.text.trim() === '' ? next.end : found.end;
    return { start: found.start, end, newText: '' };
  }
  if (name === null) return undefined;
  if (info.family === 'markdown') {
    if (matter) {
      const at = lines[matter.close]!.start;
      return { start: at, end: at, newText: declarationLine(language, name, matter.kind) + eol };
    }
    const blank = source.length > 0 && !/^\r?\n/.test(source) ? eol : '';
    return { start: 0, end: 0, newText: `---${eol}${declarationLine(language, name, 'yaml')}${eol}---${eol}${blank}` };
  }
  const line = declarationLine(language, name);
  if (language === 'html' && lines[0] && /^\s*<!doctype\b/i.test(lines[0].text)) {
    const at = lines[0].end;
    const broken = at === source.length && !/\n$/.test(source) ? eol : '';
    return { start: at, end: at, newText: `${broken}${line}${eol}` };
  }
  // reStructuredText: a blank line ends the comment, so the text below is never taken into it.
  const blank = language === 'restructuredtext' && lines[0] && lines[0].text.trim() !== '' ? eol : '';
  return { start: 0, end: 0, newText: `${line}${eol}${blank}` };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
