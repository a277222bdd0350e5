/**
 * The Image Studio webview's state: one `State`, changed only by `reduce(state, action)`.
 * Pure: no DOM, no lit, no clock, no randomness (an action that needs a random number or the
 * time carries it), so the unit tests run it in plain Node. Components render from the state;
 * `main.ts` turns host messages into actions and posts what the person asks for.
 */
import type { CostsView, ErrorView, FormDefaults, FormField, HistoryItemView, HostToWebview, InputView, JobView, ReferenceView, StyleOptionView, StylesView, TargetView, WebviewToHost } from '../src/studio/protocol';
import { MAX_REFERENCES } from '../src/studio/protocol';
import { MEGAPIXELS } from '../src/core/dimensions';
import { modelRoute, takesPixels } from '../src/core/models';

export interface FormState {
  readonly prompt: string;
  readonly model: string;
  /** One of the ratios (`16x9`), 'custom', or 'input' (an edit keeps its input image's shape). */
  readonly ratio: string;
  /** `WIDTHxHEIGHT` as typed, used when ratio is 'custom'. */
  readonly custom: string;
  readonly seedMode: 'random' | 'fixed';
  /** As typed; always '' while seedMode is 'random'. */
  readonly seedValue: string;
  readonly count: number;
}

/** A job that failed: what was asked, and what happened, said once. */
export interface Failure {
  readonly jobId: string;
  readonly prompt: string;
  readonly model: string;
  readonly size: string;
  readonly seed: number;
  readonly error: ErrorView;
  /** An edit's input image, so Try again edits it again. */
  readonly input?: { readonly id: string; readonly name: string };
  /** The references and megapixels sent, so Try again sends them again. */
  readonly references?: readonly string[];
  readonly megapixels?: number;
  /** The Style picker's choice sent, so Try again sends it again. */
  readonly style?: string | null;
}

export interface Notice {
  readonly level: 'info' | 'error';
  readonly message: string;
  /** Increases with every notice, so a timer can tell whether its notice is still shown. */
  readonly seq: number;
}

/** What the form may choose from, from the bootstrap data. */
export interface FormChoices {
  readonly ratios: readonly string[];
  readonly models: readonly string[];
  readonly maxCount: number;
  readonly defaults: FormDefaults;
}

export interface State {
  readonly choices: FormChoices;
  readonly form: FormState;
  readonly filter: string;
  /** History, newest first. */
  readonly items: readonly HistoryItemView[];
  /** Requests in flight: newest batch first, each batch in seed order. */
  readonly jobs: readonly JobView[];
  readonly failures: readonly Failure[];
  readonly target: TargetView;
  readonly errors: Readonly<Partial<Record<FormField, string>>>;
  /** A notice next to an image (by id), or at the top of the gallery ('' key). */
  readonly notices: Readonly<Record<string, Notice>>;
  /** The status line's passing news (a live region); undefined = say what is running. */
  readonly announcement?: { readonly message: string; readonly seq: number };
  /** Images whose file did not load. */
  readonly missing: readonly string[];
  /** The one open menu (e.g. `item:<id>`, `recent`), if any. */
  readonly menu?: string;
  /** How many history cards are rendered; more as the list scrolls. */
  readonly shown: number;
  /** The host has sent `init` at least once. */
  readonly ready: boolean;
  /** The image the next Generate edits. */
  readonly input?: InputView;
  /** Reference images sent with the next Generate, in order (kept after it: a series shares them). */
  readonly references: readonly ReferenceView[];
  /** FLUX.2: the megapixels chosen in the Studio; undefined = `flux.megapixels`. */
  readonly megapixels?: number;
  /** Prices in force and this month's spending, from the host. */
  readonly costs?: CostsView;
  /** The Style picker's choices, from the host (the target document's folder and style). */
  readonly styles?: StylesView;
  /** The style the person picked (`null` = No style); undefined = follow the target document's style. */
  readonly stylePick?: string | null;
  /** The card shown on purpose (an edit's parent), highlighted until something else is chosen. */
  readonly highlight?: string;
  readonly seq: number;
}

/** Cards rendered at first and per step: a long history stays light. */
export const PAGE = 48;

