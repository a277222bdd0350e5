import { BIDI_CONTROL_CHARS } from './safeText';

/**
 * "Is this file inside the workspace?" decided on normalised paths, so that `..`, its encoded
 * forms (`%2e%2e`, `%2E%2e`), backslashes and prefixes (`/ws` against `/ws2`) cannot lead a write
 * or a stored history entry outside. URI paths here are `/`-separated, as in `vscode.Uri.path`.
 */

/** The most a percent-encoded path is decoded when judging it (`%252e` → `%2e` → `.`). */
const MAX_DECODES = 3;

/**
 * Percent-decodes like VS Code's graceful decoder: valid UTF-8 runs become their characters; in a
 * run that is not valid UTF-8, ASCII escapes (`%2e`, `%2f`, `%5c`) are still decoded, since those
 * are the ones that change a path's meaning, and the rest is kept as written.
 */
function decodePercent(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
  });
}

/**
 * Path segments resolved onto `base`: empty and `.` segments skipped, `..` going up. Undefined
 * when they climb above the root, or for a name made only of dots and spaces: Windows trims
 * trailing dots and spaces from names, so `.. ` or `...` may be read as `..` or `.` there, and
 * such names are refused rather than guessed.
 */
export function resolvePathSegments(segments: readonly string[], base: readonly string[] = []): string[] | undefined {
  const out = [...base];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (!out.length) return undefined;
      out.pop();
      continue;
    }
    if (/^[. ]+$/.test(segment)) return undefined;
    out.push(segment);
  }
  return out;
}

/** `.`, `..` resolved and `\` taken as a separator; undefined when it climbs above the root or is ambiguous. */
function resolveSegments(path: string): string | undefined {
  if (path.includes('\0')) return undefined;
  const out = resolvePathSegments(path.split(/[/\\]/));
  return out && `/${out.join('/')}`;
}

/**
 * The path percent-decoded once, `\` read as `/`, `.` and `..` resolved, repeated and trailing
 * separators dropped: always starts with `/` (root is `/`). Undefined when it climbs above the
 * root or holds a NUL or a name made only of dots and spaces.
 */
export function normalizeUriPath(path: string): string | undefined {
  return resolveSegments(decodePercent(path));
}

/** Each reading of a path: as written, then decoded once, twice, ... until decoding changes nothing. */
function readings(path: string): string[] {
  const all = [path];
  let current = path;
  for (let i = 0; i < MAX_DECODES; i++) {
    const next = decodePercent(current);
    if (next === current) return all;
    all.push(next);
    current = next;
  }
  // Still changing after MAX_DECODES: too deeply encoded to be an honest path.
  return decodePercent(current) === current ? all : [];
}

/**
 * True when `path` is `folderPath` itself or below it, under every reading of its percent-escapes
 * (whether the caller's string was already decoded or not, it cannot lead outside). Segments are
 * compared exactly (case-sensitive), so `/ws2` is not inside `/ws`.
 */
export function isInsideFolder(path: string, folderPath: string): boolean {
  const paths = readings(path);
  const folders = readings(folderPath);
  if (!paths.length || !folders.length) return false;
  for (let i = 0; i < Math.max(paths.length, folders.length); i++) {
    const p = resolveSegments(paths[Math.min(i, paths.length - 1)]);
    const f = resolveSegments(folders[Math.min(i, folders.length - 1)]);
    if (p === undefined || f === undefined) return false;
    if (!(p === f || p.startsWith(f === '/' ? '/' : `${f}/`))) return false;
  }
  return true;
}

const MAX_STORED_URI_LENGTH = 8192;

/** Control and bidi characters, backslashes, queries and fragments: never in a stored file URI. */
const UNSAFE_IN_URI = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${BIDI_CONTROL_CHARS}\\\\?#]`);

/**
 * For URIs read back from storage (the Studio's history): an absolute `scheme:` URI of an allowed
 * scheme (compared case-insensitively), with a path of plain names only. Refused: `.` or `..`
 * segments in any encoding, backslashes (also `%5c`), empty segments, a query or fragment, control
 * or bidi characters, NUL, and malformed escapes.
 */
export function isSafeStoredFileUri(uri: string, allowedSchemes: readonly string[]): boolean {
  if (typeof uri !== 'string' || uri.length > MAX_STORED_URI_LENGTH) return false;
  if (UNSAFE_IN_URI.test(uri)) return false;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(uri);
  if (!m) return false;
  const scheme = m[1].toLowerCase();
  if (!allowedSchemes.some((s) => s.toLowerCase() === scheme)) return false;
  let rest = m[2];
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    if (slash < 0) return false;
    const authority = rest.slice(2, slash);
    if (/%(?:2f|5c)/i.test(authority)) return false;
    rest = rest.slice(slash);
  }
  if (!rest.startsWith('/') || rest.length < 2) return false;
  // Malformed escapes (`%zz`, a lone `%`) are refused: the reader could decode them either way.
  if (/%(?![0-9A-Fa-f]{2})/.test(rest)) return false;
  const paths = readings(rest);
  if (!paths.length) return false;
  for (const path of paths) {
    if (/[\\\0]/.test(path)) return false;
    const segments = path.split('/').slice(1);
    if (segments.some((s) => s === '' || /^[. ]+$/.test(s))) return false;
  }
  return true;
}
