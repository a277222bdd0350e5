// What every piece of the Studio's host side shares: the options the panel (or a test) gives,
// the drafts folder, the one way to post to the webview, the records this panel made itself,
// and the Studio's small file helpers.
import * as vscode from 'vscode';
import type { HistoryEntry } from '../core/history';
import type { Services } from '../services/services';
import { statOrUndefined } from '../services/imageStore';
import type { Drafts } from './drafts';
import type { InsertTargetTracker } from './insertTarget';
import type { HostToWebview } from './protocol';
import { MAX_URI_FIELD } from './protocol';

/** What removing an image from the history should do; undefined = nothing (cancelled). */
export type RemoveChoice = 'history' | 'file' | undefined;

export interface StudioControllerOptions {
  readonly services: Services;
  readonly target: InsertTargetTracker;
  /** Delivers a message to the webview; resolves to false when it was not delivered. */
  readonly post: (message: HostToWebview) => Thenable<boolean> | boolean;
  /** `webview.asWebviewUri`. */
  readonly asWebviewUri: (uri: vscode.Uri) => vscode.Uri;
  /** Called before an image in `folder` is shown, so the webview may load from it; true when that reloads the page. */
  readonly allowFolder?: (folder: vscode.Uri) => unknown;
  /** Asks whether to remove an entry, and its file too; default a modal warning. */
  readonly confirmRemove?: (entry: HistoryEntry, path: string) => Thenable<RemoveChoice>;
  /**
   * Where results go as drafts until Insert or Save to assets (the extension's storage). Without
   * it they go straight into the output folder.
   */
  readonly draftsFolder?: vscode.Uri;
  /** Asks for an input image from the workspace; default a quick pick of its images, newest first. */
  readonly pickImage?: () => Thenable<vscode.Uri | undefined>;
  /** Asks for reference images in the workspace; default an open dialog of images, several at once. */
  readonly pickReferences?: () => Thenable<readonly vscode.Uri[] | undefined>;
  readonly now?: () => number;
}

/** Handed by the controller to each of its pieces. */
export interface StudioContext {
  readonly options: StudioControllerOptions;
  readonly drafts: Drafts | undefined;
  /** Records made by this panel's own jobs: announced with their job, not as outside additions. */
  readonly ownRecords: Set<string>;
  /** Posts to the webview; nothing once the panel is gone. */
  send(message: HostToWebview): void;
}

export function newId(): string {
  return globalThis.crypto.randomUUID();
}

export function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  return (await statOrUndefined(uri)) !== undefined;
}

/** A workspace-relative path (a recipe's `source`) in the first workspace folder that has it. */
export function sourceUri(path: string): vscode.Uri | undefined {
  if (!path || path.length > MAX_URI_FIELD || path.split('/').some((s) => s === '..' || s === '.')) return undefined;
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length ? vscode.Uri.joinPath(folders[0]!.uri, ...path.split('/')) : undefined;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