export type Action =
  | { readonly type: 'host'; readonly message: HostToWebview }
  | { readonly type: 'setPrompt'; readonly prompt: string }
  | { readonly type: 'setModel'; readonly model: string }
  | { readonly type: 'setRatio'; readonly ratio: string }
  | { readonly type: 'setCustom'; readonly custom: string }
  /** `suggestion`: the seed to show when Fixed is chosen with an empty field (the caller picks it at random). */
  | { readonly type: 'setSeedMode'; readonly mode: 'random' | 'fixed'; readonly suggestion?: number }
  | { readonly type: 'setSeedValue'; readonly value: string }
  | { readonly type: 'setCount'; readonly count: number }
  | { readonly type: 'setFilter'; readonly filter: string }
  /** An image's prompt, model, size and seed go back into the form. */
  | { readonly type: 'useSettings'; readonly id: string }
  /** A failed job's prompt, model, size and seed go back into the form. */
  | { readonly type: 'editFailure'; readonly jobId: string }
  | { readonly type: 'dismissFailure'; readonly jobId: string }
  /** The form was checked here and failed (e.g. a seed that is not a number). */
  | { readonly type: 'fieldError'; readonly field: FormField; readonly message: string }
  | { readonly type: 'clearErrors'; readonly field?: FormField }
  | { readonly type: 'announce'; readonly message: string }
  | { readonly type: 'announcementExpired'; readonly seq: number }
  | { readonly type: 'noticeExpired'; readonly key: string; readonly seq: number }
  | { readonly type: 'imageMissing'; readonly id: string }
  | { readonly type: 'menu'; readonly menu: string | undefined }
  | { readonly type: 'showMore' }
  /** The input image's remove button: Generate makes a new image again. */
  | { readonly type: 'removeInput' }
  | { readonly type: 'removeReference'; readonly id: string }
  | { readonly type: 'setMegapixels'; readonly megapixels: number }
  /** The Style picker: a style by name, or `null` for No style. */
  | { readonly type: 'setStyle'; readonly style: string | null }
  | { readonly type: 'highlight'; readonly id: string | undefined };

/** What the webview keeps across reloads with `setState`. */
export interface SavedState {
  readonly version: 2;
  readonly form: FormState;
  readonly filter: string;
  readonly scrollY?: number;
  /** The input image (the page is re-created when the panel is hidden and shown again). */
  readonly input?: InputView;
  readonly references?: readonly ReferenceView[];
  readonly megapixels?: number;
  /** The style picked in the Style picker (`null` = No style). */
  readonly stylePick?: string | null;
}

export function defaultForm(choices: FormChoices): FormState {
  // 'input' is never a default: it needs an input image.
  const d = choices.defaults;
  const ratio = choices.ratios.includes(d.size) ? d.size : 'custom';
  const fixed = Number.isSafeInteger(d.seed) && d.seed >= 0;
  return {
    prompt: '',
    model: d.model,
    ratio,
    custom: ratio === 'custom' ? d.size : '',
    seedMode: fixed ? 'fixed' : 'random',
    seedValue: fixed ? String(d.seed) : '',
    count: 1,
  };
}

/** The first state: the defaults, with whatever valid form a previous `setState` kept. */
export function initialState(choices: FormChoices, saved: unknown): State {
  const base = defaultForm(choices);
  const s = isRecord(saved) ? saved : {};
  const f = isRecord(s.form) ? s.form : {};
  const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  const ratio = str(f.ratio, base.ratio);
  const seedMode = f.seedMode === 'fixed' || f.seedMode === 'random' ? f.seedMode : base.seedMode;
  const count = typeof f.count === 'number' && Number.isInteger(f.count) && f.count >= 1 && f.count <= choices.maxCount ? f.count : base.count;
  const input = savedInput(s.input);
  const references = Array.isArray(s.references) ? s.references.slice(0, MAX_REFERENCES).map(savedInput).filter((r) => r !== undefined) : [];
  const megapixels = validMegapixels(s.megapixels) ? s.megapixels : undefined;
  const stylePick = s.stylePick === null || (typeof s.stylePick === 'string' && s.stylePick.length <= 256) ? s.stylePick : undefined;
  return {
    choices,
    form: {
      prompt: str(f.prompt, base.prompt),
      model: str(f.model, '') || base.model,
      ratio: choices.ratios.includes(ratio) || ratio === 'custom' || (ratio === 'input' && input) ? ratio : base.ratio,
      custom: str(f.custom, base.custom),
      seedMode,
      seedValue: seedMode === 'random' ? '' : str(f.seedValue, base.seedValue),
      count,
    },
    filter: str(s.filter, ''),
    items: [],
    jobs: [],
    failures: [],
    target: {},
    errors: {},
    notices: {},
    missing: [],
    shown: PAGE,
    ready: false,
    seq: 0,
    ...(input ? { input } : {}),
    references,
    ...(megapixels !== undefined ? { megapixels } : {}),
    ...(stylePick !== undefined ? { stylePick } : {}),
  };
}

