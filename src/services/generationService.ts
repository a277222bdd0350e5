import { posix } from 'node:path';
import * as vscode from 'vscode';
import type { Costs } from './costs';
import { costItem } from './costs';
import type { CostItem } from '../core/prices';
import { isInsecureRemote } from '../core/endpoint';
import { FluxError, asFluxError, messageWithDetails, redact } from '../core/errors';
import type { ImageRecord } from '../core/imageRecord';
import type { HistoryStore } from '../core/history';
import { dimensionsFor } from '../core/dimensions';
import { outputFormatOfName, sniffImageType } from '../core/imageType';
import { checkModelRequest, modelRoute } from '../core/models';
import { normalizeSizeFor } from '../core/params';
import { fillTemplate } from '../core/styles';
import { plainLabel } from '../core/safeText';
import type { PlacementMode } from '../core/placement';
import type { ImageRequest, ProviderCallOptions, ProviderId, ProviderImage, ProviderSettings, RequestLogEntry } from '../core/providers/types';
import type { JournalJob } from '../core/journal';
import type { TaskJournal } from './journal';
import type { ProxyDispatchers, ProxySettings } from '../core/http/proxy';
import { RequestQueue } from '../core/queue';
import { recipeOf } from '../core/recipe';
import { hasContentCredentials, imageSize, labelImage } from '../core/imageMeta';
import type { FluxConfig } from './config';
import { readConfig } from './config';
import { GENERATING_CONTEXT } from './constants';
import type { ImageStore } from './imageStore';
import type { ReferenceFile } from './editInputFile';
import { readReferences } from './editInputFile';
import { displayPath, linkPathFor, statOrUndefined } from './imageStore';
import { providerName } from './keys';
import type { LinkInserter, LinkOutcome } from './linkInserter';
import type { Place, PlaceScope, PlaceTracker } from './places';

/** Where the new image's link goes, if anywhere. */
export interface LinkPlacement {
  readonly document: vscode.TextDocument;
  readonly position: vscode.Position;
  readonly mode: PlacementMode;
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
  /** The text that replaces the path, for the new file. */
  readonly pathText: (image: vscode.Uri) => Promise<string> | string;
}

export interface GenerationJob {
  readonly request: ImageRequest;
  /**
   * The job's places (services/places.ts): its link's `position` and its references' offsets, as
   * read, are followed from when the scope was first asked for them (before a pick or an input
   * box, say), so typing meanwhile moves them with the text. Without one, from when the run starts.
   */
  readonly places?: PlaceScope;
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
  /** The budget was already agreed for this job's batch (the Studio's count, Missing Images): do not ask again. */
  readonly approved?: boolean;
  /**
   * Recovery after a reload (services/recovery.ts): the image is not asked for again but polled
   * for at the task a service accepted before, or taken from the bytes that had arrived. Written
   * as a draft marked recovered.
   */
  readonly resume?: { readonly provider: ProviderId; readonly pollUrl?: string; readonly bytes?: Uint8Array; readonly seed?: number };
  /**
   * Reference images, in order, inside the workspace (see `referenceUris`): read and checked
   * like an edit's input and counted against the model before the request waits in the queue,
   * and checked again when it leaves the queue.
   */
  readonly references?: readonly vscode.Uri[];
  /**
   * The house style it is made in, as it was when the job was started (StyleRegistry.resolve, or
   * a recipe's for Regenerate): `request.prompt` stays the writer's words (the alt text, the
   * recipe's `prompt`); what is sent is the template filled with them.
   */
  readonly style?: JobStyle;
}

/** A house style as a job carries it (a ResolvedStyle is one). */
export interface JobStyle {
  readonly name: string;
  /** `{prompt}` where the writer's words go. */
  readonly template: string;
  /** Sent after the job's own references. */
  readonly references?: readonly vscode.Uri[];
  /** These win over the settings and the caller's request. */
  readonly model?: string;
  readonly size?: string;
  readonly megapixels?: number;
  readonly outputFormat?: 'png' | 'jpeg';
  /** Exactly what to send (Regenerate and Reproduce: the recipe's `sentPrompt`), instead of the template filled again. */
  readonly sentPrompt?: string;
}

