import * as vscode from 'vscode';

export interface FluxConfig {
  readonly baseUrl: string;
  readonly model: string;
  readonly size: string;
  readonly seed: number;
  readonly outputFolder: string;
  readonly timeoutMs: number;
}

/** The `flux.*` settings as one typed object, for the folder that holds `scope` when given. */
export function readConfig(scope?: vscode.Uri): FluxConfig {
  const c = vscode.workspace.getConfiguration('flux', scope);
  const seconds = Number(c.get('requestTimeoutSeconds', 120));
  return {
    baseUrl: String(c.get('baseUrl', 'https://www.dmxapi.cn')),
    model: String(c.get('model', 'flux-kontext-pro')),
    size: String(c.get('size', '1x1')),
    seed: Number(c.get('seed', -1)),
    outputFolder: String(c.get('outputFolder', 'assets')),
    timeoutMs: Math.round((Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 900) : 120) * 1000),
  };
}
