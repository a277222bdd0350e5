// The Studio's generation and edit jobs: the form checked as the commands check it, the batch's
// house style, model limit, references, budget question, then one request per image through the
// one generation pipeline; each job's progress, result or error posted to its card, and Cancel.
import * as vscode from 'vscode';
import { asFluxError, nextSteps } from '../core/errors';
import { MEGAPIXELS } from '../core/dimensions';
import { checkModelRequest } from '../core/models';
import type { GenerationParams } from '../core/params';
import { normalizeModel, normalizePrompt, normalizeSeed, normalizeSizeFor } from '../core/params';
import type { MadeWith } from '../core/imageRecord';
import type { InputImage } from '../core/providers/types';
import { readConfig } from '../services/config';
import { costItem } from '../services/costs';
import { readReferences } from '../services/editInputFile';
import { styleReferences } from '../services/generationService';
import type { JobStyle } from '../services/generationService';
import { localizedMessage } from '../ui/notifications';
import type { InputChoice, InputImages } from './inputImages';
import { readInput } from './inputImages';
import type { ErrorView, FormField, HostCommand, JobView } from './protocol';
import { batchSeeds } from './protocol';
import type { StudioContext } from './studioContext';
import { newId } from './studioContext';
import type { StudioViews } from './studioViews';

/**
 * The house style of a Generate: the Style picker's choice (a name, `null` = No style, undefined =
 * the target document's style), resolved when the job starts; or a record's style as it was made
 * (Reproduce, Variations), never today's.
 */
export type StyleChoice = { readonly pick: string | null | undefined } | { readonly recorded: JobStyle | undefined };

/** What the form asks for, as the webview sends it. */
export interface FormInput {
  prompt: string;
  model: string;
  size: string;
  seed: number;
}

/** Requests the Studio may have in flight at once. */
const MAX_RUNNING = 8;

/** Failed Reproduce and Variations jobs remembered for Try Again, newest kept. */
const MAX_FAILED_REPEATS = 64;

/** What a Reproduce or Variations sent as recorded: its Try Again sends it again. */
export interface Repeat {
  readonly style: JobStyle | undefined;
  readonly made: Pick<MadeWith, 'outputFormat' | 'promptUpsampling'>;
}

interface RunningJob {
  view: JobView;
  readonly controller: AbortController;
  /** An edit's input file (kept from pruning while the job runs). */
  readonly input?: string;
}

export class StudioJobs {
  private readonly running = new Map<string, RunningJob>();
  /** Failed repeats by job id, for their cards' Try Again (the webview knows only the form's fields). */
  private readonly failedRepeats = new Map<string, Repeat>();

  /**
   * `finished`: called after each batch (the drafts are pruned then); `now`: the clock for
   * the jobs' start times.
   */
  constructor(
    private readonly context: StudioContext,
    private readonly inputs: InputImages,
    private readonly views: StudioViews,
    private readonly finished: () => void,
    private readonly now: () => number,
  ) {}

  get busy(): boolean {
    return this.running.size > 0;
  }

  /** The jobs in flight, as their cards show them. */
  list(): JobView[] {
    return [...this.running.values()].map((j) => j.view);
  }

  /** The input files of the edits in flight (URI strings). */
  inputsInUse(): string[] {
    return [...this.running.values()].flatMap((j) => (j.input ? [j.input] : []));
  }

  /** What a failed Reproduce or Variations recorded, once, for its Try Again; undefined for any other job. */
  repeatOf(jobId: string): Repeat | undefined {
    const repeat = this.failedRepeats.get(jobId);
    this.failedRepeats.delete(jobId);
    return repeat;
  }

  cancelAll(): void {
    for (const job of this.running.values()) job.controller.abort();
  }

