import * as vscode from 'vscode';
import { takesImageLinks } from '../services/constants';
import type { MovablePlace, PlaceTracker } from '../services/places';

export interface InsertTarget {
  readonly document: vscode.TextDocument;
  readonly position: vscode.Position;
  readonly viewColumn: vscode.ViewColumn | undefined;
}

/**
 * Remembers the last active Markdown editor and its cursor, so the Studio's Insert works after
 * focus has moved into the webview (when `activeTextEditor` becomes undefined). The cursor is a
 * place of the PlaceTracker: it follows typing and edits made elsewhere.
 */
export class InsertTargetTracker implements vscode.Disposable {
  private document: vscode.TextDocument | undefined;
  private editor: vscode.TextEditor | undefined;
  private cursor: MovablePlace | undefined;
  private viewColumn: vscode.ViewColumn | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly places: PlaceTracker,
    private readonly accepts: (document: vscode.TextDocument) => boolean = takesImageLinks,
  ) {
    if (!this.follow(vscode.window.activeTextEditor)) this.follow(vscode.window.visibleTextEditors.find((e) => accepts(e.document)));
    this.subscriptions = [
      this.changed,
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // undefined when focus moves to a webview or a panel: keep the last one.
        if (editor && this.follow(editor)) this.changed.fire();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document === this.document && e.selections[0]) {
          this.editor = e.textEditor;
          this.cursor?.moveTo(this.document.offsetAt(e.selections[0].active));
          this.viewColumn = e.textEditor.viewColumn ?? this.viewColumn;
        }
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document !== this.document) return;
        this.document = undefined;
        this.editor = undefined;
        this.cursor?.dispose();
        this.cursor = undefined;
        this.follow(vscode.window.visibleTextEditors.find((e) => e.document !== document && accepts(e.document)));
        this.changed.fire();
      }),
    ];
  }

  /** The document and cursor where Insert puts a link, if there is one. */
  current(): InsertTarget | undefined {
    const document = this.document;
    if (!document || document.isClosed) return undefined;
    // The editor's own cursor while it is on screen; the followed offset once it is not.
    const live = this.editor && vscode.window.visibleTextEditors.includes(this.editor) ? this.editor : undefined;
    const position = live ? live.selection.active : document.positionAt(this.cursor?.offset ?? 0);
    return { document, position, viewColumn: live?.viewColumn ?? this.viewColumn };
  }

  /** After a link went in at the cursor: the next one goes after it. */
  movedTo(document: vscode.TextDocument, offset: number): void {
    if (document === this.document) this.cursor?.moveTo(offset);
  }

  /** For people: `notes/chapter.md`. */
  label(): string | undefined {
    const document = this.current()?.document;
    if (!document) return undefined;
    return document.isUntitled ? document.uri.path : vscode.workspace.asRelativePath(document.uri, false);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.cursor?.dispose();
  }

  private follow(editor: vscode.TextEditor | undefined): boolean {
    if (!editor || !this.accepts(editor.document)) return false;
    const same = editor.document === this.document;
    this.document = editor.document;
    this.editor = editor;
    this.cursor?.dispose();
    this.cursor = this.places.cursor(editor.document, editor.document.offsetAt(editor.selection.active));
    this.viewColumn = editor.viewColumn;
    return !same;
  }
}

