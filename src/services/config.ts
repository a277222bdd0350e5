import * as vscode from 'vscode';
import type { FluxSettings } from '../core/settings';
import { clampSettings } from '../core/settings';

/** The `flux.*` settings, checked against package.json's schema (see core/settings). */
export type FluxConfig = FluxSettings;

const KEYS = ['baseUrl', 'bflBaseUrl', 'provider', 'model', 'size', 'seed', 'outputFolder', 'requestTimeoutSeconds', 'embedRecipe', 'maxParallelRequests', 'megapixels', 'outputFormat', 'promptUpsampling', 'prices', 'monthlyBudget', 'style'] as const;

/**
 * The settings for the folder that holds `scope` when given. A value the schema forbids (a
 * hostile workspace's 1 s time-out, a model name with spaces) falls back to the default; in an
 * untrusted workspace VS Code itself ignores the workspace's values of restricted settings.
 */
export function readConfig(scope?: vscode.Uri): FluxConfig {
  const c = vscode.workspace.getConfiguration('flux', scope);
  return clampSettings(Object.fromEntries(KEYS.map((k) => [k, c.get<unknown>(k)])));
}
