import { clampMegapixels } from './dimensions';
import type { OutputFormat } from './models';
import type { ProviderId } from './providers/types';
import { PROVIDER_IDS } from './providers/types';

/**
 * The `flux.*` settings as one typed object. Values come from settings.json, which anyone (or a
 * cloned workspace's `.vscode/settings.json`) can fill with anything: each is checked against
 * package.json's schema here, and an unusable value falls back to its default or is clamped into
 * range, so the rest of the code can trust the types.
 */
export interface FluxSettings {
  readonly baseUrl: string;
  readonly model: string;
  readonly size: string;
  /** -1 = random. */
  readonly seed: number;
  /** As written (checked where it is used, by `outputFolderSegments`); `''` is the workspace folder itself. */
  readonly outputFolder: string;
  /** `flux.requestTimeoutSeconds` in milliseconds, 10 s to 900 s. */
  readonly timeoutMs: number;
  readonly provider: ProviderId;
  readonly bflBaseUrl: string;
  readonly embedRecipe: boolean;
  /** 1 to 8. */
  readonly maxParallelRequests: number;
  /** FLUX.2: the size of a ratio in megapixels, 0.25 to 4. */
  readonly megapixels: number;
  readonly outputFormat: OutputFormat;
  readonly promptUpsampling: boolean;
  /** `flux.prices` as written, an object (checked entry by entry by `core/prices`' `priceBook`). */
  readonly prices: Readonly<Record<string, unknown>>;
  /** USD a month; 0 = no budget (also for anything that is not a number of at least 0). */
  readonly monthlyBudget: number;
  /** `flux.style`: a house style's name, `none`, or `''` (the styles file's default). */
  readonly style: string;
}

export const DEFAULT_SETTINGS: FluxSettings = {
  baseUrl: 'https://www.dmxapi.cn',
  model: 'flux-kontext-pro',
  size: '1x1',
  seed: -1,
  outputFolder: 'assets',
  timeoutMs: 120_000,
  provider: 'dmxapi',
  bflBaseUrl: 'https://api.bfl.ai',
  embedRecipe: true,
  maxParallelRequests: 4,
  megapixels: 1,
  outputFormat: 'png',
  promptUpsampling: false,
  prices: {},
  monthlyBudget: 0,
  style: '',
};

/** package.json `flux.model` pattern: also keeps a model name from carrying a path or query into a URL. */
export const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;

export const TIMEOUT_SECONDS = { min: 10, max: 900, default: 120 } as const;
export const PARALLEL_REQUESTS = { min: 1, max: 8, default: 4 } as const;

/**
 * Reads raw values, keyed as in `getConfiguration('flux')` (`baseUrl`, `requestTimeoutSeconds`,
 * ...), into settings that follow the schema.
 */
export function clampSettings(raw: Record<string, unknown>): FluxSettings {
  const d = DEFAULT_SETTINGS;
  const model = nonEmptyString(raw.model);
  return {
    // A URL that does not parse is kept: `generationsUrl` then says which setting to fix, rather
    // than the key silently going to the default service.
    baseUrl: nonEmptyString(raw.baseUrl) ?? d.baseUrl,
    model: model !== undefined && MODEL_PATTERN.test(model) ? model : d.model,
    size: nonEmptyString(raw.size) ?? d.size,
    seed: typeof raw.seed === 'number' && Number.isSafeInteger(raw.seed) && raw.seed >= -1 ? raw.seed : d.seed,
    outputFolder: typeof raw.outputFolder === 'string' ? raw.outputFolder : d.outputFolder,
    timeoutMs: Math.round(clampNumber(raw.requestTimeoutSeconds, TIMEOUT_SECONDS) * 1000),
    provider: PROVIDER_IDS.find((p) => p === raw.provider) ?? d.provider,
    bflBaseUrl: nonEmptyString(raw.bflBaseUrl) ?? d.bflBaseUrl,
    embedRecipe: typeof raw.embedRecipe === 'boolean' ? raw.embedRecipe : d.embedRecipe,
    maxParallelRequests: Math.round(clampNumber(raw.maxParallelRequests, PARALLEL_REQUESTS)),
    megapixels: clampMegapixels(raw.megapixels),
    outputFormat: raw.outputFormat === 'jpeg' ? 'jpeg' : 'png',
    promptUpsampling: typeof raw.promptUpsampling === 'boolean' ? raw.promptUpsampling : d.promptUpsampling,
    prices: raw.prices && typeof raw.prices === 'object' && !Array.isArray(raw.prices) ? (raw.prices as Record<string, unknown>) : d.prices,
    monthlyBudget: typeof raw.monthlyBudget === 'number' && Number.isFinite(raw.monthlyBudget) && raw.monthlyBudget >= 0 ? raw.monthlyBudget : d.monthlyBudget,
    style: nonEmptyString(raw.style) ?? d.style,
  };
}

function nonEmptyString(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s ? s : undefined;
}

/** A finite number clamped into range; anything else (strings, NaN, Infinity, null) is the default. */
function clampNumber(v: unknown, range: { readonly min: number; readonly max: number; readonly default: number }): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return range.default;
  return Math.min(range.max, Math.max(range.min, v));
}
