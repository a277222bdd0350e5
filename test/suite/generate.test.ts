// The foundation's promises, checked in the real extension host: the commands, the written
// files, the inserted links, undo, cancellation, and a person typing meanwhile.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { assertWorkspaceUnchanged, closeAllEditors, exists, expectMessage, fakeServiceForSuite, listFolder, logCount, openMarkdown, PNG_SIGNATURE, readAllText, removeFolder, selectLine, shownMessages, snapshotWorkspace, TEST_KEY, testingApi, waitFor, workspaceRoot } from './helpers';

const CHAPTER = ['# Chapter one', '', 'The lighthouse stood alone on the black rocks.', '', 'Waves broke over the harbour wall at dawn.', ''].join('\n');

describe('Generate commands', function () {
  const fake = fakeServiceForSuite();
  afterEach(closeAllEditors);

  it('generates from the selection: a PNG in assets/ and a link under the sentence', async () => {
    const editor = await openMarkdown('notes/story.md', CHAPTER);
    selectLine(editor, 2);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(uri, 'the command resolves to the image URI');
    assert.equal(vscode.Uri.joinPath(uri, '..').toString(), vscode.Uri.joinPath(workspaceRoot(), 'assets').toString());
    assert.match(uri.path, /\/the-lighthouse-stood-alone-on-the-black-rocks-\d{8}-\d{6}\.png$/);
    const bytes = await vscode.workspace.fs.readFile(uri);
    assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE);

    const name = uri.path.split('/').pop();
    const lines = editor.document.getText().split('\n');
    assert.equal(lines[2], 'The lighthouse stood alone on the black rocks.');
    assert.equal(lines[3], '');
    assert.equal(lines[4], `![The lighthouse stood alone on the black rocks.](../assets/${name})`);
    assert.equal(lines[5], '', 'the link is its own paragraph');
    assert.equal(lines[6], 'Waves broke over the harbour wall at dawn.');
    assert.ok(editor.selection.isEqual(new vscode.Selection(2, 0, 2, 46)), 'the selection stays on the sentence, not over the link');

    const [request] = fake().generationRequests;
    assert.ok(request);
    assert.equal(request.headers.authorization, `Bearer ${TEST_KEY}`);
    assert.deepEqual(request.body, { prompt: 'The lighthouse stood alone on the black rocks.', model: 'flux-kontext-pro', size: '1x1', n: 1, seed: -1 });
  });

  // Real writing: a sentence selected on the first line of a hard-wrapped paragraph, in a list
  // item, in a quote, in Chinese and with CRLF. The link goes after the whole block, never between
  // its lines; LINK stands for the link.
  for (const [name, doc, line, selected, expected] of [
    ['a hard-wrapped paragraph', 'Intro.\n\nThe lighthouse stood alone on the black\nrocks, and the keeper\nwatched the sea.\n\nNext.\n', 2, 'The lighthouse stood alone',
      'Intro.\n\nThe lighthouse stood alone on the black\nrocks, and the keeper\nwatched the sea.\n\nLINK\n\nNext.\n'],
    ['a hard-wrapped list item', '- one\n- The keeper climbed the stair\n  at dusk, every night.\n- three\n', 1, 'The keeper climbed',
      '- one\n- The keeper climbed the stair\n  at dusk, every night.\n\n  LINK\n\n- three\n'],
    ['a hard-wrapped quote', '> The sea was grey and\n> the wind rose.\n\nAfter.\n', 0, 'The sea was grey',
      '> The sea was grey and\n> the wind rose.\n>\n> LINK\n\nAfter.\n'],
    ['Chinese text', '灯塔孤零零地立在黑色的礁石上，\n守塔人每晚都看着大海。\n', 0, '灯塔孤零零地立在黑色的礁石上',
      '灯塔孤零零地立在黑色的礁石上，\n守塔人每晚都看着大海。\n\nLINK\n'],
    ['a CRLF paragraph', 'The lighthouse stood alone\r\non the black rocks.\r\n\r\nNext.\r\n', 0, 'The lighthouse',
      'The lighthouse stood alone\r\non the black rocks.\r\n\r\nLINK\r\n\r\nNext.\r\n'],
  ] as const) {
    it(`from a selection on the first line of ${name}: the link follows the whole block`, async () => {
      const editor = await openMarkdown(`notes/wrapped-${name.replace(/\W+/g, '-')}.md`, doc);
      const from = editor.document.lineAt(line).text.indexOf(selected);
      assert.ok(from >= 0);
      editor.selection = new vscode.Selection(line, from, line, from + selected.length);
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
      assert.ok(uri, 'generated');
      const link = `![${selected}](../assets/${uri.path.split('/').pop()})`;
      assert.equal(editor.document.getText(), expected.replace('LINK', link));
      assert.ok(await exists(uri));
    });
  }

  // Other languages' blocks: never inside a list's markup or a verbatim environment.
  for (const [file, doc, line, selected, expected, link] of [
    ['list.html', '<ul>\n<li>The keeper climbed</li>\n\n<li>three</li>\n</ul>\n\n<p>After.</p>\n', 1, 'The keeper climbed',
      '<ul>\n<li>The keeper climbed</li>\n\n<li>three</li>\n</ul>\n\nLINK\n\n<p>After.</p>\n', (alt: string, path: string) => `<img src="${path}" alt="${alt}">`],
    ['verbatim.tex', '\\begin{verbatim}\nThe keeper climbed\n\nmore\n\\end{verbatim}\n\nAfter.\n', 1, 'The keeper climbed',
      '\\begin{verbatim}\nThe keeper climbed\n\nmore\n\\end{verbatim}\n\nLINK\n\nAfter.\n', (_alt: string, path: string) => `\\includegraphics[width=\\linewidth]{${path}}`],
    // Asciidoctor reads the target under the imagesdir set above it (../assets is notes/../assets).
    ['imagesdir.adoc', '= Guide\n:imagesdir: pics\n\nThe keeper climbed\nthe stair.\n\nAfter.\n', 3, 'The keeper climbed',
      '= Guide\n:imagesdir: pics\n\nThe keeper climbed\nthe stair.\n\nLINK\n\nAfter.\n', (alt: string, path: string) => `image::${path.replace('../', '../../')}[${alt}]`],
  ] as const) {
    it(`from a selection in ${file}: the link follows the list or the verbatim block, in the document's syntax`, async () => {
      const editor = await openMarkdown(`notes/blocks-${file}`, doc);
      const from = editor.document.lineAt(line).text.indexOf(selected);
      editor.selection = new vscode.Selection(line, from, line, from + selected.length);
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
      assert.ok(uri, 'generated');
      assert.equal(editor.document.getText(), expected.replace('LINK', link(selected, `../assets/${uri.path.split('/').pop()}`)));
    });
  }

  it('takes back both the link and the file with one Undo', async () => {
    const editor = await openMarkdown('notes/undo.md', CHAPTER);
    selectLine(editor, 4);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(uri);
    assert.ok(await exists(uri));
    assert.notEqual(editor.document.getText(), CHAPTER);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await waitFor('the link to go', () => editor.document.getText() === CHAPTER);
    await waitFor('the file to go', async () => !(await exists(uri)));
    // Redo brings back both; the image was kept for it under its temporary name.
    await vscode.commands.executeCommand('redo');
    await waitFor('the link to come back', () => editor.document.getText().includes(`../assets/${uri.path.split('/').pop()!}`));
    await waitFor('the file to come back', () => exists(uri));
    // Undo again, then type: nothing can bring the image back any more, and nothing is left behind.
    await vscode.commands.executeCommand('undo');
    await waitFor('the file to go again', async () => !(await exists(uri)));
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'x'));
    const assets = vscode.Uri.joinPath(uri, '..');
    await waitFor('no temporary file left', async () => (await vscode.workspace.fs.readDirectory(assets)).every(([name]) => !name.endsWith('.part')));
  });

  it('uses the argument object: prompt, model, size and seed, and links at the cursor', async () => {
    const editor = await openMarkdown('notes/args.md', 'Intro: \n');
    editor.selection = new vscode.Selection(0, 7, 0, 7);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'A map (old) of [the] bay', model: 'flux-kontext-max', size: '16x9', seed: 42 });
    assert.ok(uri);
    assert.deepEqual(fake().generationRequests[0]?.body, { prompt: 'A map (old) of [the] bay', model: 'flux-kontext-max', size: '16x9', n: 1, seed: 42 });
    const name = uri.path.split('/').pop();
    // A line is never cut in two: the image goes after the cursor's line, as a paragraph of its own.
    assert.equal(editor.document.getText(), `Intro: \n\n![A map (old) of \\[the\\] bay](../assets/${name})\n`);
  });

  it('downloads a returned URL without sending the key to the other host', async () => {
    fake().enqueue({ kind: 'url', host: 'other' });
    const editor = await openMarkdown('notes/url.md', 'A quiet harbour at night.\n');
    selectLine(editor, 0);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(uri);
    assert.deepEqual([...(await vscode.workspace.fs.readFile(uri)).subarray(0, 8)], PNG_SIGNATURE);
    const [download] = fake().fileRequests;
    assert.ok(download, 'the image URL was fetched');
    assert.equal(download.host, 'other');
    assert.equal(download.headers.authorization, undefined);
    assert.match(editor.document.getText(), /!\[A quiet harbour at night\.\]\(\.\.\/assets\/a-quiet-harbour-at-night-\d{8}-\d{6}\.png\)/);
  });

  it('a rejected key writes nothing and changes nothing', async () => {
    await (await testingApi()).setApiKey('sk-invalid-key-for-test');
    const editor = await openMarkdown('notes/badkey.md', CHAPTER);
    selectLine(editor, 2);
    const before = await snapshotWorkspace();
    const { logUri } = await testingApi();
    const logged = /auth: The API key was rejected\. Set a valid key with “Flux: Set API Key”\. \(HTTP 401, code invalid_api_key, request id [0-9a-f]{16}, the service said: “Invalid token: \*\*\* \(无效的令牌, request id: [0-9a-f]{16}\)”\)/g;
    const linesBefore = logCount(logUri, logged);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.equal(uri, undefined);
    // Plain words and the next step as a button; the status, the service's words (key blanked
    // out) and its request id are in the log, which Show Log opens.
    const shown = await expectMessage('error', 'The API key was rejected. Set a valid key with “Flux: Set API Key”.');
    assert.deepEqual(shown.buttons, ['Set API Key', 'Show Log']);
    await waitFor('the details in the log', () => logCount(logUri, logged) === linesBefore + 1);
    assert.ok(!readAllText(logUri.fsPath).includes('sk-invalid-key-for-test'), 'the key is not logged');
    assert.equal(editor.document.getText(), CHAPTER);
    await assertWorkspaceUnchanged(before);
    assert.equal(fake().generationRequests[0]?.outcome.status, 401);
  });

  it('Cancel aborts the request and writes nothing', async () => {
    fake().enqueue({ kind: 'b64', delayMs: 10_000 });
    const editor = await openMarkdown('notes/cancel.md', CHAPTER);
    selectLine(editor, 2);
    const before = await snapshotWorkspace();
    const pending = vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    await waitFor('the request to arrive', () => fake().inFlight === 1);
    await vscode.commands.executeCommand('flux.cancelGenerations');
    const started = Date.now();
    assert.equal(await pending, undefined);
    assert.ok(Date.now() - started < 3000, 'cancel is prompt');
    await waitFor('the server to see the connection close', () => fake().generationRequests[0]?.outcome.closedEarly === true);
    assert.equal(editor.document.getText(), CHAPTER);
    await assertWorkspaceUnchanged(before);
    assert.deepEqual(await shownMessages(), [], 'a cancel the person chose shows no error');
  });

  it('puts the link under the selected sentence even while the person keeps typing', async () => {
    fake().enqueue({ kind: 'b64', delayMs: 1500 });
    const editor = await openMarkdown('notes/typing.md', CHAPTER);
    selectLine(editor, 4);
    const pending = vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    await waitFor('the request to arrive', () => fake().inFlight === 1);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'A new first line.\n\n'));
    await editor.edit((b) => b.insert(editor.document.lineAt(4).range.end, ' More words.'));
    await editor.edit((b) => b.insert(editor.document.lineAt(editor.document.lineCount - 1).range.end, '\nAn ending.\n'));
    const uri = await pending;
    assert.ok(uri);
    const lines = editor.document.getText().split('\n');
    assert.equal(lines[6], 'Waves broke over the harbour wall at dawn.');
    assert.equal(lines[7], '');
    assert.match(lines[8] ?? '', /^!\[Waves broke over the harbour wall at dawn\.\]\(\.\.\/assets\/waves-broke-.*\.png\)$/);
    assert.equal(lines[4], 'The lighthouse stood alone on the black rocks. More words.');
    assert.equal(lines[9], '');
    assert.match(editor.document.getText(), /\.png\)\n\nAn ending\.\n$/);
  });

  it('never overwrites: the same prompt twice gives two files', async () => {
    const a = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'same prompt' });
    const b = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'same prompt' });
    assert.ok(a && b);
    assert.notEqual(a.toString(), b.toString());
    assert.equal((await listFolder('assets')).length, 2);
  });

  it('without a Markdown editor writes the image and links nothing', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'plain text' });
    await vscode.window.showTextDocument(doc);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'a lone tree' });
    assert.ok(uri);
    assert.deepEqual([...(await vscode.workspace.fs.readFile(uri)).subarray(0, 8)], PNG_SIGNATURE);
    assert.equal(doc.getText(), 'plain text');
    // The image opens instead: the active tab shows that very file.
    const shownUri = () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri.toString() : undefined;
    };
    await waitFor('the image to open', () => shownUri() === uri.toString());
    assert.deepEqual(await shownMessages(), [], 'the open image is the answer; no message on top');
  });

  it('follows flux.outputFolder and refuses one that leaves the workspace', async () => {
    const config = vscode.workspace.getConfiguration('flux');
    await config.update('outputFolder', 'docs/img', vscode.ConfigurationTarget.Workspace);
    const editor = await openMarkdown('notes/folder.md', 'A red kite.\n');
    selectLine(editor, 0);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(uri);
    assert.match(editor.document.getText(), /\]\(\.\.\/docs\/img\/a-red-kite-.*\.png\)/);
    await removeFolder('docs');

    await config.update('outputFolder', '../outside', vscode.ConfigurationTarget.Workspace);
    (await testingApi()).messages.clear();
    const before = fake().generationRequests.length;
    const files = await snapshotWorkspace();
    const refused = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.equal(refused, undefined);
    await expectMessage('warning', 'The output folder “../outside” leads out of the workspace. Change flux.outputFolder to a folder inside it.');
    assert.equal(fake().generationRequests.length, before, 'no request is sent for a bad folder');
    await assertWorkspaceUnchanged(files);
    await config.update('outputFolder', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('keeps the key out of settings', async () => {
    // A generation first, so any place the key could have been written to is written by now.
    assert.ok(await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'a key check' }));
    const config = vscode.workspace.getConfiguration('flux');
    const keys = Object.keys((vscode.extensions.getExtension('flux-vscode.flux-vscode')?.packageJSON as { contributes: { configuration: { properties: Record<string, unknown> } } }).contributes.configuration.properties);
    assert.ok(keys.includes('flux.baseUrl') && keys.length >= 6, JSON.stringify(keys));
    for (const key of keys) {
      const inspected = config.inspect(key.slice('flux.'.length));
      assert.ok(inspected, `${key} is a setting`);
      assert.ok(!JSON.stringify(inspected).includes(TEST_KEY), key);
    }
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration()).includes(TEST_KEY));
    const settingsFile = vscode.Uri.joinPath(workspaceRoot(), '.vscode', 'settings.json');
    if (await exists(settingsFile)) assert.ok(!Buffer.from(await vscode.workspace.fs.readFile(settingsFile)).toString('utf8').includes(TEST_KEY));
  });
});
