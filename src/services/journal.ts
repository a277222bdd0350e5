import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { JournalEntry, JournalFile, JournalJob } from '../core/journal';
import { HEARTBEAT_MS, isStopped, JOURNAL_VERSION, parseJournal, serializeJournal } from '../core/journal';

/** Entries found in a stopped window's journal, claimed by this window (no other will take them). */
export interface Claimed {
  readonly entries: readonly JournalEntry[];
  /** The bytes kept for an entry (`bytesFile`), or undefined when they are gone. */
  bytes(entry: JournalEntry): Promise<Uint8Array | undefined>;
  /** Done with an entry: recovered, or dropped. Its kept bytes are deleted. */
  settle(entry: JournalEntry): Promise<void>;
  /** Could not be finished now (the network, say): it goes on in this window's own journal. */
  adopt(entry: JournalEntry): Promise<void>;
}

/**
 * This window's journal of paid work in flight (see core/journal.ts), one file per window in the
 * extension's global storage, rewritten on every change (write beside, then rename: a crash
 * leaves the old file or the new one, never half of one) and every HEARTBEAT_MS while work is in
 * flight, so another window can tell a stopped one from a busy one. Never holds a key.
 */
export class TaskJournal implements vscode.Disposable {
  private readonly entries = new Map<string, JournalEntry>();
  private readonly file: vscode.Uri;
  private writing: Promise<void> = Promise.resolve();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Once the window shuts down, the file stays as it is: the jobs it lists are recovered next time. */
  private closed = false;

  constructor(
    readonly folder: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly now: () => number = Date.now,
    private readonly pid: number = process.pid,
    private readonly processAlive: (pid: number) => boolean = isProcessAlive,
  ) {
    this.file = vscode.Uri.joinPath(folder, `window-${pid}-${globalThis.crypto.randomUUID().slice(0, 8)}.json`);
  }

  /** How many entries this window keeps (tests). */
  get size(): number {
    return this.entries.size;
  }

  /** A polling service accepted the job: from here on it is paid for. */
  accepted(id: string, job: JournalJob, pollUrl: string): Promise<void> {
    const entry: JournalEntry = { ...(this.entries.get(id) ?? { id, startedAt: this.now(), job }), task: { pollUrl, acceptedAt: this.now() } };
    return this.put(entry);
  }

  /** The image's bytes arrived: kept beside the journal until its file is written. */
  async arrived(id: string, job: JournalJob, bytes: Uint8Array | readonly Uint8Array[], seed: number | undefined): Promise<void> {
    const bytesFile = `${id}.bin`;
    if (this.closed) return;
    try {
      await files.mkdir(this.folder);
      await files.write(vscode.Uri.joinPath(this.folder, bytesFile), concat(bytes));
    } catch (err) {
      this.log.warn(`Journal: could not keep the image's bytes (${err instanceof Error ? err.message : String(err)}); it is saved as usual.`);
      return;
    }
    const base = this.entries.get(id) ?? { id, startedAt: this.now(), job };
    await this.put({ ...base, bytesFile, ...(seed !== undefined ? { seed } : {}) });
  }

