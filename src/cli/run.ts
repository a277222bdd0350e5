// flux-docs: check, fill and recipe over a repository's documents, on the extension's own core.
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { FluxError, redact } from '../core/errors';
import { isInsecureRemote } from '../core/endpoint';
import { DEFAULT_SETTINGS } from '../core/settings';
import type { ProviderId } from '../core/providers/types';
import type { Command } from './args';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_SOME, EXIT_USAGE, USAGE, UsageError, parseCommandLine } from './args';
import { estimate } from './estimate';
import type { FillPlan } from './fill';
import type { Out } from './output';
import { Progress, formatUsd, json, line, reasonText, shown, skipText } from './output';
import type { MissingImage, SkippedReference } from './scan';
import { scanDocuments } from './scan';
import { inShard } from './shard';
import { findDocuments } from './walk';

export const VERSION = '0.1.0';

export interface Io extends Out {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl+C (SIGINT); main wires it to the process. */
  readonly interrupt?: AbortSignal;
  /** Told the temporary files' owner, so a second Ctrl+C can remove them before exiting at once. */
  readonly onTemps?: (temps: { removeAllNow(): void }) => void;
}

/** The key variable and host variable of each provider (never an argument). */
export const PROVIDER_ENV: Readonly<Record<ProviderId, { readonly key: string; readonly baseUrl: string; readonly defaultUrl: string }>> = {
  dmxapi: { key: 'FLUX_API_KEY', baseUrl: 'FLUX_BASE_URL', defaultUrl: DEFAULT_SETTINGS.baseUrl },
  bfl: { key: 'BFL_API_KEY', baseUrl: 'BFL_BASE_URL', defaultUrl: DEFAULT_SETTINGS.bflBaseUrl },
};

export async function run(io: Io): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(io.argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    line(io, `flux-docs: ${err.message}\n\n${USAGE}`, 'stderr');
    return EXIT_USAGE;
  }
  try {
    switch (command.command) {
      case 'help':
        line(io, USAGE);
        return EXIT_OK;
      case 'recipe':
        return await recipe(io, command.file);
      case 'check':
        return await check(io, command);
      case 'fill':
        return await fill(io, command);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      line(io, `flux-docs: ${err.message}`, 'stderr');
      return EXIT_USAGE;
    }
    throw err;
  }
}

/** The repository: the nearest folder up from `cwd` holding `.git`, else `cwd` itself. */
export function findRoot(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(cwd);
  }
}

async function targetsOf(io: Io, root: string, paths: readonly string[]): Promise<string[]> {
  const targets = (paths.length ? paths : ['.']).map((p) => path.resolve(io.cwd, p));
  for (const target of targets) {
    const rel = path.relative(root, target);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UsageError(`${target} is outside the repository (${root}).`);
    try {
      await fs.lstat(target);
    } catch {
      throw new UsageError(`${path.relative(io.cwd, target) || target} does not exist.`);
    }
  }
  return targets;
}

async function scanUnder(io: Io, paths: readonly string[]) {
  const root = findRoot(io.cwd);
  const targets = await targetsOf(io, root, paths);
  const documents = await findDocuments(root, targets);
  return { root, scan: await scanDocuments(root, documents) };
}

function missingJson(m: MissingImage) {
  return { path: m.repoPath, document: m.document.repoPath, reference: m.ref.path, prompt: m.prompt };
}

function skippedJson(s: SkippedReference) {
  return { document: s.document, reference: s.reference, reason: reasonText(s) };
}

async function check(io: Io, command: Extract<Command, { command: 'check' }>): Promise<number> {
  const { scan } = await scanUnder(io, command.paths);
  if (command.json) {
    json(io, { missing: scan.missing.map(missingJson), skipped: scan.skipped.map(skippedJson) });
  } else {
    for (const s of scan.skipped) line(io, `skipped ${skipText(s)}`);
    for (const m of scan.missing) line(io, `missing ${shown(m.document.repoPath)}: ${shown(m.ref.path)}${m.retargetTo ? ` (fill writes ${shown(m.repoPath)})` : ''}`);
    line(io, scan.missing.length ? `${scan.missing.length} missing images in ${scan.documents} documents.` : `No missing images in ${scan.documents} documents.`);
  }
  return scan.missing.length ? EXIT_SOME : EXIT_OK;
}

