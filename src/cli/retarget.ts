// Changing a document's references to the `.png` that was written for them (`x.jpg` → `x.png`),
// with the language's own retargetPath (core/documents). Several images of one document finish at
// different times: their edits are applied one after another, each mapped through the ones before,
// and a document changed on disk since it was read is left alone (the reference named, not guessed).
import * as fs from 'node:fs/promises';
import { posix } from 'node:path';
import { retargetPath } from '../core/documents';
import type { ImageReference } from '../core/documents/types';
import type { TempFiles } from './files';
import type { ReadDocument } from './scan';

export interface RetargetPlace {
  readonly ref: ImageReference;
  readonly written: string;
  readonly retargetTo: string;
}

export type RetargetOutcome = { readonly changed: true } | { readonly changed: false; readonly why: string };

interface State {
  /** The text as we last read or wrote it. */
  text: string;
  /** Edits applied so far, in offsets of the text as first read. */
  readonly edits: { readonly end: number; readonly delta: number }[];
  chain: Promise<unknown>;
}

export class DocumentEditor {
  private readonly states = new Map<string, State>();

  constructor(private readonly temps: TempFiles) {}

  /** Applies the places' new paths in one write of the document. */
  retarget(document: ReadDocument, places: readonly RetargetPlace[]): Promise<RetargetOutcome> {
    let state = this.states.get(document.file);
    if (!state) {
      state = { text: document.text, edits: [], chain: Promise.resolve() };
      this.states.set(document.file, state);
    }
    const s = state;
    const run = s.chain.then(() => this.apply(document, s, places));
    s.chain = run.catch(() => undefined);
    return run;
  }

  private async apply(document: ReadDocument, state: State, places: readonly RetargetPlace[]): Promise<RetargetOutcome> {
    const now = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await fs.readFile(document.file));
    if (now !== state.text) return { changed: false, why: 'the document changed since it was read' };
    const at = (offset: number) => offset + state.edits.filter((e) => e.end <= offset).reduce((sum, e) => sum + e.delta, 0);
    const changes = places
      .map((p) => ({ p, start: at(p.ref.pathStart), end: at(p.ref.pathEnd), text: retargetPath(document.language, p.ref, p.retargetTo, posix.dirname(`/${document.repoPath}`)) }))
      .sort((a, b) => b.start - a.start);
    let text = now;
    for (const c of changes) {
      if (text.slice(c.start, c.end) !== c.p.written) return { changed: false, why: 'the reference is no longer where it was read' };
      text = text.slice(0, c.start) + c.text + text.slice(c.end);
    }
    const mode = (await fs.stat(document.file)).mode & 0o7777;
    await this.temps.replace(await this.temps.write(document.file, new TextEncoder().encode(text), mode), document.file);
    state.text = text;
    for (const c of changes) state.edits.push({ end: c.p.ref.pathEnd, delta: c.text.length - (c.p.ref.pathEnd - c.p.ref.pathStart) });
    return { changed: true };
  }
}
