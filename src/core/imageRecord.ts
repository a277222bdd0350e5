/**
 * The one record of a made image: the history, the Studio's protocol and the PNG recipe all
 * speak of an image in these terms. No `vscode` import.
 */
import type { ProviderId } from './providers/types';
import { PROVIDER_IDS } from './providers/types';
import { IMAGE_FILE_NAME } from './imageType';
import { isSafeStoredFileUri } from './workspacePath';

/** Room for a full prompt (4000 characters) plus stray whitespace; longer is not one of ours. */
export const MAX_PROMPT_FIELD = 8000;
export const MAX_MODEL_FIELD = 100;
export const MAX_SIZE_FIELD = 32;
export const MAX_FILE_FIELD = 4096;
/** Ids are made by the host (UUIDs); anything else is not one of ours. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Dates from 2020 to 2100: anything else in a stored record is tampering or a broken clock. */
const MIN_CREATED = Date.UTC(2020, 0, 1);
const MAX_CREATED = Date.UTC(2100, 0, 1);
const SHA256 = /^[0-9a-f]{64}$/;
/** Where a workspace's files live: local disk, a remote (SSH, WSL, containers, code-server), virtual file systems. */
const STORED_SCHEMES = ['file', 'vscode-remote', 'vscode-vfs', 'vscode-userdata', 'memfs'];

/** How an image was made beyond its prompt, model, size and seed: what a record and a recipe both keep. */
export interface MadeWith {
  /** For an edit: the input image, workspace-relative with `/`, and its SHA-256 in hex. */
  readonly source?: { readonly path: string; readonly sha256: string };
  /** The pixels asked for or made (FLUX.2 records what was sent). */
  readonly width?: number;
  readonly height?: number;
  /** Where the model takes `output_format`: what was asked. */
  readonly outputFormat?: 'png' | 'jpeg';
  /** Where the model takes `prompt_upsampling`: what was sent. */
  readonly promptUpsampling?: boolean;
  /** The reference images sent, in order: workspace-relative paths and SHA-256. */
  readonly references?: readonly { readonly path: string; readonly sha256: string }[];
  /** The house style it was made in: its name and template (`{prompt}` where the words go); `prompt` stays the writer's words. */
  readonly style?: { readonly name: string; readonly prompt: string };
  /** What was sent, when it differs from `prompt` (a house style's template filled with the words). */
  readonly sentPrompt?: string;
}

export interface ImageRecord extends MadeWith {
  /** Made by the host; matches ID_PATTERN. */
  readonly id: string;
  readonly prompt: string;
  readonly model: string;
  /** Normalised size asked for: `16x9` or `WIDTHxHEIGHT`; `''` for an edit that kept the input's ratio. */
  readonly size: string;
  /** The seed sent: -1 = random. */
  readonly seedRequested?: number;
  /** The seed the service reported using; else the fixed seed sent; absent when neither is known. */
  readonly seed?: number;
  readonly provider?: ProviderId;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly durationMs?: number;
  /** The image file as a URI string (works for remote and virtual workspaces too). */
  readonly file: string;
  /** For an edit: the id of the record of the input image, when it has one. */
  readonly parent?: string;
  /** Fetched again after VS Code stopped while it was being made (a draft until it is placed). */
  readonly recovered?: boolean;
}

function optionalInteger(value: unknown, min: number): number | undefined | false {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min ? value : false;
}

/** A checked copy with only the known fields, or undefined when the value is not a record. */
export function sanitizeRecord(raw: unknown): ImageRecord | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.id !== 'string' || !ID_PATTERN.test(r.id)) return undefined;
  if (typeof r.prompt !== 'string' || !r.prompt || r.prompt.length > MAX_PROMPT_FIELD) return undefined;
  if (typeof r.model !== 'string' || !r.model || r.model.length > MAX_MODEL_FIELD) return undefined;
  if (typeof r.size !== 'string' || r.size.length > MAX_SIZE_FIELD) return undefined;
  // Only image files: a tampered record cannot point anything at another kind of file.
  if (typeof r.file !== 'string' || !r.file || r.file.length > MAX_FILE_FIELD || !IMAGE_FILE_NAME.test(r.file)) return undefined;
  // No `.` or `..` segments, no encoded ones, only the schemes workspaces use.
  if (!isSafeStoredFileUri(r.file, STORED_SCHEMES)) return undefined;
  if (typeof r.createdAt !== 'number' || !Number.isFinite(r.createdAt) || r.createdAt < MIN_CREATED || r.createdAt > MAX_CREATED) return undefined;
  const seed = optionalInteger(r.seed, -1);
  const seedRequested = optionalInteger(r.seedRequested, -1);
  const width = optionalInteger(r.width, 1);
  const height = optionalInteger(r.height, 1);
  const durationMs = typeof r.durationMs === 'number' && Number.isFinite(r.durationMs) && r.durationMs >= 0 ? Math.round(r.durationMs) : undefined;
  if (seed === false || width === false || height === false || seedRequested === false) return undefined;
  const provider = typeof r.provider === 'string' && (PROVIDER_IDS as readonly string[]).includes(r.provider) ? (r.provider as ProviderId) : undefined;
  const s = r.source as Record<string, unknown> | undefined;
  const source = pathWithHash(s);
  const parent = typeof r.parent === 'string' && ID_PATTERN.test(r.parent) ? r.parent : undefined;
  const references = Array.isArray(r.references) ? r.references.slice(0, 8).map(pathWithHash) : [];
  return {
    id: r.id,
    prompt: r.prompt,
    model: r.model,
    size: r.size,
    ...(seedRequested !== undefined ? { seedRequested } : {}),
    ...(seed !== undefined && seed >= 0 ? { seed } : {}),
    ...(provider ? { provider } : {}),
    createdAt: r.createdAt,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(width !== undefined && height !== undefined ? { width, height } : {}),
    file: r.file,
    ...(source ? { source } : {}),
    ...(parent ? { parent } : {}),
    ...(r.recovered === true ? { recovered: true } : {}),
    ...(r.outputFormat === 'png' || r.outputFormat === 'jpeg' ? { outputFormat: r.outputFormat } : {}),
    ...(typeof r.promptUpsampling === 'boolean' ? { promptUpsampling: r.promptUpsampling } : {}),
    ...(references.length && references.every((x) => x !== undefined) ? { references: references as { path: string; sha256: string }[] } : {}),
    ...(styleOf(r.style)),
    ...(typeof r.sentPrompt === 'string' && r.sentPrompt && r.sentPrompt.length <= MAX_PROMPT_FIELD ? { sentPrompt: r.sentPrompt } : {}),
  };
}

function styleOf(value: unknown): { style?: { name: string; prompt: string } } {
  const s = value as Record<string, unknown> | undefined;
  return s && typeof s === 'object' && typeof s.name === 'string' && s.name.length <= 64 && typeof s.prompt === 'string' && s.prompt && s.prompt.length <= MAX_PROMPT_FIELD
    ? { style: { name: s.name, prompt: s.prompt } }
    : {};
}

function pathWithHash(value: unknown): { path: string; sha256: string } | undefined {
  const s = value as Record<string, unknown> | undefined;
  return s && typeof s === 'object' && typeof s.path === 'string' && s.path.length <= MAX_FILE_FIELD && typeof s.sha256 === 'string' && SHA256.test(s.sha256)
    ? { path: s.path, sha256: s.sha256 }
    : undefined;
}
