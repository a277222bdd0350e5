// The input and reference images the webview names by id: the host hands out an id for each file
// it has checked (picked, dropped, a card's Edit or Use as Reference, an edit or a reference to make
// again) and keeps where the file is, so the page never sends a path or bytes of its own.
import * as vscode from 'vscode';
import type { HistoryEntry } from '../core/history';
import { IMAGE_FILE_NAME } from '../core/imageType';
import type { InputImage } from '../core/providers/types';
import { readChosenEditInput, readReferences } from '../services/editInputFile';
import { displayPath, isInWorkspace } from '../services/imageStore';
import { localizedMessage } from '../ui/notifications';
import { pickWorkspaceImage } from '../ui/pickImage';
import type { InputView, ReferenceView } from './protocol';
import type { StudioContext } from './studioContext';
import { fileName, newId, sourceUri } from './studioContext';

/** Input images handed out per panel; the oldest are forgotten. */
const MAX_INPUTS = 50;

/** An input image the webview may name by id: the host keeps where it is. */
export interface InputChoice {
  readonly uri: vscode.Uri;
  readonly name: string;
  readonly parent?: string;
}

export class InputImages {
  private readonly inputs = new Map<string, InputChoice>();
  /** An input offered while the page reloads for its folder: it goes with the next `init`. */
  private pendingInput: InputView | undefined;
  /** References offered while the page reloads for their folder. */
  private pendingReferences: ReferenceView[] = [];

  constructor(private readonly context: StudioContext) {}

  /** The file behind an id the webview sent; undefined when it was never handed out or is forgotten. */
  get(id: string): InputChoice | undefined {
    return this.inputs.get(id);
  }

  /** What was offered while the page reloaded, for the next `init` (once). */
  takePending(): { input?: InputView; references: ReferenceView[] } {
    const input = this.pendingInput;
    const references = this.pendingReferences;
    this.pendingInput = undefined;
    this.pendingReferences = [];
    return { ...(input ? { input } : {}), references };
  }

  /** Hands an image to the webview as the next Generate's input, under a fresh id. */
  offer(choice: InputChoice, startEdit = false): void {
    const id = this.add(choice);
    const reloads = this.context.options.allowFolder?.(vscode.Uri.joinPath(choice.uri, '..')) === true;
    const input: InputView = {
      id,
      name: choice.name,
      src: this.context.options.asWebviewUri(choice.uri).toString(),
      path: this.context.drafts?.contains(choice.uri) ? choice.name : displayPath(choice.uri),
      ...(choice.parent ? { parent: choice.parent } : {}),
    };
    if (reloads) this.pendingInput = input;
    this.context.send({ type: 'input', input, ...(startEdit ? { startEdit } : {}) });
  }

  /** The input image of an edit in the history (to make it again), as an id the webview can send. */
  parentInput(entry: HistoryEntry): string | undefined {
    if (!entry.source) return undefined;
    const parent = entry.parent ? this.context.options.services.history.get(entry.parent) : undefined;
    let uri: vscode.Uri | undefined;
    try {
      uri = parent ? vscode.Uri.parse(parent.file, true) : sourceUri(entry.source.path);
    } catch {
      uri = undefined;
    }
    if (!uri) return undefined;
    const id = newId();
    this.inputs.set(id, { uri, name: fileName(uri), ...(parent ? { parent: parent.id } : {}) });
    return id;
  }

  /** The references an entry recorded (by path), each under an id, to send again in order. */
  recordedReferences(entry: HistoryEntry): string[] {
    return (entry.references ?? []).map((r) => {
      const uri = sourceUri(r.path);
      const id = newId();
      if (uri) this.inputs.set(id, { uri, name: fileName(uri) });
      return id;
    });
  }

  async pickReferences(): Promise<void> {
    const uris = await (this.context.options.pickReferences ?? pickReferenceFiles)();
    for (const uri of uris ?? []) {
      if (!(await this.acceptReference(uri))) return;
    }
  }

  /** Files dropped on the References row: every image among them, in order. */
  async dropReferences(uris: readonly string[]): Promise<void> {
    const images = droppedImages(uris);
    for (const uri of images) {
      if (!(await this.acceptReference(uri))) return;
    }
    if (!images.length) this.context.send({ type: 'formError', field: 'references', message: vscode.l10n.t('Drop a PNG, JPEG or WebP image from the Explorer.') });
  }

