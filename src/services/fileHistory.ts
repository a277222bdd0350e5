import * as vscode from 'vscode';
import type { HistoryEntry, HistoryStore } from '../core/history';
import type { Recipe } from '../core/recipe';
import { readConfig } from './config';
import type { RecipeCache } from './recipeReader';

/** Where a scan stops: at most this many files read, for at most this long. */
export interface ScanLimits {
  readonly maxFiles: number;
  readonly maxMs: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = { maxFiles: 500, maxMs: 3000 };

/** Ids of entries found in files: `file-` and a hash of the file's URI, so a rescan finds the same id. */
export const FILE_ENTRY_PREFIX = 'file-';
const DISMISSED_KEY = 'flux.studio.dismissedFiles';
/** The files that may carry a recipe: what the extension writes (the format the service answered with). */
const IMAGE_GLOB = '**/*.{png,jpg,jpeg,webp}';
const MAX_DISMISSED = 2000;
const MIN_CREATED = Date.UTC(2020, 0, 1);
const MAX_CREATED = Date.UTC(2100, 0, 1);

export interface ScanResult {
  /** Image files (PNG, JPEG, WebP) looked at (stat), and how many of them were read. */
  readonly found: number;
  readonly read: number;
  readonly added: number;
  readonly removed: number;
  /** Stopped at the file or time limit. */
  readonly limited: boolean;
}

/**
 * The Studio's history also lists images that carry a recipe in the output folders, so a cloned
 * workspace shows how its images were made. They go into the one history (HistoryStore, as
 * entries with a `file-` id), so every Studio action works on them; a file already in the
 * history is not added twice. A scan runs in the background after activation, when the Studio
 * opens, and when workspace folders change; it reads the newest files first (by mtime), at most
 * `maxFiles` of them within `maxMs`, each only once per (uri, mtime, size). Entries whose file
 * was deleted drop out (at the next scan, or at once when the watcher sees it); an entry a person
 * removed from the history is not brought back.
 */
export class FileHistory implements vscode.Disposable {
  private running: Promise<ScanResult> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly removing = new Set<string>();

