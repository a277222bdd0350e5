// The documents under the paths given: every file of a language in "Documents", in a stable order,
// with `.gitignore`d files (every .gitignore from the repository root down, as git reads them),
// `node_modules` and `.git` left out. Symbolic links are not followed: they may lead out of the
// repository.
import type { Dirent } from 'node:fs';
// Synchronous, as the scan: many small folders go faster without a thread-pool round trip each.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import type { DocumentLanguage } from '../core/documents/types';
import { languageOfPath } from '../core/missingImages';

export interface FoundDocument {
  /** Absolute, native separators. */
  readonly file: string;
  /** Relative to the repository root, `/` separators. */
  readonly repoPath: string;
  readonly language: DocumentLanguage;
}

const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

interface Rules {
  /** The folder the .gitignore is in, relative to the root, `/` separators, '' for the root. */
  readonly base: string;
  readonly rules: Ignore;
}

/** `/`-separated path of `file` relative to `root`. */
export function repoRelative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** Every document under `targets` (absolute paths inside `root`, each a file or a folder), each once. */
export async function findDocuments(root: string, targets: readonly string[]): Promise<FoundDocument[]> {
  const found = new Map<string, FoundDocument>();
  const cache = new Map<string, Promise<Rules | undefined>>();
  const rulesOf = (dir: string) => {
    if (!cache.has(dir)) cache.set(dir, readRules(root, dir));
    return cache.get(dir)!;
  };
  const chainTo = async (dir: string): Promise<Rules[]> => {
    const rel = repoRelative(root, dir);
    const dirs = [root, ...(rel ? rel.split('/').map((_, i, all) => path.join(root, ...all.slice(0, i + 1))) : [])];
    return (await Promise.all(dirs.map(rulesOf))).filter((r): r is Rules => r !== undefined);
  };

  const visit = async (dir: string, dirRel: string, chain: readonly Rules[]): Promise<void> => {
    const own = await rulesOf(dir);
    const rules = own && !chain.includes(own) ? [...chain, own] : chain;
    let entries: Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const folders: [string, string][] = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      // Built from the folder's own: path.relative for each of thousands of entries is what a scan would spend.
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED.has(entry.name) || ignored(rules, `${rel}/`)) continue;
        folders.push([full, rel]);
      } else if (entry.isFile()) {
        const language = languageOfPath(entry.name);
        if (language && !ignored(rules, rel)) found.set(full, { file: full, repoPath: rel, language });
      }
    }
    for (const [folder, folderRel] of folders) await visit(folder, folderRel, rules);
  };

  for (const target of targets) {
    const stat = fs.lstatSync(target);
    const parent = path.dirname(target);
    const chain = target === root ? [] : await chainTo(parent);
    const rel = repoRelative(root, target);
    if (stat.isDirectory()) {
      if (target === root || !ignored(chain, `${rel}/`)) await visit(target, rel, chain);
    } else if (stat.isFile()) {
      // A file named on the command line is read even when ignored: it was asked for.
      const language = languageOfPath(target);
      if (language) found.set(target, { file: target, repoPath: rel, language });
    }
  }
  return [...found.values()].sort((a, b) => (a.repoPath < b.repoPath ? -1 : a.repoPath > b.repoPath ? 1 : 0));
}

async function readRules(root: string, dir: string): Promise<Rules | undefined> {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
  } catch {
    return undefined;
  }
  return { base: repoRelative(root, dir), rules: ignore().add(text) };
}

/** Whether a root-relative path (folders end in `/`) is ignored by any .gitignore above it. */
function ignored(chain: readonly Rules[], rel: string): boolean {
  // Later (deeper) files win, as in git: a deeper `!x` takes back what a higher one ignored.
  let result = false;
  for (const { base, rules } of chain) {
    const inner = base ? rel.slice(base.length + 1) : rel;
    if (!inner || inner === '/') continue;
    const test = rules.test(inner);
    if (test.ignored) result = true;
    else if (test.unignored) result = false;
  }
  return result;
}
