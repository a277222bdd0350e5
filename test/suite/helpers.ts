// Shared set-up for the suites that run inside the real extension host.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { MessageSeverity, ShownMessage } from '../../src/ui/messages';
import { FakeService } from '../fake/fakeService';

export const EXTENSION_ID = 'flux-vscode.flux-vscode';
export const TEST_KEY = 'sk-test-0123456789abcdefghijklmnop';

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder');
  return folder.uri;
}

/** Writes a file in the test workspace (`relative` to its root) and returns its URI. */
export async function writeFile(relative: string, bytes: Uint8Array): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), relative);
  await vscode.workspace.fs.writeFile(uri, bytes);
  return uri;
}

/** Bytes as the JSON of a request carries them. */
export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
/** A file's SHA-256 in hex, as records and recipes keep it. */
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function testingApi(): Promise<TestingApi> {
  const ext = vscode.extensions.getExtension<{ testing?: TestingApi }>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  assert.ok(api.testing, 'the extension exposes its testing hook only in test mode');
  return api.testing;
}

/** Starts a fake service and points the extension at it (user settings), with a key stored. */
export async function useFakeService(): Promise<FakeService> {
  const fake = await FakeService.start();
  await vscode.workspace.getConfiguration('flux').update('baseUrl', fake.baseUrl, vscode.ConfigurationTarget.Global);
  await (await testingApi()).setApiKey(TEST_KEY);
  return fake;
}

/**
 * The hooks of a suite that talks to the fake service: start it and point the extension at it
 * before the suite, stop it after, and before each test a clean slate (the fake's queue and
 * records, the test key, the default output folder, no assets/ folder). Returns the fake.
 */
export function fakeServiceForSuite(): () => FakeService {
  let fake: FakeService | undefined;
  before(async () => {
    fake = await useFakeService();
  });
  after(async () => {
    await stopFakeService(fake);
  });
  beforeEach(async () => {
    fake?.reset();
    const api = await testingApi();
    api.messages.clear();
    await api.setApiKey(TEST_KEY);
    await unsetSetting('flux', 'outputFolder', vscode.ConfigurationTarget.Workspace);
    await removeFolder('assets');
  });
  return () => {
    assert.ok(fake, 'the fake service starts in before()');
    return fake;
  };
}

export async function stopFakeService(fake: FakeService | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('flux').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
  await fake?.close();
}

/** A fresh Markdown file in the workspace, shown in an editor. */
export async function openMarkdown(relative: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), relative);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc);
}

/**
 * Removes a setting at one target, and only when it is set there: every update is a round trip
 * through the workbench (50-150 ms in code-server), and most after-each resets find nothing to undo.
 */
export async function unsetSetting(section: string, key: string, target: vscode.ConfigurationTarget, scope?: vscode.Uri): Promise<void> {
  const config = vscode.workspace.getConfiguration(section, scope);
  const inspected = config.inspect(key);
  const value =
    target === vscode.ConfigurationTarget.Global ? inspected?.globalValue : target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.workspaceFolderValue;
  if (value !== undefined) await config.update(key, undefined, target);
}

/** Closes every editor, reverting the active one first (no "save?" question); nothing to do when no tab is open. */
export async function closeAllEditors(): Promise<void> {
  if (vscode.window.tabGroups.all.every((group) => group.tabs.length === 0)) return;
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The names in a workspace folder, dotfiles included; [] only when the folder is not there. */
export async function listFolder(relative: string): Promise<string[]> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(workspaceRoot(), relative));
    return entries.map(([name]) => name).sort();
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return [];
    throw err;
  }
}

export async function removeFolder(relative: string): Promise<void> {
  try {
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), relative), { recursive: true, useTrash: false });
  } catch {
    // not there
  }
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

export function selectLine(editor: vscode.TextEditor, line: number): void {
  const range = editor.document.lineAt(line).range;
  editor.selection = new vscode.Selection(range.start, range.end);
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The messages the extension has shown since the last clear (fakeServiceForSuite clears before each test). */
export async function shownMessages(): Promise<readonly ShownMessage[]> {
  return (await testingApi()).messages.shown;
}

/**
 * Waits for the one message a person sees for this action and returns it: exactly one
 * message was shown, with this severity and text (a string: equal; a RegExp: matching).
 */
export async function expectMessage(severity: MessageSeverity, textIs: string | RegExp, timeoutMs = 10_000): Promise<ShownMessage> {
  await waitFor(`a message ${String(textIs)}`, async () => (await shownMessages()).length > 0, timeoutMs);
  const shown = await shownMessages();
  assert.equal(shown.length, 1, `one message, not: ${JSON.stringify(shown, null, 1)}`);
  const [message] = shown as [ShownMessage];
  assert.equal(message.severity, severity, `severity of “${message.text}”`);
  if (typeof textIs === 'string') assert.equal(message.text, textIs);
  else assert.match(message.text, textIs);
  return message;
}

/**
 * Every file and folder of the workspace (dotfiles included) with file sizes: path → size, -1 for a
 * folder, -2 for a symbolic link. Read with Node's fs, not vscode.workspace.fs: the host runs on the
 * workspace's disk, and in code-server each workspace.fs call is a round trip through the
 * workbench (about 25 ms, so 150 ms for six files).
 */
export async function snapshotWorkspace(root: vscode.Uri = workspaceRoot()): Promise<Map<string, number>> {
  assert.equal(root.scheme, 'file', 'the snapshot reads a folder on disk');
  const result = new Map<string, number>();
  // No catch: a listing that fails must fail the test, never look like an empty folder.
  const entries = await fs.promises.readdir(root.fsPath, { withFileTypes: true, recursive: true });
  await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(entry.parentPath, entry.name);
      const relative = path.relative(root.fsPath, full).split(path.sep).join('/');
      if (entry.isSymbolicLink()) result.set(relative, -2);
      else if (entry.isDirectory()) result.set(relative, -1);
      else result.set(relative, (await fs.promises.lstat(full)).size);
    }),
  );
  return result;
}

/** Asserts the workspace holds exactly what it held in `before`: nothing added, removed or resized. */
export async function assertWorkspaceUnchanged(before: ReadonlyMap<string, number>, root?: vscode.Uri): Promise<void> {
  const after = await snapshotWorkspace(root);
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
  assert.deepEqual({ added, removed, changed }, { added: [], removed: [], changed: [] }, 'the workspace changed');
}

/**
 * For a test whose precondition (root, mount(8), ...) is missing: skipped on a developer's
 * machine, a failure in CI (CI=true), where every test must really run.
 */
export function needsOrSkip(context: Mocha.Context, available: boolean, what: string): void {
  if (available) return;
  if (process.env.CI) assert.fail(`CI must run this test, but ${what} is not available here`);
  context.skip();
}

/** A unique marker for the log or a prompt, so a test finds its own lines. */
export function marker(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Every file below a folder (the extension's log folder), read as text; '' when it is not there. */
export function readAllText(folder: string): string {
  if (!fs.existsSync(folder)) return '';
  return fs
    .readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

/** How many times `pattern` (global) occurs in the extension's log, to wait for a new line of it. */
export function logCount(logUri: vscode.Uri, pattern: RegExp): number {
  return [...readAllText(logUri.fsPath).matchAll(pattern)].length;
}
