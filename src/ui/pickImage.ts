import * as vscode from 'vscode';
import { IMAGE_FILE_NAME } from '../core/imageType';
import { FluxError } from '../core/errors';
import { plainLabel } from '../core/safeText';
import { statOrUndefined } from '../services/imageStore';

/** The quick pick looks at this many image files at most, and shows the newest of them. */
const MAX_PICK_FILES = 2000;
const STAT_CONCURRENCY = 16;

/** The image to edit, from the workspace's images, newest first, each with its thumbnail (the edit command and the Studio). */
export async function pickWorkspaceImage(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/*.{png,PNG,jpg,JPG,jpeg,JPEG,webp,WEBP}', undefined, MAX_PICK_FILES);
  const images = found.filter((u) => IMAGE_FILE_NAME.test(u.path));
  if (!images.length) {
    throw new FluxError('invalidInput', vscode.l10n.t('There is no PNG, JPEG or WebP image in the workspace to edit. Add one, or run Flux: Generate Image first.'));
  }
  const mtimes = new Map<string, number>();
  for (let i = 0; i < images.length; i += STAT_CONCURRENCY) {
    await Promise.all(images.slice(i, i + STAT_CONCURRENCY).map(async (u) => mtimes.set(u.toString(), (await statOrUndefined(u))?.mtime ?? 0)));
  }
  images.sort((a, b) => mtimes.get(b.toString())! - mtimes.get(a.toString())!);
  const items = images.map((uri) => {
    const name = uri.path.split('/').pop() ?? '';
    const rel = vscode.workspace.asRelativePath(uri);
    const folder = rel.length > name.length ? rel.slice(0, rel.length - name.length - 1) : '';
    return { label: plainLabel(name), description: plainLabel(folder), iconPath: uri, uri };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Flux: Edit Image…'),
    placeHolder: vscode.l10n.t('Choose the image to edit (newest first)'),
    matchOnDescription: true,
  });
  return picked?.uri;
}
