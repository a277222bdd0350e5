import * as vscode from 'vscode';
import { documentLanguage } from '../core/documents/types';
import type { PlacementLanguage, PlacementMode } from '../core/placement';
import type { Place, PlaceTracker } from './places';
import { eolOf, statOrUndefined } from './imageStore';

export interface LinkRequest {
  readonly document: vscode.TextDocument;
  /** Follows the person's edits since the request was made. */
  readonly anchor: Place;
  readonly mode: PlacementMode;
  /** The link text for the document (its syntax, its relative path); may have several lines. */
  readonly link: string;
  /** A checked temporary file renamed to its reserved name in the same edit: one Undo takes both back. */
  readonly file?: { readonly temp: vscode.Uri; readonly target: vscode.Uri };
}

/** Replaces the text of an existing reference (its path) and moves the new file in, in one edit. */
export interface ReplaceRequest {
  readonly document: vscode.TextDocument;
  /** The range to replace, followed through edits since the reference was read. */
  readonly start: Place;
  readonly end: Place;
  /** What the range held when the reference was read: if that changed, nothing is replaced. */
  readonly expected: string;
  readonly text: string;
  /** Other references changed in the same edit; one that no longer holds its `expected` is left as it is. */
  readonly also?: readonly ReplacePlace[];
  readonly file?: { readonly temp: vscode.Uri; readonly target: vscode.Uri };
}

export interface ReplacePlace {
  readonly start: Place;
  readonly end: Place;
  readonly expected: string;
  readonly text: string;
}

export type LinkOutcome =
  /** `left`: of a replace with `also`, the places (0 the main one, then `also`'s) left as the person changed them. */
  | { readonly linked: true; readonly document: vscode.TextDocument; readonly range: vscode.Range; readonly left?: readonly number[] }
  /** The link was not placed; the file (if any) is still at its temporary name for the caller to keep alone. */
  | { readonly linked: false; readonly reason: 'readonly' | 'closed' | 'hiddenUnsaved' | 'refused' };

/**
 * A refused edit is placed again against the new text. A refusal that a change to the document
 * explains (the person typing, another link) is tried again for as long as this, however many
 * times: a count ran out while a person typed fast on a busy machine, and the link was lost.
 */
const KEEP_TRYING_MS = 30_000;
/**
 * Refusals that no change explains (the file system refusing the rename, say) end it sooner:
 * after as many as the old fixed count allowed in all, each waiting CHANGE_WAIT_MS, about 4 s.
 */
const MAX_UNEXPLAINED_REFUSALS = 8;

/**
 * The one place that puts image links into documents, by the contract's rule ("Where a link
 * goes"). Links into one document are placed one at a time, each against the text as it is
 * then; an edit refused because the text changed meanwhile is placed again. Only a document
 * that really refuses edits (read-only, closed, hidden with unsaved changes) is left alone.
 */
export class LinkInserter {
  private readonly queues = new Map<string, Promise<unknown>>();
  private refusedEdits = 0;

  /** `places`: where the links' places are followed (a caller's job brings its own scope of them). */
  constructor(readonly places: PlaceTracker) {}

  /** How many link edits VS Code has refused so far, each then tried again (tests read it). */
  get refusals(): number {
    return this.refusedEdits;
  }

  insert(request: LinkRequest): Promise<LinkOutcome> {
    return this.serially(request.document, () => this.place(request));
  }

  /** Retargets a reference (edit, regenerate): one Undo puts the old text back and removes the new file. */
  replace(request: ReplaceRequest): Promise<LinkOutcome> {
    return this.serially(request.document, () => this.swap(request));
  }

  private serially<T>(document: vscode.TextDocument, task: () => Promise<T>): Promise<T> {
    const key = document.uri.toString();
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return run;
  }