  async generate(
    input: FormInput,
    count: number,
    inputId?: string,
    referenceIds: readonly string[] = [],
    megapixels?: number,
    styleChoice: StyleChoice = { pick: undefined },
    /** Reproduce and Variations: the output format and prompt upsampling as recorded, never today's settings. */
    recorded: Repeat['made'] = {},
  ): Promise<void> {
    let choice: InputChoice | undefined;
    if (inputId !== undefined) {
      choice = this.inputs.get(inputId);
      if (!choice) {
        this.context.send({ type: 'formError', field: 'input', message: vscode.l10n.t('The input image is no longer available. Choose it again.') });
        return;
      }
    }
    const referenceChoices: InputChoice[] = [];
    for (const id of referenceIds) {
      const reference = this.inputs.get(id);
      if (!reference) {
        this.context.send({ type: 'formError', field: 'references', message: vscode.l10n.t('A reference image is no longer available. Remove it and choose it again.') });
        return;
      }
      referenceChoices.push(reference);
    }
    if (megapixels !== undefined && !(megapixels >= MEGAPIXELS.min && megapixels <= MEGAPIXELS.max)) {
      this.context.send({ type: 'formError', field: 'size', message: vscode.l10n.t('Megapixels must be from {0} to {1}.', MEGAPIXELS.min, MEGAPIXELS.max) });
      return;
    }
    // An edit without a size keeps its input's aspect ratio.
    const params = this.checkForm(input, count, choice !== undefined && input.size === '');
    if (!params) return;
    const config = readConfig(this.context.options.target.current()?.document.uri);
    const references = referenceChoices.map((r) => r.uri);
    // The house style as it is now (its file read, its references checked): a bad one sends nothing.
    let style: JobStyle | undefined;
    if ('recorded' in styleChoice) style = styleChoice.recorded;
    else {
      try {
        style = await this.context.options.services.styles.resolve(this.context.options.target.current()?.document, styleChoice.pick, { model: params.model });
      } catch (err) {
        this.context.send({ type: 'formError', field: 'style', message: localizedMessage(err) });
        return;
      }
    }
    // What the request will be once the style has had its say (its model, size, megapixels, references win).
    const sentModel = style?.model ?? params.model;
    const sentSize = style?.size ?? (params.size || undefined);
    const sentMegapixels = style?.megapixels ?? megapixels ?? config.megapixels;
    const sentReferences = styleReferences(references, style);
    // The model's limit (an edit's input counts as one), before anything is read or sent.
    try {
      checkModelRequest(
        { prompt: params.prompt, model: sentModel, size: sentSize, seed: params.seed, megapixels: sentMegapixels, references: sentReferences.map(() => PLACEHOLDER_IMAGE), ...(choice ? { image: PLACEHOLDER_IMAGE } : {}) },
        config.provider,
      );
    } catch (err) {
      this.context.send({ type: 'formError', field: style && (style.model || style.references?.length) ? 'style' : references.length ? 'references' : 'size', message: localizedMessage(err) });
      return;
    }
    // Each reference read now (an image, 20 MB at most, still there): a problem names the file before any request.
    if (references.length) {
      try {
        await readReferences(references);
      } catch (err) {
        this.context.send({ type: 'formError', field: 'references', message: localizedMessage(err) });
        return;
      }
    }
    // Each image is a paid request: two full batches in flight are plenty.
    if (this.running.size + count > MAX_RUNNING) {
      this.context.send({ type: 'formError', field: 'general', message: vscode.l10n.t('{0} images are still being made. Wait for them, or cancel, before starting more.', this.running.size) });
      return;
    }
    const target = this.context.options.target.current();
    const scope = target?.document.uri;
    if (this.context.drafts) {
      this.context.options.allowFolder?.(this.context.drafts.folder);
    } else {
      try {
        // Checked before any paid request: a bad output folder is reported first.
        const { folder } = await this.context.options.services.files.outputFolder(readConfig(scope).outputFolder, scope);
        this.context.options.allowFolder?.(folder);
      } catch (err) {
        this.context.send({ type: 'formError', field: 'general', message: localizedMessage(err) });
        return;
      }
    }
    // The host reads the input image itself, from the file it handed out: never bytes from the page.
    let edit: { image: InputImage; source: { path: string; sha256: string }; parent?: string } | undefined;
    if (choice) {
      try {
        edit = await readInput(choice);
      } catch (err) {
        this.context.send({ type: 'formError', field: 'input', message: localizedMessage(err) });
        return;
      }
    }
    // The whole batch is one question against the monthly budget, asked before anything is sent.
    const request = { model: sentModel, size: sentSize, ...(edit ? { image: edit.image } : {}), references: sentReferences };
    if (!(await this.context.options.services.costs.approve([costItem(request, count, style?.megapixels ?? megapixels ?? readConfig(scope).megapixels)], scope))) {
      this.context.send({ type: 'formError', field: 'general', message: vscode.l10n.t('Nothing was sent: you chose to stay within your monthly budget.') });
      return;
    }
    const startedAt = this.now();
    const jobs: RunningJob[] = batchSeeds(params.seed, count).map((seed) => ({
      view: {
        jobId: newId(),
        prompt: params.prompt,
        model: params.model,
        size: params.size,
        seed,
        startedAt,
        ...(choice && inputId ? { input: { id: inputId, name: choice.name } } : {}),
        ...(referenceIds.length ? { references: [...referenceIds] } : {}),
        ...(megapixels !== undefined ? { megapixels } : {}),
        ...('pick' in styleChoice && styleChoice.pick !== undefined ? { style: styleChoice.pick } : {}),
      },
      controller: new AbortController(),
      ...(choice ? { input: choice.uri.toString() } : {}),
    }));
    for (const job of jobs) this.running.set(job.view.jobId, job);
    this.context.send({ type: 'jobsStarted', jobs: jobs.map((j) => j.view) });
    // One request per image; the shared queue decides how many run at once.
    const repeat: Repeat | undefined = 'recorded' in styleChoice ? { style, made: recorded } : undefined;
    await Promise.all(jobs.map((job) => this.runJob(job, params, scope, edit, { references, ...(megapixels !== undefined ? { megapixels } : {}) }, style, repeat)));
    this.finished();
  }

