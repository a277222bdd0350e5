// Shared set-up for the suites that run inside the real extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import { FakeService } from '../fake/fakeService';

export const EXTENSION_ID = 'flux-vscode.flux-vscode';
export const TEST_KEY = 'sk-test-0123456789abcdefghijklmnop';

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder');
  return folder.uri;
}

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
    await (await testingApi()).setApiKey(TEST_KEY);
    await vscode.workspace.getConfiguration('flux').update('outputFolder', undefined, vscode.ConfigurationTarget.Workspace);
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

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export async function listFolder(relative: string): Promise<string[]> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(workspaceRoot(), relative));
    return entries.map(([name]) => name).sort();
  } catch {
    return [];
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