  private async swap(request: ReplaceRequest): Promise<LinkOutcome> {
    const target = await documentToChange(request.document);
    if ('linked' in target) return target;
    const { document, hidden } = target;
    const again = this.retries(document, request.file);
    for (;;) {
      const version = document.version;
      // Every place that still holds what was read there, none overlapping another. The person
      // changed the others meanwhile: their words win. With none left, the image stays alone.
      const places = [request, ...(request.also ?? [])].map((p) => ({ ...p, from: p.start.offset, to: p.end.offset }));
      const chosen: typeof places = [];
      const left: number[] = [];
      places.forEach((p, i) => {
        const holds = document.getText(new vscode.Range(document.positionAt(p.from), document.positionAt(p.to))) === p.expected;
        const overlaps = chosen.some((c) => p.from < c.to && c.from < p.to);
        if (holds && !overlaps) chosen.push(p);
        else left.push(i);
      });
      const first = chosen[0];
      if (!first) return { linked: false, reason: 'refused' };
      const edit = new vscode.WorkspaceEdit();
      for (const p of chosen) edit.replace(document.uri, new vscode.Range(document.positionAt(p.from), document.positionAt(p.to)), p.text);
      // Where the first changed path ends up: moved by the changes before it.
      const startOffset = chosen.reduce((at, p) => (p.to <= first.from && p !== first ? at + p.text.length - p.expected.length : at), first.from);
      if (request.file) edit.renameFile(request.file.temp, request.file.target, { overwrite: false, ignoreIfExists: false });
      let applied: boolean;
      try {
        applied = await vscode.workspace.applyEdit(edit, { isRefactoring: false });
      } catch {
        applied = false;
      }
      if (applied) {
        // Where the new path is, followed through a save that may change the text (format on save).
        const places = this.places.scope();
        const start = places.at(document, startOffset);
        try {
          if (hidden) await saveHidden(document);
          const range = new vscode.Range(document.positionAt(start.offset), document.positionAt(start.offset + first.text.length));
          return { linked: true, document, range, ...(left.length ? { left } : {}) };
        } finally {
          places.dispose();
        }
      }
      const outcome = await again(version);
      if (outcome) return outcome;
    }
  }

  private async place(request: LinkRequest): Promise<LinkOutcome> {
    const target = await documentToChange(request.document);
    if ('linked' in target) return target;
    const { document, hidden } = target;
    // Loaded on first use: the Markdown parser costs nothing until a link is placed.
    const { placeLink } = await import('../core/placement');
    // The document's own block model; a document of another language gets blank-line blocks.
    const language: PlacementLanguage = documentLanguage(document.languageId) ?? 'plain';

    const again = this.retries(document, request.file);
    for (;;) {
      const version = document.version;
      const anchorOffset = request.document.isClosed ? Math.min(request.anchor.offset, document.getText().length) : request.anchor.offset;
      const placement = placeLink(document.getText(), anchorOffset, request.mode, request.link, eolOf(document), language);
      const at = document.positionAt(placement.offset);
      const edit = new vscode.WorkspaceEdit();
      // The text first: VS Code checks the version right before the first group of edits.
      edit.insert(document.uri, at, placement.text);
      if (request.file) edit.renameFile(request.file.temp, request.file.target, { overwrite: false, ignoreIfExists: false });
      const kept = selectionsBefore(document, placement.offset);
      // Where the inserted text starts, followed through edits that land meanwhile.
      const places = this.places.scope();
      const start = places.at(document, at);
      let applied: boolean;
      try {
        applied = await vscode.workspace.applyEdit(edit, { isRefactoring: false });
      } catch {
        applied = false;
      }
      try {
        if (applied) {
          if (request.file && !(await statOrUndefined(request.file.target))) {
            // The text went in but the file did not move: take the text back where it is now.
            await removeText(document, start.offset, placement.text);
            return { linked: false, reason: 'refused' };
          }
          restoreSelections(kept);
          if (hidden) await saveHidden(document);
          const linkStart = document.positionAt(start.offset + placement.linkStart);
          const linkEnd = document.positionAt(start.offset + placement.linkEnd);
          return { linked: true, document, range: new vscode.Range(linkStart, linkEnd) };
        }
        // Refused. VS Code refuses an edit whose document changed since this host last heard of it
        // (typing, another link), and this host may hear of the change only a moment later: wait
        // for it, then place the link again against the new text.
        const outcome = await again(version);
        // Refused after the text went in, when only the file's move failed (VS Code applies the
        // groups of an edit in turn): the file system refused, not the document, so trying again
        // would only add the link twice. The text is taken back.
        if (await removeText(document, start.offset, placement.text)) return { linked: false, reason: 'refused' };
        if (outcome) return outcome;
      } finally {
        places.dispose();
      }
    }
  }

  /**
   * After a refused edit of `document` made against `version`: counts it, puts a file the edit
   * may have moved back at its temporary name, waits to hear of the change that refused it, then
   * says to try again (undefined) or why to stop (closed, or refused for good).
   */
  private retries(document: vscode.TextDocument, file: LinkRequest['file']): (version: number) => Promise<LinkOutcome | undefined> {
    const deadline = performance.now() + KEEP_TRYING_MS;
    let unexplained = 0;
    return async (version) => {
      this.refusedEdits++;
      if (file) await restoreTemp(file);
      const changed = await changeAfter(document, version, CHANGE_WAIT_MS);
      if (document.isClosed) return { linked: false, reason: 'closed' };
      if (!changed) unexplained++;
      return unexplained >= MAX_UNEXPLAINED_REFUSALS || performance.now() > deadline ? { linked: false, reason: 'refused' } : undefined;
    };
  }
}

