import * as vscode from 'vscode';
import { hasScheme } from '../core/documents/text';
import { outsideWorkspace, resolveInFolder } from '../core/editInput';
import { FluxError } from '../core/errors';
import { normalizeModel, normalizePrompt, normalizeSeed, normalizeSizeFor, readCommandArgs } from '../core/params';
import type { CommandArgs } from '../core/params';
import type { ImageRequest } from '../core/providers/types';
import { plainLabel } from '../core/safeText';
import { readConfig } from '../services/config';
import { costItem } from '../services/costs';
import type { GenerationJob, Retarget } from '../services/generationService';
import type { PlaceScope } from '../services/places';
import { readChosenEditInput, referenceUris, workspaceImageUri } from '../services/editInputFile';
import { displayPath, linkPathFor } from '../services/imageStore';
import { generateWithProgress } from '../ui/generate';
import { pickWorkspaceImage } from '../ui/pickImage';
import { validatePrompt } from '../ui/promptInput';
import { registerFluxCommand } from './command';
import { COMMANDS } from './ids';
import type { Services } from '../services/services';

/** The argument of Flux: Edit Image… (README, "Editing an image"). */
export interface EditArgs extends CommandArgs {
  /** A `Uri`, or a path relative to the workspace. */
  readonly image?: vscode.Uri | string;
}

/** VS Code's built-in image preview (the editor/title button's `when` names it too). */
export const IMAGE_PREVIEW_VIEW_TYPE = 'imagePreview.previewEditor';

/** Where the image to edit came from. */
interface Source {
  readonly uri: vscode.Uri;
  /** Started from a reference in a document: that reference is retargeted to the new file. */
  readonly reference?: {
    readonly document: vscode.TextDocument;
    readonly retarget: (newPath: string) => string;
    readonly pathStart: number;
    readonly pathEnd: number;
    readonly written: string;
  };
}

/**
 * Flux: Edit Image… — sends an image with an instruction and writes the result as a new file;
 * the source is never changed. Started from a reference, the reference points at the new file
 * (one Undo takes both back); otherwise the new image opens beside.
 */
export function registerEditImage(services: Services): vscode.Disposable {
  return registerFluxCommand(COMMANDS.editImage, services.log, { failed: () => undefined, openSettings: refusedEdit }, async (arg?: unknown): Promise<vscode.Uri | undefined> => {
    // The job's places: the reference's path is followed from when it is read, through the instruction box.
    const places = services.places.scope();
    try {
      // A menu (Explorer, image preview title) passes the file's Uri: the person's explicit choice.
      const menuUri = arg instanceof vscode.Uri ? arg : undefined;
      const args = menuUri ? {} : readEditArgs(arg);
      // Checked before anything is asked: a reference outside the workspace is refused first.
      const references = referenceUris(args.references);
      const source = menuUri ? { uri: menuUri } : await chooseSource(args.image, places);
      if (!source) return undefined;
      const input = await readChosenEditInput(source.uri, plainLabel(displayPath(source.uri), 200));
      const scope = source.reference?.document.uri ?? source.uri;
      const config = readConfig(scope);
      // Checked before asking for anything: a bad argument never reaches the service.
      const model = normalizeModel(args.model ?? config.model);
      const size = args.size !== undefined ? normalizeSizeFor(args.size, model) : undefined;
      const seed = normalizeSeed(args.seed ?? config.seed);
      const prompt = args.prompt !== undefined ? normalizePrompt(args.prompt) : await askForInstruction(input.image.name, services.costs.estimate([costItem({ model, size, image: input.image }, 1, config.megapixels)], scope).text);
      if (prompt === undefined) return undefined;
      const request: ImageRequest = { prompt, model, size, seed, image: input.image };
      const parent = services.history.list().find((r) => r.file === source.uri.toString())?.id;
      const retarget = source.reference && retargetFor(source.reference);
      const job: GenerationJob = {
        request,
        scope,
        // The recipe's source is workspace-relative; an image from outside (opened in the preview) has none.
        ...(vscode.workspace.getWorkspaceFolder(source.uri) ? { source: { path: vscode.workspace.asRelativePath(source.uri, false), sha256: input.sha256 } } : {}),
        ...(parent ? { parent } : {}),
        ...(retarget ? { retarget } : {}),
        ...(references.length ? { references } : {}),
        places,
      };
      return await generateWithProgress(services.generation, job, { openBeside: true, settingsFor: refusedEdit });
    } finally {
      // Try Again keeps them followed until its last try (generateWithProgress holds the scope).
      places.dispose();
    }
  });
}

