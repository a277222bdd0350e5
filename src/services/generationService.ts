import * as vscode from 'vscode';
import { isInsecureRemote } from '../core/endpoint';
import { FluxError, redact } from '../core/errors';
import type { ImageRecord } from '../core/imageRecord';
import type { HistoryStore } from '../core/history';
import type { PlacementMode } from '../core/placement';
import type { ImageRequest, ProviderImage, ProviderSettings, RequestLogEntry } from '../core/providers/types';
import type { ProxyDispatchers, ProxySettings } from '../core/http/proxy';
import { RequestQueue } from '../core/queue';
import type { Recipe } from '../core/recipe';
import { hasContentCredentials, imageSize, labelImage } from '../core/imageMeta';
import { TrackedAnchor, TrackedRange } from './anchor';
import type { FluxConfig } from './config';
import { readConfig } from './config';
import { GENERATING_CONTEXT } from './constants';
import type { ImageStore } from './imageStore';
import { displayPath, linkPathFor } from './imageStore';
import type { ApiKeyStore } from './keys';
import { providerName } from './keys';
import type { LinkInserter, LinkOutcome } from './linkInserter';
import { showWarning } from '../ui/messages';

/** Where the new image's link goes, if anywhere. */
export interface LinkPlacement {
  readonly document: vscode.TextDocument;
  readonly position: vscode.Position;
  readonly mode: PlacementMode;
  /** An anchor the caller keeps (to try again at the same place); else one is made from `position`. */
  readonly anchor?: TrackedAnchor;
}

/** An existing reference whose path is pointed at the new image (edit, regenerate). */
export interface Retarget extends RetargetPlace {
  readonly document: vscode.TextDocument;
  /** Other references in the same document changed in the same edit (Missing Images: `x.jpg` twice); one left as the person changed it is skipped. */
  readonly also?: readonly RetargetPlace[];
}

/** Where a reference's path is, and what replaces it. */
export interface RetargetPlace {
  /** Offsets of the path as written, in the text the reference was read from. */
  readonly pathStart: number;
  readonly pathEnd: number;
  /**
   * The path as written when the offsets were read. The person may type while a pick or an input
   * box is open: if the offsets no longer hold it, the reference is left alone, never a guess.
   */
  readonly written: string;
  /**
   * The path's range, followed since the reference was read (before a pick or an input box), so
   * typing above it meanwhile does not lose it. Its owner disposes it; without one, it is
   * followed from when the job starts.
   */
  readonly range?: TrackedRange;
  /** The text that replaces the path, for the new file. */
  readonly pathText: (image: vscode.Uri) => Promise<string> | string;
}

export interface GenerationJob {
  readonly request: ImageRequest;
  /** Write exactly here (Generate Missing Images, the chat tool's path); never over an existing file. */
  readonly target?: vscode.Uri;
  readonly retarget?: Retarget;
  /** The document whose workspace folder holds the image (and whose settings apply). */
  readonly scope?: vscode.Uri;
  readonly link?: LinkPlacement;
  /** Write into this folder instead of the output folder (the Studio's drafts). */
  readonly folder?: vscode.Uri;
  readonly signal?: AbortSignal;
  /** Progress lines for a notification or a Studio card ("the service is busy…"). */
  readonly onProgress?: (message: string) => void;
  /** For an edit: the input image, workspace-relative, with its SHA-256, and its record's id. */
  readonly source?: { readonly path: string; readonly sha256: string };
  readonly parent?: string;
  /** Told the record before the history hears of it (the Studio tells its own images apart). */
  readonly onRecord?: (record: ImageRecord) => void;
}

export interface GenerationResult {
  readonly record: ImageRecord;
  readonly uri: vscode.Uri;
  /** When a link was asked for: where it went, or why it could not. */
  readonly link?: LinkOutcome;
}

/**
 * The one pipeline every image goes through, whoever asks (palette, selection, Studio, edit,
 * regenerate, missing images, the chat tool): settings → output folder checked → a place in
 * the shared queue → key → provider → verified bytes → file → history → link by the one rule.
 * Failures are FluxErrors with safe messages; callers decide how to show them.
 */
