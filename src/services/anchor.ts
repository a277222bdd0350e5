import * as vscode from 'vscode';
import { shiftOffset } from '../core/tracking';

/** An offset in a document that follows the person's edits while an image is generated. */
export class TrackedAnchor implements vscode.Disposable {
  private static alive = 0;
  private current: number;
  private readonly listener: vscode.Disposable;
  private disposed = false;

  /** How many anchors still follow a document (tests check that each command lets go of its own). */
  static get live(): number {
    return TrackedAnchor.alive;
  }

  constructor(readonly document: vscode.TextDocument, position: vscode.Position) {
    TrackedAnchor.alive++;
    this.current = document.offsetAt(position);
    this.listener = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === document.uri.toString() && e.contentChanges.length) {
        this.current = shiftOffset(this.current, e.contentChanges);
      }
    });
  }

  get offset(): number {
    return this.current;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    TrackedAnchor.alive--;
    this.listener.dispose();
  }
}

/** A range (a reference's path) that follows the person's edits from the moment it was read. */
export class TrackedRange implements vscode.Disposable {
  readonly start: TrackedAnchor;
  readonly end: TrackedAnchor;

  constructor(document: vscode.TextDocument, startOffset: number, endOffset: number) {
    this.start = new TrackedAnchor(document, document.positionAt(startOffset));
    this.end = new TrackedAnchor(document, document.positionAt(endOffset));
  }

  dispose(): void {
    this.start.dispose();
    this.end.dispose();
  }
}
