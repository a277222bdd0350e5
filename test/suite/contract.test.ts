// Promises made to people and to callers of the commands (README.md) checked end to end in the real
// extension host: settings at every level reach the request and the file; a workspace cannot
// redirect the key; CRLF documents; paths with spaces and parentheses; the Generate Image
// input box (prefilled from the selection, Escape cancels).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readImageReferences } from '../../src/core/documents';
import { FakeService } from '../fake/fakeService';
import { assertWorkspaceUnchanged, closeAllEditors, expectMessage, fakeServiceForSuite, listFolder, openMarkdown, PNG_SIGNATURE, removeFolder, selectLine, shownMessages, snapshotWorkspace, TEST_KEY, unsetSetting, waitFor, workspaceRoot } from './helpers';

const DOC = ['# Notes', '', 'A heron on a grey river.', '', 'The end.', ''].join('\n');
const RESOURCE_SETTINGS = ['model', 'size', 'seed', 'outputFolder'] as const;

type Body = { prompt: string; model: string; size: string; n: number; seed?: number };

async function generateFromLine(relative: string, line: number, text = DOC): Promise<{ uri: vscode.Uri | undefined; editor: vscode.TextEditor }> {
  const editor = await openMarkdown(relative, text);
  selectLine(editor, line);
  const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
  return { uri, editor };
}

/** The one image reference in the text, resolved against the document's folder as a renderer does. */
function linkedFile(document: vscode.TextDocument): vscode.Uri {
  const refs = readImageReferences(document.getText(), 'markdown');
  assert.equal(refs.length, 1, document.getText());
  return vscode.Uri.joinPath(document.uri, '..', refs[0]!.path);
}

describe('Contract: settings', () => {
  const fake = fakeServiceForSuite();
  const folder = () => vscode.workspace.workspaceFolders![0]!;
  afterEach(async () => {
    for (const key of RESOURCE_SETTINGS) {
      await unsetSetting('flux', key, vscode.ConfigurationTarget.Workspace);
      await unsetSetting('flux', key, vscode.ConfigurationTarget.WorkspaceFolder, folder().uri);
    }
    await removeFolder('img');
    await closeAllEditors();
  });

  for (const [level, target, values] of [
    ['workspace', vscode.ConfigurationTarget.Workspace, { model: 'flux-kontext-max', size: '3x4', seed: 7, outputFolder: 'img/ws' }],
    ['folder', vscode.ConfigurationTarget.WorkspaceFolder, { model: 'flux-kontext-dev', size: '1024x768', seed: 123456, outputFolder: 'img/folder' }],
  ] as const) {
    it(`flux.model, flux.size, flux.seed and flux.outputFolder set at ${level} level reach the request and the file`, async () => {
      const config = vscode.workspace.getConfiguration('flux', folder().uri);
      for (const key of RESOURCE_SETTINGS) await config.update(key, values[key], target);
      const { uri, editor } = await generateFromLine(`notes/settings-${level}.md`, 2);
      assert.ok(uri);
      assert.deepEqual(fake().generationRequests[0]?.body, { prompt: 'A heron on a grey river.', model: values.model, size: values.size, n: 1, seed: values.seed });
      assert.equal(vscode.Uri.joinPath(uri, '..').toString(), vscode.Uri.joinPath(workspaceRoot(), values.outputFolder).toString());
      assert.equal(linkedFile(editor.document).toString(), uri.toString(), 'the link points at the file');
      assert.deepEqual([...(await vscode.workspace.fs.readFile(uri)).subarray(0, 8)], PNG_SIGNATURE);
    });
  }

  it('a command argument wins over the settings', async () => {
    const config = vscode.workspace.getConfiguration('flux');
    await config.update('model', 'flux-kontext-max', vscode.ConfigurationTarget.Workspace);
    await config.update('size', '3x4', vscode.ConfigurationTarget.Workspace);
    await config.update('seed', 7, vscode.ConfigurationTarget.Workspace);
    await openMarkdown('notes/settings-args.md', '');
    assert.ok(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'a kite', model: 'flux-kontext-dev', size: '16x9', seed: 9 }));
    assert.deepEqual(fake().generationRequests[0]?.body, { prompt: 'a kite', model: 'flux-kontext-dev', size: '16x9', n: 1, seed: 9 });
  });

  it('a flux.size that is not a size: the message says what to use, nothing is sent', async () => {
    await vscode.workspace.getConfiguration('flux').update('size', '21x9', vscode.ConfigurationTarget.Workspace);
    const editor = await openMarkdown('notes/settings-size.md', DOC);
    selectLine(editor, 2);
    const before = await snapshotWorkspace();
    assert.equal(await vscode.commands.executeCommand('flux.generateFromSelection'), undefined);
    const shown = await expectMessage('warning', 'The aspect ratio 21:9 is not offered. Choose one of 1x1, 2x3, 3x2, 3x4, 4x3, 9x16, 16x9, or give pixels such as 1024x768.');
    assert.ok(shown.buttons.includes('Open Settings'));
    assert.equal(fake().generationRequests.length, 0);
    assert.equal(editor.document.getText(), DOC);
    await assertWorkspaceUnchanged(before);
  });

  it('flux.baseUrl in the workspace settings is ignored: the key goes only to the user-level service', async () => {
    const elsewhere = await FakeService.start();
    const file = vscode.Uri.joinPath(workspaceRoot(), '.vscode', 'settings.json');
    const original = await vscode.workspace.fs.readFile(file).then(
      (b) => Buffer.from(b).toString('utf8'),
      () => undefined,
    );
    try {
      // Written as a cloned repository would carry it (the API refuses to write an application
      // setting there). flux.model comes along, to know when VS Code has read the file.
      const settings = { ...(original ? (JSON.parse(original) as object) : {}), 'flux.baseUrl': elsewhere.baseUrl, 'flux.model': 'flux-kontext-max' };
      await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(settings, null, 2)));
      await waitFor('the workspace settings to be read', () => vscode.workspace.getConfiguration('flux').get('model') === 'flux-kontext-max');
      assert.ok(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'where does the key go' }));
      const [request] = fake().generationRequests;
      assert.ok(request, 'the user-level service got the request');
      assert.equal(request.headers.authorization, `Bearer ${TEST_KEY}`);
      assert.equal((request.body as Body).model, 'flux-kontext-max', 'the same file\'s resource settings do apply');
      assert.equal(elsewhere.requests.length, 0, 'the workspace\'s address saw nothing');
    } finally {
      if (original === undefined) await vscode.workspace.fs.delete(file);
      else await vscode.workspace.fs.writeFile(file, Buffer.from(original));
      await waitFor('the settings to be restored', () => vscode.workspace.getConfiguration('flux').inspect('model')?.workspaceValue === undefined);
      await elsewhere.close();
    }
  });
});