/** The argument: the generate commands' fields plus `image`; anything else means "no argument". */
export function readEditArgs(arg: unknown): EditArgs {
  const common = readCommandArgs(arg);
  const plain = !!arg && typeof arg === 'object' && Object.getPrototypeOf(arg) === Object.prototype;
  const image = plain ? (arg as { image?: unknown }).image : undefined;
  if (image === undefined) return common;
  if (image instanceof vscode.Uri || (typeof image === 'string' && image.trim())) return { ...common, image };
  throw new FluxError('invalidInput', vscode.l10n.t('The command\'s “image” must be a Uri or a path relative to the workspace.'));
}

/** A model or gateway that takes no edits says so with these; the next step is another model or provider. */
function refusedEdit(err: unknown): boolean {
  return err instanceof FluxError && err.kind === 'badRequest' && [400, 404, 405, 422, 501].includes(err.details.status ?? 0);
}

/** In order: the argument; the reference under the cursor; the image preview; a quick pick. */
async function chooseSource(image: vscode.Uri | string | undefined, places: PlaceScope): Promise<Source | undefined> {
  if (image !== undefined) return { uri: workspaceImageUri(image) };
  const fromReference = await referenceUnderCursor(places);
  if (fromReference) return fromReference;
  const preview = previewedImage();
  if (preview) return { uri: preview };
  const picked = await pickWorkspaceImage();
  return picked && { uri: picked };
}

/** The image reference at the cursor of the active document, resolved against the document. */
async function referenceUnderCursor(places: PlaceScope): Promise<Source | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const { document } = editor;
  const { documentLanguage, readImageReferences, referenceAt, retargetPath } = await import('../core/documents');
  const language = documentLanguage(document.languageId);
  if (!language || document.uri.scheme === 'output') return undefined;
  const text = document.getText();
  const ref = referenceAt(readImageReferences(text, language), document.offsetAt(editor.selection.active));
  if (!ref) return undefined;
  if (hasScheme(ref.path)) {
    throw new FluxError('invalidInput', vscode.l10n.t('The image under the cursor is not a file in the workspace ({0}). Download it into the workspace first, then edit it there.', plainLabel(ref.path, 120)));
  }
  const uri = referenceTarget(document.uri, ref.path);
  places.range(document, ref.pathStart, ref.pathEnd);
  return { uri, reference: { document, pathStart: ref.pathStart, pathEnd: ref.pathEnd, written: text.slice(ref.pathStart, ref.pathEnd), retarget: (newPath) => retargetPath(language, ref, newPath, vscode.Uri.joinPath(document.uri, '..').path) } };
}

/** A reference's file: relative to the document's folder; `/…` from its workspace folder. Never outside the workspace. */
function referenceTarget(documentUri: vscode.Uri, path: string): vscode.Uri {
  const folder = vscode.workspace.getWorkspaceFolder(documentUri) ?? (documentUri.scheme === 'untitled' ? vscode.workspace.workspaceFolders?.[0] : undefined);
  if (!folder) throw outsideWorkspace(path);
  const base = path.startsWith('/') || documentUri.scheme === 'untitled' ? folder.uri.path : vscode.Uri.joinPath(documentUri, '..').path;
  const relative = path.startsWith('/') ? path.slice(1) : path;
  const fromFolder = base === folder.uri.path ? relative : `${base.slice(folder.uri.path.length + 1)}/${relative}`;
  const resolved = resolveInFolder(folder.uri.path, fromFolder);
  if (!resolved) throw outsideWorkspace(path);
  return folder.uri.with({ path: resolved });
}

/** The image shown in VS Code's image preview, when that is the active editor. */
function previewedImage(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === IMAGE_PREVIEW_VIEW_TYPE ? input.uri : undefined;
}

/** The instruction, in a box that says which image is being edited and what the edit costs. */
async function askForInstruction(fileName: string, cost: string): Promise<string | undefined> {
  const name = plainLabel(fileName, 80);
  const prompt = await vscode.window.showInputBox({
    title: vscode.l10n.t('Flux: Edit {0} ({1})', name, cost),
    prompt: vscode.l10n.t('What should change in {0}? The result is a new file; the image itself stays as it is.', name),
    placeHolder: vscode.l10n.t('Make the sky stormy'),
    ignoreFocusOut: true,
    validateInput: validatePrompt,
  });
  return prompt?.trim() ? prompt.trim() : undefined;
}

function retargetFor(reference: NonNullable<Source['reference']>): Retarget {
  return {
    document: reference.document,
    pathStart: reference.pathStart,
    pathEnd: reference.pathEnd,
    written: reference.written,
    pathText: (image) => reference.retarget(linkPathFor(reference.document.uri, image)),
  };
}