export class GenerationService implements vscode.Disposable {
  private readonly running = new Set<AbortController>();
  private readonly warnedInsecure = new Set<string>();
  private readonly queue: RequestQueue;
  private limit = 4;
  private proxies: ProxyDispatchers | undefined;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly files: ImageStore,
    private readonly links: LinkInserter,
    private readonly history: HistoryStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly userAgent: string,
    private readonly now: () => number = Date.now,
  ) {
    this.queue = new RequestQueue(() => this.limit);
  }

  async run(job: GenerationJob): Promise<GenerationResult> {
    // Read now: a retry after "raise the limit" sees the new value.
    const config = readConfig(job.scope);
    this.limit = config.maxParallelRequests;
    // Created first: typing while the image is made moves the target with the text.
    const ownAnchor = job.link && !job.link.anchor ? new TrackedAnchor(job.link.document, job.link.position) : undefined;
    const anchor = job.link?.anchor ?? ownAnchor;
    // Each place's range: the caller's, followed since it was read, or one of our own from now.
    const ownRanges: TrackedRange[] = [];
    const rangeOf = (document: vscode.TextDocument, place: RetargetPlace): TrackedRange => {
      if (place.range) return place.range;
      const own = new TrackedRange(document, place.pathStart, place.pathEnd);
      ownRanges.push(own);
      return own;
    };
    const retargetRanges = job.retarget ? [job.retarget, ...(job.retarget.also ?? [])].map((place) => ({ place, range: rangeOf(job.retarget!.document, place) })) : [];
    try {
      // Checked before any paid request: a bad output folder is reported first.
      const folder = job.target ? vscode.Uri.joinPath(job.target, '..') : (job.folder ?? (await this.files.outputFolder(config.outputFolder, job.scope)).folder);
      const image = await this.make(job, config);
      // Again right before writing: a folder swapped for a symbolic link meanwhile is refused too.
      if (!job.folder && !job.target) await this.files.outputFolder(config.outputFolder, job.scope);
      const extension = image.type.extension;
      const record = this.recordFor(job, config, image);
      // Every image says it is AI-made, and (recipes on) carries its recipe, so a cloned workspace
      // still knows how it was made; a file with the service's Content Credentials is kept as it came.
      const bytes = this.labelled(image, record, config.embedRecipe);
      let uri: vscode.Uri;
      let link: LinkOutcome | undefined;
      const reserve = async () => {
        if (!job.target) return this.files.reserve(folder, job.request.prompt, extension);
        const exact = await this.files.reserveExact(job.target);
        if (!exact) throw new FluxError('write', vscode.l10n.t('{0} exists already; it is never written over.', displayPath(job.target)));
        return exact;
      };
      if (job.retarget) {
        const reservation = await reserve();
        try {
          const temp = await this.files.writeTemp(folder, bytes);
          const places = await Promise.all(
            retargetRanges.map(async ({ place, range }) => ({ start: range.start, end: range.end, expected: place.written, text: await place.pathText(reservation.uri) })),
          );
          const [main, ...also] = places;
          link = await this.links.replace({ document: job.retarget.document, ...main!, also, file: { temp, target: reservation.uri } });
          if (!link.linked) await this.files.commit(temp, reservation.uri);
          uri = reservation.uri;
        } finally {
          reservation.release();
        }
      } else if (job.link && anchor) {
        const reservation = await reserve();
        try {
          const temp = await this.files.writeTemp(folder, bytes);
          const text = await linkText(job.link.document, job.request.prompt, reservation.uri);
          link = await this.links.insert({ document: job.link.document, anchor, mode: job.link.mode, link: text, file: { temp, target: reservation.uri } });
          if (!link.linked) await this.files.commit(temp, reservation.uri);
          uri = reservation.uri;
        } finally {
          reservation.release();
        }
      } else if (job.target) {
        const reservation = await reserve();
        try {
          await this.files.commit(await this.files.writeTemp(folder, bytes), reservation.uri);
          uri = reservation.uri;
        } finally {
          reservation.release();
        }
      } else {
        uri = await this.files.saveAlone({ bytes, extension, prompt: job.request.prompt }, folder);
      }
      this.log.info(`Saved ${displayPath(uri)}${link && !link.linked ? ` (not linked: ${link.reason})` : ''}`);
      const saved: ImageRecord = { ...record, file: uri.toString() };
      job.onRecord?.(saved);
      try {
        await this.history.add(saved);
      } catch (err) {
        // The image is saved; only remembering it failed.
        this.log.warn(`Could not record the history: ${err instanceof Error ? err.message : String(err)}`);
      }
      return { record: saved, uri, ...(link ? { link } : {}) };
    } finally {
      ownAnchor?.dispose();
      for (const own of ownRanges) own.dispose();
    }
  }

  /** The image with its AI label and recipe, or its bytes as they came (Content Credentials, an unknown layout). */
  private labelled(image: ProviderImage, record: ImageRecord, embedRecipe: boolean): Uint8Array | Uint8Array[] {
    if (hasContentCredentials(image.bytes)) {
      this.log.info('The image carries Content Credentials (C2PA) from the service: saved byte for byte, its recipe kept in the history.');
      return image.bytes;
    }
    const pieces = labelImage(image.bytes, { recipe: recipeOf(record), embedRecipe });
    if (!pieces) this.log.warn(`Could not mark the ${image.type.format.toUpperCase()} as AI-generated (its layout is not one we can add to): saved as received.`);
    return pieces ?? image.bytes;
  }

  /** Aborts every request in flight or waiting. */
  cancelAll(): void {
    for (const c of [...this.running]) c.abort();
  }

  dispose(): void {
    this.cancelAll();
    void this.proxies?.dispose();
  }

  private async make(job: GenerationJob, config: FluxConfig): Promise<ProviderImage> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (job.signal?.aborted) controller.abort();
    job.signal?.addEventListener('abort', onAbort, { once: true });
    this.track(controller, true);
    try {
      return await this.queue.run(() => this.request(job, config, controller.signal), controller.signal);
    } finally {
      job.signal?.removeEventListener('abort', onAbort);
      this.track(controller, false);
    }
  }

  private async request(job: GenerationJob, config: FluxConfig, signal: AbortSignal): Promise<ProviderImage> {
    const provider = config.provider;
    const baseUrl = provider === 'bfl' ? config.bflBaseUrl : config.baseUrl;
    this.warnIfInsecure(baseUrl);
    const apiKey = await this.keys.getOrAsk(provider);
    if (!apiKey) throw new FluxError('noKey', vscode.l10n.t('No {0} API key was given, so nothing was generated.', providerName(provider)));
    if (signal.aborted) throw new FluxError('cancelled', vscode.l10n.t('Cancelled. Nothing was saved.'));
    const { request } = job;
    const promptForLog = request.prompt.length > 80 ? `${request.prompt.slice(0, 80)}…` : request.prompt;
    this.log.info(`${request.image ? 'Editing' : 'Generating'} “${redact(promptForLog, apiKey)}” with ${provider} ${request.model}, size ${request.size ?? 'as the input'}, seed ${request.seed}`);
    try {
      // Loaded on first use: the HTTP machinery costs nothing until an image is asked for.
      const [{ providerFor }, { ProxyDispatchers }] = await Promise.all([import('../core/providers'), import('../core/http/proxy')]);
      this.proxies ??= new ProxyDispatchers();
      const network = proxySettings();
      const dispatcher = this.proxies.forRequest(network);
      // Behind a proxy, the proxy resolves host names: the local answer may be wrong either way,
      // so only addresses written as such (and localhost) are judged before a download.
      const proxied = this.proxies.get(network) !== undefined;
      const settings: ProviderSettings = { baseUrl, apiKey, timeoutMs: config.timeoutMs, userAgent: this.userAgent, dispatcher, ...(proxied ? { lookup: async () => [] } : {}) };
      const image = await providerFor(provider).generate(request, settings, {
        signal,
        log: (e) => this.logRequest(e),
        onRetry: ({ delayMs, status }) => job.onProgress?.(vscode.l10n.t('The service is busy ({0}); trying again in {1} s…', status, Math.ceil(delayMs / 1000))),
      });
      if (signal.aborted) throw new FluxError('cancelled', vscode.l10n.t('Cancelled. Nothing was saved.'));
      this.log.info(`Received a ${image.type.format.toUpperCase()} of ${formatBytes(image.bytes.length)} (seed ${image.seed ?? 'not reported'}) in ${Math.round(image.durationMs)} ms`);
      return image;
    } catch (err) {
      const { isProxyAuthError } = await import('../core/http/proxy');
      const e = isProxyAuthError(err)
        ? new FluxError('network', vscode.l10n.t('The proxy asks for credentials. Put them in the http.proxy setting (http://user:password@host:port), then try again.'), { status: 407 })
        : err instanceof FluxError
          ? err
          : new FluxError('network', redact(String(err), apiKey));
      if (e.kind === 'cancelled') this.log.info('Cancelled.');
      else this.log.error(`${e.kind}: ${e.message}`);
      throw e;
    }
  }

  private recordFor(job: GenerationJob, config: FluxConfig, image: ProviderImage): ImageRecord {
    const { request } = job;
    const dims = imageSize(image.bytes);
    const seed = image.seed ?? (request.seed >= 0 ? request.seed : undefined);
    return {
      id: globalThis.crypto.randomUUID(),
      prompt: request.prompt,
      model: request.model,
      size: request.size ?? '',
      seedRequested: request.seed,
      ...(seed !== undefined && Number.isSafeInteger(seed) && seed >= 0 ? { seed } : {}),
      provider: config.provider,
      createdAt: this.now(),
      durationMs: Math.round(image.durationMs),
      ...(dims ? { width: dims.width, height: dims.height } : {}),
      file: '',
      ...(job.source ? { source: job.source } : {}),
      ...(job.parent ? { parent: job.parent } : {}),
    };
  }

  private warnIfInsecure(baseUrl: string): void {
    if (!isInsecureRemote(baseUrl) || this.warnedInsecure.has(baseUrl)) return;
    this.warnedInsecure.add(baseUrl);
    void showWarning(vscode.l10n.t('The service address ({0}) is plain http: your API key travels unencrypted. Use an https:// address.', baseUrl));
  }

  private track(controller: AbortController, add: boolean): void {
    if (add) this.running.add(controller);
    else this.running.delete(controller);
    void vscode.commands.executeCommand('setContext', GENERATING_CONTEXT, this.running.size > 0);
  }

  private logRequest(e: RequestLogEntry): void {
    const line = `${e.phase} ${e.model} ${e.size} seed=${e.seed} attempt=${e.attempt} → ${e.status ?? '-'} in ${Math.round(e.durationMs)} ms, ${formatBytes(e.bytes)} (${e.outcome})`;
    if (/^ok/.test(e.outcome)) this.log.info(line);
    else this.log.warn(line);
  }
}

