// How an image was made, stored inside the PNG itself (docs/CONTRACT.md "Recipes"), so a copied or
// cloned image still knows its prompt. Everything read back from a file is untrusted data.
import type { ImageRecord, MadeWith } from './imageRecord';
import { takesPixels } from './models';
import { MAX_PROMPT_LENGTH } from './params';
import { concatBytes, iTxtChunk, pngSize, readTextChunk, scanHead, textChunk, textKeyword } from './png';

export { pngSize } from './png';

/** A recipe: what a history record keeps of how the image was made, with the time as ISO-8601. */
export interface Recipe extends MadeWith {
  readonly v: 1;
  readonly prompt: string;
  readonly model: string;
  /** As the request gave it, normalised: a ratio such as `16x9` or pixels such as `1024x768`. */
  readonly size: string;
  /** The seed the service reported; null when it did not say. */
  readonly seed: number | null;
  readonly provider: 'dmxapi' | 'bfl';
  /** ISO-8601 with a time zone, e.g. `2026-01-31T09:05:07.000Z`. */
  readonly created: string;
}

export const RECIPE_KEYWORD = 'flux';
export const SOFTWARE = 'Flux for VS Code';
/** Keywords the recipe owns: older chunks with these are replaced, never doubled. */
export const RECIPE_KEYWORDS: readonly string[] = [RECIPE_KEYWORD, 'Description', 'Software', 'parameters'];

/** Refused before parsing: a recipe is a few KiB at most (prompt ≤ MAX_PROMPT_LENGTH). */
export const MAX_RECIPE_JSON_BYTES = 60 * 1024;

/**
 * What a reader reads first. It suffices because `withRecipe` puts the `flux` chunk right after
 * IHDR (text chunks may go anywhere before IDAT), so it ends by byte 8 (signature) + 25 (IHDR)
 * + 12 (chunk frame) + 9 (iTXt header for `flux`) + MAX_RECIPE_JSON_BYTES = 61,494 < 65,536,
 * however big the rest of the file (ICC profile, EXIF) is.
 */
export const RECIPE_HEAD_BYTES = 64 * 1024;

const MAX_MODEL_LENGTH = 100;
const MAX_PATH_LENGTH = 1024;
const PROVIDERS: readonly string[] = ['dmxapi', 'bfl'];
const KEYS: readonly string[] = ['v', 'prompt', 'model', 'size', 'seed', 'provider', 'created', 'source', 'width', 'height', 'outputFormat', 'promptUpsampling', 'references', 'style', 'sentPrompt'];
/** At most 8 images go with one request. */
const MAX_REFERENCES = 8;
const MAX_SIDE_PIXELS = 100_000;
/** A style's template and the prompt it made: the writer's words and the style's text. */
const MAX_SENT_PROMPT_LENGTH = 2 * MAX_PROMPT_LENGTH;
const STYLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// The model names params.ts accepts; no commas, so the `parameters` line stays parseable.
const MODEL = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;
const SIZE = /^\d{1,5}x\d{1,5}$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;
// C0 controls other than tab and line breaks, DEL, C1 controls, and bidi overrides that could
// make a prompt read differently in a hover than it is.
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const PROMPT_BAD = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const LINE_BAD = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Validates a recipe's JSON (as found in a file: untrusted). Exactly the contract's fields with
 * the right types and bounded lengths; anything else, including unknown fields, is undefined.
 */