function validMegapixels(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= MEGAPIXELS.min && value <= MEGAPIXELS.max;
}

/** A kept input image, if it still has the shape of one. */
function savedInput(value: unknown): InputView | undefined {
  if (!isRecord(value)) return undefined;
  const { id, name, src, path, parent } = value;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id) || typeof name !== 'string' || typeof src !== 'string' || typeof path !== 'string') return undefined;
  return { id, name, src, path, ...(typeof parent === 'string' ? { parent } : {}) };
}

export function savedState(state: State, scrollY?: number): SavedState {
  return {
    version: 2,
    form: state.form,
    filter: state.filter,
    ...(scrollY !== undefined ? { scrollY } : {}),
    ...(state.input ? { input: state.input } : {}),
    ...(state.references.length ? { references: state.references } : {}),
    ...(state.megapixels !== undefined ? { megapixels: state.megapixels } : {}),
    ...(state.stylePick !== undefined ? { stylePick: state.stylePick } : {}),
  };
}

export function reduce(state: State, action: Action): State {
  switch (action.type) {
    case 'host':
      return fromHost(state, action.message);
    case 'setPrompt':
      return withForm(clearError(state, 'prompt'), { prompt: action.prompt });
    case 'setModel':
      return withForm(clearError(state, 'model'), { model: action.model });
    case 'setRatio':
      return withForm(clearError(state, 'size'), { ratio: action.ratio });
    case 'setCustom':
      // Typing a size means the custom tile.
      return withForm(clearError(state, 'size'), { custom: action.custom, ratio: 'custom' });
    case 'setSeedMode': {
      const s = clearError(state, 'seed');
      if (action.mode === 'random') return withForm(s, { seedMode: 'random', seedValue: '' });
      const value = s.form.seedValue.trim() || (action.suggestion !== undefined ? String(action.suggestion) : '');
      return withForm(s, { seedMode: 'fixed', seedValue: value });
    }
    case 'setSeedValue':
      return withForm(clearError(state, 'seed'), { seedMode: 'fixed', seedValue: action.value });
    case 'setCount':
      if (!Number.isInteger(action.count) || action.count < 1 || action.count > state.choices.maxCount) return state;
      return withForm(clearError(state, 'count'), { count: action.count });
    case 'setFilter':
      return { ...state, filter: action.filter, shown: PAGE };
    case 'useSettings': {
      const item = state.items.find((i) => i.id === action.id);
      if (!item) return state;
      return fillForm(state, item.prompt, item.model, item.size, item.seed ?? -1);
    }
    case 'editFailure': {
      const failure = state.failures.find((f) => f.jobId === action.jobId);
      if (!failure) return state;
      return fillForm(state, failure.prompt, failure.model, failure.size, failure.seed);
    }
    case 'dismissFailure':
      return { ...state, failures: state.failures.filter((f) => f.jobId !== action.jobId) };
    case 'fieldError':
      return { ...state, errors: { ...state.errors, [action.field]: action.message } };
    case 'clearErrors':
      return action.field ? clearError(state, action.field) : { ...state, errors: {} };
    case 'announce':
      return announce(state, action.message);
    case 'announcementExpired':
      return state.announcement?.seq === action.seq ? { ...state, announcement: undefined } : state;
    case 'noticeExpired': {
      if (state.notices[action.key]?.seq !== action.seq) return state;
      const notices = { ...state.notices };
      delete notices[action.key];
      return { ...state, notices };
    }
    case 'imageMissing':
      return state.missing.includes(action.id) ? state : { ...state, missing: [...state.missing, action.id] };
    case 'menu':
      return state.menu === action.menu ? state : { ...state, menu: action.menu };
    case 'showMore':
      return { ...state, shown: state.shown + PAGE };
    case 'removeInput':
      return withoutInput(state);
    case 'removeReference':
      return state.references.some((r) => r.id === action.id) ? clearError({ ...state, references: state.references.filter((r) => r.id !== action.id) }, 'references') : state;
    case 'setMegapixels':
      return validMegapixels(action.megapixels) ? clearError({ ...state, megapixels: action.megapixels }, 'size') : state;
    case 'highlight':
      return state.highlight === action.id ? state : { ...state, highlight: action.id };
    case 'setStyle':
      return clearError({ ...state, stylePick: action.style }, 'style');
  }
}

