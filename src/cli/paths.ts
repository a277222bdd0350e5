// The command line's file paths as the core's slash paths (what VS Code's URIs carry), and back:
// on Windows `C:\repo\docs` is `/C:/repo/docs` to the core.
import * as path from 'node:path';

export function toSlash(p: string): string {
  return path.sep === '/' ? p : `/${p.split(path.sep).join('/')}`;
}

export function fromSlash(p: string): string {
  return path.sep === '/' ? p : p.slice(1).split('/').join(path.sep);
}
