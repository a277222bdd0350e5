import * as vscode from 'vscode';
import { asFluxError } from '../core/errors';
import type { JournalEntry } from '../core/journal';
import { isCompleteImage } from '../core/imageType';
import { recoveryOf, RESULT_LIFETIME_MS } from '../core/journal';
import { readImageMeta } from '../core/imageMeta';
import { outputFolderSegments } from '../core/outputFolder';
import { readConfig } from './config';
import type { GenerationService } from './generationService';
import { recordedStyle } from './generationService';
import type { TaskJournal } from './journal';

/** What a recovery did. */
export interface RecoveryResult {
  /** Images delivered to the Studio as Recovered drafts. */
  readonly recovered: number;
  /** Journal entries dropped: expired, refused, moderated, gone. */
  readonly dropped: number;
  /** Entries kept for a later try (the network, no key yet). */
  readonly kept: number;
  /** `.flux-*.part` files removed from the output folders. */
  readonly removedParts: number;
}

/** How the recovery tells the person (the host passes the UI in). */
export interface RecoveryUi {
  recovered(count: number): void;
}

/** `.flux-<id>.part`: the pipeline's temporary file, beside the file it becomes. */
const PART = /^\.flux-[A-Za-z0-9-]{1,64}\.part$/;
/** A temporary file larger than any image we write is not one of ours to read. */
const MAX_PART_BYTES = 64 * 1024 * 1024;

/**
 * Nothing paid for is lost when VS Code stops (docs/CONTRACT.md). At a start, lazily: the journals of
 * windows that stopped are read; a task a service accepted is polled again (within the result's
 * lifetime) and bytes that had arrived are taken as they are; each image goes through the one
 * pipeline into the Studio's drafts, marked Recovered, and the document is never changed. Then
 * `.flux-*.part` files left in the output folders are recovered (complete, with our recipe) or
 * removed, but only when no window can still be writing them.
 */
export class Recovery {
  private running: Promise<RecoveryResult> | undefined;

  constructor(
    private readonly journal: TaskJournal,
    private readonly generation: GenerationService,
    private readonly draftsFolder: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly ui: RecoveryUi,
    private readonly now: () => number = Date.now,
  ) {}