/** Shows a card: the filter is cleared if it hides it, and enough cards are rendered to reach it. */
function revealItem(state: State, id: string): State {
  const index = state.items.findIndex((i) => i.id === id);
  if (index < 0) return state;
  return { ...state, highlight: id, filter: '', shown: Math.max(state.shown, Math.ceil((index + 1) / PAGE) * PAGE) };
}

function fromHost(state: State, message: HostToWebview): State {
  switch (message.type) {
    case 'init': {
      let s: State = { ...state, items: [...message.items], jobs: [...message.jobs], target: message.target, ready: true };
      if (message.input) s = withForm({ ...s, input: message.input }, { ratio: 'input' });
      for (const reference of message.references ?? []) s = withReference(s, reference);
      return message.prefill !== undefined ? withForm(clearError(s, 'prompt'), { prompt: message.prefill }) : s;
    }
    case 'prefill':
      return withForm(clearError(state, 'prompt'), { prompt: message.prompt });
    case 'costs':
      return { ...state, costs: message.costs };
    case 'styles': {
      // A picked style the file no longer has: the picker follows the document again.
      const gone = typeof state.stylePick === 'string' && !message.styles.styles.some((o) => o.name === state.stylePick);
      const s: State = { ...state, styles: message.styles, ...(gone ? { stylePick: undefined } : {}) };
      return clearError(s, 'style');
    }
    case 'target':
      return { ...state, target: message.target };
    case 'jobsStarted': {
      // A new batch goes first, its own jobs in the order sent (seed order); it clears the form's errors.
      const ids = new Set(message.jobs.map((j) => j.jobId));
      const s: State = { ...state, errors: {}, jobs: [...message.jobs, ...state.jobs.filter((j) => !ids.has(j.jobId))] };
      // The edit is on its way: the form leaves edit mode, so the next Generate makes a new image,
      // and the instruction goes with it (under "Prompt" it would describe a picture of itself; a
      // failed edit's card gives it back with Edit prompt).
      return state.input && message.jobs.some((j) => j.input?.id === state.input?.id) ? withForm(withoutInput(s), { prompt: '' }) : s;
    }
    case 'jobProgress':
      return { ...state, jobs: state.jobs.map((j) => (j.jobId === message.jobId ? { ...j, message: message.message } : j)) };
    case 'jobDone': {
      const s: State = {
        ...state,
        jobs: state.jobs.filter((j) => j.jobId !== message.jobId),
        items: [message.item, ...state.items.filter((i) => i.id !== message.item.id)],
        missing: state.missing.filter((id) => id !== message.item.id),
      };
      return s;
    }
    case 'jobFailed': {
      const job = state.jobs.find((j) => j.jobId === message.jobId);
      const jobs = state.jobs.filter((j) => j.jobId !== message.jobId);
      if (!job) return { ...state, jobs };
      // Cancelled on purpose, with nothing to do about it: no card, a word in the status line.
      if (message.error.kind === 'cancelled' && message.error.commands.length === 0) return announce({ ...state, jobs }, message.error.message);
      const failure: Failure = {
        jobId: job.jobId,
        prompt: job.prompt,
        model: job.model,
        size: job.size,
        seed: job.seed,
        error: message.error,
        ...(job.input ? { input: job.input } : {}),
        ...(job.references?.length ? { references: job.references } : {}),
        ...(job.megapixels !== undefined ? { megapixels: job.megapixels } : {}),
        ...(job.style !== undefined ? { style: job.style } : {}),
      };
      return { ...state, jobs, failures: [failure, ...state.failures.filter((f) => f.jobId !== job.jobId)] };
    }
    case 'formError':
      return { ...state, errors: { ...state.errors, [message.field]: message.message } };
    case 'removed': {
      const notices = { ...state.notices };
      delete notices[message.id];
      return {
        ...state,
        items: state.items.filter((i) => i.id !== message.id),
        missing: state.missing.filter((id) => id !== message.id),
        notices,
        menu: state.menu === `item:${message.id}` ? undefined : state.menu,
      };
    }
    case 'notice': {
      const key = message.id !== undefined && state.items.some((i) => i.id === message.id) ? message.id : '';
      const seq = state.seq + 1;
      return { ...state, seq, notices: { ...state.notices, [key]: { level: message.level, message: message.message, seq } } };
    }
    case 'input': {
      // An edit keeps the input's shape unless another ratio is chosen, and makes one image with a random seed.
      const s = withForm(clearError({ ...state, input: message.input }, 'input'), { ratio: 'input', count: 1, seedMode: 'random', seedValue: '' });
      // A card's Edit…: the field waits for what should change, not the card's description.
      return message.startEdit ? withForm(clearError(s, 'prompt'), { prompt: '' }) : s;
    }
    case 'reference':
      return withReference(state, message.reference);
    case 'itemUpdated':
      // In place: a saved draft stays where it was, now showing the saved file.
      return {
        ...state,
        items: state.items.map((i) => (i.id === message.item.id ? message.item : i)),
        missing: state.missing.filter((id) => id !== message.item.id),
      };
    case 'reveal':
      return revealItem(state, message.id);
  }
}

