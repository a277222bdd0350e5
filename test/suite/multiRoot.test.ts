// A window with two workspace folders (the runner's @multi-root pass opens first/ and second/):
// each document's image goes to its own folder, under that folder's settings, linked relative
// to the document; with no document, the first folder is used.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, exists, fakeServiceForSuite, selectLine, unsetSetting, waitFor } from './helpers';

const DOC = ['# Notes', '', 'A boat in the second folder.', ''].join('\n');

async function openIn(folder: vscode.WorkspaceFolder, relative: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(folder.uri, relative);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

async function remove(uri: vscode.Uri): Promise<void> {
  if (await exists(uri)) await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false });
}

describe('Two workspace folders @multi-root', () => {
  const fake = fakeServiceForSuite();
  const folders = () => vscode.workspace.workspaceFolders ?? [];
  const first = () => folders()[0]!;
  const second = () => folders()[1]!;
  afterEach(async () => {
    await unsetSetting('flux', 'outputFolder', vscode.ConfigurationTarget.WorkspaceFolder, second().uri);
    for (const f of folders()) for (const name of ['assets', 'pics']) await remove(vscode.Uri.joinPath(f.uri, name));
    await closeAllEditors();
  });

  it('runs with two folders open', () => {
    assert.deepEqual(folders().map((f) => f.name), ['first', 'second']);
  });

  it('a document in the second folder: the image goes into that folder, linked relative to the document', async () => {
    const editor = await openIn(second(), 'notes/boat.md', DOC);
    selectLine(editor, 2);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(uri);
    assert.equal(vscode.Uri.joinPath(uri, '..').toString(), vscode.Uri.joinPath(second().uri, 'assets').toString());
    assert.equal(editor.document.lineAt(4).text, `![A boat in the second folder.](../assets/${uri.path.split('/').pop()})`);
    assert.ok(!(await exists(vscode.Uri.joinPath(first().uri, 'assets'))), 'nothing in the first folder');
  });

  it('each folder\'s own flux.outputFolder applies to its documents', async () => {
    await vscode.workspace.getConfiguration('flux', second().uri).update('outputFolder', 'pics', vscode.ConfigurationTarget.WorkspaceFolder);
    await waitFor('the folder setting', () => vscode.workspace.getConfiguration('flux', second().uri).get('outputFolder') === 'pics');
    const inSecond = await openIn(second(), 'notes/pics.md', DOC);
    selectLine(inSecond, 2);
    const a = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(a);
    assert.equal(vscode.Uri.joinPath(a, '..').toString(), vscode.Uri.joinPath(second().uri, 'pics').toString());
    assert.match(inSecond.document.getText(), /\]\(\.\.\/pics\/a-boat-in-the-second-folder-\d{8}-\d{6}\.png\)/);

    const inFirst = await openIn(first(), 'notes/first.md', DOC.replace('second', 'first'));
    selectLine(inFirst, 2);
    const b = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(b);
    assert.equal(vscode.Uri.joinPath(b, '..').toString(), vscode.Uri.joinPath(first().uri, 'assets').toString(), 'the first folder keeps the default');
    assert.equal(fake().generationRequests.length, 2);
  });

  it('with no document open, the image goes to the first folder', async () => {
    await closeAllEditors();
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'no document' });
    assert.ok(uri);
    assert.equal(vscode.Uri.joinPath(uri, '..').toString(), vscode.Uri.joinPath(first().uri, 'assets').toString());
  });
});