/** An image being made, as the status bar item lists it. */
export interface WorkItem {
  /** The writer's words. */
  readonly prompt: string;
  readonly started: number;
  cancel(): void;
}

export interface GenerationResult {
  readonly record: ImageRecord;
  readonly uri: vscode.Uri;
  /** When a link was asked for: where it went, or why it could not. */
  readonly link?: LinkOutcome;
}

/**
 * What the pipeline needs to ask or tell the person, given by the caller (ui/keyPrompt.ts):
 * services never draw anything themselves.
 */
export interface PipelinePrompts {
  /** The provider's stored key, or one the person gives now; undefined when none was given. */
  apiKey(provider: ProviderId): Promise<string | undefined>;
  /** The provider's stored key, never asking (a recovery after a start, the credits question). */
  storedKey(provider: ProviderId): Promise<string | undefined>;
  /** A warning that needs no answer (a plain-http service address, say). */
  warn(message: string): void;
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
  /** Images being made right now (waiting, asked for, or being written), whoever asked. */
  private jobs = 0;
  private readonly active = new Set<WorkItem>();
  private readonly workChanged = new vscode.EventEmitter<number>();
  /** Fires with the number of images being made whenever it changes (the status bar follows it). */
  readonly onDidChangeWork = this.workChanged.event;

  constructor(
    private readonly person: PipelinePrompts,
    private readonly files: ImageStore,
    private readonly links: LinkInserter,
    private readonly history: HistoryStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly userAgent: string,
    private readonly costs: Costs,
    private readonly journal?: TaskJournal,
    private readonly now: () => number = Date.now,
  ) {
    this.queue = new RequestQueue(() => this.limit);
  }

  /** Where jobs' places are followed (the link inserter's, which places every link). */
  get places(): PlaceTracker {
    return this.links.places;
  }

  /** How many images are being made right now. */
  get working(): number {
    return this.jobs;
  }

  /** The images being made right now, oldest first, each with its own Cancel (the status bar item's list). */
  inProgress(): readonly WorkItem[] {
    return [...this.active];
  }

  async run(job: GenerationJob): Promise<GenerationResult> {
    // Each image can be cancelled on its own too (from the status bar item), whoever asked for it.
    const own = new AbortController();
    const item: WorkItem = { prompt: job.request.prompt, started: this.now(), cancel: () => own.abort() };
    this.active.add(item);
    this.workChanged.fire(++this.jobs);
    try {
      return await this.runJob({ ...job, signal: job.signal ? AbortSignal.any([job.signal, own.signal]) : own.signal });
    } finally {
      this.active.delete(item);
      this.workChanged.fire(--this.jobs);
    }
  }

