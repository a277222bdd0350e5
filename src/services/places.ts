import * as vscode from 'vscode';
import { shiftOffset } from '../core/tracking';

/** An offset in a document, followed through the person's edits (and other links) while its scope lives. */
export interface Place {
  readonly document: vscode.TextDocument;
  readonly offset: number;
}

/** A range (a reference's path) followed the same way. */
export interface PlaceRange {
  readonly start: Place;
  readonly end: Place;
}

/** The Studio's insert cursor: one place its owner moves (InsertTargetTracker). */
export interface MovablePlace extends Place, vscode.Disposable {
  moveTo(offset: number): void;
}

class Followed implements Place {
  constructor(
    readonly document: vscode.TextDocument,
    public offset: number,
  ) {}
}

/**
 * The one owner of places followed in documents. A job (a command, a batch, a Studio action) makes
 * a scope where it starts and disposes it where it ends; what it follows lives exactly that long.
 * Jobs pass plain values (the document, a position or offsets as read): the scope gives back the
 * place it has followed since that value was first asked of it. One change listener serves every
 * place, and only while there is one.
 */
export class PlaceTracker implements vscode.Disposable {
  private readonly documents = new Map<string, Set<Followed>>();
  private listener: vscode.Disposable | undefined;
  private counted = 0;

  /** How many places jobs still follow (the tests check that each job lets go of its own). */
  get live(): number {
    return this.counted;
  }

  /** A new scope; with `parent`, one that shares the parent's places and keeps them followed until it is disposed too. */
  scope(parent?: PlaceScope): PlaceScope {
    return new PlaceScope(this, parent);
  }

  /** The Studio's insert cursor (not a job's place, not counted in `live`). */
  cursor(document: vscode.TextDocument, offset: number): MovablePlace {
    const place = new Followed(document, offset);
    this.add(place);
    let disposed = false;
    return {
      document,
      get offset() {
        return place.offset;
      },
      moveTo: (at: number) => {
        place.offset = at;
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.remove(place);
      },
    };
  }

  /** @internal for PlaceScope */
  follow(document: vscode.TextDocument, offset: number): Followed {
    const place = new Followed(document, offset);
    this.add(place);
    this.counted++;
    return place;
  }

  /** @internal for PlaceScope */
  release(place: Followed): void {
    this.counted--;
    this.remove(place);
  }

  dispose(): void {
    this.listener?.dispose();
    this.listener = undefined;
    this.documents.clear();
  }

  private add(place: Followed): void {
    const key = place.document.uri.toString();
    let set = this.documents.get(key);
    if (!set) this.documents.set(key, (set = new Set()));
    set.add(place);
    this.listener ??= vscode.workspace.onDidChangeTextDocument((e) => {
      if (!e.contentChanges.length) return;
      for (const p of this.documents.get(e.document.uri.toString()) ?? []) p.offset = shiftOffset(p.offset, e.contentChanges);
    });
  }

  private remove(place: Followed): void {
    const key = place.document.uri.toString();
    const set = this.documents.get(key);
    if (!set?.delete(place) || set.size) return;
    this.documents.delete(key);
    if (!this.documents.size) {
      this.listener?.dispose();
      this.listener = undefined;
    }
  }
}

/**
 * What one job follows. `at`/`range` take the values as the job read them (a position, offsets)
 * and give back the place followed since the scope was first asked for that value, so a later
 * step (the pipeline, a Try Again) finds the place where the text moved it.
 */
export class PlaceScope implements vscode.Disposable {
  private readonly places = new Map<string, Followed>();
  private holders = 0;
  private disposed = false;
  private released = false;

  constructor(
    private readonly tracker: PlaceTracker,
    private readonly parent?: PlaceScope,
  ) {
    if (parent) parent.holders++;
  }

  /** The place of `at` (a position, or an offset, in the text as it was read). */
  at(document: vscode.TextDocument, at: vscode.Position | number): Place {
    if (this.parent) return this.parent.at(document, at);
    const key = `${document.uri.toString()}#${typeof at === 'number' ? `o${at}` : `p${at.line}:${at.character}`}`;
    const known = this.places.get(key);
    if (known) return known;
    const offset = typeof at === 'number' ? at : document.offsetAt(at);
    // A scope that let go follows nothing more: the place is read as it is now.
    if (this.released) return { document, offset };
    const place = this.tracker.follow(document, offset);
    this.places.set(key, place);
    return place;
  }

  range(document: vscode.TextDocument, start: number, end: number): PlaceRange {
    return { start: this.at(document, start), end: this.at(document, end) };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.letGo();
  }

  private letGo(): void {
    if (!this.disposed || this.holders > 0 || this.released) return;
    this.released = true;
    for (const place of this.places.values()) this.tracker.release(place);
    this.places.clear();
    if (this.parent) {
      this.parent.holders--;
      this.parent.letGo();
    }
  }
}
