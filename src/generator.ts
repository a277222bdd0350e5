import * as vscode from 'vscode';
import type { ApiKeyStore } from './apiKeyStore';
import type { FluxConfig } from './config';
import { GENERATING_CONTEXT } from './constants';
import type { GeneratedImage, RequestLogEntry } from './core/client';
import { isInsecureRemote } from './core/endpoint';
import { FluxError, redact } from './core/errors';
import type { GenerationParams } from './core/params';

export interface GenerateOptions {
  readonly signal?: AbortSignal;
  readonly onRetry?: (info: { attempt: number; delayMs: number; status: number }) => void;
}

/**
 * Turns parameters into verified image bytes: the key (asked for when missing), the HTTP
 * client, the log. Every request it runs can be cancelled at once with `cancelAll()`.
 */
export class Generator implements vscode.Disposable {
  private readonly running = new Set<AbortController>();
  private readonly warnedInsecure = new Set<string>();

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly userAgent: string,
  ) {}

  async generate(params: GenerationParams, config: FluxConfig, options: GenerateOptions = {}): Promise<GeneratedImage> {
    this.warnIfInsecure(config.baseUrl);
    const apiKey = await this.keys.getOrAsk();
    if (!apiKey) throw new FluxError('noKey', vscode.l10n.t('No API key was given, so nothing was generated.'));
    if (options.signal?.aborted) throw new FluxError('cancelled', vscode.l10n.t('Cancelled. Nothing was saved.'));
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.track(controller, true);
    const promptForLog = params.prompt.length > 80 ? `${params.prompt.slice(0, 80)}…` : params.prompt;
    this.log.info(`Generating “${redact(promptForLog, apiKey)}” with ${params.model}, size ${params.size}, seed ${params.seed}`);
    try {
      // Loaded on first use: the HTTP machinery costs nothing until an image is asked for.
      const { generateImage } = await import('./core/client');
      const image = await generateImage(
        params,
        { baseUrl: config.baseUrl, apiKey, timeoutMs: config.timeoutMs, userAgent: this.userAgent },
        { signal: controller.signal, log: (e) => this.logRequest(e), onRetry: options.onRetry },
      );
      this.log.info(`Received a ${image.type.format.toUpperCase()} of ${formatBytes(image.bytes.length)} (seed ${image.seed ?? 'not reported'}) in ${Math.round(image.durationMs)} ms`);
      return image;
    } catch (err) {
      const e = err instanceof FluxError ? err : new FluxError('network', redact(String(err), apiKey));
      if (e.kind === 'cancelled') this.log.info('Cancelled.');
      else this.log.error(`${e.kind}: ${e.message}`);
      throw e;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.track(controller, false);
    }
  }

  cancelAll(): void {
    for (const c of [...this.running]) c.abort();
  }

  dispose(): void {
    this.cancelAll();
  }

  private warnIfInsecure(baseUrl: string): void {
    if (!isInsecureRemote(baseUrl) || this.warnedInsecure.has(baseUrl)) return;
    this.warnedInsecure.add(baseUrl);
    void vscode.window.showWarningMessage(vscode.l10n.t('flux.baseUrl ({0}) is plain http: your API key travels unencrypted. Use an https:// address.', baseUrl));
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

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}
