/**
 * The messages between the Image Studio's host (studioController.ts) and its webview
 * (webview/, bundled to media/build/studio.js): one discriminated union on `type` each way. No `vscode` import, so
 * the webview bundle and plain mocha can both load it.
 *
 * The webview is treated as untrusted: the host passes everything it receives through
 * `validateWebviewMessage`, which returns a fresh object with only the known fields, or
 * undefined for anything malformed (which the host then ignores).
 */

import type { PriceRule } from '../core/prices';
import type { ProviderId } from '../core/providers/types';
import type { ImageRecord } from '../core/imageRecord';
import { ID_PATTERN, MAX_MODEL_FIELD, MAX_PROMPT_FIELD, MAX_SIZE_FIELD } from '../core/imageRecord';

export { ID_PATTERN, MAX_MODEL_FIELD, MAX_PROMPT_FIELD, MAX_SIZE_FIELD };
/** Images per Generate click: one request each, since the service rejects `n > 1`. */
export const MAX_COUNT = 4;

/** One image in the history, as the webview shows it: the stored entry, with the file as URIs it can use. */
export type HistoryItemView = Omit<ImageRecord, 'file' | 'durationMs' | 'source'> & {
  /** `webview.asWebviewUri` of the file. */
  readonly src: string;
  /** Where the file is, for people: workspace-relative when possible. */
  readonly path: string;
  /** Still a draft in the Studio's storage: not in the workspace until Insert or Save to assets. */
  readonly draft?: boolean;
  /** For an edit: the input image's file name (`parent` is its history id, when it has one). */
  readonly sourceName?: string;
  /**
   * For an edit whose source is in the history: what the picture shows (the source's own
   * description, else its prompt). The card's title and the alt text on Insert; `prompt` is the edit.
   */
  readonly description?: string;
};

/** The image the next Generate edits, chosen by the person; the host keeps its URI under `id`. */
export interface InputView {
  /** Made by the host; `generate` names the input by it, never by a path. */
  readonly id: string;
  readonly name: string;
  /** `webview.asWebviewUri` of the file, for the thumbnail. */
  readonly src: string;
  /** Where the file is, for people. */
  readonly path: string;
  /** The history id of the image, when it has one. */
  readonly parent?: string;
}

/** A reference image chosen for the next Generate: like an input image, named by a host-made id. */
export type ReferenceView = InputView;

/** References one request may carry at most (FLUX.2 [pro], [max], [flex]); the model may take fewer. */
export const MAX_REFERENCES = 8;

/** One request in flight. */
export interface JobView {
  readonly jobId: string;
  readonly prompt: string;
  readonly model: string;
  readonly size: string;
  /** The seed sent: -1 = random. */
  readonly seed: number;
  /** Epoch milliseconds, so a re-created webview can show the elapsed time. */
  readonly startedAt: number;
  /** The latest progress line (e.g. a retry), if any. */
  readonly message?: string;
  /** An edit: the input image (its id, to try again, and its name). */
  readonly input?: { readonly id: string; readonly name: string };
  /** The reference images sent (their ids, to try again). */
  readonly references?: readonly string[];
  /** The megapixels asked for, to try again. */
  readonly megapixels?: number;
  /** The Style picker's choice sent (`null` = No style), to try again. */
  readonly style?: string | null;
}

/** One house style of the target document's workspace folder, as the Studio's Style picker shows it. */
export interface StyleOptionView {
  readonly name: string;
  readonly description?: string;
  /** What the style changes, for the estimate next to Generate. */
  readonly model?: string;
  readonly size?: string;
  readonly megapixels?: number;
  /** How many reference images the style sends. */
  readonly references: number;
}

/** The Style picker: the folder's styles and the style the target document uses now. */
export interface StylesView {
  readonly styles: readonly StyleOptionView[];
  /** The target document's style (its declaration, `flux.style`, the file's default); absent = none. */
  readonly current?: string;
  /** Why styles are not applied here (an untrusted workspace): the picker is disabled with it. */
  readonly disabledReason?: string;
}

/** Buttons an error may carry; the webview sends them back as `command` or `generate`. */
export const HOST_COMMANDS = ['openAccountPage', 'setApiKey', 'showLog', 'openSettings'] as const;
export type HostCommand = (typeof HOST_COMMANDS)[number];