  /** The job is over (its file written, or it failed in front of the person): nothing to recover. */
  async settled(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || this.closed) return;
    this.entries.delete(id);
    await this.save();
    if (entry.bytesFile) await deleteQuietly(vscode.Uri.joinPath(this.folder, entry.bytesFile));
  }

  /**
   * The journals of windows that stopped (their process is gone, or they stopped writing), taken
   * by this window: each file is renamed first, so two windows never recover the same image.
   */
  async claimStopped(): Promise<Claimed> {
    const found: JournalEntry[] = [];
    let names: [string, vscode.FileType][] = [];
    try {
      names = (await files.list(this.folder)).map((name) => [name, vscode.FileType.File] as [string, vscode.FileType]);
    } catch {
      // No folder: no journal was ever written.
    }
    for (const [name] of names) {
      if (!/^window-.*\.json$/.test(name) || name === this.file.path.split('/').pop()) continue;
      const uri = vscode.Uri.joinPath(this.folder, name);
      const journal = await readJournal(uri);
      if (journal && !isStopped(journal, this.now(), this.processAlive)) continue;
      const claimed = vscode.Uri.joinPath(this.folder, `${name}.claimed-${this.pid}`);
      try {
        await files.rename(uri, claimed, false);
      } catch {
        continue; // another window took it first
      }
      const mine = await readJournal(claimed);
      await deleteQuietly(claimed);
      if (!mine) {
        this.log.warn(`Journal: ${name} could not be read; removed.`);
        continue;
      }
      found.push(...mine.entries);
    }
    return {
      entries: found,
      bytes: async (entry) => {
        if (!entry.bytesFile) return undefined;
        try {
          return await files.read(vscode.Uri.joinPath(this.folder, entry.bytesFile));
        } catch {
          return undefined;
        }
      },
      settle: async (entry) => {
        if (entry.bytesFile) await deleteQuietly(vscode.Uri.joinPath(this.folder, entry.bytesFile));
      },
      adopt: (entry) => this.put(entry),
    };
  }

  dispose(): void {
    // The file stays: what is in it was paid for, and the next window recovers it. Jobs cancelled
    // by the shutdown itself must not take their entries out of it.
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private put(entry: JournalEntry): Promise<void> {
    this.entries.set(entry.id, entry);
    return this.save();
  }

  /** Writes the journal as it is now (one write at a time); with no entries the file goes. */
  private save(): Promise<void> {
    if (this.closed) return this.writing;
    const run = this.writing.then(() => this.write());
    this.writing = run.catch(() => undefined);
    this.beat();
    return run;
  }

  private async write(): Promise<void> {
    try {
      if (this.entries.size === 0) {
        await deleteQuietly(this.file);
        return;
      }
      const journal: JournalFile = { version: JOURNAL_VERSION, pid: this.pid, heartbeat: this.now(), entries: [...this.entries.values()] };
      await files.mkdir(this.folder);
      const temp = this.file.with({ path: `${this.file.path}.tmp` });
      await files.write(temp, new TextEncoder().encode(serializeJournal(journal)));
      await files.rename(temp, this.file, true);
    } catch (err) {
      this.log.warn(`Journal: could not write ${this.file.path.split('/').pop()}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** While work is in flight, the file is rewritten now and then: a sign this window lives. */
  private beat(): void {
    if (this.entries.size > 0 && !this.heartbeat) {
      this.heartbeat = setInterval(() => void this.save(), HEARTBEAT_MS);
    } else if (this.entries.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }
}

async function readJournal(uri: vscode.Uri): Promise<JournalFile | undefined> {
  try {
    return parseJournal(new TextDecoder().decode(await files.read(uri)));
  } catch {
    return undefined;
  }
}

async function deleteQuietly(uri: vscode.Uri): Promise<void> {
  try {
    await files.remove(uri);
  } catch {
    // Gone already.
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // Another user's process answers "not permitted": it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function concat(bytes: Uint8Array | readonly Uint8Array[]): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  return Buffer.concat(bytes.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
}

/**
 * The journal's file operations. Global storage is on the extension host's own disk: there Node's
 * fs is used directly, so an entry is on disk within a millisecond of the service accepting a
 * request (through VS Code's file service it took long enough for a reload to overtake it).
 * Anywhere else, VS Code's file system.
 */
const files = {
  local: (uri: vscode.Uri) => uri.scheme === 'file',
  async mkdir(uri: vscode.Uri): Promise<void> {
    if (files.local(uri)) await fs.mkdir(uri.fsPath, { recursive: true });
    else await vscode.workspace.fs.createDirectory(uri);
  },
  async write(uri: vscode.Uri, bytes: Uint8Array): Promise<void> {
    if (files.local(uri)) await fs.writeFile(uri.fsPath, bytes);
    else await vscode.workspace.fs.writeFile(uri, bytes);
  },
  async read(uri: vscode.Uri): Promise<Uint8Array> {
    return files.local(uri) ? fs.readFile(uri.fsPath) : vscode.workspace.fs.readFile(uri);
  },
  async list(uri: vscode.Uri): Promise<string[]> {
    return files.local(uri) ? fs.readdir(uri.fsPath) : (await vscode.workspace.fs.readDirectory(uri)).map(([name]) => name);
  },
  /** Atomic: when two windows take the same file (each to a name of its own), one of them fails. */
  async rename(from: vscode.Uri, to: vscode.Uri, overwrite: boolean): Promise<void> {
    if (!files.local(from)) return vscode.workspace.fs.rename(from, to, { overwrite });
    await fs.rename(from.fsPath, to.fsPath);
  },
  async remove(uri: vscode.Uri): Promise<void> {
    if (files.local(uri)) await fs.rm(uri.fsPath, { force: true });
    else await vscode.workspace.fs.delete(uri, { useTrash: false });
  },
};