/** One more reference, at the end; the same file twice is kept once (its newest id). */
function withReference(state: State, reference: ReferenceView): State {
  const others = state.references.filter((r) => r.path !== reference.path);
  if (others.length >= MAX_REFERENCES) return state;
  return clearError({ ...state, references: [...others, reference] }, 'references');
}

/** Edit mode left: no input image, and a ratio that needs none. */
function withoutInput(state: State): State {
  if (!state.input) return state;
  const s = clearError({ ...state, input: undefined }, 'input');
  return s.form.ratio === 'input' ? withForm(s, { ratio: defaultForm(s.choices).ratio }) : s;
}

function withForm(state: State, patch: Partial<FormState>): State {
  return { ...state, form: { ...state.form, ...patch } };
}

function clearError(state: State, field: FormField): State {
  if (state.errors[field] === undefined && state.errors.general === undefined) return state;
  const errors = { ...state.errors };
  delete errors[field];
  delete errors.general;
  return { ...state, errors };
}

function announce(state: State, message: string): State {
  const seq = state.seq + 1;
  return { ...state, seq, announcement: { message, seq } };
}

/** Prompt, model, size and seed into the form; a known ratio picks its tile, else the custom size. */
function fillForm(state: State, prompt: string, model: string, size: string, seed: number): State {
  const known = state.choices.ratios.includes(size);
  const fixed = Number.isSafeInteger(seed) && seed >= 0;
  // An edit that kept its input's shape: keep it again with an input image, else the ratio as it is.
  const ratio = known ? size : size === '' ? (state.input ? 'input' : state.form.ratio) : 'custom';
  return {
    ...state,
    errors: {},
    menu: undefined,
    form: {
      ...state.form,
      prompt,
      model,
      ratio,
      custom: ratio === 'custom' && !known && size ? size : state.form.custom,
      seedMode: fixed ? 'fixed' : 'random',
      seedValue: fixed ? String(seed) : '',
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------- derived values

/** The size the form asks for: the ratio, the custom size as typed (trimmed), or '' = the input's shape. */
export function formSize(form: FormState): string {
  return form.ratio === 'custom' ? form.custom.trim() : form.ratio === 'input' ? '' : form.ratio;
}

/**
 * The `generate` message the form makes, or the field that stops it. Only what the webview
 * can tell is checked here; the host checks the rest and answers with `formError`.
 */
export function generateRequest(state: State): { readonly message: Extract<WebviewToHost, { type: 'generate' }> } | { readonly invalid: 'prompt' | 'seed' } {
  const f = state.form;
  if (!f.prompt.trim()) return { invalid: 'prompt' };
  let seed = -1;
  if (f.seedMode === 'fixed') {
    const value = f.seedValue.trim();
    seed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed)) return { invalid: 'seed' };
  }
  const input = state.input?.id;
  // Without an input image there is no shape to keep: the default ratio then.
  const size = f.ratio === 'input' && !input ? formSize(defaultForm(state.choices)) : formSize(f);
  const references = state.references.map((r) => r.id);
  const megapixels = takesPixels(f.model) && f.ratio !== 'custom' ? state.megapixels : undefined;
  // Before the host said which styles there are, or where styles do not apply: the host decides.
  const style = state.styles && !state.styles.disabledReason ? formStyle(state) : undefined;
  return {
    message: {
      type: 'generate',
      prompt: f.prompt,
      model: f.model,
      size,
      seed,
      count: f.count,
      ...(input ? { input } : {}),
      ...(references.length ? { references } : {}),
      ...(megapixels !== undefined ? { megapixels } : {}),
      ...(style !== undefined ? { style } : {}),
    },
  };
}

/** The style the Style picker shows: the person's pick, else the target document's; `null` = No style. */
export function formStyle(state: State): string | null {
  if (state.stylePick !== undefined) return state.stylePick;
  return state.styles?.current ?? null;
}

/** The chosen style's description, model and references, when the folder's file has it. */
export function formStyleOption(state: State): StyleOptionView | undefined {
  if (state.styles?.disabledReason) return undefined;
  const name = formStyle(state);
  return name === null ? undefined : state.styles?.styles.find((o) => o.name === name);
}

/**
 * How many references the form's model takes through the provider in force, after an edit's
 * input image (which counts as one); 0 for a model that takes none (Kontext through DMXAPI).
 */
export function referenceLimit(state: State): number {
  const route = modelRoute(state.form.model, state.costs?.provider ?? 'dmxapi');
  if (route.api === 'openai') return 0;
  return Math.max(0, Math.min(MAX_REFERENCES, route.maxImages - (state.input ? 1 : 0)));
}

/** The megapixels a FLUX.2 ratio becomes: the Studio's choice, else the setting. */
export function formMegapixels(state: State): number {
  return state.megapixels ?? state.costs?.megapixels ?? MEGAPIXELS.default;
}

/** The seeds a fixed-seed batch will use, for the hint under the seed field; undefined otherwise. */
export function seedRange(form: FormState): readonly [number, number] | undefined {
  if (form.seedMode !== 'fixed' || !/^\d+$/.test(form.seedValue.trim())) return undefined;
  const seed = Number(form.seedValue.trim());
  return Number.isSafeInteger(seed + form.count - 1) ? [seed, seed + form.count - 1] : undefined;
}

/** Distinct prompts from the history, newest first, for the Recent prompts menu. */
export function recentPrompts(state: State, max = 10): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of state.items) {
    const key = item.prompt.trim();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    out.push(item.prompt);
    if (out.length >= max) break;
  }
  return out;
}

/** `16x9` → [16, 9]; `1024x768` → [1024, 768]; undefined for anything else. */
export function sizeDims(size: string): readonly [number, number] | undefined {
  const m = /^(\d{1,5})x(\d{1,5})$/.exec(size);
  if (!m) return undefined;
  const w = Number(m[1]);
  const h = Number(m[2]);
  return w > 0 && h > 0 ? [w, h] : undefined;
}

/** `16x9` → `16:9`; a pixel size → `1024×768`. */
export { sizeLabel } from '../src/core/sizeText';
