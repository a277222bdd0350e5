import type * as vscode from 'vscode';

/** A style as the pickers show it. */
export interface StyleChoice {
  readonly name: string;
  readonly description?: string;
  /** Workspace-folder-relative paths, as written in the file. */
  readonly references: readonly string[];
  readonly model?: string;
}

/** Where a document's style comes from, for the status bar's words. */
export type StyleOrigin = 'document' | 'setting' | 'default';

/** The style a document uses now. */
export interface DocumentStyle {
  readonly name: string;
  readonly origin: StyleOrigin;
  /** False in an untrusted workspace: styles are named but not applied. */
  readonly applied: boolean;
}

/** A replacement in a document's text, by offsets (from core's `declarationEdit`). */
export interface TextChange {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

/**
 * What Choose Style, the status bar and the Studio need of the house styles (services/styles.ts's
 * StyleRegistry and core/styles.ts, joined in extension.ts), so the UI stays apart from them.
 */
export interface StyleSource {
  /** The styles of the folder's `.vscode/flux-styles.json`, in file order; empty when it has none. */
  list(folder: vscode.WorkspaceFolder): readonly StyleChoice[];
  /** Whether the folder has a styles file (possibly with no styles yet). */
  hasFile(folder: vscode.WorkspaceFolder): boolean;
  /** The style the document uses now, undefined for none. */
  current(document: vscode.TextDocument): DocumentStyle | undefined;
  /** The style a document of the folder gets without a declaration of its own (flux.style, then the file's default). */
  fallback(folder: vscode.WorkspaceFolder): string | undefined;
  /** The name the document declares itself (`none` included), undefined when it declares none. */
  declared(document: vscode.TextDocument): string | undefined;
  /** The change that makes the document declare `name` (null: removes its declaration); undefined when it cannot. */
  declarationEdit(document: vscode.TextDocument, name: string | null): TextChange | undefined;
  /** A styles file changed (or trust was granted). */
  readonly onDidChange: vscode.Event<unknown>;
}

/** The path of the styles file inside a workspace folder. */
export const STYLES_FILE = ['.vscode', 'flux-styles.json'] as const;
