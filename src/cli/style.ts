// House styles for flux-docs (docs/CONTRACT.md, "House styles"): the one place that asks core for a
// document's style, read from `<root>/.vscode/flux-styles.json` as the extension reads it (the
// document's own declaration, then the file's `default`; there are no settings on the command
// line), its reference images read and checked as the extension checks them. A style that cannot
// be used throws a FluxError naming the file and the style: that image fails, nothing is sent.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { checkEditImage, checkEditImageSize, resolveInFolder } from '../core/editInput';
import type { DocumentLanguage } from '../core/documents/types';
import { FluxError, formatText } from '../core/errors';
import type { OutputFormat } from '../core/models';
import type { InputImage } from '../core/providers/types';
import { fromSlash, toSlash } from './paths';
import { chooseStyle, declaredStyle, parseStylesFile, STYLES_FILE, styleFrom, type StylesFile } from '../core/styles';

export interface DocumentStyle {
  readonly name: string;
  /** The style's template, `{prompt}` where the writer's words go. */
  readonly prompt: string;
  /** Its reference images, read and checked, in order. */
  readonly references?: readonly { readonly path: string; readonly image: InputImage; readonly sha256: string }[];
  readonly model?: string;
  readonly size?: string;
  readonly megapixels?: number;
  readonly outputFormat?: OutputFormat;
}

/** The styles file of each root, read once per run (undefined: none). */
const files = new Map<string, StylesFile | undefined>();
const images = new Map<string, { readonly image: InputImage; readonly sha256: string }>();

function stylesFile(root: string): StylesFile | undefined {
  if (!files.has(root)) {
    let text: string | undefined;
    try {
      // Without a byte-order mark, as the extension's TextDecoder reads it.
      text = readFileSync(path.join(root, STYLES_FILE), 'utf8').replace(/^\uFEFF/, '');
    } catch {
      text = undefined;
    }
    files.set(root, text === undefined ? undefined : parseStylesFile(text, STYLES_FILE));
  }
  return files.get(root);
}

export function styleForDocument(document: { readonly file: string; readonly text: string; readonly language: DocumentLanguage }, root: string): DocumentStyle | undefined {
  const file = stylesFile(root);
  const declared = declaredStyle(document.text, document.language);
  // Nothing declared and a file that cannot be read: its default is unknown, so the image fails
  // rather than being made (and paid for) without the house style, as in the extension.
  if (declared === undefined && file?.error) throw new FluxError('invalidInput', formatText(file.error));
  const chosen = chooseStyle({ declared, fileDefault: file?.default });
  if (!chosen) return undefined;
  if (!file) throw new FluxError('invalidInput', `The style “${chosen.name}” was asked for, but ${STYLES_FILE} does not exist. Nothing was sent.`);
  const style = (() => {
    try {
      return styleFrom(file, chosen.name, STYLES_FILE);
    } catch (err) {
      throw err instanceof FluxError ? new FluxError(err.kind, formatText(err.text)) : err;
    }
  })();
  const references = (style.references ?? []).map((ref) => ({ path: ref, ...readReference(root, ref, chosen.name) }));
  return {
    name: chosen.name,
    prompt: style.prompt,
    ...(references.length ? { references } : {}),
    ...(style.model !== undefined ? { model: style.model } : {}),
    ...(style.size !== undefined ? { size: style.size } : {}),
    ...(style.megapixels !== undefined ? { megapixels: style.megapixels } : {}),
    ...(style.outputFormat !== undefined ? { outputFormat: style.outputFormat } : {}),
  };
}

function readReference(root: string, ref: string, name: string): { readonly image: InputImage; readonly sha256: string } {
  const where = `The style “${name}” in ${STYLES_FILE}`;
  const resolved = resolveInFolder(toSlash(root), ref);
  if (resolved === undefined) throw new FluxError('invalidInput', `${where} names the reference image “${ref}”, which is outside the workspace, so it is not sent anywhere.`);
  const file = fromSlash(resolved);
  const known = images.get(file);
  if (known) return known;
  // A link (the file, or a folder on the way) could lead out of the repository: only its own files are sent.
  const parts = path.relative(root, file).split(path.sep);
  if (parts.some((_, n) => lstatSync(path.join(root, ...parts.slice(0, n + 1)), { throwIfNoEntry: false })?.isSymbolicLink())) {
    throw new FluxError('invalidInput', `${where} names the reference image “${ref}”, which is or lies behind a symbolic link, so it is not sent anywhere. Name the file itself.`);
  }
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new FluxError('invalidInput', `${ref} is not a file.`);
    checkEditImageSize(stat.size, ref);
    const bytes = new Uint8Array(readFileSync(file));
    const type = checkEditImage(bytes, ref);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const read = { image: { bytes, name: path.basename(file), mime: type.mime }, sha256 };
    images.set(file, read);
    return read;
  } catch (err) {
    if (err instanceof FluxError) throw new FluxError('invalidInput', `${where}: ${formatText(err.text)}`);
    throw new FluxError('invalidInput', `${where} names the reference image “${ref}”, which is not there. Nothing was sent.`);
  }
}
