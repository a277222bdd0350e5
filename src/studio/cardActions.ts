// What a card's buttons and menu do with an image in the history: Insert, Save to assets, Edit,
// Use as Reference, open its source, Add to Style, Copy Link, Reveal, Open, Reproduce, Variations,
// Remove; and the draft's copy into the workspace that Insert, Save and Use as Reference start with.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { HistoryEntry } from '../core/history';
import { markdownImageLink } from '../core/markdown';
import { sizeToRepeat } from '../core/recipe';
import { readConfig } from '../services/config';
import { linkText, recordedStyle } from '../services/generationService';
import { displayPath, isInWorkspace, workspaceLinkPath } from '../services/imageStore';
import { showWarning } from '../ui/messages';
import { localizedMessage } from '../ui/notifications';
import type { InputImages } from './inputImages';
import type { InsertTarget } from './insertTarget';
import type { ItemAction } from './protocol';
import type { RemoveChoice, StudioContext } from './studioContext';
import { exists, fileName, messageOf, sourceUri } from './studioContext';
import type { StudioJobs } from './studioJobs';
import type { StudioViews } from './studioViews';

export class CardActions {
  /** Drafts being copied into the workspace (their URI strings): never pruned meanwhile. */
  private readonly saving = new Set<string>();

  constructor(
    private readonly context: StudioContext,
    private readonly inputs: InputImages,
    private readonly views: StudioViews,
    private readonly jobs: StudioJobs,
  ) {}

  /** The drafts being saved right now (URI strings). */
  savingNow(): string[] {
    return [...this.saving];
  }

  /** Does what a card's button or menu item asks, for the history entry `id`. */
  async run(action: ItemAction, id: string, count: number): Promise<void> {
    const entry = this.context.options.services.history.get(id);
    if (!entry) {
      this.context.send({ type: 'notice', level: 'error', message: vscode.l10n.t('That image is no longer in the history.'), id });
      return;
    }
    const uri = vscode.Uri.parse(entry.file, true);
    const draft = this.context.drafts?.contains(uri) ?? false;
    switch (action) {
      case 'insert':
        return this.insert(entry, uri);
      case 'save':
        return this.saveAction(entry, uri);
      case 'edit':
        if (await this.missing(entry, uri)) return;
        return this.inputs.offer({ uri, name: fileName(uri), parent: entry.id }, true);
      case 'reference': {
        if (await this.missing(entry, uri)) return;
        // A recipe names its references by workspace path: a draft goes into the workspace first.
        const file = draft ? await this.save(entry, uri, this.context.options.target.current()?.document.uri) : uri;
        if (file) await this.inputs.acceptReference(file);
        return;
      }
      case 'openSource':
        return this.openSource(entry);
      case 'addToStyle':
        if (draft) return this.notInWorkspace(entry);
        if (await this.missing(entry, uri)) return;
        await vscode.commands.executeCommand(COMMANDS.addToStyle, uri);
        return;
      case 'copyLink':
        if (draft) return this.notInWorkspace(entry);
        return this.copyLink(entry, uri);
      case 'reveal':
        if (draft) return this.notInWorkspace(entry);
        if (await this.missing(entry, uri)) return;
        await vscode.commands.executeCommand('revealInExplorer', uri);
        return;
      case 'open': {
        if (await this.missing(entry, uri)) return;
        const column = this.context.options.target.current()?.viewColumn ?? vscode.ViewColumn.Beside;
        await vscode.commands.executeCommand('vscode.open', uri, { viewColumn: column, preview: true });
        return;
      }
      case 'variations':
      case 'reproduce': {
        const same = action !== 'variations';
        if (same && entry.seed === undefined) {
          this.context.send({ type: 'notice', level: 'error', message: vscode.l10n.t('The seed of this image is not known, so it cannot be made again exactly. Use Variations.'), id: entry.id });
          return;
        }
        // An edit is made again from its input image, when the history still has it.
        const input = this.inputs.parentInput(entry);
        // As recorded: FLUX.2's pixels, never today's flux.megapixels; an edit that kept its input's ratio keeps it again.
        const size = input && !entry.size ? '' : sizeToRepeat(entry) || '1x1';
        // The same references again (as recorded: by path), so a series keeps its cat and its garden.
        const references = this.inputs.recordedReferences(entry);
        // Variations: new random seeds, each request pays for a new picture, never the same one again.
        // The style as recorded (its template and sent prompt), never the style as it is today; the
        // record's model, size and references already are what the style made them. So are its output
        // format and prompt upsampling (as Regenerate sends a recipe's).
        const made = { ...(entry.outputFormat ? { outputFormat: entry.outputFormat } : {}), ...(entry.promptUpsampling !== undefined ? { promptUpsampling: entry.promptUpsampling } : {}) };
        return this.jobs.generate({ prompt: entry.prompt, model: entry.model, size, seed: same ? (entry.seed ?? -1) : -1 }, same ? 1 : count, input, references, undefined, { recorded: recordedStyle(entry) }, made);
      }
      case 'remove':
        return this.remove(entry, uri);
    }
  }

