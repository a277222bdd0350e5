// fill: every missing image made at its path through the same pieces the extension's pipeline uses:
// the request normalised by core/params, one core/queue at --concurrency, the provider of
// core/providers with a proxy from the environment (core/http/proxy), the AI label and recipe of
// core/imageMeta, then the file and (for `.jpg`) the reference changed to the `.png`.
import { dimensionsFor, MEGAPIXELS } from '../core/dimensions';
import { takesPixels } from '../core/models';
import { recipeOf } from '../core/recipe';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { FluxError, asFluxError, messageWithDetails, redact } from '../core/errors';
import { hasContentCredentials, labelImage } from '../core/imageMeta';
import { normalizeParams } from '../core/params';
import type { ImageRequest, ProviderId, ProviderImage, ProviderSettings } from '../core/providers/types';
import type { ProxyDispatchers } from '../core/http/proxy';
import { RequestQueue } from '../core/queue';
import type { Recipe } from '../core/recipe';
import { DEFAULT_SETTINGS } from '../core/settings';
import { TempFiles } from './files';
import { DocumentEditor } from './retarget';
import type { RetargetPlace } from './retarget';
import type { MissingImage } from './scan';
import { type DocumentStyle, styleForDocument } from './style';
import { fillTemplate } from '../core/styles';

export interface Connection {
  readonly provider: ProviderId;
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly userAgent: string;
  readonly timeoutMs?: number;
}

export interface FillPlan {
  readonly image: MissingImage;
  readonly request: ImageRequest;
  /** The same file named from other documents: not made again, their references changed with it. */
  readonly others: MissingImage[];
}

export interface Written {
  readonly path: string;
  readonly document: string;
  readonly prompt: string;
  /** `a.jpg → a.png` for each reference changed to name the written file. */
  readonly changed: string[];
  /** References that still name the old path, with why. */
  readonly unchanged: string[];
}

export interface Failed {
  readonly path: string;
  readonly document: string;
  readonly message: string;
}

export interface FillEvents {
  readonly onWritten?: (w: Written) => void;
  readonly onFailed?: (f: Failed) => void;
}

/** What a request was made of, for its recipe: the writer's words and the house style. */
const madeFrom = new WeakMap<ImageRequest, { readonly words: string; readonly style: DocumentStyle; readonly references: readonly { path: string; sha256: string }[] }>();

/**
 * The request for an image: the document's prompt in its house style (the template filled, its
 * references, model, size, megapixels and format winning), the model asked for, defaults otherwise.
 */
export function requestFor(image: MissingImage, model: string | undefined, root: string): ImageRequest {
  const style = styleForDocument(image.document, root);
  const base = normalizeParams({ prompt: image.prompt, model: style?.model ?? model ?? DEFAULT_SETTINGS.model, size: style?.size ?? DEFAULT_SETTINGS.size, seed: DEFAULT_SETTINGS.seed });
  if (!style) return base;
  const request: ImageRequest = {
    ...base,
    prompt: fillTemplate(style.prompt, base.prompt),
    ...(style.megapixels !== undefined ? { megapixels: style.megapixels } : {}),
    // (Not the style's output format: a file asked for by name is made in its name's format.)
    ...(style.references?.length ? { references: style.references.map((r) => r.image) } : {}),
  };
  madeFrom.set(request, { words: base.prompt, style, references: (style.references ?? []).map((r) => ({ path: r.path, sha256: r.sha256 })) });
  return request;
}

/** The recipe the extension's pipeline writes for a generation: the one `recipeOf` of core. */
export function recipeFor(request: ImageRequest, image: ProviderImage, provider: ProviderId, created: Date): Recipe {
  const seed = image.seed ?? (request.seed >= 0 ? request.seed : undefined);
  const dims = request.size && takesPixels(request.model) ? dimensionsFor(request.size, request.megapixels ?? MEGAPIXELS.default) : undefined;
  const styled = madeFrom.get(request);
  return recipeOf({
    id: 'flux-docs',
    // The writer's words; a house style's filled template is `sentPrompt`.
    prompt: styled?.words ?? request.prompt,
    ...(styled ? { style: { name: styled.style.name, prompt: styled.style.prompt }, sentPrompt: request.prompt } : {}),
    ...(styled?.references.length ? { references: styled.references } : {}),
    model: request.model,
    size: request.size ?? '1x1',
    ...(seed !== undefined && Number.isSafeInteger(seed) && seed >= 0 ? { seed } : {}),
    provider,
    createdAt: created.getTime(),
    ...(dims ? { width: dims.width, height: dims.height } : {}),
    file: '',
  });
}

export class Filler {
  readonly temps = new TempFiles();
  private readonly editor = new DocumentEditor(this.temps);
  private readonly queue: RequestQueue;
  private proxies: ProxyDispatchers | undefined;