  /**
   * Checks a reference as the pipeline will (in the workspace, an image of at most 20 MB) and
   * hands it to the webview under a fresh id. False (after a message) when it cannot be used.
   */
  async acceptReference(uri: vscode.Uri): Promise<boolean> {
    const name = fileName(uri);
    if (!isInWorkspace(uri)) {
      this.context.send({ type: 'formError', field: 'references', message: vscode.l10n.t('{0} is not in the workspace. Only images in the workspace can be references: copy it into the workspace first.', name) });
      return false;
    }
    try {
      await readReferences([uri]);
    } catch (err) {
      this.context.send({ type: 'formError', field: 'references', message: localizedMessage(err) });
      return false;
    }
    const id = this.add({ uri, name });
    const reloads = this.context.options.allowFolder?.(vscode.Uri.joinPath(uri, '..')) === true;
    const reference: ReferenceView = { id, name, src: this.context.options.asWebviewUri(uri).toString(), path: displayPath(uri) };
    if (reloads) this.pendingReferences.push(reference);
    this.context.send({ type: 'reference', reference });
    return true;
  }

  async pickInput(): Promise<void> {
    const uri = await (this.context.options.pickImage ?? pickWorkspaceImage)();
    if (!uri) return;
    await this.acceptInput(uri);
  }

  /** A drop on the compose area: the first URI that is an image in the workspace (or one of the Studio's). */
  async dropInput(uris: readonly string[]): Promise<void> {
    for (const uri of droppedImages(uris)) {
      if (!isInWorkspace(uri) && !this.historyEntryFor(uri)) {
        this.context.send({ type: 'formError', field: 'input', message: vscode.l10n.t('Only images in the workspace can be edited here. Copy the image into the workspace first.') });
        return;
      }
      return this.acceptInput(uri);
    }
    this.context.send({ type: 'formError', field: 'input', message: vscode.l10n.t('Drop a PNG, JPEG or WebP image from the Explorer.') });
  }

  /** Checks the file (an image of at most 20 MB) before offering it, so a problem shows at once. */
  private async acceptInput(uri: vscode.Uri): Promise<void> {
    const name = fileName(uri);
    try {
      await readInput({ uri, name });
    } catch (err) {
      this.context.send({ type: 'formError', field: 'input', message: localizedMessage(err) });
      return;
    }
    const entry = this.historyEntryFor(uri);
    this.offer({ uri, name, ...(entry ? { parent: entry.id } : {}) });
  }

  private historyEntryFor(uri: vscode.Uri): HistoryEntry | undefined {
    const key = uri.toString();
    return this.context.options.services.history.list().find((e) => e.file === key);
  }

  /** Keeps a choice under a fresh id, forgetting the oldest beyond the limit. */
  private add(choice: InputChoice): string {
    const id = newId();
    this.inputs.set(id, choice);
    if (this.inputs.size > MAX_INPUTS) this.inputs.delete(this.inputs.keys().next().value!);
    return id;
  }
}

/** An edit's input, read by the host from the file (see readChosenEditInput), with its workspace-relative path for the recipe. */
export async function readInput(choice: InputChoice): Promise<{ image: InputImage; source: { path: string; sha256: string }; parent?: string }> {
  const { uri, name } = choice;
  const input = await readChosenEditInput(uri, name);
  const path = isInWorkspace(uri) ? vscode.workspace.asRelativePath(uri, false) : name;
  return { image: { ...input.image, name }, source: { path, sha256: input.sha256 }, ...(choice.parent ? { parent: choice.parent } : {}) };
}

/** The URIs of a drop that parse and name an image file (by its extension), in order. */
function droppedImages(uris: readonly string[]): vscode.Uri[] {
  return uris.flatMap((raw) => {
    try {
      const uri = vscode.Uri.parse(raw, true);
      return IMAGE_FILE_NAME.test(uri.path) ? [uri] : [];
    } catch {
      return [];
    }
  });
}

/** An open dialog of images, starting in the first workspace folder; several may be chosen. */
async function pickReferenceFiles(): Promise<readonly vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: vscode.l10n.t('Use as Reference'),
    title: vscode.l10n.t('Reference images'),
    filters: { [vscode.l10n.t('Image files')]: ['png', 'jpg', 'jpeg', 'webp'] },
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
}