  private async runJob(job: GenerationJob): Promise<GenerationResult> {
    // Read now: a retry after "raise the limit" sees the new value.
    const config = readConfig(job.scope);
    this.limit = config.maxParallelRequests;
    // First: typing while the image is made moves the targets with the text. The job's own scope
    // (followed since its places were read) is kept followed until this run lets go of it.
    const places = this.places.scope(job.places);
    const anchor = job.link ? places.at(job.link.document, job.link.position) : undefined;
    const retargetRanges = job.retarget ? [job.retarget, ...(job.retarget.also ?? [])].map((place) => ({ place, range: places.range(job.retarget!.document, place.pathStart, place.pathEnd) })) : [];
    const journalId = globalThis.crypto.randomUUID();
    let keep = false;
    try {
      // Checked before any paid request: a bad output folder is reported first.
      const folder = job.target ? vscode.Uri.joinPath(job.target, '..') : (job.folder ?? (await this.files.outputFolder(config.outputFolder, job.scope)).folder);
      const referenceUris = styleReferences(job.references, job.style);
      const references = referenceUris.length ? await readReferences(referenceUris) : [];
      const request = prepareRequest(requestToSend(job, config), config, references);
      // Before anything is sent: past the month's budget, the person is asked first.
      if (!job.approved && !(await this.costs.approve([jobCost(job, config)], job.scope))) {
        throw new FluxError('cancelled', vscode.l10n.t('Nothing was sent: you chose to stay within your monthly budget.'));
      }
      const image = await this.make(job, config, request, references, journalId);
      // Paid for and here: kept beside the journal until the file is written, so a reload or a
      // crash from now on loses nothing.
      if (this.journal && !job.resume?.bytes) await this.journal.arrived(journalId, this.journalJob(job, config, request), image.bytes, image.seed);
      // Again right before writing: a folder swapped for a symbolic link meanwhile is refused too.
      if (!job.folder && !job.target) await this.files.outputFolder(config.outputFolder, job.scope);
      const extension = image.type.extension;
      const record = this.recordFor(job, config, image, request, references);
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
          link = await this.placeLink(job.link.document, anchor, job.link.mode, job.request.prompt, reservation.uri, { temp, target: reservation.uri });
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
    } catch (err) {
      // A bug here is ours: logged with its stack, shown as such (never as a network failure).
      const e = asFluxError(err);
      if (e !== err) this.log.error(`internal: ${e.details.bug}`);
      // Cancelled after the service accepted it (Cancel, the Studio closed, the window going):
      // it is paid for, so it stays in the journal and the next start brings it as a draft.
      if (e.kind === 'cancelled') keep = true;
      throw e;
    } finally {
      places.dispose();
      // Saved, or failed in front of the person: nothing left to recover.
      if (!keep) await this.journal?.settled(journalId);
    }
  }

  /**
   * Links an image that is a file already (the Studio's Insert) into `document` at `position`, by
   * the step every new image's link goes in by: the document's own syntax, its path relative to
   * the document, at a place followed while the link text is made, by the one link inserter.
   */
  async linkExisting(document: vscode.TextDocument, position: vscode.Position, alt: string, image: vscode.Uri, mode: PlacementMode = 'atCursor'): Promise<LinkOutcome> {
    const places = this.places.scope();
    try {
      return await this.placeLink(document, places.at(document, position), mode, alt, image);
    } finally {
      places.dispose();
    }
  }

  /** The link step: the link text for where `anchor` is now, put in by the link inserter (with the new file's rename, if any). */
  private async placeLink(document: vscode.TextDocument, anchor: Place, mode: PlacementMode, alt: string, image: vscode.Uri, file?: { temp: vscode.Uri; target: vscode.Uri }): Promise<LinkOutcome> {
    const text = await linkText(document, alt, image, anchor.offset);
    return this.links.insert({ document, anchor, mode, link: text, ...(file ? { file } : {}) });
  }

  /**
   * What the journal keeps of a job: enough to make its record again, never the key. `request` is
   * the request as sent (a style's model, size, megapixels and format; its filled template).
   */
  private journalJob(job: GenerationJob, config: FluxConfig, request: ImageRequest): JournalJob {
    return {
      prompt: job.request.prompt,
      model: request.model,
      size: request.size ?? '',
      seed: request.seed,
      provider: job.resume?.provider ?? config.provider,
      ...(job.source ? { source: job.source } : {}),
      ...(request.megapixels !== undefined ? { megapixels: request.megapixels } : {}),
      ...(request.outputFormat !== undefined ? { outputFormat: request.outputFormat } : {}),
      ...(job.style ? { style: { name: job.style.name, prompt: job.style.template }, sentPrompt: request.prompt } : {}),
    };
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
    // The window is going: what is in flight stays in the journal for the next one.
    this.journal?.dispose();
    this.cancelAll();
    this.workChanged.dispose();
    void this.proxies?.dispose();
  }

