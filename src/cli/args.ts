// The command line of `flux-docs` (docs/CONTRACT.md, "Flux Docs: the same engine on the command line"),
// read with Node's own util.parseArgs. Keys are never arguments: argv is visible to every user of
// the machine (`ps`), so they come from the environment only.
import { parseArgs } from 'node:util';
import type { ProviderId } from '../core/providers/types';
import { PROVIDER_IDS } from '../core/providers/types';
import { MODEL_PATTERN } from '../core/settings';

export const EXIT_OK = 0;
/** check: some images are missing; fill: some images failed. */
export const EXIT_SOME = 1;
export const EXIT_USAGE = 2;
/** 128 + SIGINT, as shells report a run stopped with Ctrl+C. */
export const EXIT_INTERRUPTED = 130;

export const USAGE = `Usage:
  flux-docs check [PATHS…] [--json]
  flux-docs fill [PATHS…] [--dry-run] [--concurrency N] [--provider dmxapi|bfl] [--model M]
                 [--budget USD] [--shard I/N] [--json]
  flux-docs recipe FILE

Keys come from the environment only: FLUX_API_KEY (dmxapi), BFL_API_KEY (bfl).
FLUX_BASE_URL / BFL_BASE_URL override the hosts; HTTPS_PROXY, HTTP_PROXY, NO_PROXY are honoured.
Exit codes: 0 all good, 1 some images missing (check) or failed (fill), 2 usage error.`;

/** A mistake in how flux-docs was called: exit 2 with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Shard {
  /** 1-based, as written: `--shard 2/4` is index 2 of count 4. */
  readonly index: number;
  readonly count: number;
}

export const MAX_SHARDS = 256;
export const CONCURRENCY = { min: 1, max: 8, default: 4 } as const;

export type Command =
  | { readonly command: 'check'; readonly paths: readonly string[]; readonly json: boolean }
  | {
      readonly command: 'fill';
      readonly paths: readonly string[];
      readonly json: boolean;
      readonly dryRun: boolean;
      readonly concurrency: number;
      readonly provider: ProviderId;
      readonly model?: string;
      readonly budget?: number;
      readonly shard?: Shard;
    }
  | { readonly command: 'recipe'; readonly file: string }
  | { readonly command: 'help' };

/** Reads argv (without `node` and the script); throws UsageError for anything it does not take. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  switch (command) {
    case 'check': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
      return { command: 'check', paths: positionals, json: values.json === true };
    }
    case 'fill': {
      const { values, positionals } = parse(rest, {
        json: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        concurrency: { type: 'string' },
        provider: { type: 'string' },
        model: { type: 'string' },
        budget: { type: 'string' },
        shard: { type: 'string' },
      });
      const provider = values.provider === undefined ? 'dmxapi' : PROVIDER_IDS.find((p) => p === values.provider);
      if (!provider) throw new UsageError(`--provider takes ${PROVIDER_IDS.join(' or ')}, not “${String(values.provider)}”.`);
      const model = values.model as string | undefined;
      if (model !== undefined && !MODEL_PATTERN.test(model)) throw new UsageError(`--model “${model}” is not a model name.`);
      return {
        command: 'fill',
        paths: positionals,
        json: values.json === true,
        dryRun: values['dry-run'] === true,
        concurrency: values.concurrency === undefined ? CONCURRENCY.default : parseConcurrency(values.concurrency as string),
        provider,
        ...(model !== undefined ? { model } : {}),
        ...(values.budget !== undefined ? { budget: parseBudget(values.budget as string) } : {}),
        ...(values.shard !== undefined ? { shard: parseShard(values.shard as string) } : {}),
      };
    }
    case 'recipe': {
      const { positionals } = parse(rest, {});
      if (positionals.length !== 1) throw new UsageError('recipe takes exactly one FILE.');
      return { command: 'recipe', file: positionals[0]! };
    }
    default:
      throw new UsageError(`Unknown command “${command}”.`);
  }
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function parse(args: readonly string[], options: Options): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (err) {
    // parseArgs says which flag, in words of its own; a flag's value is never echoed back here.
    throw new UsageError(err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
}

/** `I/N` with 1 ≤ I ≤ N ≤ MAX_SHARDS, whole numbers written plainly (no `+`, no `0x`, no spaces). */
export function parseShard(value: string): Shard {
  const m = /^([1-9]\d{0,3})\/([1-9]\d{0,3})$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || index > count || count > MAX_SHARDS) throw new UsageError(`--shard takes I/N with 1 ≤ I ≤ N ≤ ${MAX_SHARDS} (such as 2/4), not “${value}”.`);
  return { index, count };
}

function parseConcurrency(value: string): number {
  const n = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  if (!(n >= CONCURRENCY.min && n <= CONCURRENCY.max)) throw new UsageError(`--concurrency takes a whole number from ${CONCURRENCY.min} to ${CONCURRENCY.max}, not “${value}”.`);
  return n;
}

function parseBudget(value: string): number {
  const n = /^\d{1,7}(\.\d{1,4})?$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`--budget takes an amount in USD such as 2.50, not “${value}”.`);
  return n;
}