  private async insert(entry: HistoryEntry, uri: vscode.Uri): Promise<void> {
    const target = this.context.options.target.current();
    if (!target) {
      this.context.send({
        type: 'notice',
        level: 'error',
        message: vscode.l10n.t('There is no document to insert into. Open a Markdown, HTML, reStructuredText, AsciiDoc or LaTeX document, put the cursor where the image goes, then choose Insert again.'),
        id: entry.id,
      });
      return;
    }
    if (await this.missing(entry, uri)) return;
    // A draft is copied into the output folder first (for the target document); the link points at the copy.
    const saved = this.context.drafts?.contains(uri) ? await this.save(entry, uri, target.document.uri) : uri;
    if (!saved) return;
    // Read again after the file check: the person may have typed meanwhile.
    const current = this.context.options.target.current() ?? target;
    const { document, position } = current;
    const label = this.context.options.target.label() ?? document.uri.path;
    // Through the pipeline's link step, as every link goes in. An edit keeps its source's
    // description as the alt text: the instruction says what changed, not what is shown.
    const outcome = await this.context.options.services.generation.linkExisting(document, position, this.views.description(entry) ?? entry.prompt, saved);
    if (!outcome.linked) {
      this.context.send({ type: 'notice', level: 'error', message: vscode.l10n.t('Could not change {0}. Check that it is not read-only, then try again.', label), id: entry.id });
      return;
    }
    this.placeCursorAfter(current, outcome.range);
    this.context.send({ type: 'notice', level: 'info', message: vscode.l10n.t('Inserted into {0}, line {1}.', label, outcome.range.start.line + 1), id: entry.id });
  }