  /** Checks the form as the commands do; a problem is reported next to its field. */
  private checkForm(input: FormInput, count: number, sizeOptional = false): GenerationParams | undefined {
    const fail = (field: FormField, err: unknown): undefined => {
      this.context.send({ type: 'formError', field, message: localizedMessage(err) });
      return undefined;
    };
    let prompt: string, model: string, size: string, seed: number;
    try {
      prompt = normalizePrompt(input.prompt);
    } catch (e) {
      return fail('prompt', e);
    }
    try {
      model = normalizeModel(input.model);
    } catch (e) {
      return fail('model', e);
    }
    try {
      // FLUX.2 takes pixels in multiples of 16 up to 4 MP; Kontext 256–2048 per side.
      size = sizeOptional ? '' : normalizeSizeFor(input.size, model);
    } catch (e) {
      return fail('size', e);
    }
    try {
      seed = normalizeSeed(input.seed);
      if (seed >= 0) normalizeSeed(seed + count - 1);
    } catch (e) {
      return fail('seed', e);
    }
    return { prompt, model, size, seed };
  }

  private async runJob(
    job: RunningJob,
    params: GenerationParams,
    scope: vscode.Uri | undefined,
    edit: { image: InputImage; source: { path: string; sha256: string }; parent?: string } | undefined,
    flux2: { references: readonly vscode.Uri[]; megapixels?: number } = { references: [] },
    style?: JobStyle,
    /** A Reproduce or Variations: its recorded format and upsampling are sent, and kept for Try Again if it fails. */
    repeat?: Repeat,
  ): Promise<void> {
    const { services } = this.context.options;
    const { signal } = job.controller;
    try {
      const result = await services.generation.run({
        request: {
          prompt: params.prompt,
          model: params.model,
          size: params.size || undefined,
          seed: job.view.seed,
          ...(edit ? { image: edit.image } : {}),
          ...(flux2.megapixels !== undefined ? { megapixels: flux2.megapixels } : {}),
          ...(repeat?.made.outputFormat !== undefined ? { outputFormat: repeat.made.outputFormat } : {}),
          ...(repeat?.made.promptUpsampling !== undefined ? { promptUpsampling: repeat.made.promptUpsampling } : {}),
        },
        // The pipeline reads them again when the request leaves the queue: one changed meanwhile is sent as it is then.
        ...(flux2.references.length ? { references: flux2.references } : {}),
        // The writer's words stay `prompt`; the pipeline sends the style's template filled with them.
        ...(style ? { style } : {}),
        ...(scope ? { scope } : {}),
        ...(this.context.drafts ? { folder: this.context.drafts.folder } : {}),
        ...(edit ? { source: edit.source, ...(edit.parent ? { parent: edit.parent } : {}) } : {}),
        signal,
        approved: true,
        onProgress: (message) => {
          job.view = { ...job.view, message };
          this.context.send({ type: 'jobProgress', jobId: job.view.jobId, message });
        },
        onRecord: (record) => this.context.ownRecords.add(record.id),
      });
      this.running.delete(job.view.jobId);
      this.context.send({ type: 'jobDone', jobId: job.view.jobId, item: this.views.item(result.record) });
    } catch (err) {
      this.running.delete(job.view.jobId);
      if (repeat) {
        this.failedRepeats.set(job.view.jobId, repeat);
        while (this.failedRepeats.size > MAX_FAILED_REPEATS) this.failedRepeats.delete(this.failedRepeats.keys().next().value as string);
      }
      this.context.send({ type: 'jobFailed', jobId: job.view.jobId, error: errorView(err, signal.aborted) });
    }
  }
}

/** Stands in for an image when only the count matters (the model's limit). */
const PLACEHOLDER_IMAGE: InputImage = { bytes: new Uint8Array(0), name: '', mime: 'image/png' };

/** An error in words, with the buttons that are its obvious next step. */
export function errorView(err: unknown, cancelledByUser: boolean): ErrorView {
  if (cancelledByUser) return { message: vscode.l10n.t('Cancelled.'), kind: 'cancelled', commands: [], retry: true };
  const e = asFluxError(err);
  const steps = nextSteps(e.kind);
  const commands: HostCommand[] = [];
  // Out of credit: topping up on the provider's site is the next step.
  if (steps.topUp) commands.push('openAccountPage');
  if (steps.setApiKey) commands.push('setApiKey');
  if (steps.openSettings) commands.push('openSettings');
  if (steps.showLog) commands.push('showLog');
  // Cancelled elsewhere (Flux: Cancel Image Generations) or no key yet: trying again is the way on.
  return { message: localizedMessage(e), kind: e.kind, commands, retry: steps.retry || e.kind === 'cancelled' || e.kind === 'noKey' };
}