  constructor(
    private readonly connection: Connection,
    concurrency: number,
    private readonly signal: AbortSignal,
  ) {
    this.queue = new RequestQueue(() => concurrency);
  }

  /** Makes every planned image; each one's failure is its own. */
  async run(plans: readonly FillPlan[], events: FillEvents = {}): Promise<{ written: Written[]; failed: Failed[] }> {
    const written: Written[] = [];
    const failed: Failed[] = [];
    await Promise.all(
      plans.map(async (plan) => {
        try {
          const w = await this.one(plan);
          written.push(w);
          events.onWritten?.(w);
        } catch (err) {
          const e = asFluxError(err, this.connection.apiKey);
          // No log on the command line: the service's details go with the message.
          const f = { path: plan.image.repoPath, document: plan.image.document.repoPath, message: redact(messageWithDetails(e), this.connection.apiKey) };
          failed.push(f);
          events.onFailed?.(f);
        }
      }),
    );
    const order = new Map(plans.map((p, i) => [p.image.repoPath, i]));
    const byPlan = (a: { path: string }, b: { path: string }) => order.get(a.path)! - order.get(b.path)!;
    return { written: written.sort(byPlan), failed: failed.sort(byPlan) };
  }

  async dispose(): Promise<void> {
    await this.proxies?.dispose();
  }

  private async one({ image, request, others }: FillPlan): Promise<Written> {
    const folder = path.dirname(image.target);
    // Checked before any paid request: a folder we cannot write to fails this image only.
    await fs.mkdir(folder, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      throw new FluxError('write', `Cannot create the folder ${path.basename(folder)} (${err.code ?? 'error'}).`);
    });
    await fs.access(folder, fs.constants.W_OK).catch(() => {
      throw new FluxError('write', `The folder of ${image.repoPath} cannot be written to.`);
    });
    const made = await this.queue.run(() => this.generate(request), this.signal);
    if (this.signal.aborted) throw new FluxError('cancelled', 'Cancelled. Nothing was saved.');
    const recipe = recipeFor(request, made, this.connection.provider, new Date());
    // Labelled and with its recipe, as the extension writes it; Content Credentials kept as they came.
    const bytes = hasContentCredentials(made.bytes) ? made.bytes : (labelImage(made.bytes, { recipe, embedRecipe: DEFAULT_SETTINGS.embedRecipe }) ?? made.bytes);
    let temp: string;
    try {
      temp = await this.temps.write(image.target, bytes);
    } catch (err) {
      throw new FluxError('write', `Cannot write ${image.repoPath} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    if (!(await this.temps.placeNew(temp, image.target))) throw new FluxError('write', `${image.repoPath} exists already; it is never written over.`);
    const changed: string[] = [];
    const unchanged: string[] = [];
    for (const named of [image, ...others]) {
      const places: RetargetPlace[] = [
        ...(named.retargetTo ? [{ ref: named.ref, written: named.written, retargetTo: named.retargetTo }] : []),
        ...named.also,
      ];
      if (!places.length) continue;
      const where = named === image ? '' : ` in ${named.document.repoPath}`;
      const pair = (p: RetargetPlace) => `${p.ref.path} → ${p.retargetTo}${where}`;
      const outcome = await this.editor.retarget(named.document, places).catch((err: unknown) => ({ changed: false as const, why: `the document could not be written (${(err as NodeJS.ErrnoException).code ?? 'error'})` }));
      if (outcome.changed) changed.push(...places.map(pair));
      else unchanged.push(...places.map((p) => `${pair(p)} (${outcome.why})`));
    }
    return { path: image.repoPath, document: image.document.repoPath, prompt: image.prompt, changed, unchanged };
  }

  private async generate(request: ImageRequest): Promise<ProviderImage> {
    if (this.signal.aborted) throw new FluxError('cancelled', 'Cancelled. Nothing was saved.');
    // Loaded on first use: check never pays for the HTTP machinery.
    const [{ providerFor }, { ProxyDispatchers }] = await Promise.all([import('../core/providers'), import('../core/http/proxy')]);
    const network = { env: this.connection.env };
    this.proxies ??= new ProxyDispatchers();
    const dispatcher = this.proxies.forRequest(network);
    const proxied = this.proxies.get(network) !== undefined;
    const settings: ProviderSettings = {
      baseUrl: this.connection.baseUrl,
      apiKey: this.connection.apiKey,
      timeoutMs: this.connection.timeoutMs ?? DEFAULT_SETTINGS.timeoutMs,
      userAgent: this.connection.userAgent,
      dispatcher,
      ...(proxied ? { lookup: async () => [] } : {}),
    };
    return providerFor(this.connection.provider).generate(request, settings, { signal: this.signal });
  }
}
