import * as vscode from 'vscode';
import type { ProviderId } from '../core/providers/types';

export interface FluxConfig {
  readonly provider: ProviderId;
  readonly baseUrl: string;
  readonly bflBaseUrl: string;
  readonly model: string;
  readonly size: string;
  readonly seed: number;
  readonly outputFolder: string;
  readonly timeoutMs: number;
  readonly embedRecipe: boolean;
  readonly maxParallelRequests: number;
}

const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;

/**
 * The `flux.*` settings as one typed object, for the folder that holds `scope` when given,
 * clamped to package.json's schema: a value the schema forbids (a hostile workspace's 1 s
 * time-out, a model name with spaces) falls back to the default.
 */
export function readConfig(scope?: vscode.Uri): FluxConfig {
  const c = vscode.workspace.getConfiguration('flux', scope);
  const str = (key: string, fallback: string) => {
    const v = c.get<unknown>(key);
    return typeof v === 'string' && v.trim() ? v.trim() : fallback;
  };
  const int = (key: string, fallback: number, min: number, max: number) => {
    const v = c.get<unknown>(key);
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
  };
  const seconds = c.get<unknown>('requestTimeoutSeconds');
  const model = str('model', 'flux-kontext-pro');
  return {
    provider: c.get<unknown>('provider') === 'bfl' ? 'bfl' : 'dmxapi',
    baseUrl: str('baseUrl', 'https://www.dmxapi.cn'),
    bflBaseUrl: str('bflBaseUrl', 'https://api.bfl.ai'),
    model: MODEL_PATTERN.test(model) ? model : 'flux-kontext-pro',
    size: str('size', '1x1'),
    seed: int('seed', -1, -1, Number.MAX_SAFE_INTEGER),
    outputFolder: str('outputFolder', 'assets'),
    timeoutMs: Math.round((typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 10 && seconds <= 900 ? seconds : 120) * 1000),
    embedRecipe: c.get<unknown>('embedRecipe') !== false,
    maxParallelRequests: int('maxParallelRequests', 4, 1, 8),
  };
}
