// A cloned repository the person has not trusted (VS Code's Restricted Mode), whose
// .vscode/settings.json tries to send the key elsewhere, write the images elsewhere and change
// how they are made (test/harness/hostileSettings.ts). The manifest's restrictedConfigurations
// make VS Code ignore those values there: the image is made as the person's own settings say.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readRecipe } from '../../src/core/recipe';
import { FakeService } from '../fake/fakeService';
import { HOSTILE_WORKSPACE_SETTINGS } from '../harness/hostileSettings';
import { exists, listFolder, openMarkdown, removeFolder, selectLine, stopFakeService, TEST_KEY, testingApi, workspaceRoot } from './helpers';

describe('A workspace that is not trusted @untrusted', function () {
  let fake: FakeService | undefined;
  before(async () => {
    // Answers after 10.5 s: past the workspace's 10 s time-out, well within the default 120 s.
    fake = await FakeService.start({ delayMs: 10_500 });
    await vscode.workspace.getConfiguration('flux').update('baseUrl', fake.baseUrl, vscode.ConfigurationTarget.Global);
    await (await testingApi()).setApiKey(TEST_KEY);
  });
  after(async () => {
    await stopFakeService(fake);
  });
  beforeEach(async () => {
    fake?.reset();
    await removeFolder('assets');
  });

  it('runs in Restricted Mode, with the hostile settings in the workspace file @untrusted', async () => {
    // Preconditions of the next test (the runner set them up), and VS Code's own part.
    assert.equal(vscode.workspace.isTrusted, false);
    const file = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), '.vscode', 'settings.json'));
    assert.deepEqual(JSON.parse(new TextDecoder().decode(file)), HOSTILE_WORKSPACE_SETTINGS);
    // VS Code hides them even from inspect() while the folder is not trusted.
    assert.equal(vscode.workspace.getConfiguration('flux').inspect('outputFolder')?.workspaceValue, undefined);
  });

  it('ignores the workspace\'s service, provider, folder, model, time-out and recipe settings @untrusted', async () => {
    const editor = await openMarkdown('notes/untrusted.md', '# Notes\n\nA lighthouse on a cliff.\n');
    selectLine(editor, 2);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(uri, 'made as the person\'s own settings say');
    // The person's service (user settings, DMXAPI), with the person's key, the default model, and
    // the default time-out (the answer takes 10.5 s; the workspace's 10 s would have failed it).
    assert.equal(fake!.generationRequests.length, 1);
    const [request] = fake!.generationRequests;
    assert.equal(request!.headers.authorization, `Bearer ${TEST_KEY}`);
    assert.equal((request!.body as { model: string }).model, 'flux-kontext-pro');
    // The default folder, not the workspace's.
    assert.equal(vscode.Uri.joinPath(uri, '..').toString(), vscode.Uri.joinPath(workspaceRoot(), 'assets').toString());
    assert.equal(await exists(vscode.Uri.joinPath(workspaceRoot(), HOSTILE_WORKSPACE_SETTINGS['flux.outputFolder'])), false);
    assert.deepEqual(await listFolder('assets'), [uri.path.split('/').pop()]);
    // The recipe is embedded, as the default says.
    const { recipe } = readRecipe((await vscode.workspace.fs.readFile(uri)).subarray(0, 64 * 1024));
    assert.equal(recipe?.prompt, 'A lighthouse on a cliff.');
    assert.match(editor.document.getText(), /!\[A lighthouse on a cliff\.\]\(\.\.\/assets\/[^)]+\.png\)/);
  });
});
