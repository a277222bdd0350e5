import * as vscode from 'vscode';
import { FluxError } from '../core/errors';
import { IMAGE_FILE_NAME } from '../core/imageType';
import { modelRoute } from '../core/models';
import type { ProviderId } from '../core/providers/types';
import { plainLabel } from '../core/safeText';
import { addReferenceToText } from '../core/styleReferences';
import type { StyleDef } from '../core/styles';
import { NO_STYLE, parseStylesFile, STYLE_NAME_PATTERN, STYLES_FILE } from '../core/styles';
import { readConfig } from '../services/config';
import { providerName } from '../services/keys';
import { showInformation } from '../ui/messages';
import { stylesFileOf } from '../services/styles';
import { registerFluxCommand } from './command';
import { COMMANDS } from './ids';

/** Arguments for scripts, tests and the Studio: the image, and the style without asking. */
export interface AddToStyleArgs {
  readonly uri: vscode.Uri;
  /** An existing style, or a new one when `prompt` is given too. */
  readonly style?: string;
  readonly prompt?: string;
}

export interface AddToStyleResult {
  readonly style: string;
  /** As written in `references`. */
  readonly reference: string;
}

/** The model new styles get when the folder's own takes no reference images. */
const REFERENCE_MODEL = 'flux-2-pro';

/** Flux: Add Image to Style… (Explorer on images, a Studio card's menu). */
export function registerAddToStyle(log: vscode.LogOutputChannel): vscode.Disposable {
  return registerFluxCommand<AddToStyleResult | undefined>(COMMANDS.addToStyle, log, { failed: () => undefined }, async (arg) => {
    const args: Partial<AddToStyleArgs> = arg instanceof vscode.Uri ? { uri: arg } : typeof arg === 'object' && arg !== null ? (arg as AddToStyleArgs) : {};
    const image = args.uri ?? activeImage();
    if (!image) throw new FluxError('invalidInput', vscode.l10n.t('Choose an image in the Explorer (PNG, JPEG or WebP), then run Flux: Add Image to Style… on it.'));
    return addToStyle(image, args);
  });
}

function activeImage(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri && IMAGE_FILE_NAME.test(uri.path) ? uri : undefined;
}

async function addToStyle(image: vscode.Uri, args: Partial<AddToStyleArgs>): Promise<AddToStyleResult | undefined> {
  const name = image.path.split('/').pop() ?? '';
  if (!IMAGE_FILE_NAME.test(name)) throw new FluxError('invalidInput', vscode.l10n.t('{0} is not a PNG, JPEG or WebP image: only those can be a style\'s references.', plainLabel(name)));
  const folder = vscode.workspace.getWorkspaceFolder(image);
  if (!folder) throw new FluxError('invalidInput', vscode.l10n.t('{0} is not in a workspace folder. A style\'s references are files of its folder: copy the image into the folder, then try again.', plainLabel(name)));
  const reference = image.path.slice(folder.uri.path.replace(/\/$/, '').length + 1);
  const file = stylesFileOf(folder.uri);
  const fileLabel = STYLES_FILE;
  const readFile = async () => {
    const current = await currentText(file);
    const content = current?.text ?? '';
    const read = content.trim() ? parseStylesFile(content, fileLabel) : { styles: {}, invalid: {} };
    if (read.error) throw new FluxError('invalidInput', vscode.l10n.t(read.error.template, ...read.error.args));
    return { current, content, read, styles: new Map(Object.entries(read.styles)) };
  };
  const before = await readFile();
  const target = args.style !== undefined ? { name: args.style, prompt: args.prompt } : await pickTarget(before.styles, name);
  if (!target) return undefined;
  // Read again after the pick and the input boxes: the file (or its editor) may have changed while
  // they were open, and the change must be made to the text as it is now, not as it was.
  const { current, content, read, styles } = args.style !== undefined ? before : await readFile();
  // Own entries only: a style named "toString" is a style, not Object.prototype's method.
  const broken = Object.hasOwn(read.invalid, target.name) ? read.invalid[target.name] : undefined;
  if (broken) throw new FluxError('invalidInput', vscode.l10n.t(broken.template, ...broken.args));
  const style = styles.get(target.name);
  const config = readConfig(folder.uri);
  if (style) checkRoom(target.name, style, config.model, config.provider);
  else if (target.prompt === undefined) throw new FluxError('invalidInput', vscode.l10n.t('{0} has no style "{1}".', fileLabel, plainLabel(target.name)));

  // A new style where the folder's model takes no references gets a FLUX.2 model, so its references are sent.
  const newStyle = style ? {} : { newPrompt: target.prompt, ...(maxReferences(config.model, config.provider) > 0 ? {} : { newModel: REFERENCE_MODEL }) };
  const text = addReferenceToText(content, { style: target.name, reference, ...newStyle }, fileLabel);
  if (text === undefined) {
    void showInformation(vscode.l10n.t('Style "{0}" already has {1} as a reference.', plainLabel(target.name), plainLabel(reference)));
    return { style: target.name, reference };
  }
  await write(file, current, text);
  const open = vscode.l10n.t('Open Styles File');
  const count = ((style?.references?.length ?? 0) + 1).toString();
  void showInformation(vscode.l10n.t('Added {0} to style "{1}" (references: {2}).', plainLabel(reference), plainLabel(target.name), count), open).then((c) => {
    if (c === open) void vscode.window.showTextDocument(file);
  });
  return { style: target.name, reference };
}

