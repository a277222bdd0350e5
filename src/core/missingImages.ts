/**
 * Generate Missing Images, the pure part: which image references of a
 * document name a file the extension may write, where, and why the others are left alone. The
 * host adds what needs the file system: the workspace folders, existence, symbolic links.
 */
import { DOCUMENT_LANGUAGES, type DocumentLanguage, type ImageReference, LANGUAGES, languageOfExtension } from './documents/types';
import { hasScheme } from './documents/text';
import { isInsideFolder, resolvePathSegments } from './workspacePath';

/** Why a reference is not generated: each is listed with its reason. */
export type SkipReason = 'url' | 'absolute' | 'notImage' | 'outside' | 'symlink' | 'noText' | 'unresolved';

/** What the service answers: a reference to another of these is written as PNG and retargeted. */
const GENERATED_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'] as const;

/**
 * What graphicx tries, in this order, for `\includegraphics{fig}` without an extension under
 * pdfLaTeX, LuaLaTeX and XeLaTeX (`\Gin@extensions` of pdftex.def, upper-case too): any of
 * these beside the document means the figure is not missing. We write `fig.png`, which all
 * three find; plain `latex` + dvips reads only EPS, so such a document must add `.png` itself.
 */
export const LATEX_IMPLICIT_EXTENSIONS: readonly string[] = ['pdf', 'png', 'jpg', 'jpeg', 'jbig2', 'jb2', 'jp2', 'jpf', 'jpx', 'mps', 'eps', 'ps', 'ai'].flatMap((e) => [`.${e}`, `.${e.toUpperCase()}`]);

/** `**∕*.{md,…}`: every document the workspace command reads. */
export const DOCUMENT_GLOB = `**/*.{${DOCUMENT_LANGUAGES.flatMap((l) => LANGUAGES[l].extensions)
  .flatMap((e) => (e === 'rmd' ? ['rmd', 'Rmd'] : [e]))
  .join(',')}}`;

/** The document language of a file name by its extension (for files VS Code opens as plain text). */
export function languageOfPath(path: string): DocumentLanguage | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = name.slice(dot + 1).toLowerCase();
  return languageOfExtension(ext);
}

export interface Candidate {
  readonly kind: 'candidate';
  readonly ref: ImageReference;
  /** The alt text or caption: '' when there is none (the host skips it only if the file is missing). */
  readonly prompt: string;
  /** Relative to the document, `/` separators: the file to write. */
  readonly writePath: string;
  /** The reference's new path when the file written is not the one it names (`.jpg` → `.png`). */
  readonly retargetTo?: string;
  /** Relative paths any of which, when it exists, means the image is not missing. */
  readonly existing: readonly string[];
}

export interface Skipped {
  readonly kind: 'skip';
  readonly ref: ImageReference;
  readonly reason: SkipReason;
}

/**
 * What to do with one reference, from its text alone: URLs, absolute paths and names that are
 * not a PNG, JPEG or WebP are skipped; a `.jpg`, `.jpeg` or `.webp` is written as `.png` (the
 * service answers PNG) and the reference retargeted; LaTeX's `fig` is written as `fig.png`.
 */
export function planReference(ref: ImageReference, language: DocumentLanguage): Candidate | Skipped {
  const path = ref.path;
  const skip = (reason: SkipReason): Skipped => ({ kind: 'skip', ref, reason });
  if (/^[a-zA-Z]:[\\/]/.test(path) || path.startsWith('/') || path.startsWith('\\') || path.startsWith('~')) {
    // `//host/x` is a URL without its scheme
    return skip(path.startsWith('//') ? 'url' : 'absolute');
  }
  if (hasScheme(path)) return skip('url');
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const prompt = ref.alt.trim();
  if (!ext && language === 'latex' && name && name !== '.' && name !== '..') {
    return { kind: 'candidate', ref, prompt, writePath: `${path}.png`, existing: [path, ...LATEX_IMPLICIT_EXTENSIONS.map((e) => path + e)] };
  }
  if (!(GENERATED_EXTENSIONS as readonly string[]).includes(ext)) return skip('notImage');
  if (ext === 'png') return { kind: 'candidate', ref, prompt, writePath: path, existing: [path] };
  const png = `${path.slice(0, path.length - ext.length)}png`;
  return { kind: 'candidate', ref, prompt, writePath: png, retargetTo: png, existing: [path] };
}

/**
 * `dir` (an absolute `/`-separated path) joined with a relative path, `.` and `..` resolved,
 * nothing decoded (the readers have decoded it already). Undefined for a path that climbs above
 * the root, holds NUL or a backslash, or a name made only of dots and spaces (Windows reads
 * `.. ` as `..`).
 */
export function resolveRelative(dir: string, relative: string): string | undefined {
  // A trailing `/` (or nothing at all) names a folder, not a file.
  if (/[\0\\]/.test(relative) || relative === '' || relative.endsWith('/')) return undefined;
  const out = resolvePathSegments(relative.split('/'), dir.split('/').filter((s) => s !== ''));
  return out?.length ? `/${out.join('/')}` : undefined;
}

/**
 * The absolute path to write for a candidate, when it stays inside one of `folders` (absolute
 * paths of the workspace folders), judged on normalised paths under every reading of their
 * %-escapes; undefined otherwise. Returns the folder too: symbolic links are checked from there.
 */