  constructor(
    private readonly history: HistoryStore,
    private readonly recipes: RecipeCache,
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    private readonly limits: ScanLimits = DEFAULT_SCAN_LIMITS,
  ) {
    this.subscriptions.push(
      history.onDidChange((change) => {
        const dismissed = change.removed.filter((id) => id.startsWith(FILE_ENTRY_PREFIX) && !this.removing.has(id));
        if (dismissed.length) void this.dismiss(dismissed);
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(IMAGE_GLOB, true, true, false);
    this.subscriptions.push(
      watcher,
      watcher.onDidDelete((uri) => {
        this.recipes.forget(uri);
        const gone = this.history.list().filter((e) => e.id.startsWith(FILE_ENTRY_PREFIX) && e.file === uri.toString());
        void this.drop(gone.map((e) => e.id));
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.scan()),
      // The Studio opening (from the palette, a button, a restored window) is when its history is looked at.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        if (e.opened.some((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('flux.studio'))) void this.scan();
      }),
    );
  }

  /** Scans now (or joins the scan already running). Never rejects. */
  scan(): Promise<ScanResult> {
    this.running ??= this.doScan()
      .catch((err: unknown): ScanResult => {
        this.log.warn(`Scanning the output folders for recipes failed: ${err instanceof Error ? err.message : String(err)}`);
        return { found: 0, read: 0, added: 0, removed: 0, limited: false };
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private async doScan(): Promise<ScanResult> {
    const started = Date.now();
    const deadline = started + this.limits.maxMs;
    let limited = false;
    // Entries found in files earlier whose file is gone.
    const stale: string[] = [];
    for (const entry of this.history.list()) {
      if (!entry.id.startsWith(FILE_ENTRY_PREFIX)) continue;
      if (Date.now() > deadline) break;
      try {
        await vscode.workspace.fs.stat(vscode.Uri.parse(entry.file, true));
      } catch {
        stale.push(entry.id);
      }
    }
    await this.drop(stale);

    const candidates = await this.candidates();
    // Newest first by mtime: with a file or time limit, the recent images are the ones found.
    const stats: { uri: vscode.Uri; stat: vscode.FileStat }[] = [];
    for (const uri of candidates) {
      if (Date.now() > deadline) {
        limited = true;
        break;
      }
      try {
        stats.push({ uri, stat: await vscode.workspace.fs.stat(uri) });
      } catch {
        // gone meanwhile
      }
    }
    stats.sort((a, b) => b.stat.mtime - a.stat.mtime);
    const known = new Set(this.history.list().map((e) => e.file));
    const dismissed = new Set(this.state.get<string[]>(DISMISSED_KEY) ?? []);
    const entries: HistoryEntry[] = [];
    let read = 0;
    for (const { uri, stat } of stats) {
      if (read >= this.limits.maxFiles || Date.now() > deadline) {
        limited = true;
        break;
      }
      const file = uri.toString();
      if (known.has(file)) continue;
      const id = await entryId(file);
      if (dismissed.has(id)) continue;
      read++;
      const { recipe } = await this.recipes.get(uri, stat);
      if (recipe) entries.push(entryFor(id, file, recipe, stat));
    }
    const added = await this.history.addMany(entries);
    const result = { found: candidates.length, read, added: added.length, removed: stale.length, limited };
    this.log.info(`Recipes in the output folders: ${result.found} image files, ${read} read, ${result.added} added to the history, ${stale.length} gone, in ${Date.now() - started} ms${limited ? ' (stopped at the limit)' : ''}`);
    return result;
  }

  /** The image files under each workspace folder's output folder (the part before any `${…}` variable). */
  private async candidates(): Promise<vscode.Uri[]> {
    const out: vscode.Uri[] = [];
    const seen = new Set<string>();
    // Enough to pick the newest from, but never a whole huge workspace.
    const maxResults = this.limits.maxFiles * 4;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const prefix = staticPrefix(readConfig(folder.uri).outputFolder);
      if (prefix === undefined) continue;
      const pattern = new vscode.RelativePattern(folder, prefix ? `${prefix}/${IMAGE_GLOB}` : IMAGE_GLOB);
      const found = await vscode.workspace.findFiles(pattern, '**/node_modules/**', maxResults);
      for (const uri of found) {
        const key = uri.toString();
        if (!seen.has(key)) {
          seen.add(key);
          out.push(uri);
        }
      }
    }
    return out;
  }

  private async drop(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.removing.add(id);
    try {
      await this.history.removeMany(ids);
    } finally {
      for (const id of ids) this.removing.delete(id);
    }
  }

  private async dismiss(ids: readonly string[]): Promise<void> {
    const list = [...(this.state.get<string[]>(DISMISSED_KEY) ?? []).filter((id) => !ids.includes(id)), ...ids];
    await this.state.update(DISMISSED_KEY, list.slice(-MAX_DISMISSED));
  }
}

/**
 * The fixed folder an output folder setting starts with: `assets` for `assets`, `docs` for
 * `docs/${documentBaseName}`, '' (the whole folder) for `${documentDirName}/images`; undefined
 * for one that leaves the workspace folder.
 */
export function staticPrefix(outputFolder: string): string | undefined {
  const segments = outputFolder.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  const fixed: string[] = [];
  for (const segment of segments) {
    if (segment === '..') return undefined;
    if (segment.includes('${')) break;
    // Glob characters are not ours to interpret: stop before them.
    if (/[*?[\]{}!]/.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.join('/');
}

async function entryId(file: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(file));
  return FILE_ENTRY_PREFIX + Buffer.from(digest).toString('hex').slice(0, 40);
}

function entryFor(id: string, file: string, recipe: Recipe, stat: vscode.FileStat): HistoryEntry {
  const created = Date.parse(recipe.created);
  const createdAt = Number.isFinite(created) && created >= MIN_CREATED && created < MAX_CREATED ? created : Math.min(Math.max(stat.mtime, MIN_CREATED), MAX_CREATED - 1);
  return {
    id,
    prompt: recipe.prompt,
    model: recipe.model,
    size: recipe.size,
    ...(recipe.seed !== null && recipe.seed >= 0 ? { seed: recipe.seed } : {}),
    provider: recipe.provider,
    createdAt,
    file,
    ...(recipe.source ? { source: recipe.source } : {}),
  };
}