export function parseRecipeJson(json: string): Recipe | undefined {
  // A UTF-16 unit is at least one UTF-8 byte, so the cheap check comes first.
  if (typeof json !== 'string' || json.length > MAX_RECIPE_JSON_BYTES || new TextEncoder().encode(json).length > MAX_RECIPE_JSON_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  return validRecipe(value);
}

/** The recipe with only its own fields, when valid; undefined otherwise. */
export function validRecipe(value: unknown): Recipe | undefined {
  if (!isPlainObject(value)) return undefined;
  const r = value as Record<string, unknown>;
  if (Object.keys(r).some((k) => !KEYS.includes(k))) return undefined;
  if (r.v !== 1) return undefined;
  if (!isText(r.prompt, MAX_PROMPT_LENGTH) || r.prompt.trim() === '' || PROMPT_BAD.test(r.prompt)) return undefined;
  if (typeof r.model !== 'string' || r.model.length > MAX_MODEL_LENGTH || !MODEL.test(r.model)) return undefined;
  if (typeof r.size !== 'string' || !SIZE.test(r.size)) return undefined;
  if (r.seed !== null && !Number.isSafeInteger(r.seed)) return undefined;
  if (typeof r.provider !== 'string' || !PROVIDERS.includes(r.provider)) return undefined;
  if (typeof r.created !== 'string' || !isIsoDate(r.created)) return undefined;
  let source: Recipe['source'];
  if (r.source !== undefined) {
    source = fileWithHash(r.source);
    if (!source) return undefined;
  }
  const extra: { -readonly [K in 'width' | 'height' | 'outputFormat' | 'promptUpsampling' | 'references' | 'style' | 'sentPrompt']?: Recipe[K] } = {};
  for (const side of ['width', 'height'] as const) {
    if (r[side] === undefined) continue;
    if (!Number.isSafeInteger(r[side]) || (r[side] as number) < 1 || (r[side] as number) > MAX_SIDE_PIXELS) return undefined;
    extra[side] = r[side] as number;
  }
  if (r.outputFormat !== undefined) {
    if (r.outputFormat !== 'png' && r.outputFormat !== 'jpeg') return undefined;
    extra.outputFormat = r.outputFormat;
  }
  if (r.promptUpsampling !== undefined) {
    if (typeof r.promptUpsampling !== 'boolean') return undefined;
    extra.promptUpsampling = r.promptUpsampling;
  }
  if (r.references !== undefined) {
    if (!Array.isArray(r.references) || r.references.length === 0 || r.references.length > MAX_REFERENCES) return undefined;
    const references = r.references.map(fileWithHash);
    if (references.some((ref) => ref === undefined)) return undefined;
    extra.references = references as { path: string; sha256: string }[];
  }
  if (r.style !== undefined) {
    const style = r.style as Record<string, unknown>;
    if (!isPlainObject(style) || Object.keys(style).some((k) => k !== 'name' && k !== 'prompt')) return undefined;
    if (typeof style.name !== 'string' || !STYLE_NAME.test(style.name)) return undefined;
    if (!isText(style.prompt, MAX_SENT_PROMPT_LENGTH) || style.prompt.trim() === '' || PROMPT_BAD.test(style.prompt)) return undefined;
    extra.style = { name: style.name, prompt: style.prompt };
  }
  if (r.sentPrompt !== undefined) {
    if (!isText(r.sentPrompt, MAX_SENT_PROMPT_LENGTH) || r.sentPrompt.trim() === '' || PROMPT_BAD.test(r.sentPrompt)) return undefined;
    extra.sentPrompt = r.sentPrompt;
  }
  const recipe = {
    v: 1 as const,
    prompt: r.prompt,
    model: r.model,
    size: r.size,
    seed: r.seed as number | null,
    provider: r.provider as Recipe['provider'],
    created: r.created,
  };
  return { ...recipe, ...(source ? { source } : {}), ...extra };
}

/** `{ path, sha256 }` of a workspace file as a recipe holds it, or undefined. */
function fileWithHash(value: unknown): { path: string; sha256: string } | undefined {
  if (!isPlainObject(value)) return undefined;
  const s = value as Record<string, unknown>;
  if (Object.keys(s).some((k) => k !== 'path' && k !== 'sha256')) return undefined;
  if (!isText(s.path, MAX_PATH_LENGTH) || !isRelativePath(s.path)) return undefined;
  if (typeof s.sha256 !== 'string' || !SHA256.test(s.sha256)) return undefined;
  return { path: s.path, sha256: s.sha256.toLowerCase() };
}

/** The text of the `parameters` chunk: the prompt, then `Seed: N, Size: WxH, Model: M` (AUTOMATIC1111's form). */
export function parametersText(recipe: Recipe, pixels?: { width: number; height: number }): string {
  const fields: string[] = [];
  if (recipe.seed !== null) fields.push(`Seed: ${recipe.seed}`);
  // A ratio such as 16x9 is not a size other tools can use; without the pixels, leave it out.
  const size = pixels ? `${pixels.width}x${pixels.height}` : /^\d{3,5}x\d{3,5}$/.test(recipe.size) ? recipe.size : undefined;
  if (size) fields.push(`Size: ${size}`);
  fields.push(`Model: ${recipe.model}`);
  return `${recipe.prompt}\n${fields.join(', ')}`;
}

/**
 * The chunks that carry the recipe, in this order: iTXt `flux` (the JSON), `Description` (the
 * prompt), `Software`, `parameters`; tEXt where the text is Latin-1, else iTXt. `pixels` (from
 * IHDR) is the size the `parameters` line shows. Throws RangeError for a recipe that
 * `parseRecipeJson` would refuse: what is written must read back.
 */
export function recipeChunks(recipe: Recipe, pixels?: { width: number; height: number }): Uint8Array {
  const json = recipeJson(recipe);
  if (json === undefined) throw new RangeError('invalid recipe');
  return concatBytes([
    iTxtChunk(RECIPE_KEYWORD, json),
    textChunk('Description', recipe.prompt),
    textChunk('Software', SOFTWARE),
    textChunk('parameters', parametersText(recipe, pixels)),
  ]);
}

/**
 * The PNG with the recipe, as pieces to write one after another (subarrays of the input and the
 * new chunks; the image is not copied): the signature and IHDR, the recipe's chunks, the other
 * chunks before IDAT without any older text chunk with one of RECIPE_KEYWORDS, then everything
 * from the first IDAT on, untouched. Undefined when the bytes are not a well-formed PNG up to
 * its first IDAT (IHDR's CRC included), or the recipe is invalid: write the bytes as they came.
 */
export function withRecipe(png: Uint8Array, recipe: Recipe): Uint8Array[] | undefined {
  if (recipeJson(recipe) === undefined) return undefined;
  return withHeadChunks(png, (pixels) => recipeChunks(recipe, pixels), RECIPE_KEYWORDS);
}

/**
 * The PNG with new chunks right after IHDR, as pieces (see `withRecipe`): older text chunks with
 * a keyword in `replaced` are left out, the rest kept in place. `make` gets the size from IHDR
 * and where IHDR ends. Undefined when the bytes are not a well-formed PNG up to its first IDAT.
 */
export function withHeadChunks(png: Uint8Array, make: (pixels: { width: number; height: number }, ihdrEnd: number) => Uint8Array, replaced: readonly string[]): Uint8Array[] | undefined {
  const head = scanHead(png);
  if (head.state !== 'idat' || head.idat === undefined) return undefined;
  const pixels = pngSize(png);
  if (!pixels) return undefined;
  const ihdr = head.chunks[0]!;
  const pieces: Uint8Array[] = [png.subarray(0, ihdr.end), make(pixels, ihdr.end)];
  let keepFrom = ihdr.end;
  for (const chunk of head.chunks.slice(1)) {
    const keyword = textKeyword(png, chunk);
    if (keyword === undefined || !replaced.includes(keyword)) continue;
    if (chunk.start > keepFrom) pieces.push(png.subarray(keepFrom, chunk.start));
    keepFrom = chunk.end;
  }
  pieces.push(png.subarray(keepFrom));
  return pieces;
}

/**
 * The recipe in a PNG's head (its first bytes; RECIPE_HEAD_BYTES is enough for what
 * `withRecipe` writes). Never throws. `needMore`: the bytes ended before the first IDAT without
 * a recipe, so a longer head might hold one (a file that is shorter than what was asked for
 * has nothing more to give: stop then).
 */
export function readRecipe(head: Uint8Array): { recipe?: Recipe; needMore: boolean } {
  try {
    const scan = scanHead(head);
    for (const chunk of scan.chunks) {
      if (chunk.type !== 'iTXt' || textKeyword(head, chunk) !== RECIPE_KEYWORD) continue;
      // Bigger than any recipe: not worth a CRC or a parse.
      if (chunk.dataEnd - chunk.dataStart > RECIPE_KEYWORD.length + 5 + MAX_RECIPE_JSON_BYTES) continue;
      const t = readTextChunk(head, chunk);
      const recipe = t && parseRecipeJson(t.text);
      if (recipe) return { recipe, needMore: false };
    }
    return { needMore: scan.state === 'truncated' };
  } catch {
    return { needMore: false };
  }
}

export type RecipeField = 'prompt' | 'model' | 'size' | 'seed' | 'provider' | 'created' | 'source';

/**
 * What a hover or a "Show Image Recipe" shows, as plain strings: put them in with
 * `MarkdownString.appendText` (never appendMarkdown), the label through the host's
 * translation (`key` identifies it). Seed and Source appear only when the recipe has them.
 */
export function recipeLines(recipe: Recipe): { key: RecipeField; label: string; value: string }[] {
  const lines: { key: RecipeField; label: string; value: string }[] = [
    { key: 'prompt', label: 'Prompt', value: recipe.prompt },
    { key: 'model', label: 'Model', value: recipe.model },
    { key: 'size', label: 'Size', value: recipe.size },
  ];
  if (recipe.seed !== null) lines.push({ key: 'seed', label: 'Seed', value: String(recipe.seed) });
  lines.push({ key: 'provider', label: 'Provider', value: recipe.provider === 'bfl' ? 'Black Forest Labs' : 'DMXAPI' });
  lines.push({ key: 'created', label: 'Created', value: recipe.created });
  if (recipe.source) lines.push({ key: 'source', label: 'Source', value: recipe.source.path });
  return lines;
}

/** The JSON written for a recipe (fields in the contract's order), or undefined when it is invalid. */
function recipeJson(recipe: Recipe): string | undefined {
  const valid = validRecipe(recipe);
  if (!valid) return undefined;
  const json = JSON.stringify(valid);
  return parseRecipeJson(json) ? json : undefined;
}

function isPlainObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isText(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max && !LONE_SURROGATE.test(v);
}

function isIsoDate(s: string): boolean {
  const m = ISO.exec(s);
  if (!m || Number.isNaN(Date.parse(s))) return false;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[7] === undefined || (Number(m[7]) <= 14 && Number(m[8]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

/** Workspace-relative, `/`-separated, no `..`, no drive, scheme or absolute start. */
function isRelativePath(p: string): boolean {
  if (LINE_BAD.test(p) || p.includes('\\') || p.includes(':') || p.startsWith('/')) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/**
 * The size to ask for to make a recipe or record again: the pixels FLUX.2 was sent (whatever
 * `flux.megapixels` says now), else the size as it was asked.
 */
export function sizeToRepeat(made: { readonly model: string; readonly size: string; readonly width?: number; readonly height?: number }): string {
  return takesPixels(made.model) && made.width && made.height ? `${made.width}x${made.height}` : made.size;
}

/** The PNG recipe of a record (the contract's fields). */
export function recipeOf(record: ImageRecord): Recipe {
  const size = record.size || (record.width && record.height ? `${record.width}x${record.height}` : '1x1');
  return {
    v: 1,
    prompt: record.prompt,
    model: record.model,
    size,
    seed: record.seed ?? null,
    provider: record.provider ?? 'dmxapi',
    created: new Date(record.createdAt).toISOString(),
    ...(record.source ? { source: record.source } : {}),
    // What FLUX.2 was sent; Kontext's recipe stays as it was.
    ...(record.width && record.height && takesPixels(record.model) ? { width: record.width, height: record.height } : {}),
    ...(record.outputFormat ? { outputFormat: record.outputFormat } : {}),
    ...(record.promptUpsampling !== undefined ? { promptUpsampling: record.promptUpsampling } : {}),
    ...(record.references?.length ? { references: record.references } : {}),
    ...(record.style ? { style: record.style } : {}),
    ...(record.sentPrompt !== undefined ? { sentPrompt: record.sentPrompt } : {}),
  };
}
