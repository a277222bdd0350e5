import type * as vscode from 'vscode';
import type { HistoryStore } from '../core/history';
import type { Costs } from './costs';
import type { GenerationService } from './generationService';
import type { ImageStore } from './imageStore';
import type { ApiKeyStore } from './keys';
import type { LinkInserter } from './linkInserter';
import type { StyleRegistry } from './styles';

/** What commands are given: the services, built once in extension.ts. */
export interface Services {
  readonly generation: GenerationService;
  readonly files: ImageStore;
  readonly links: LinkInserter;
  readonly history: HistoryStore;
  readonly keys: ApiKeyStore;
  readonly log: vscode.LogOutputChannel;
  readonly costs: Costs;
  /** House styles: `.vscode/flux-styles.json` per folder, and which style a document uses. */
  readonly styles: StyleRegistry;
}
