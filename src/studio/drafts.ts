import * as vscode from 'vscode';
import type { HistoryEntry } from '../core/history';
import type { DraftFile, DraftLimits } from '../core/drafts';
import { DEFAULT_DRAFT_LIMITS, draftsToPrune } from '../core/drafts';
import { sniffImageType } from '../core/imageType';
import type { Services } from '../services/services';
import { displayPath, isInside } from '../services/imageStore';

/** Drafts live here: the workspace's storage, or the global one when no folder is open. */
export function draftsFolderOf(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>): vscode.Uri {
  return vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'drafts');
}

/**
 * The Studio's drafts: images it made that are not in the workspace yet. They are written by the
 * one pipeline (`GenerationJob.folder`), recorded in the one history, and shown from here until
 * Insert or Save to assets copies them into the output folder (by the normal naming rules, never
 * over a file); the history entry then points at the copy and the draft file goes.
 */
export class Drafts {
  private pruning: Promise<void> = Promise.resolve();

  constructor(
    readonly folder: vscode.Uri,
    private readonly services: Pick<Services, 'files' | 'history' | 'log'>,
    private readonly limits: DraftLimits = DEFAULT_DRAFT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  contains(uri: vscode.Uri): boolean {
    return isInside(uri, this.folder) && uri.path !== this.folder.path;
  }

  /**
   * Copies a draft into `outputFolder` under a free name and points its history entry there (same
   * id, so an edit's `parent` still finds it); the draft file is then deleted. Resolves to the copy.
   */
  async save(entry: HistoryEntry, draft: vscode.Uri, outputFolder: vscode.Uri): Promise<vscode.Uri> {
    const bytes = await vscode.workspace.fs.readFile(draft);
    const type = sniffImageType(bytes);
    const extension = type?.extension ?? (/\.[a-z]+$/i.exec(draft.path)?.[0] ?? '.png');
    const saved = await this.services.files.saveAlone({ bytes, extension, prompt: entry.prompt }, outputFolder);
    await this.services.history.add({ ...entry, file: saved.toString() });
    try {
      await vscode.workspace.fs.delete(draft, { useTrash: false });
    } catch {
      // Gone already, or locked: pruning takes it later (nothing lists it any more).
    }
    this.services.log.info(`Studio saved the draft as ${displayPath(saved)}`);
    return saved;
  }

  /**
   * Deletes old drafts beyond the limits (see core/drafts.ts), and their history entries. `keep`:
   * URI strings never to delete now (in flight, being saved, inputs of edits). Runs one at a time.
   */
  prune(keep: ReadonlySet<string>): Promise<void> {
    const run = this.pruning.then(() => this.pruneNow(keep));
    this.pruning = run.then(
      () => undefined,
      (err: unknown) => this.services.log.warn(`Pruning the Studio drafts failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    return this.pruning;
  }

  private async pruneNow(keep: ReadonlySet<string>): Promise<void> {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(this.folder);
    } catch {
      return; // no drafts yet
    }
    const listed = new Map<string, HistoryEntry>();
    for (const e of this.services.history.list()) listed.set(e.file, e);
    const files: DraftFile[] = [];
    for (const [name, type] of entries) {
      // Temporary files of a write in progress are the image store's own.
      if (type !== vscode.FileType.File || name.startsWith('.flux-')) continue;
      const uri = vscode.Uri.joinPath(this.folder, name);
      const key = uri.toString();
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        const entry = listed.get(key);
        files.push({ key, size: stat.size, createdAt: entry?.createdAt ?? stat.mtime, listed: entry !== undefined });
      } catch {
        // gone meanwhile
      }
    }
    const doomed = draftsToPrune(files, keep, this.now(), this.limits);
    for (const key of doomed) {
      const uri = vscode.Uri.parse(key, true);
      try {
        await vscode.workspace.fs.delete(uri, { useTrash: false });
      } catch {
        continue;
      }
      const entry = listed.get(key);
      if (entry) await this.services.history.remove(entry.id);
    }
    if (doomed.length) this.services.log.info(`Studio: deleted ${doomed.length} old draft(s)`);
  }
}