/** The file's text: an editor's unsaved text when it has some, else the file's; undefined when there is no file. */
async function currentText(file: vscode.Uri): Promise<{ readonly text: string; readonly unsaved?: vscode.TextDocument } | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
  if (open?.isDirty) return { text: open.getText(), unsaved: open };
  try {
    return { text: new TextDecoder().decode(await vscode.workspace.fs.readFile(file)) };
  } catch {
    return undefined;
  }
}

type Target = { readonly name: string; readonly prompt?: string | undefined };

async function pickTarget(styles: ReadonlyMap<string, StyleDef>, imageName: string): Promise<Target | undefined> {
  type Item = vscode.QuickPickItem & { style?: string };
  const items: Item[] = [...styles].map(([style, entry]) => ({
    style,
    label: plainLabel(style),
    iconPath: new vscode.ThemeIcon('paintcan'),
    description: (entry.references?.length ?? 0) === 1 ? vscode.l10n.t('1 reference') : vscode.l10n.t('{0} references', entry.references?.length ?? 0),
  }));
  items.push({ label: vscode.l10n.t('New style…'), iconPath: new vscode.ThemeIcon('add'), alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Flux: Add Image to Style…'),
    placeHolder: vscode.l10n.t('The style {0} becomes a reference of', plainLabel(imageName)),
  });
  if (!picked) return undefined;
  if (picked.style !== undefined) return { name: picked.style };
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('New style'),
    prompt: vscode.l10n.t('The name documents will declare, as in flux-style: NAME'),
    placeHolder: 'ink',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const value = v.trim();
      if (!STYLE_NAME_PATTERN.test(value) || value === NO_STYLE) return vscode.l10n.t('Letters, digits, dots, dashes and underscores, up to 64; not "none".');
      return styles.has(value) ? vscode.l10n.t('There is a style "{0}" already: choose it in the list instead.', value) : undefined;
    },
  });
  if (name === undefined) return undefined;
  const prompt = await vscode.window.showInputBox({
    title: vscode.l10n.t('New style "{0}"', name.trim()),
    prompt: vscode.l10n.t('The style\'s words. {0} is where the words of each image go.', '{prompt}'),
    value: '{prompt}. ',
    valueSelection: [10, 10],
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Write a few words about the look.')),
  });
  if (prompt === undefined) return undefined;
  return { name: name.trim(), prompt: prompt.trim() };
}

function maxReferences(model: string, provider: ProviderId): number {
  const route = modelRoute(model, provider);
  return route.api === 'openai' ? 0 : route.maxImages;
}

/** Refuses a reference the style's model could not take, before the file is changed. */
function checkRoom(styleName: string, style: StyleDef, folderModel: string, provider: ProviderId): void {
  const model = style.model ?? folderModel;
  const max = maxReferences(model, provider);
  if (max === 0) {
    throw new FluxError('invalidInput', vscode.l10n.t('Style "{0}" uses {1}, which takes no reference images through {2}. Give the style a FLUX.2 model (for example "model": "{3}") in {4}, then add the image.', plainLabel(styleName), model, providerName(provider), REFERENCE_MODEL, STYLES_FILE));
  }
  const count = style.references?.length ?? 0;
  if (count >= max) {
    throw new FluxError('invalidInput', vscode.l10n.t('Style "{0}" already has {1} references, as many as {2} takes. Remove one from {3} first, or make a new style.', plainLabel(styleName), count, model, STYLES_FILE));
  }
}

/** Writes the file (made when new); an editor with unsaved changes is edited in the changed span only, and saved. */
async function write(file: vscode.Uri, current: { readonly text: string; readonly unsaved?: vscode.TextDocument } | undefined, text: string): Promise<void> {
  const failed = () => new FluxError('write', vscode.l10n.t('{0} could not be written.', STYLES_FILE));
  const document = current?.unsaved;
  if (!document) {
    try {
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(current || text.endsWith('\n') ? text : `${text}\n`));
    } catch {
      throw failed();
    }
    return;
  }
  const old = current.text;
  let start = 0;
  while (start < old.length && start < text.length && old[start] === text[start]) start++;
  let end = 0;
  while (end < old.length - start && end < text.length - start && old[old.length - 1 - end] === text[text.length - 1 - end]) end++;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(file, new vscode.Range(document.positionAt(start), document.positionAt(old.length - end)), text.slice(start, text.length - end));
  if (!(await vscode.workspace.applyEdit(edit)) || !(await document.save())) throw failed();
}
