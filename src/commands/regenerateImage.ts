import * as vscode from 'vscode';
import { outsideWorkspace } from '../core/editInput';
import { FluxError } from '../core/errors';
import { normalizeModel, normalizePrompt, normalizeSeed, normalizeSizeFor } from '../core/params';
import type { ImageRequest } from '../core/providers/types';
import type { Recipe } from '../core/recipe';
import { sizeToRepeat } from '../core/recipe';
import { plainLabel, plainText } from '../core/safeText';
import { isInsideFolder } from '../core/workspacePath';
import type { ReferenceAt, ReferenceIndex } from '../languageFeatures/imageReferences';
import { imageArgument } from '../languageFeatures/imageReferences';
import type { PlaceScope } from '../services/places';
import { readEditInputFile } from '../services/editInputFile';
import type { EditInputFile } from '../services/editInputFile';
import type { GenerationJob, JobStyle } from '../services/generationService';
import { recordedStyle } from '../services/generationService';
import type { retargetPath as RetargetPathFn } from '../core/documents';
import { displayPath, isInWorkspace, linkPathFor } from '../services/imageStore';
import type { RecipeCache } from '../services/recipeReader';
import { generateWithProgress } from '../ui/generate';
import { registerFluxCommand } from './command';
import { COMMANDS } from './ids';
import type { Services } from '../services/services';
import { showInformation, showWarning } from '../ui/messages';

export interface RegenerateArgs {
  readonly image?: vscode.Uri;
  readonly sameSeed: boolean;
}

/** `{ image?: Uri | string, sameSeed?: boolean }`; anything else is no argument. */
export function readRegenerateArgs(arg: unknown): RegenerateArgs {
  if (!arg || typeof arg !== 'object' || Array.isArray(arg) || arg instanceof vscode.Uri) return { image: imageArgument(arg), sameSeed: false };
  const a = arg as { image?: unknown; sameSeed?: unknown };
  const image = a.image === undefined ? undefined : imageArgument(a.image);
  return { ...(image ? { image } : {}), sameSeed: a.sameSeed === true };
}

/**
 * Flux: Regenerate Image — the image reference under the cursor, or the `image` argument, made
 * again from its recipe: a new random seed (the same seed with `sameSeed: true`).
 *
 * Which reference changes: with no argument, the one under the cursor. With an `image`
 * argument, the active editor's reference to that file (the one under the cursor when it names
 * it, else the first); that reference is retargeted to the new file in one undoable edit. When
 * the active editor has no reference to it, the new image is written beside the old one (in the
 * output folder when the old one is outside the workspace) and opened. Resolves to the new Uri.
 */
export function registerRegenerateImage(services: Services, references: ReferenceIndex, recipes: RecipeCache): vscode.Disposable {
  return registerFluxCommand(COMMANDS.regenerateImage, services.log, { failed: () => undefined }, async (arg?: unknown): Promise<vscode.Uri | undefined> => {
    // The job's places: the reference's path is followed from when it is read.
    const places = services.places.scope();
    try {
      const args = readRegenerateArgs(arg);
      const editor = vscode.window.activeTextEditor;
      let image = args.image;
      let target: ReferenceAt | undefined;
      if (image) {
        target = editor ? await references.naming(editor.document, image, editor.selection.active) : undefined;
      } else {
        const here = editor ? await references.at(editor.document, editor.selection.active) : undefined;
        if (!here) {
          void showInformation(vscode.l10n.t('Put the cursor on an image reference in a document (or run this from the Explorer), then run Flux: Regenerate Image again.'));
          return undefined;
        }
        if (!here.uri) {
          void showWarning(vscode.l10n.t('This reference does not name an image file in the workspace, so it cannot be regenerated.'));
          return undefined;
        }
        target = here;
        image = here.uri;
      }
      // Followed from now: reading the recipe and the input takes a moment, and the person types on.
      if (target && target.document.version === target.version) places.range(target.document, target.ref.pathStart, target.ref.pathEnd);
      const read = await recipes.get(image);
      if (read.unreadable === 'missing') {
        void showWarning(vscode.l10n.t('{0} is not there, so it has no recipe to make it again from.', plainText(displayPath(image))));
        return undefined;
      }
      if (!read.recipe) {
        void offerEdit(image, vscode.l10n.t('{0} has no recipe (it was not made by Flux for VS Code, or recipes were turned off), so it cannot be made again. Edit it with an instruction instead?', plainText(displayPath(image))));
        return undefined;
      }
      const recipe = read.recipe;
      if (args.sameSeed && recipe.seed === null) {
        void showWarning(vscode.l10n.t('The seed of this image is not known, so it cannot be made again exactly. Regenerate it with a new seed instead.'));
        return undefined;
      }
      const made = await requestFrom(recipe, args.sameSeed, image);
      if (!made) return undefined;
      const { request, source } = made;
      const refs = await recipeReferences(recipe, image);
      if (!refs) return undefined;
      if (target) {
        const { retargetPath } = await import('../core/documents');
        return await regenerateInPlace(services, target, request, source, places, retargetPath, refs, recordedStyle(recipe));
      }
      const folder = isInWorkspace(image) ? vscode.Uri.joinPath(image, '..') : undefined;
      // The style as recorded (its sent prompt; its references are the recipe's), never as it is now.
      const style = recordedStyle(recipe);
      return await generateWithProgress(services.generation, { request, scope: image, ...(folder ? { folder } : {}), ...(source ? { source } : {}), ...(refs.length ? { references: refs } : {}), ...(style ? { style } : {}) });
    } finally {
      // Try Again keeps them followed until its last try (generateWithProgress holds the scope).
      places.dispose();
    }
  });
}