/** A link to `image` in the document's own syntax, its path relative to the document. */
export async function linkText(document: vscode.TextDocument, alt: string, image: vscode.Uri): Promise<string> {
  // Loaded on first use, like the parser the readers share.
  const { documentLanguage, imageLink } = await import('../core/documents');
  return imageLink(documentLanguage(document.languageId) ?? 'markdown', alt, linkPathFor(document.uri, image));
}

/** VS Code's proxy settings, then the environment: every request honours them. */
function proxySettings(): ProxySettings {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = http.get<string>('proxy');
  const noProxy = http.get<unknown>('noProxy');
  return {
    ...(proxy ? { proxy } : {}),
    noProxy: Array.isArray(noProxy) ? noProxy.filter((n): n is string => typeof n === 'string') : [],
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    support: http.get<string>('proxySupport', 'override'),
    env: process.env,
  };
}

/** The PNG recipe of a record (the contract's fields). */
export function recipeOf(record: ImageRecord): Recipe {
  const size = record.size || (record.width && record.height ? `${record.width}x${record.height}` : '1x1');
  return {
    v: 1,
    prompt: record.prompt,
    model: record.model,
    size,
    seed: record.seed ?? null,
    provider: record.provider ?? 'dmxapi',
    created: new Date(record.createdAt).toISOString(),
    ...(record.source ? { source: record.source } : {}),
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}
