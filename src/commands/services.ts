import type * as vscode from 'vscode';
import type { HistoryStore } from '../core/history';
import type { Costs } from '../services/costs';
import type { GenerationService } from '../services/generationService';
import type { ImageStore } from '../services/imageStore';
import type { ApiKeyStore } from '../services/keys';
import type { LinkInserter } from '../services/linkInserter';

/** What commands are given: the services, built once in extension.ts. */
export interface Services {
  readonly generation: GenerationService;
  readonly files: ImageStore;
  readonly links: LinkInserter;
  readonly history: HistoryStore;
  readonly keys: ApiKeyStore;
  readonly log: vscode.LogOutputChannel;
  readonly costs: Costs;
}