/**
 * The request the recipe describes; for an edit, with its input image read again and that
 * input's path and SHA-256 for the new recipe (undefined, after a message, when it cannot be read).
 */
async function requestFrom(recipe: Recipe, sameSeed: boolean, image: vscode.Uri): Promise<{ request: ImageRequest; source?: GenerationJob['source'] } | undefined> {
  const base = {
    prompt: normalizePrompt(recipe.prompt),
    model: normalizeModel(recipe.model),
    seed: sameSeed && recipe.seed !== null ? normalizeSeed(recipe.seed) : -1,
    // As recorded, never the settings as they are now.
    ...(recipe.outputFormat ? { outputFormat: recipe.outputFormat } : {}),
    ...(recipe.promptUpsampling !== undefined ? { promptUpsampling: recipe.promptUpsampling } : {}),
  };
  // FLUX.2 recorded the pixels it was sent: the same again, whatever flux.megapixels says now.
  const size = sizeToRepeat(recipe);
  if (!recipe.source) return { request: { ...base, size: normalizeSizeFor(size, base.model) } };
  let input: EditInputFile | undefined;
  try {
    input = await readSource(recipe.source.path, image);
  } catch (err) {
    if (!(err instanceof FluxError) || err.kind !== 'invalidInput') throw err;
    // Still there, but not something an edit can send (a folder, over 20 MB, not an image now).
    void offerEdit(image, vscode.l10n.t('This image was made by editing {0}, which is no longer a PNG, JPEG or WebP image of at most 20 MB, so it cannot be made again. Edit this image instead?', plainText(recipe.source.path)));
    return undefined;
  }
  if (!input) {
    void offerEdit(image, vscode.l10n.t('This image was made by editing {0}, which is no longer there, so it cannot be made again. Edit this image instead?', plainText(recipe.source.path)));
    return undefined;
  }
  // An edit keeps its input's aspect ratio unless it asked for one; the recipe cannot tell which.
  return { request: { ...base, size: undefined, image: input.image }, source: { path: recipe.source.path, sha256: input.sha256 } };
}

/**
 * The recipe's input image, read as every edit reads one (readEditInputFile): undefined when it is
 * gone. The path comes from the PNG, so it is text from outside: one that leads out of the
 * workspace is refused, never read or sent.
 */
async function readSource(path: string, image: vscode.Uri): Promise<EditInputFile | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(image);
  if (!folder) return undefined;
  // Joined as written (a name such as `photo%20(1).png` is that file, not `photo (1).png`).
  const uri = vscode.Uri.joinPath(folder.uri, ...path.split('/'));
  if (!isInsideFolder(uri.path, folder.uri.path)) throw outsideWorkspace(path);
  return readEditInputFile(uri, plainLabel(displayPath(uri), 200));
}

/**
 * The recipe's reference images, to send again in order: each inside the image's workspace
 * folder and still there (else a message names it and nothing is made); one whose bytes changed
 * since is sent as it is now, and a message says so. Read and checked again by the pipeline.
 */
async function recipeReferences(recipe: Recipe, image: vscode.Uri): Promise<vscode.Uri[] | undefined> {
  if (!recipe.references?.length) return [];
  const folder = vscode.workspace.getWorkspaceFolder(image);
  const uris: vscode.Uri[] = [];
  const changed: string[] = [];
  for (const ref of recipe.references) {
    const uri = folder ? vscode.Uri.joinPath(folder.uri, ...ref.path.split('/')) : undefined;
    if (uri && !isInsideFolder(uri.path, folder!.uri.path)) throw outsideWorkspace(ref.path);
    const input = uri ? await readEditInputFile(uri, plainLabel(ref.path, 200)) : undefined;
    if (!uri || !input) {
      void showWarning(vscode.l10n.t('This image was made with the reference image {0}, which is no longer there, so it cannot be made again the same way. Nothing was sent.', plainText(ref.path)));
      return undefined;
    }
    if (input.sha256 !== ref.sha256) changed.push(plainText(ref.path));
    uris.push(uri);
  }
  if (changed.length) void showInformation(vscode.l10n.t('The reference images {0} changed since this image was made; they are sent as they are now.', changed.join(', ')));
  return uris;
}

type RetargetPath = typeof RetargetPathFn;

/**
 * Makes the image and points the reference at it: one edit, so one Undo takes back the path and
 * the file. The same progress, cancel, Try Again and outcome message as an edit started from a
 * reference (generateWithProgress with a `retarget` job in the command's scope of places).
 */
function regenerateInPlace(
  services: Services,
  target: ReferenceAt,
  request: ImageRequest,
  source: GenerationJob['source'],
  places: PlaceScope,
  retargetPath: RetargetPath,
  references: readonly vscode.Uri[],
  style: JobStyle | undefined,
): Promise<vscode.Uri | undefined> {
  const { document, language, ref } = target;
  return generateWithProgress(services.generation, {
    request,
    scope: document.uri,
    ...(source ? { source } : {}),
    ...(references.length ? { references } : {}),
    places,
    ...(style ? { style } : {}),
    retarget: { document, pathStart: ref.pathStart, pathEnd: ref.pathEnd, written: target.written, pathText: (uri: vscode.Uri) => retargetPath(language, ref, linkPathFor(document.uri, uri), vscode.Uri.joinPath(document.uri, '..').path) },
  });
}

async function offerEdit(image: vscode.Uri, message: string): Promise<void> {
  const edit = vscode.l10n.t('Edit…');
  const choice = await showInformation(message, edit);
  if (choice === edit) await vscode.commands.executeCommand(COMMANDS.editImage, { image });
}
