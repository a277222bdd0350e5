// The chat tool's input comes from a language model: anything may arrive. This reads it into the
// contract's shape and turns its workspace-relative paths into paths that provably stay inside
// the workspace folder, refusing the rest with a message the model (and the person) can act on.
import { FluxError, text } from './errors';
import { isInsideFolder } from './workspacePath';

/** `flux_generate_image`'s input, as the contract defines it. */
export interface ImageToolInput {
  readonly prompt: string;
  /** Workspace-relative destination (`.png`). */
  readonly path?: string;
  readonly size?: string;
  readonly model?: string;
  readonly seed?: number;
  /** Workspace-relative image to edit. */
  readonly image?: string;
  /** Workspace-relative reference images, in order (`input_image`, `input_image_2`…). */
  readonly references?: readonly string[];
  /** A house style by name (`none`: no style); absent: the active document's. */
  readonly style?: string;
}

/** Reads the tool's input; wrong types are refused (the model can correct them), unknown fields ignored. */
export function readToolInput(value: unknown): ImageToolInput {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FluxError('invalidInput', 'The tool input must be an object with at least a “prompt”.');
  }
  const v = value as Record<string, unknown>;
  if (typeof v.prompt !== 'string') throw new FluxError('invalidInput', 'The tool input needs a “prompt” string that describes the image.');
  const out: { -readonly [K in keyof ImageToolInput]: ImageToolInput[K] } = { prompt: v.prompt };
  for (const field of ['path', 'size', 'model', 'image', 'style'] as const) {
    if (v[field] === undefined || v[field] === null) continue;
    if (typeof v[field] !== 'string') throw new FluxError('invalidInput', text('The tool input’s “{0}” must be a string.', field));
    if (v[field].trim()) out[field] = v[field].trim();
  }
  if (v.references !== undefined && v.references !== null) {
    if (!Array.isArray(v.references) || v.references.some((r) => typeof r !== 'string' || !r.trim())) {
      throw new FluxError('invalidInput', 'The tool input’s “references” must be a list of workspace-relative image paths.');
    }
    if (v.references.length) out.references = (v.references as string[]).map((r) => r.trim());
  }
  if (v.seed !== undefined && v.seed !== null) {
    if (typeof v.seed !== 'number' || !Number.isSafeInteger(v.seed) || v.seed < -1) {
      throw new FluxError('invalidInput', 'The tool input’s “seed” must be a whole number from 0 up, or -1 for a random seed.');
    }
    out.seed = v.seed;
  }
  return out;
}

/**
 * The URI path of `relative` inside the folder at `folderPath` (a `/`-separated URI path), or a
 * FluxError when it is absolute, empty, or leads outside the folder under any reading of its
 * escapes. The result keeps the names as written (no percent-decoding): `a%20b.png` is that file.
 */
export function resolveInWorkspace(folderPath: string, relative: string, what: 'destination' | 'image'): string {
  const given = relative.trim();
  const shown = clip(given);
  const outside = () =>
    what === 'destination'
      ? new FluxError('invalidInput', text('The destination “{0}” is outside the workspace. Give a path relative to the workspace folder, such as assets/picture.png.', shown))
      : new FluxError('invalidInput', text('The image “{0}” is outside the workspace. Give a path relative to the workspace folder.', shown));
  // eslint-disable-next-line no-control-regex -- control characters make no honest file name
  if (!given || /[\u0000-\u001f\u007f]/.test(given)) throw outside();
  if (/^[\\/]/.test(given) || /^[A-Za-z]:/.test(given) || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(given)) {
    throw what === 'destination'
      ? new FluxError('invalidInput', text('The destination “{0}” is an absolute path. Give a path relative to the workspace folder, such as assets/picture.png.', shown))
      : new FluxError('invalidInput', text('The image “{0}” is an absolute path. Give a path relative to the workspace folder.', shown));
  }
  const folder = folderPath.replace(/\/+$/, '');
  const joined = `${folder}/${given.replace(/\\/g, '/')}`;
  if (!isInsideFolder(joined, folder || '/')) throw outside();
  const segments: string[] = [];
  for (const segment of given.split(/[\\/]/)) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (!segments.length) throw outside();
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  if (!segments.length) throw outside();
  return `${folder}/${segments.join('/')}`;
}

/** The service answers PNG: a destination must be named `.png`. */
export function checkDestinationName(path: string): void {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!/\.png$/i.test(name) || name.length <= 4) {
    throw new FluxError('invalidInput', text('The destination “{0}” does not end in .png. The image comes as a PNG: name the file with .png, such as assets/picture.png.', clip(name)));
  }
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 80 ? `${one.slice(0, 80)}…` : one;
}
