// Writing for fill: every file goes through a temporary `.flux-*.part` in its own folder and one
// atomic step, so a reader (a docs build, another shard) never sees half a file. An image is put
// in place with link(2), which refuses an existing name: never over an existing file, even one
// another job made a moment ago. Every temporary file is known here, so none outlives the run.
import { randomUUID } from 'node:crypto';
import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export class TempFiles {
  private readonly live = new Set<string>();

  /** A new temporary file beside `target` holding `pieces`; removed again if writing fails. */
  async write(target: string, pieces: Uint8Array | readonly Uint8Array[], mode?: number): Promise<string> {
    const temp = path.join(path.dirname(target), `.flux-${randomUUID().slice(0, 12)}.part`);
    this.live.add(temp);
    try {
      const handle = await fs.open(temp, 'wx', mode ?? 0o644);
      try {
        for (const piece of Array.isArray(pieces) ? pieces : [pieces as Uint8Array]) await handle.write(piece);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return temp;
    } catch (err) {
      await this.remove(temp);
      throw err;
    }
  }

  /** Puts `temp` at `target` when nothing is there; false (and `temp` gone) when something is. */
  async placeNew(temp: string, target: string): Promise<boolean> {
    try {
      await fs.link(temp, target);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      const code = (err as NodeJS.ErrnoException).code;
      // A file system without hard links: claim the name exclusively, then rename over the claim.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err;
      try {
        await (await fs.open(target, 'wx')).close();
      } catch (claim) {
        if ((claim as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw claim;
      }
      await fs.rename(temp, target);
      this.live.delete(temp);
      return true;
    } finally {
      await this.remove(temp);
    }
  }

  /** Replaces `target` (a document) with `temp` in one step. */
  async replace(temp: string, target: string): Promise<void> {
    try {
      await fs.rename(temp, target);
      this.live.delete(temp);
    } finally {
      await this.remove(temp);
    }
  }

  async remove(temp: string): Promise<void> {
    if (!this.live.has(temp)) return;
    try {
      await fs.rm(temp, { force: true });
    } finally {
      this.live.delete(temp);
    }
  }

  /** On the way out, however it comes (Ctrl+C included): synchronous, so it runs before exit. */
  removeAllNow(): void {
    for (const temp of this.live) {
      try {
        fsSync.rmSync(temp, { force: true });
      } catch {
        // nothing more can be done on the way out
      }
    }
    this.live.clear();
  }

  get count(): number {
    return this.live.size;
  }
}
