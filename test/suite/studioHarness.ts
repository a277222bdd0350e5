// A Studio controller wired as the panel wires it, on the real pipeline, with a recording sink
// instead of a webview: messages go in as the webview sends them; what the webview would get is
// kept in `messages`. Shared by the Studio's host-side suites.
import * as vscode from 'vscode';
import type { Services } from '../../src/services/services';
import type { HistoryStorage } from '../../src/core/history';
import { HistoryStore } from '../../src/core/history';
import type { TestingApi } from '../../src/extension';
import { GenerationService } from '../../src/services/generationService';
import { Costs } from '../../src/services/costs';
import { ImageStore } from '../../src/services/imageStore';
import { LinkInserter } from '../../src/services/linkInserter';
import { StyleRegistry } from '../../src/services/styles';
import { InsertTargetTracker } from '../../src/studio/insertTarget';
import type { HistoryItemView, HostToWebview } from '../../src/studio/protocol';
import type { RemoveChoice } from '../../src/studio/studioController';
import { StudioController } from '../../src/studio/studioController';
import { pipelinePrompts } from '../../src/ui/keyPrompt';

/** globalState as a map; values go through JSON as VS Code's storage does. */
export class MemoryStorage implements HistoryStorage {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

export type Message<T extends HostToWebview['type']> = Extract<HostToWebview, { type: T }>;

export interface StudioHarnessOptions {
  /** Which documents the insert target follows; default the tracker's own rule. */
  readonly accepts?: (document: vscode.TextDocument) => boolean;
  /** Results wait here as drafts; without it they go straight into the output folder. */
  readonly drafts?: vscode.Uri;
  /** The history's storage, to open the Studio again on the same history. */
  readonly storage?: MemoryStorage;
}

export class StudioHarness implements vscode.Disposable {
  readonly messages: HostToWebview[] = [];
  readonly storage: MemoryStorage;
  readonly history: HistoryStore;
  readonly tracker: InsertTargetTracker;
  readonly log = vscode.window.createOutputChannel('Flux Studio test', { log: true });
  readonly services: Services;
  readonly controller: StudioController;
  /** What the remove confirmation answers. */
  removeChoice: RemoveChoice = 'history';
  /** Folders the webview was allowed to load from. */
  readonly allowed: vscode.Uri[] = [];
  /** What the image picker answers. */
  picked: vscode.Uri | undefined;

  /** `api`: the extension's testing hook; its key store is the real one (SecretStorage). */
  constructor(api: TestingApi, options: StudioHarnessOptions = {}) {
    this.storage = options.storage ?? new MemoryStorage();
    this.history = new HistoryStore(this.storage);
    this.tracker = new InsertTargetTracker(options.accepts);
    const files = new ImageStore();
    const links = new LinkInserter();
    // Built from the same source as the controller: one FluxError class on both sides, so the
    // controller tells a refusal from a network failure as it does in the shipped bundle.
    const costs = new Costs(this.history, api.services.costs.ui);
    const generation = new GenerationService(pipelinePrompts(api.services.keys), files, links, this.history, this.log, 'flux-vscode/test', costs);
    this.services = { generation, files, links, history: this.history, keys: api.services.keys, log: this.log, costs, styles: new StyleRegistry() };
    this.controller = new StudioController({
      services: this.services,
      target: this.tracker,
      post: (m) => {
        this.messages.push(m);
        return true;
      },
      asWebviewUri: (uri) => uri.with({ scheme: 'https', authority: 'webview.test', path: `/${uri.scheme}${uri.path}` }),
      allowFolder: (folder) => this.allowed.push(folder),
      confirmRemove: async () => this.removeChoice,
      ...(options.drafts ? { draftsFolder: options.drafts } : {}),
      pickImage: async () => this.picked,
    });
  }

  send(raw: unknown): Promise<void> {
    return this.controller.handle(raw);
  }

  of<T extends HostToWebview['type']>(type: T): Message<T>[] {
    return this.messages.filter((m): m is Message<T> => m.type === type);
  }

  /** Sends a generate message (defaults: one 1x1 image of a lighthouse); the items made. */
  async generate(fields: Record<string, unknown> = {}): Promise<HistoryItemView[]> {
    const before = this.of('jobDone').length;
    await this.send({ type: 'generate', prompt: 'A lighthouse at dusk', model: 'flux-kontext-pro', size: '1x1', seed: -1, count: 1, ...fields });
    return this.of('jobDone').slice(before).map((m) => m.item);
  }

  /** On a failed test: what the webview was sent. */
  dump(): string {
    return `Messages to the webview:\n${this.messages.map((m) => JSON.stringify(m)).join('\n')}`;
  }

  dispose(): void {
    this.controller.dispose();
    this.tracker.dispose();
    this.services.generation.dispose();
    this.services.files.dispose();
    this.services.styles.dispose();
    this.log.dispose();
  }
}