describe('Contract: documents and paths', () => {
  const fake = fakeServiceForSuite();
  afterEach(async () => {
    await unsetSetting('flux', 'outputFolder', vscode.ConfigurationTarget.Workspace);
    await removeFolder('my notes (draft)');
    await removeFolder('images (v2)');
    await closeAllEditors();
  });

  it('a CRLF document stays CRLF: the link goes under the sentence with CRLF line ends, also on disk', async () => {
    const crlf = DOC.split('\n').join('\r\n');
    const { uri, editor } = await generateFromLine('notes/crlf.md', 2, crlf);
    assert.ok(uri);
    const name = uri.path.split('/').pop();
    assert.equal(editor.document.eol, vscode.EndOfLine.CRLF);
    const text = editor.document.getText();
    assert.ok(!/[^\r]\n/.test(text), 'no bare LF in the document');
    assert.equal(text, ['# Notes', '', 'A heron on a grey river.', '', `![A heron on a grey river.](../assets/${name})`, '', 'The end.', ''].join('\r\n'));
    await editor.document.save();
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(editor.document.uri)).toString('utf8'), text);
    assert.equal(linkedFile(editor.document).toString(), uri.toString());
    assert.ok(fake().generationRequests.length === 1);
  });

  it('a document and an output folder with spaces and parentheses: the link leads to the file', async () => {
    await vscode.workspace.getConfiguration('flux').update('outputFolder', 'images (v2)/my pics', vscode.ConfigurationTarget.Workspace);
    const { uri, editor } = await generateFromLine('my notes (draft)/chapter one (1).md', 2);
    assert.ok(uri);
    assert.equal(vscode.Uri.joinPath(uri, '..').toString(), vscode.Uri.joinPath(workspaceRoot(), 'images (v2)', 'my pics').toString());
    assert.deepEqual([...(await vscode.workspace.fs.readFile(uri)).subarray(0, 8)], PNG_SIGNATURE);
    const line = editor.document.lineAt(4).text;
    // One link as Markdown reads it: the spaces and parentheses do not end it early.
    assert.match(line, /^!\[A heron on a grey river\.\]\(\S+\)$/);
    assert.equal(linkedFile(editor.document).toString(), uri.toString(), `${line} leads to the image`);
    assert.deepEqual(await listFolder('images (v2)/my pics'), [uri.path.split('/').pop()]);
  });
});

describe('Contract: the Generate Image input box', () => {
  const fake = fakeServiceForSuite();
  afterEach(closeAllEditors);

  it('is prefilled with the selection; Enter generates with it', async () => {
    const editor = await openMarkdown('notes/prefill.md', DOC);
    selectLine(editor, 2);
    const pending = vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage');
    // Enter in the input box, once it is there (accepting with no input box open does nothing).
    await waitFor('the prompt to be accepted', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return fake().generationRequests.length === 1;
    });
    const uri = await pending;
    assert.ok(uri);
    assert.equal((fake().generationRequests[0]?.body as Body).prompt, 'A heron on a grey river.');
    assert.equal(linkedFile(editor.document).toString(), uri.toString());
  });

  it('Escape cancels: no request, no message, nothing written', async () => {
    const editor = await openMarkdown('notes/escape.md', DOC);
    selectLine(editor, 2);
    const before = await snapshotWorkspace();
    let settled = false;
    const pending = vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage').then((u) => {
      settled = true;
      return u;
    });
    await waitFor('the input box to close', async () => {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      return settled;
    });
    assert.equal(await pending, undefined);
    assert.equal(fake().generationRequests.length, 0);
    assert.deepEqual(await shownMessages(), []);
    assert.equal(editor.document.getText(), DOC);
    await assertWorkspaceUnchanged(before);
  });
});