export interface ErrorView {
  readonly message: string;
  /** FluxErrorKind, or 'cancelled'. */
  readonly kind: string;
  readonly commands: readonly HostCommand[];
  /** True when trying again may help (busy service, network). */
  readonly retry: boolean;
}

/** Where Insert puts a link: the last active Markdown editor. */
export interface TargetView {
  /** e.g. `notes/chapter.md`; absent when there is no Markdown editor to insert into. */
  readonly label?: string;
}

export interface FormDefaults {
  readonly model: string;
  readonly size: string;
  readonly seed: number;
}

/**
 * What can be done with one history image.
 * - `variations`: the image's prompt, model and size again with new random seeds (`count` images, default 1).
 * - `reproduce`: the same prompt, model, size and seed, so the same image comes back.
 * - `save`: a draft is copied into the output folder (the card then shows the saved file).
 * - `edit`: the image becomes the input image of the next Generate (the host answers `input`).
 * - `openSource`: an edit's input image: its card when the history has it, else the file.
 * - `reference`: Use as Reference: the image goes with the next Generate (the host answers `reference`;
 *   a draft is saved into the workspace first, so the recipe can name it).
 * - `addToStyle`: Flux: Add Image to Style… on the image's file (a saved image: a draft is not in the workspace).
 */
export const ITEM_ACTIONS = ['insert', 'copyLink', 'reveal', 'open', 'variations', 'reproduce', 'remove', 'save', 'edit', 'openSource', 'reference', 'addToStyle'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/** URIs one drop may carry; only the first image is used. */
export const MAX_DROPPED_URIS = 32;
export const MAX_URI_FIELD = 4096;
/** A style name is at most 64 characters (STYLE_NAME_PATTERN); a little room for the host's own message. */
export const MAX_STYLE_FIELD = 256;

/** What the webview asks of the host. */
export type WebviewToHost =
  /** The script has started (also after the panel was hidden and shown again): send `init`. */
  | { readonly type: 'ready' }
  | {
      readonly type: 'generate';
      readonly prompt: string;
      readonly model: string;
      readonly size: string;
      /** -1 = random. */
      readonly seed: number;
      /** 1..MAX_COUNT */
      readonly count: number;
      /** An edit of this input image (an `InputView.id` the host handed out). */
      readonly input?: string;
      /** Reference images, in order (`ReferenceView.id`s the host handed out). */
      readonly references?: readonly string[];
      /** FLUX.2: the megapixels a ratio becomes; absent = `flux.megapixels`. */
      readonly megapixels?: number;
      /** The house style chosen in the Style picker; `null` = No style; absent = the target document's style. */
      readonly style?: string | null;
      /**
       * Try Again on a failed card: its job id. When that job was a Reproduce or Variations, the host
       * sends again what it recorded (style, output format, prompt upsampling), not today's.
       */
      readonly retryOf?: string;
    }
  /** Asks the host for a quick pick of the workspace's images; the choice comes back as `input`. */
  | { readonly type: 'pickInput' }
  /** Files dropped on the compose area (`text/uri-list`); the host checks them and answers `input` or a `formError` on 'input'. */
  | { readonly type: 'dropInput'; readonly uris: readonly string[] }
  /** Asks the host for an open dialog of images in the workspace; each choice comes back as `reference`. */
  | { readonly type: 'pickReferences' }
  /** Files dropped on the References row; the host checks each and answers `reference` or a `formError` on 'references'. */
  | { readonly type: 'dropReferences'; readonly uris: readonly string[] }
  /** Aborts every request this panel has in flight. */
  | { readonly type: 'cancel' }
  | {
      readonly type: 'item';
      readonly action: ItemAction;
      readonly id: string;
      /** How many images `variations` makes, 1..MAX_COUNT; absent = 1. Other actions ignore it. */
      readonly count?: number;
    }
  | { readonly type: 'command'; readonly command: HostCommand };

/** What the host tells the webview. */
export type HostToWebview =
  | {
      readonly type: 'init';
      /** Newest first. */
      readonly items: readonly HistoryItemView[];
      readonly jobs: readonly JobView[];
      readonly target: TargetView;
      /** The editor's selection when the Studio was opened; replaces the prompt. */
      readonly prefill?: string;
      /** An input image offered while the page was reloading (to load it from a new folder). */
      readonly input?: InputView;
      /** References offered while the page was reloading. */
      readonly references?: readonly ReferenceView[];
    }
  | { readonly type: 'prefill'; readonly prompt: string }
  | { readonly type: 'costs'; readonly costs: CostsView }
  /** The Style picker's choices: with `init`, and again when the target document or a styles file changes. */
  | { readonly type: 'styles'; readonly styles: StylesView }
  | { readonly type: 'target'; readonly target: TargetView }
  | { readonly type: 'jobsStarted'; readonly jobs: readonly JobView[] }
  | { readonly type: 'jobProgress'; readonly jobId: string; readonly message: string }
  | { readonly type: 'jobDone'; readonly jobId: string; readonly item: HistoryItemView }
  | { readonly type: 'jobFailed'; readonly jobId: string; readonly error: ErrorView }
  /** A problem with the form itself; nothing was sent. */
  | { readonly type: 'formError'; readonly field: FormField; readonly message: string }
  | { readonly type: 'removed'; readonly id: string }
  /** The input image for the next Generate (an edit). */
  | {
      readonly type: 'input';
      readonly input: InputView;
      /** A card's Edit…: the form becomes a fresh edit (empty instruction, one image, random seed). */
      readonly startEdit?: boolean;
    }
  /** One more reference image for the next Generate. */
  | { readonly type: 'reference'; readonly reference: ReferenceView }
  /** An image changed in place: a draft saved into the workspace. */
  | { readonly type: 'itemUpdated'; readonly item: HistoryItemView }
  /** Show this history card: scrolled into view and highlighted (an edit's parent). */
  | { readonly type: 'reveal'; readonly id: string }
  /** The outcome of an item action, shown next to that item (or at the top without one). */
  | { readonly type: 'notice'; readonly level: 'info' | 'error'; readonly message: string; readonly id?: string };

/** Every type the host sends, checked against HostToWebview by the compiler (a new one cannot be forgotten here). */
const HOST_TYPE_RECORD: Record<HostToWebview['type'], true> = {
  init: true, prefill: true, costs: true, target: true, jobsStarted: true, jobProgress: true, jobDone: true, jobFailed: true,
  formError: true, removed: true, notice: true, input: true, itemUpdated: true, reveal: true, reference: true,
  styles: true,
};
const HOST_TYPES: ReadonlySet<string> = new Set(Object.keys(HOST_TYPE_RECORD));

/** The webview's check on what reaches it: the host is trusted, but anything else in the window that posts is not. */
export function isHostMessage(data: unknown): data is HostToWebview {
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
  return typeof type === 'string' && HOST_TYPES.has(type);
}

export type FormField = 'prompt' | 'model' | 'size' | 'seed' | 'count' | 'general' | 'input' | 'references' | 'style';

/** Strings the webview shows, localized by the host and handed over in a `data-` attribute. */
/** What the Studio needs to say what a click costs: the prices in force and this month's figures (USD). */
export interface CostsView {
  readonly prices: Readonly<Record<string, PriceRule>>;
  readonly monthUsd: number;
  /** 0 = no budget. */
  readonly budget: number;
  /** `flux.megapixels`: the size of a ratio for FLUX.2 models. */
  readonly megapixels: number;
  /** `flux.provider`: how many reference images a model takes depends on it. */
  readonly provider?: ProviderId;
}

export interface WebviewStrings {
  readonly compose: string;
  readonly prompt: string;
  readonly promptPlaceholder: string;
  /** {0} = Ctrl+Enter or ⌘+Enter */
  readonly promptHint: string;
  readonly model: string;
  readonly aspectRatio: string;
  readonly custom: string;
  readonly customSize: string;
  readonly customSizePlaceholder: string;
  readonly seed: string;
  readonly seedRandom: string;
  readonly seedFixed: string;
  readonly seedNumber: string;
  /** {0} = first seed, {1} = last seed */
  readonly seedsRange: string;
  readonly seedsRandom: string;
  readonly count: string;
  readonly generate: string;
  /** {0} = number of images */
  readonly generateMany: string;
  /** {0} = ≈ $0.16: what the Generate button's click costs */
  readonly estimate: string;
  /** {0} = ≈ $0.40 this month */
  readonly spentThisMonth: string;
  /** {0} = ≈ $0.40 this month, {1} = $10.00 */
  readonly spentOfBudget: string;
  readonly costUnknown: string;
  readonly cancel: string;
  readonly generatingOne: string;
  /** {0} = number of images */
  readonly generating: string;
  readonly history: string;
  readonly filter: string;
  readonly filterPlaceholder: string;
  readonly emptyHistory: string;
  /** {0} = filter text */
  readonly noMatch: string;
  /** {0} = document label */
  readonly insertTarget: string;
  readonly noInsertTarget: string;
  readonly insert: string;
  /** {0} = document label */
  readonly insertInto: string;
  readonly copyLink: string;
  readonly useSettings: string;
  readonly reveal: string;
  readonly open: string;
  readonly remove: string;
  readonly dismiss: string;
  readonly retry: string;
  readonly openAccountPage: string;
  readonly setApiKey: string;
  readonly showLog: string;
  readonly openSettings: string;
  /** {0} = seconds */
  readonly elapsed: string;
  readonly waiting: string;
  readonly failed: string;
  readonly fileMissing: string;
  /** {0} = seed */
  readonly seedLabel: string;
  readonly seedUnknown: string;
  readonly settingsApplied: string;
  /** {0} = prompt */
  readonly actionsFor: string;
  readonly seedInvalid: string;
  /** {0} = prompt */
  readonly imageReady: string;
  /** Button on a failed card: the job's settings go back into the form. */
  readonly editPrompt: string;
  /** New random seeds for an image's prompt, model and size. */
  readonly variations: string;
  /** The same seed again, so the same image comes back. */
  readonly reproduce: string;
  /** Why Reproduce is disabled. */
  readonly reproduceNoSeed: string;
  /** The "…" button that opens a card's other actions. */
  readonly moreActions: string;
  readonly recentPrompts: string;
  /** Why Recent prompts is disabled. */
  readonly noRecentPrompts: string;
  /** Why Generate is disabled. */
  readonly promptRequired: string;
  /** Why the seed number is disabled. */
  readonly seedFieldDisabled: string;
  /** Why Reveal, Open and Insert are disabled on a card whose file is gone. */
  readonly fileMissingAction: string;
  // Drafts and editing in the Studio.
  readonly saveToAssets: string;
  /** Why Copy link and Reveal are disabled on a draft. */
  readonly draftNotInWorkspace: string;
  readonly draft: string;
  /** Tooltip of the Draft badge. */
  readonly draftHint: string;
  readonly recovered: string;
  readonly recoveredHint: string;
  /** A card's "Edit…": the image becomes the input image. */
  readonly editImage: string;
  /** A card's menu: the image becomes a reference of a house style. */
  readonly addToStyle: string;
  /** {0} = the style's template: the tooltip of a card's style badge. */
  readonly styleHint: string;
  readonly inputImage: string;
  readonly chooseImage: string;
  readonly removeInput: string;
  /** Under the input area. */
  readonly dropHint: string;
  /** {0} = file name */
  readonly fromSource: string;
  /** {0} = file name: the tooltip of "from …" */
  readonly showSource: string;
  /** The ratio tile that keeps the input image's shape. */
  readonly asInput: string;
  /** Generate's label with an input image. */
  readonly generateEdit: string;
  /** The prompt field's label with an input image. */
  readonly editInstruction: string;
  /** The input image's way out: the form makes new images again. */
  readonly leaveEdit: string;
  /** {0} = the instruction an edited image was made with */
  readonly editedWith: string;
  readonly editPlaceholder: string;
  /** {0} = path: why Save to assets is disabled on a saved image. */
  readonly alreadySaved: string;
  // Reference images and megapixels (FLUX.2).
  readonly references: string;
  /** A card's action: the image goes with the next Generate. */
  readonly useAsReference: string;
  readonly chooseReferences: string;
  /** {0} = how many are chosen, {1} = how many the model takes */
  readonly referenceCount: string;
  readonly referencesHint: string;
  /** {0} = model */
  readonly noReferences: string;
  /** {0} = file name */
  readonly removeReference: string;
  /** {0} = how many the model takes */
  readonly referencesFull: string;
  /** {0} = count: on a card made with references */
  readonly madeWithReferences: string;
  readonly megapixels: string;
  /** {0} = the megapixels, {1} = width × height of a ratio at that size */
  readonly megapixelsOption: string;
  /** Why the megapixels are disabled with a custom size. */
  readonly megapixelsCustom: string;
  // House styles.
  readonly style: string;
  readonly noStyle: string;
  /** {0} = how many reference images the style sends */
  readonly styleReferences: string;
  /** Under the Style picker while it follows the document: {0} = document label */
  readonly styleFromDocument: string;
}

/** Everything the webview needs before the first paint: strings and the form's choices. */
export interface Bootstrap {
  readonly strings: WebviewStrings;
  readonly models: readonly string[];
  /** The known models by family ("FLUX.2", "FLUX.1 Kontext"), for the model list's groups. */
  readonly modelGroups?: readonly { readonly label: string; readonly models: readonly string[] }[];
  readonly ratios: readonly string[];
  readonly maxPromptLength: number;
  readonly maxCount: number;
  readonly defaults: FormDefaults;
}

type Raw = Record<string, unknown>;

function isPlainObject(value: unknown): value is Raw {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function boundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/**
 * Checks a message from the webview: a plain object whose `type` is known and whose fields
 * have the right types and sizes. Returns a copy with only those fields, or undefined.
 * Whether the values make sense (a known ratio, a prompt within the limit) is the host's
 * next check, which answers with a `formError` the person can act on.
 */
export function validateWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isPlainObject(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'cancel':
      return { type: 'cancel' };
    case 'generate': {
      const { prompt, model, size, seed, count, input, references, megapixels, style, retryOf } = raw;
      if (!boundedString(prompt, MAX_PROMPT_FIELD)) return undefined;
      if (!boundedString(model, MAX_MODEL_FIELD)) return undefined;
      if (!boundedString(size, MAX_SIZE_FIELD)) return undefined;
      if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < -1) return undefined;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) return undefined;
      if (input !== undefined && !isId(input)) return undefined;
      if (references !== undefined && (!Array.isArray(references) || references.length > MAX_REFERENCES || !references.every(isId))) return undefined;
      // The range (0.25–4) is the host's check, with a message; here only a plain number.
      if (megapixels !== undefined && (typeof megapixels !== 'number' || !Number.isFinite(megapixels))) return undefined;
      // Whether the name is a style is the host's check (resolve), with a message naming the file.
      if (style !== undefined && style !== null && !boundedString(style, MAX_STYLE_FIELD)) return undefined;
      if (retryOf !== undefined && !isId(retryOf)) return undefined;
      return {
        type: 'generate',
        prompt,
        model,
        size,
        seed,
        count,
        ...(input !== undefined ? { input } : {}),
        ...(Array.isArray(references) && references.length ? { references: [...(references as string[])] } : {}),
        ...(megapixels !== undefined ? { megapixels } : {}),
        ...(style !== undefined ? { style } : {}),
        ...(retryOf !== undefined ? { retryOf } : {}),
      };
    }
    case 'pickReferences':
      return { type: 'pickReferences' };
    case 'pickInput':
      return { type: 'pickInput' };
    case 'dropInput':
    case 'dropReferences': {
      const { uris } = raw;
      if (!Array.isArray(uris) || uris.length === 0 || uris.length > MAX_DROPPED_URIS) return undefined;
      if (!uris.every((u) => boundedString(u, MAX_URI_FIELD) && u.length > 0)) return undefined;
      return { type: raw.type, uris: [...(uris as string[])] };
    }
    case 'item': {
      const { action, id, count } = raw;
      if (!oneOf(action, ITEM_ACTIONS) || !isId(id)) return undefined;
      if (count === undefined) return { type: 'item', action, id };
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) return undefined;
      return { type: 'item', action, id, count };
    }
    case 'command': {
      const { command } = raw;
      if (!oneOf(command, HOST_COMMANDS)) return undefined;
      return { type: 'command', command };
    }
    default:
      return undefined;
  }
}

/** The seeds a batch sends: random stays random; a fixed seed counts up, one per image. */
export function batchSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => (seed < 0 ? -1 : seed + k));
}

/** `{0}`, `{1}` … replaced by the arguments, as vscode.l10n.t does. */
export function format(template: string, ...args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const value = args[Number(i)];
    return value === undefined ? whole : String(value);
  });
}

/** The URIs of a `text/uri-list` (RFC 2483): one per line, `#` lines are comments. */
export function parseUriList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .slice(0, MAX_DROPPED_URIS);
}