export function placeInside(documentDir: string, relative: string, folders: readonly string[]): { path: string; folder: string } | undefined {
  const path = resolveRelative(documentDir, relative);
  if (path === undefined) return undefined;
  const folder = folders.find((f) => isInsideFolder(path, f) && path !== f.replace(/\/+$/, ''));
  return folder === undefined ? undefined : { path, folder };
}

/** The folder names between `folder` and the file at `path` (both absolute): the ones to check for links. */
export function foldersBetween(folder: string, path: string): string[] {
  const base = folder.split('/').filter(Boolean).length;
  return path.split('/').filter(Boolean).slice(base, -1);
}

/** What a scan reads from the file system; a front end gives its own (VS Code's, or Node's). */
export interface ScanFiles {
  /** The names in a folder (absolute, `/` separators); undefined when it cannot be read. */
  listNames(folder: string): Promise<ReadonlySet<string> | undefined> | ReadonlySet<string> | undefined;
  /** Whether the folder is a symbolic link; undefined when it does not exist (yet). */
  isSymbolicLink(folder: string): Promise<boolean | undefined> | boolean | undefined;
}

/** A reference whose file is missing: the one to make, with the other references to the same file. */
export interface FoundMissing {
  readonly ref: ImageReference;
  /** The path as written (the text between `ref.pathStart` and `ref.pathEnd`). */
  readonly written: string;
  /** The alt text or caption; '' when there is none (the first of its references that has one). */
  prompt: string;
  /** Absolute, `/` separators: where the image is written. */
  readonly path: string;
  /** The reference's new path (relative to the document) when the file written is not the one it names. */
  readonly retargetTo?: string;
  /** Other references to the same file whose path changes with it (`x.jpg` twice); a shared Markdown definition counts once. */
  readonly also: { readonly ref: ImageReference; readonly written: string; readonly retargetTo: string }[];
  /** A folder between the workspace folder and the file is a symbolic link (it may lead outside). */
  readonly throughLink: boolean;
}

/**
 * The references of one document whose file is missing, by one set of rules for Generate Missing
 * Images and `flux-docs`: each planned by `planReference`, kept inside `roots` (absolute folders),
 * a file named twice made once; one folder listing per folder, not a stat per file. Those that
 * cannot be made are returned with why (`noText` and symbolic links are for the caller to judge).
 */
export async function findMissingImages(
  text: string,
  refs: readonly ImageReference[],
  language: DocumentLanguage,
  dir: string,
  roots: readonly string[],
  files: ScanFiles,
): Promise<{ missing: FoundMissing[]; skipped: Skipped[] }> {
  const missing: FoundMissing[] = [];
  const skipped: Skipped[] = [];
  const seen = new Map<string, FoundMissing>();
  const listings = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  const links = new Map<string, Promise<boolean | undefined>>();
  const exists = async (names: readonly string[]): Promise<boolean> => {
    for (const name of names) {
      const full = resolveRelative(dir, name);
      if (full === undefined) continue;
      const parent = full.slice(0, full.lastIndexOf('/')) || '/';
      if (!listings.has(parent)) listings.set(parent, Promise.resolve(files.listNames(parent)));
      if ((await listings.get(parent))?.has(full.slice(full.lastIndexOf('/') + 1))) return true;
    }
    return false;
  };
  const throughLink = async (folder: string, segments: readonly string[]): Promise<boolean> => {
    for (const segment of segments) {
      folder = `${folder.replace(/\/+$/, '')}/${segment}`;
      if (!links.has(folder)) links.set(folder, Promise.resolve(files.isSymbolicLink(folder)));
      const link = await links.get(folder);
      // undefined: the folder does not exist yet (the rest will be created).
      if (link === undefined) return false;
      if (link) return true;
    }
    return false;
  };
  for (const ref of refs) {
    const plan = planReference(ref, language);
    if (plan.kind === 'skip') {
      skipped.push(plan);
      continue;
    }
    const place = placeInside(dir, plan.writePath, roots);
    if (!place) {
      skipped.push({ kind: 'skip', ref, reason: 'outside' });
      continue;
    }
    // A reference whose own file exists (`x.jpg` beside a missing `x.png`) is left alone.
    if (await exists(plan.existing)) continue;
    const written = text.slice(ref.pathStart, ref.pathEnd);
    const first = seen.get(place.path);
    if (first) {
      // Made once; a second reference that names it otherwise (`x.jpg` again) is changed with the
      // first. Images sharing one Markdown definition share its path: that is changed once.
      const samePath = (r: ImageReference) => r.pathStart === ref.pathStart && r.pathEnd === ref.pathEnd;
      if (plan.retargetTo && !samePath(first.ref) && !first.also.some((a) => samePath(a.ref))) first.also.push({ ref, written, retargetTo: plan.retargetTo });
      first.prompt ||= plan.prompt;
      continue;
    }
    const image: FoundMissing = {
      ref,
      written,
      prompt: plan.prompt,
      path: place.path,
      also: [],
      throughLink: await throughLink(place.folder, foldersBetween(place.folder, place.path)),
      ...(plan.retargetTo ? { retargetTo: plan.retargetTo } : {}),
    };
    seen.set(place.path, image);
    missing.push(image);
  }
  return { missing, skipped };
}