  /** One run at a time; a second call while one runs gets the same result. */
  run(): Promise<RecoveryResult> {
    this.running ??= this.runNow().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runNow(): Promise<RecoveryResult> {
    const claimed = await this.journal.claimStopped();
    let recovered = 0;
    let dropped = 0;
    let kept = 0;
    await Promise.all(
      claimed.entries.map(async (entry) => {
        const what = `“${entry.job.prompt.slice(0, 60)}” (${entry.job.provider} ${entry.job.model})`;
        const kind = recoveryOf(entry, this.now());
        if (kind === 'expired') {
          this.log.info(`Recovery: ${what} was accepted over ${RESULT_LIFETIME_MS / 60_000} minutes ago; the provider keeps results no longer. Dropped.`);
          await claimed.settle(entry);
          dropped++;
          return;
        }
        const bytes = kind === 'bytes' ? await claimed.bytes(entry) : undefined;
        if (kind === 'bytes' && !bytes && !entry.task) {
          this.log.info(`Recovery: the kept bytes of ${what} are gone. Dropped.`);
          await claimed.settle(entry);
          dropped++;
          return;
        }
        try {
          await this.deliver(entry, bytes);
          await claimed.settle(entry);
          recovered++;
          this.log.info(`Recovery: ${what} recovered as a Studio draft.`);
        } catch (err) {
          const e = asFluxError(err);
          const young = entry.task ? this.now() - entry.task.acceptedAt < RESULT_LIFETIME_MS : false;
          if (young && (e.kind === 'network' || e.kind === 'timeout' || e.kind === 'noKey' || e.kind === 'rateLimit')) {
            this.log.warn(`Recovery: ${what} could not be fetched now (${e.kind}); tried again later.`);
            await claimed.adopt(entry);
            kept++;
          } else {
            this.log.warn(`Recovery: ${what} dropped: ${e.message}`);
            await claimed.settle(entry);
            dropped++;
          }
        }
      }),
    );
    const parts = await this.cleanParts();
    recovered += parts.recovered;
    if (recovered > 0) this.ui.recovered(recovered);
    return { recovered, dropped, kept, removedParts: parts.removed };
  }

  /** Through the one pipeline: polled again, or the bytes as kept; a draft marked Recovered. */
  private async deliver(entry: JournalEntry, bytes: Uint8Array | undefined): Promise<void> {
    const { job } = entry;
    const style = recordedStyle(job);
    await this.generation.run({
      request: {
        prompt: job.prompt,
        model: job.model,
        size: job.size || undefined,
        seed: job.seed,
        ...(job.megapixels !== undefined ? { megapixels: job.megapixels } : {}),
        ...(job.outputFormat !== undefined ? { outputFormat: job.outputFormat } : {}),
      },
      // Its house style as it was sent: the recipe keeps the style and the prompt sent.
      ...(style ? { style } : {}),
      folder: this.draftsFolder,
      // Paid for already: no budget question.
      approved: true,
      ...(job.source ? { source: job.source } : {}),
      resume: {
        provider: job.provider,
        ...(entry.task ? { pollUrl: entry.task.pollUrl } : {}),
        ...(bytes ? { bytes } : {}),
        ...(entry.seed !== undefined ? { seed: entry.seed } : {}),
      },
    });
  }

  /**
   * `.flux-*.part` files in the output folders (as configured for each workspace folder, when the
   * setting names a fixed folder) and the drafts folder: older than the request time-out plus a
   * minute (no window can still be writing them), a complete image with our recipe is recovered,
   * anything else removed. Nothing else is ever touched.
   */
  private async cleanParts(): Promise<{ recovered: number; removed: number }> {
    let recovered = 0;
    let removed = 0;
    for (const { folder, timeoutMs } of this.partFolders()) {
      let names: [string, vscode.FileType][];
      try {
        names = await vscode.workspace.fs.readDirectory(folder);
      } catch {
        continue;
      }
      for (const [name, type] of names) {
        if (type !== vscode.FileType.File || !PART.test(name)) continue;
        const uri = vscode.Uri.joinPath(folder, name);
        try {
          const stat = await vscode.workspace.fs.stat(uri);
          if (this.now() - stat.mtime < timeoutMs + 60_000) continue; // perhaps still being written
          const bytes = stat.size <= MAX_PART_BYTES ? await vscode.workspace.fs.readFile(uri) : undefined;
          const recipe = bytes && isCompleteImage(bytes) ? readImageMeta(bytes).recipe : undefined;
          if (bytes && recipe) {
            await this.generation.run({
              request: { prompt: recipe.prompt, model: recipe.model, size: recipe.size || undefined, seed: recipe.seed ?? -1 },
              folder: this.draftsFolder,
              approved: true,
              ...(recipe.source ? { source: recipe.source } : {}),
              resume: { provider: recipe.provider, bytes, ...(recipe.seed !== null ? { seed: recipe.seed } : {}) },
            });
            recovered++;
            this.log.info(`Recovery: ${vscode.workspace.asRelativePath(uri)} held a complete image; recovered as a Studio draft.`);
          } else {
            this.log.info(`Recovery: removed ${vscode.workspace.asRelativePath(uri)}, an unfinished temporary file.`);
          }
          await vscode.workspace.fs.delete(uri, { useTrash: false });
          removed++;
        } catch (err) {
          this.log.warn(`Recovery: left ${vscode.workspace.asRelativePath(uri)}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    return { recovered, removed };
  }

  private partFolders(): { folder: vscode.Uri; timeoutMs: number }[] {
    const out: { folder: vscode.Uri; timeoutMs: number }[] = [{ folder: this.draftsFolder, timeoutMs: readConfig().timeoutMs }];
    for (const ws of vscode.workspace.workspaceFolders ?? []) {
      const config = readConfig(ws.uri);
      // A folder that depends on the document (`${documentDirName}`) cannot be listed: left alone.
      if (config.outputFolder.includes('${')) continue;
      try {
        out.push({ folder: vscode.Uri.joinPath(ws.uri, ...outputFolderSegments(config.outputFolder)), timeoutMs: config.timeoutMs });
      } catch {
        // A setting the pipeline refuses: nothing of ours is there.
      }
    }
    return out;
  }
}