async function fill(io: Io, command: Extract<Command, { command: 'fill' }>): Promise<number> {
  const names = PROVIDER_ENV[command.provider];
  const apiKey = io.env[names.key]?.trim() ?? '';
  if (!apiKey && !command.dryRun) throw new UsageError(`No key for ${command.provider}: set the environment variable ${names.key} (keys are never taken as arguments).`);
  const out: Io = { ...io, secret: apiKey || undefined };
  const baseUrl = io.env[names.baseUrl]?.trim() || names.defaultUrl;
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) throw new UsageError(`${names.baseUrl} must be an http(s) address.`);
  if (isInsecureRemote(baseUrl)) line(out, `flux-docs: ${names.baseUrl} is plain http: the key travels unencrypted. Use an https:// address.`, 'stderr');

  const { root, scan } = await scanUnder(io, command.paths);
  const { requestFor, Filler } = await import('./fill');
  const skipped: { path: string; document: string; reason: string }[] = scan.skipped.map((s) => ({ path: s.reference, document: s.document, reason: reasonText(s) }));
  const failed: { path: string; document: string; message: string }[] = [];
  const plans: FillPlan[] = [];
  const byTarget = new Map<string, FillPlan>();
  let total = 0;
  for (const image of scan.missing) {
    if (!inShard(image.repoPath, command.shard)) continue;
    // Named by another document too: made once, with the first; this document's references follow it.
    const first = byTarget.get(image.repoPath);
    if (first) {
      first.others.push(image);
      continue;
    }
    const skip = (reason: string) => skipped.push({ path: image.repoPath, document: image.document.repoPath, reason });
    if (image.throughLink) skip(reasonText({ why: 'symlink' }));
    else if (!image.prompt) skip(reasonText({ why: 'noText' }));
    else {
      let request;
      try {
        request = requestFor(image, command.model, root);
      } catch (err) {
        failed.push({ path: image.repoPath, document: image.document.repoPath, message: err instanceof FluxError ? err.message : String(err) });
        continue;
      }
      const cost = estimate([{ model: request.model, provider: command.provider, size: request.size ?? '' }]);
      if (command.budget !== undefined && total + cost > command.budget + 1e-9) {
        skip(`over the budget of ${formatUsd(command.budget)}`);
        continue;
      }
      total += cost;
      const plan: FillPlan = { image, request, others: [] };
      byTarget.set(image.repoPath, plan);
      plans.push(plan);
    }
  }
  const planned = plans.map((p) => ({ ...missingJson(p.image), model: p.request.model }));
  if (command.dryRun) {
    if (command.json) json(out, { written: [], failed, skipped, estimate: total, planned });
    else {
      for (const p of plans) line(out, `would make ${shown(p.image.repoPath)} (${shown(p.image.document.repoPath)}: “${shown(p.image.prompt, 80)}”)`);
      for (const s of skipped) line(out, `skipped ${shown(s.path)} (${s.reason})`);
      line(out, `${plans.length} images would be made, ${formatUsd(total)}.`);
    }
    return EXIT_OK;
  }

  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  io.interrupt?.addEventListener('abort', onInterrupt, { once: true });
  const filler = new Filler({ provider: command.provider, baseUrl, apiKey, env: io.env, userAgent: `flux-docs/${VERSION}` }, command.concurrency, controller.signal);
  io.onTemps?.(filler.temps);
  const bar = !command.json && io.stderr.isTTY ? new Progress(out, plans.length, total) : undefined;
  bar?.draw();
  const say = (text: string) => (bar ? bar.log(text) : command.json ? undefined : line(out, text));
  let result;
  try {
    result = await filler.run(plans, {
      onWritten: (w) => {
        say(`written ${shown(w.path)}${w.changed.length ? ` (${w.changed.map((c) => shown(c)).join(', ')} in ${shown(w.document)})` : ''}`);
        for (const u of w.unchanged) say(`  not changed in ${shown(w.document)}: ${shown(u, 200)}`);
        bar?.tick(false);
      },
      onFailed: (f) => {
        say(`failed ${shown(f.path)}: ${shown(f.message, 300)}`);
        bar?.tick(true);
      },
    });
  } finally {
    bar?.finish();
    io.interrupt?.removeEventListener('abort', onInterrupt);
    filler.temps.removeAllNow();
    await filler.dispose();
  }
  const allFailed = [...failed, ...result.failed];
  const interrupted = controller.signal.aborted;
  if (command.json) {
    json(out, { written: result.written, failed: allFailed, skipped, estimate: total });
  } else {
    for (const s of skipped) line(out, `skipped ${shown(s.path)} (${s.reason})`);
    line(out, `${interrupted ? 'Interrupted: ' : ''}${result.written.length} of ${plans.length} images written, ${allFailed.length} failed, ${skipped.length} skipped (${formatUsd(total)}).`);
  }
  if (interrupted) return EXIT_INTERRUPTED;
  return allFailed.length || skipped.some((s) => s.reason.startsWith('over the budget')) ? EXIT_SOME : EXIT_OK;
}

async function recipe(io: Io, file: string): Promise<number> {
  const full = path.resolve(io.cwd, file);
  let bytes: Uint8Array;
  try {
    const handle = await fs.open(full, 'r');
    try {
      const size = (await handle.stat()).size;
      // The metadata sits in the head; a WebP's may follow the bitstream, so small files are read whole.
      const length = Math.min(size, 64 * 1024 * 1024);
      bytes = new Uint8Array(length);
      await handle.read(bytes, 0, length, 0);
    } finally {
      await handle.close();
    }
  } catch {
    throw new UsageError(`${file} cannot be read.`);
  }
  const { readImageMeta } = await import('../core/imageMeta');
  const meta = readImageMeta(bytes);
  if (!meta.recipe) {
    line(io, `${shown(file)} has no recipe${meta.aiGenerated ? ` (it is labelled AI-generated${meta.aiSystem ? ` by ${shown(meta.aiSystem)}` : ''})` : ''}.`, 'stderr');
    return EXIT_SOME;
  }
  json(io, meta.recipe);
  return EXIT_OK;
}

/** For messages built from errors nobody checked: the key never shows. */
export function safeMessage(err: unknown, secret: string | undefined): string {
  return redact(err instanceof Error ? err.message : String(err), secret);
}