/**
 * The document to put a link into, and whether no tab shows it; or why it gets none.
 * A document no tab shows (closed while the image was made, or opened by Generate Missing
 * Images in Workspace) gets its link and is saved, so the link is not left in a buffer nobody
 * sees. VS Code lets go of a document an extension opened without an editor after 3 minutes or
 * past 50 such documents: a saved file is opened again. An untitled document that is gone, a
 * file that is gone, or a hidden one with unsaved changes (saving would save those too) gets none.
 */
async function documentToChange(original: vscode.TextDocument): Promise<{ document: vscode.TextDocument; hidden: boolean } | LinkOutcome> {
  if (original.uri.scheme === 'untitled' && (original.isClosed || !isShownInTab(original.uri))) return { linked: false, reason: 'closed' };
  let document = original;
  if (document.isClosed) {
    try {
      document = await vscode.workspace.openTextDocument(document.uri);
    } catch {
      return { linked: false, reason: 'closed' };
    }
  }
  // Asked of the document as it is now: the person may have opened it again meanwhile.
  const hidden = !isShownInTab(document.uri);
  if (hidden && document.isDirty) return { linked: false, reason: 'hiddenUnsaved' };
  if (await isReadonlyFile(document.uri)) return { linked: false, reason: 'readonly' };
  return { document, hidden };
}

/**
 * Saves a document no tab shows after its link went in. VS Code may have let go of this copy
 * meanwhile (the edit then went to the copy it opened again): the one open now is saved.
 * A save that fails leaves the link in place, unsaved; it does not undo the image.
 */
async function saveHidden(document: vscode.TextDocument): Promise<void> {
  const key = document.uri.toString();
  const current = document.isClosed ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === key) : document;
  await current?.save().then(undefined, () => false);
}

/** How long a refused edit waits to hear of the change that refused it. */
const CHANGE_WAIT_MS = 500;

/** Whether the document's version moved past `version`: at once if it has, else within `ms`. */
function changeAfter(document: vscode.TextDocument, version: number, ms: number): Promise<boolean> {
  if (document.version !== version || document.isClosed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (changed: boolean) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(changed);
    };
    const timer = setTimeout(() => done(false), ms);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === document && document.version !== version) done(true);
    });
  });
}

/** A refused edit may still have moved the file (VS Code applies groups in turn): put it back. */
async function restoreTemp(file: { readonly temp: vscode.Uri; readonly target: vscode.Uri }): Promise<void> {
  if ((await statOrUndefined(file.temp)) || !(await statOrUndefined(file.target))) return;
  await vscode.workspace.fs.rename(file.target, file.temp, { overwrite: false }).then(undefined, () => undefined);
}

/** Removes `text` at `offset` if it is there, exactly; whether it was there. */
async function removeText(document: vscode.TextDocument, offset: number, text: string): Promise<boolean> {
  if (document.isClosed) return false;
  const range = new vscode.Range(document.positionAt(offset), document.positionAt(offset + text.length));
  if (document.getText(range) !== text) return false;
  const back = new vscode.WorkspaceEdit();
  back.delete(document.uri, range);
  await vscode.workspace.applyEdit(back);
  return true;
}

/** The selections of the document's editors that end at or before where the link goes. */
function selectionsBefore(document: vscode.TextDocument, offset: number): { editor: vscode.TextEditor; selections: readonly vscode.Selection[] }[] {
  return vscode.window.visibleTextEditors
    .filter((e) => e.document === document && e.selections.some((sel) => document.offsetAt(sel.end) <= offset))
    .map((editor) => ({ editor, selections: editor.selections }));
}

/**
 * Text inserted right where a selection ends makes VS Code stretch the selection over it;
 * selections that ended before the link are put back as the person left them.
 */
function restoreSelections(kept: { editor: vscode.TextEditor; selections: readonly vscode.Selection[] }[]): void {
  for (const { editor, selections } of kept) {
    const now = editor.selections;
    if (now.length !== selections.length) continue;
    editor.selections = now.map((sel, i) => {
      const old = selections[i]!;
      return old.end.isBeforeOrEqual(sel.end) && old.start.isEqual(sel.start) ? old : sel;
    });
  }
}

function isShownInTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  const shows = (input: unknown) =>
    ((input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputNotebook) && input.uri.toString() === key) ||
    (input instanceof vscode.TabInputTextDiff && (input.modified.toString() === key || input.original.toString() === key));
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => shows(t.input)));
}

/** A document the file system will not let us change (read-only mount, no write permission). */
async function isReadonlyFile(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme === 'untitled') return false;
  if (vscode.workspace.fs.isWritableFileSystem(uri.scheme) === false) return true;
  const stat = await statOrUndefined(uri);
  return Boolean(stat?.permissions && stat.permissions & vscode.FilePermission.Readonly);
}