  /**
   * The next link goes after this one, and a visible editor whose cursor was where the link
   * went gets it after the link, ready to type on.
   */
  private placeCursorAfter(target: InsertTarget, link: vscode.Range): void {
    const end = link.end;
    this.context.options.target.movedTo(target.document, target.document.offsetAt(end));
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== target.document) continue;
      const { selection } = editor;
      // The cursor or selection the person left where Insert aimed, or one that grew to take the
      // link in: the person continues after the link, with nothing selected.
      if (selection.active.isEqual(target.position) || selection.contains(link)) {
        editor.selection = new vscode.Selection(end, end);
      }
    }
  }

  /** Save to assets: the draft is copied into the output folder and its card shows the copy. */
  private async saveAction(entry: HistoryEntry, uri: vscode.Uri): Promise<void> {
    if (!this.context.drafts?.contains(uri)) {
      this.context.send({ type: 'notice', level: 'info', message: vscode.l10n.t('{0} is in the workspace already.', displayPath(uri)), id: entry.id });
      return;
    }
    if (await this.missing(entry, uri)) return;
    const saved = await this.save(entry, uri, this.context.options.target.current()?.document.uri);
    if (saved) this.context.send({ type: 'notice', level: 'info', message: vscode.l10n.t('Saved as {0}.', displayPath(saved)), id: entry.id });
  }

  /**
   * Copies a draft into the output folder of `scope`'s workspace folder, by the naming rules and
   * never over a file; the card becomes the saved file. Undefined (after a notice) when it failed.
   */
  private async save(entry: HistoryEntry, draft: vscode.Uri, scope: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
    const drafts = this.context.drafts;
    if (!drafts) return draft;
    const key = draft.toString();
    if (this.saving.has(key)) return undefined; // a double click: the first one saves
    this.saving.add(key);
    try {
      const { folder } = await this.context.options.services.files.outputFolder(readConfig(scope).outputFolder, scope);
      this.context.options.allowFolder?.(folder);
      // The history hears of the new file with this panel's own record: shown by `itemUpdated`, not as an addition.
      this.context.ownRecords.add(entry.id);
      const saved = await drafts.save(entry, draft, folder);
      const updated = this.context.options.services.history.get(entry.id);
      if (updated) this.context.send({ type: 'itemUpdated', item: this.views.item(updated) });
      return saved;
    } catch (err) {
      this.context.send({ type: 'notice', level: 'error', message: localizedMessage(err), id: entry.id });
      return undefined;
    } finally {
      this.saving.delete(key);
    }
  }

  private notInWorkspace(entry: HistoryEntry): void {
    this.context.send({ type: 'notice', level: 'error', message: vscode.l10n.t('This image is a draft, not in the workspace yet. Choose Insert or Save to assets first.'), id: entry.id });
  }

  /** "from <source>": the parent's card when the history has it, else the source file. */
  private async openSource(entry: HistoryEntry): Promise<void> {
    if (entry.parent && this.context.options.services.history.get(entry.parent)) {
      this.context.send({ type: 'reveal', id: entry.parent });
      return;
    }
    const uri = entry.source ? sourceUri(entry.source.path) : undefined;
    if (!uri || !(await exists(uri))) {
      this.context.send({ type: 'notice', level: 'error', message: vscode.l10n.t('The image this one was made from is no longer there.'), id: entry.id });
      return;
    }
    const column = this.context.options.target.current()?.viewColumn ?? vscode.ViewColumn.Beside;
    await vscode.commands.executeCommand('vscode.open', uri, { viewColumn: column, preview: true });
  }

  private async copyLink(entry: HistoryEntry, uri: vscode.Uri): Promise<void> {
    const target = this.context.options.target.current();
    let link: string;
    let message: string;
    if (target) {
      // The link in the target document's own syntax (LaTeX, HTML, reStructuredText, AsciiDoc, Markdown).
      const { documentLanguage } = await import('../core/documents');
      const language = documentLanguage(target.document.languageId) ?? 'markdown';
      const label = this.context.options.target.label() ?? target.document.uri.path;
      try {
        link = await linkText(target.document, entry.prompt, uri, target.document.offsetAt(target.position));
      } catch (err) {
        this.context.send({ type: 'notice', level: 'error', message: messageOf(err), id: entry.id });
        return;
      }
      message = language === 'markdown' ? vscode.l10n.t('Copied the Markdown link (relative to {0}).', label) : vscode.l10n.t('Copied the link in the syntax of {0} (relative to it).', label);
    } else {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      link = markdownImageLink(entry.prompt, workspaceLinkPath(uri));
      message = folder ? vscode.l10n.t('Copied the Markdown link (relative to the workspace folder {0}).', folder.name) : vscode.l10n.t('Copied the Markdown link.');
    }
    await vscode.env.clipboard.writeText(link);
    this.context.send({ type: 'notice', level: 'info', message, id: entry.id });
  }

  private async remove(entry: HistoryEntry, uri: vscode.Uri): Promise<void> {
    const path = displayPath(uri);
    // A draft is the Studio's own file: it goes with its card. Outside the workspace otherwise (a
    // tampered history) the Studio only forgets the file, never deletes it.
    const choice = this.context.drafts?.contains(uri) ? 'file' : isInWorkspace(uri) ? await (this.context.options.confirmRemove ?? confirmRemove)(entry, path) : 'history';
    if (!choice) return;
    if (choice === 'file') {
      try {
        await deleteFile(uri);
        this.context.options.services.log.info(`Studio deleted ${path}`);
      } catch (err) {
        if (!(err instanceof vscode.FileSystemError && err.code === 'FileNotFound')) {
          this.context.send({ type: 'notice', level: 'error', message: vscode.l10n.t('Could not delete {0} ({1}). It is still in the history.', path, messageOf(err)), id: entry.id });
          return;
        }
      }
    }
    await this.context.options.services.history.remove(entry.id);
    this.context.send({
      type: 'notice',
      level: 'info',
      message: choice === 'file' ? vscode.l10n.t('Deleted {0}.', path) : vscode.l10n.t('Removed from the history; {0} is still there.', path),
    });
  }

  private async missing(entry: HistoryEntry, uri: vscode.Uri): Promise<boolean> {
    try {
      await vscode.workspace.fs.stat(uri);
      return false;
    } catch {
      this.context.send({
        type: 'notice',
        level: 'error',
        message: vscode.l10n.t('{0} is no longer there. Regenerate the image, or remove it from the history.', displayPath(uri)),
        id: entry.id,
      });
      return true;
    }
  }
}

async function confirmRemove(entry: HistoryEntry, path: string): Promise<RemoveChoice> {
  const removeOnly = vscode.l10n.t('Remove from History');
  const deleteFile = vscode.l10n.t('Delete File');
  const short = entry.prompt.length > 60 ? `${entry.prompt.slice(0, 60)}…` : entry.prompt;
  const choice = await showWarning(
    vscode.l10n.t('Remove “{0}” from the Studio history?', short),
    { modal: true, detail: vscode.l10n.t('The file {0} stays in the workspace unless you choose Delete File (it goes to the trash where there is one).', path) },
    removeOnly,
    deleteFile,
  );
  return choice === deleteFile ? 'file' : choice === removeOnly ? 'history' : undefined;
}

async function deleteFile(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.workspace.fs.delete(uri, { useTrash: true });
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') throw err;
    // Some file systems (remote, virtual) have no trash.
    await vscode.workspace.fs.delete(uri, { useTrash: false });
  }
}