  private async make(job: GenerationJob, config: FluxConfig, request: ImageRequest, references: readonly ReferenceFile[], journalId: string): Promise<ProviderImage> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (job.signal?.aborted) controller.abort();
    job.signal?.addEventListener('abort', onAbort, { once: true });
    this.track(controller, true);
    try {
      return await this.queue.run(() => this.request(job, config, request, references, controller.signal, journalId), controller.signal);
    } finally {
      job.signal?.removeEventListener('abort', onAbort);
      this.track(controller, false);
    }
  }

  /** How to reach a service: the key, the time limit, and the proxy VS Code's settings ask for. */
  private async providerSettings(baseUrl: string, apiKey: string, config: FluxConfig): Promise<ProviderSettings> {
    // Loaded on first use: the HTTP machinery costs nothing until an image is asked for.
    const { ProxyDispatchers } = await import('../core/http/proxy');
    this.proxies ??= new ProxyDispatchers();
    const network = proxySettings();
    const dispatcher = this.proxies.forRequest(network);
    // Behind a proxy, the proxy resolves host names: the local answer may be wrong either way,
    // so only addresses written as such (and localhost) are judged before a download.
    const proxied = this.proxies.get(network) !== undefined;
    return { baseUrl, apiKey, timeoutMs: config.timeoutMs, userAgent: this.userAgent, dispatcher, ...(proxied ? { lookup: async () => [] } : {}) };
  }

  /**
   * What the provider says is left on the account, in USD, where it tells (BFL); undefined
   * elsewhere, without a key (never asked for here), or when the question fails (logged).
   */
  async credits(scope?: vscode.Uri): Promise<number | undefined> {
    const config = readConfig(scope);
    if (config.provider !== 'bfl') return undefined;
    const apiKey = await this.person.storedKey('bfl');
    if (!apiKey) return undefined;
    try {
      const { bflCreditsUsd } = await import('../core/providers/credits');
      return await bflCreditsUsd(await this.providerSettings(config.bflBaseUrl, apiKey, config), { log: (e) => this.logRequest(e) });
    } catch (err) {
      this.log.warn(`Credits: ${asFluxError(err, apiKey).message}`);
      return undefined;
    }
  }

  private async request(job: GenerationJob, config: FluxConfig, request: ImageRequest, references: readonly ReferenceFile[], signal: AbortSignal, journalId: string): Promise<ProviderImage> {
    const { resume } = job;
    if (resume?.bytes) {
      const type = sniffImageType(resume.bytes);
      if (!type) throw new FluxError('notImage', vscode.l10n.t('The kept image is not a PNG, JPEG or WebP image.'));
      return { bytes: resume.bytes, type, seed: resume.seed, source: 'url', durationMs: 0, attempts: 0 };
    }
    // A reference deleted while the request waited is said so, and nothing is sent.
    for (const ref of references) {
      if (!(await statOrUndefined(ref.uri))) {
        throw new FluxError('invalidInput', vscode.l10n.t('The reference image {0} is not there any more. Nothing was sent; add it again or remove it.', plainLabel(ref.path, 200)));
      }
    }
    const provider = resume?.provider ?? config.provider;
    const baseUrl = provider === 'bfl' ? config.bflBaseUrl : config.baseUrl;
    this.warnIfInsecure(baseUrl);
    // A recovery never asks for a key: it runs on its own after a start.
    const apiKey = resume ? await this.person.storedKey(provider) : await this.person.apiKey(provider);
    if (!apiKey) throw new FluxError('noKey', vscode.l10n.t('No {0} API key was given, so nothing was generated.', providerName(provider)));
    if (signal.aborted) throw new FluxError('cancelled', vscode.l10n.t('Cancelled. Nothing was saved.'));
    const promptForLog = request.prompt.length > 80 ? `${request.prompt.slice(0, 80)}…` : request.prompt;
    this.log.info(
      `${request.image ? 'Editing' : 'Generating'} “${redact(promptForLog, apiKey)}” with ${provider} ${request.model}, size ${request.size ?? 'as the input'}, seed ${request.seed}${references.length ? `, references ${references.map((r) => r.path).join(', ')}` : ''}`,
    );
    try {
      const { providerFor } = await import('../core/providers');
      const settings = await this.providerSettings(baseUrl, apiKey, config);
      const options: ProviderCallOptions = {
        signal,
        log: (e) => this.logRequest(e),
        onRetry: ({ delayMs, status }) => job.onProgress?.(vscode.l10n.t('The service is busy ({0}); trying again in {1} s…', status, Math.ceil(delayMs / 1000))),
        // Accepted means paid: noted at once, so a reload from here on can fetch it again.
        onAccepted: (task) => void this.journal?.accepted(journalId, this.journalJob(job, config, request), task.pollUrl),
      };
      const chosen = providerFor(provider);
      if (resume && (!resume.pollUrl || !chosen.resume)) throw new FluxError('badRequest', vscode.l10n.t('Nothing to fetch again for this image.'));
      const image = resume ? await chosen.resume!({ pollUrl: resume.pollUrl!, model: request.model }, settings, options) : await chosen.generate(request, settings, options);
      if (signal.aborted) throw new FluxError('cancelled', vscode.l10n.t('Cancelled. Nothing was saved.'));
      this.log.info(`Received a ${image.type.format.toUpperCase()} of ${formatBytes(image.bytes.length)} (seed ${image.seed ?? 'not reported'}) in ${Math.round(image.durationMs)} ms`);
      return image;
    } catch (err) {
      const { isProxyAuthError } = await import('../core/http/proxy');
      const e = isProxyAuthError(err)
        ? new FluxError('network', vscode.l10n.t('The proxy asks for credentials. Put them in the http.proxy setting (http://user:password@host:port), then try again.'), { status: 407 })
        : asFluxError(err, apiKey);
      if (e.kind === 'cancelled') this.log.info('Cancelled.');
      // The service's raw details (status, its words, request id) are here, not in the message.
      else this.log.error(`${e.kind}: ${e.details.bug ?? messageWithDetails(e)}`);
      throw e;
    }
  }

  private recordFor(job: GenerationJob, config: FluxConfig, image: ProviderImage, request: ImageRequest, references: readonly ReferenceFile[]): ImageRecord {
    const route = modelRoute(request.model, config.provider);
    // FLUX.2: the pixels sent (the recipe records what was asked); else what the image says.
    const dims = (route.size === 'pixels' && request.size !== undefined ? dimensionsFor(request.size, request.megapixels ?? 1) : undefined) ?? imageSize(image.bytes);
    const seed = image.seed ?? (request.seed >= 0 ? request.seed : undefined);
    return {
      id: globalThis.crypto.randomUUID(),
      // The writer's words; a style's filled template is `sentPrompt`.
      prompt: job.request.prompt,
      model: request.model,
      size: request.size ?? '',
      seedRequested: request.seed,
      ...(seed !== undefined && Number.isSafeInteger(seed) && seed >= 0 ? { seed } : {}),
      provider: job.resume?.provider ?? config.provider,
      createdAt: this.now(),
      durationMs: Math.round(image.durationMs),
      ...(dims ? { width: dims.width, height: dims.height } : {}),
      file: '',
      ...(job.source ? { source: job.source } : {}),
      ...(job.parent ? { parent: job.parent } : {}),
      ...(job.resume ? { recovered: true } : {}),
      ...(route.outputFormats.length > 0 ? { outputFormat: request.outputFormat ?? 'png' } : {}),
      ...(route.promptUpsampling ? { promptUpsampling: request.promptUpsampling === true } : {}),
      ...(references.length ? { references: references.map((r) => ({ path: r.path, sha256: r.sha256 })) } : {}),
      ...(job.style ? { style: { name: job.style.name, prompt: job.style.template }, sentPrompt: request.prompt } : {}),
    };
  }

  private warnIfInsecure(baseUrl: string): void {
    if (!isInsecureRemote(baseUrl) || this.warnedInsecure.has(baseUrl)) return;
    this.warnedInsecure.add(baseUrl);
    this.person.warn(vscode.l10n.t('The service address ({0}) is plain http: your API key travels unencrypted. Use an https:// address.', baseUrl));
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

/** What a job asks of the pipeline that decides what is sent (and so what it costs). */
export type JobRequest = Pick<GenerationJob, 'request' | 'style' | 'target' | 'references'>;

/**
 * The request as it will be sent, but for the references' bytes: the house style's template,
 * model, size, megapixels and format over the caller's; a file asked for by name (Missing Images,
 * the chat tool's path) in that name's format, so a `.png` never holds a JPEG; then the settings'
 * megapixels, output format and prompt upsampling where nobody chose (Regenerate passes the
 * recipe's). The one answer for what is sent and for what is estimated.
 */
export function requestToSend(job: JobRequest, config: FluxConfig): ImageRequest {
  const styled = job.style ? styledRequest(job.request, job.style) : job.request;
  const named = job.target ? outputFormatOfName(job.target.path) : undefined;
  return {
    ...styled,
    megapixels: styled.megapixels ?? config.megapixels,
    outputFormat: named ?? styled.outputFormat ?? config.outputFormat,
    promptUpsampling: styled.promptUpsampling ?? config.promptUpsampling,
  };
}

/** What a job will cost: its request as it will be sent, with its references and its style's. */
export function jobCost(job: JobRequest, config: FluxConfig): CostItem {
  const request = requestToSend(job, config);
  return costItem({ ...request, references: styleReferences(job.references, job.style) }, 1, request.megapixels);
}

/**
 * The request as sent (see requestToSend) with the references' bytes, and the model's limits
 * checked (docs/CONTRACT.md, "FLUX.2 models and reference images") before any request.
 */
export function prepareRequest(request: ImageRequest, config: FluxConfig, references: readonly ReferenceFile[]): ImageRequest {
  const prepared: ImageRequest = { ...request, ...(references.length ? { references: references.map((r) => r.image) } : {}) };
  checkModelRequest(prepared, config.provider);
  return prepared;
}

/**
 * The request a house style makes of the writer's: its template filled with their words (or the
 * recorded `sentPrompt`), and its model, size, megapixels and output format where it has them.
 */
export function styledRequest(request: ImageRequest, style: JobStyle): ImageRequest {
  const model = style.model ?? request.model;
  const size = style.size !== undefined ? normalizeSizeFor(style.size, model) : request.size !== undefined && model !== request.model ? normalizeSizeFor(request.size, model) : request.size;
  return {
    ...request,
    prompt: style.sentPrompt ?? fillTemplate(style.template, request.prompt),
    model,
    size,
    ...(style.megapixels !== undefined ? { megapixels: style.megapixels } : {}),
    ...(style.outputFormat !== undefined ? { outputFormat: style.outputFormat } : {}),
  };
}

/**
 * The style of a recipe or record, to make it again exactly as it was (Regenerate, Reproduce):
 * its recorded `sentPrompt` and no settings of its own (the recipe's model, size and references
 * are already the request's).
 */
export function recordedStyle(recipe: { readonly style?: { readonly name: string; readonly prompt: string }; readonly sentPrompt?: string }): JobStyle | undefined {
  if (!recipe.style) return undefined;
  return { name: recipe.style.name, template: recipe.style.prompt, ...(recipe.sentPrompt !== undefined ? { sentPrompt: recipe.sentPrompt } : {}) };
}

/** The job's references as given, then its style's that the job does not name already (a file named by both is sent once). */
export function styleReferences(own: readonly vscode.Uri[] | undefined, style: JobStyle | undefined): vscode.Uri[] {
  const out = [...(own ?? [])];
  const named = new Set(out.map((u) => u.toString()));
  for (const uri of style?.references ?? []) {
    if (named.has(uri.toString())) continue;
    named.add(uri.toString());
    out.push(uri);
  }
  return out;
}

/**
 * A link to `image` in the document's own syntax, its path relative to the document (in AsciiDoc,
 * to the `imagesdir` the document sets above `offset`, the end of the text when not given).
 */
export async function linkText(document: vscode.TextDocument, alt: string, image: vscode.Uri, offset?: number): Promise<string> {
  // Loaded on first use, like the parser the readers share.
  const { documentLanguage, imageLink } = await import('../core/documents');
  const text = document.getText();
  return imageLink(documentLanguage(document.languageId) ?? 'markdown', alt, linkPathFor(document.uri, image), { text, offset: offset ?? text.length, folder: posix.dirname(document.uri.path) });
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


export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

export { recipeOf };
