// Flux: Edit Image… in the real extension host: what is sent (the multipart parts the fake
// recorded), where the new file goes, the retargeted reference and its one Undo, the source
// never touched, bad input refused before any request, and one key per provider.
import { createHash } from 'node:crypto';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProviderId } from '../../src/core/providers/types';
import type { EditPart, RecordedRequest } from '../fake/fakeService';
import { makePng } from '../fake/png';
import { closeAllEditors, exists, fakeServiceForSuite, listFolder, openMarkdown, PNG_SIGNATURE, removeFolder, TEST_KEY, testingApi, waitFor, workspaceRoot } from './helpers';

const SOURCE = makePng(64, 48, { seed: 11 });
const BFL_KEY = 'sk-bfl-9876543210zyxwvutsrqponm';

function edit(arg?: unknown): Thenable<vscode.Uri | undefined> {
  return vscode.commands.executeCommand<vscode.Uri | undefined>('flux.editImage', arg);
}

async function writeImage(relative: string, bytes: Uint8Array = SOURCE): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), relative);
  await vscode.workspace.fs.writeFile(uri, bytes);
  return uri;
}

function parts(request: RecordedRequest | undefined): Map<string, EditPart> {
  const body = request?.body as { parts?: EditPart[] } | undefined;
  assert.ok(body?.parts, 'the fake parsed a multipart body');
  return new Map(body.parts.map((p) => [p.name, p]));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Records the warnings and errors the extension shows (the test shares its `vscode` API object). */
function captureMessages(): { messages: { text: string; buttons: string[] }[]; restore(): void } {
  const w = vscode.window as unknown as Record<string, unknown>;
  const saved = { warn: w.showWarningMessage, error: w.showErrorMessage };
  const messages: { text: string; buttons: string[] }[] = [];
  const spy = (text: string, ...rest: unknown[]) => {
    messages.push({ text, buttons: rest.filter((r): r is string => typeof r === 'string') });
    return Promise.resolve(undefined);
  };
  w.showWarningMessage = spy;
  w.showErrorMessage = spy;
  return {
    messages,
    restore() {
      w.showWarningMessage = saved.warn;
      w.showErrorMessage = saved.error;
    },
  };
}

describe('Edit Image', function () {
  const fake = fakeServiceForSuite();
  afterEach(async () => {
    await closeAllEditors();
    await removeFolder('pics');
  });

  it('edits the image under the cursor: the request, a new file, the reference retargeted, one Undo takes both back', async () => {
    await writeImage('pics/harbour.png');
    const text = '# Harbour\n\nBefore ![The harbour at dawn](../pics/harbour.png "Dawn") after.\n';
    const editor = await openMarkdown('notes/edit-ref.md', text);
    editor.selection = new vscode.Selection(2, 12, 2, 12);

    const uri = await edit({ prompt: 'make the sky stormy' });
    assert.ok(uri, 'resolves to the new image');
    assert.equal(vscode.Uri.joinPath(uri, '..').path, vscode.Uri.joinPath(workspaceRoot(), 'assets').path, 'the output folder, as for generation');
    assert.match(uri.path, /\/make-the-sky-stormy-\d{8}-\d{6}\.png$/);
    assert.deepEqual([...(await vscode.workspace.fs.readFile(uri)).subarray(0, 8)], PNG_SIGNATURE);

    assert.equal(fake().generationRequests.length, 0);
    assert.equal(fake().editRequests.length, 1);
    const [request] = fake().editRequests;
    assert.equal(request!.headers.authorization, `Bearer ${TEST_KEY}`);
    const p = parts(request);
    assert.deepEqual([...p.keys()].sort(), ['image', 'model', 'n', 'prompt']);
    assert.ok(Buffer.from(SOURCE).equals(p.get('image')!.bytes!), 'the image part is the file, byte for byte');
    assert.equal(p.get('image')!.filename, 'harbour.png');
    assert.equal(p.get('image')!.contentType, 'image/png');
    assert.equal(p.get('prompt')!.value, 'make the sky stormy');
    assert.equal(p.get('model')!.value, 'flux-kontext-pro');
    assert.equal(p.get('n')!.value, '1');

    const name = uri.path.split('/').pop();
    assert.equal(editor.document.getText(), `# Harbour\n\nBefore ![The harbour at dawn](../assets/${name} "Dawn") after.\n`, 'only the path changed');
    assert.ok(Buffer.from(SOURCE).equals(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), 'pics/harbour.png'))), 'the source is untouched');

    const record = (await testingApi()).services.history.list()[0];
    assert.equal(record?.file, uri.toString());
    assert.deepEqual(record?.source, { path: 'pics/harbour.png', sha256: sha256(SOURCE) });
    assert.equal(record?.size, '', 'the service kept the input\'s ratio');

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await waitFor('the old reference to come back', () => editor.document.getText() === text);
    await waitFor('the new file to go', async () => !(await exists(uri)));
    assert.ok(Buffer.from(SOURCE).equals(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), 'pics/harbour.png'))));
  });

  it('a line typed above the reference while the instruction box is open: the reference is followed and retargeted, nothing else replaced', async () => {
    await writeImage('pics/typed.png');
    const text = '# Typed\n\n![A pier](../pics/typed.png)\n';
    const editor = await openMarkdown('notes/edit-typed.md', text);
    editor.selection = new vscode.Selection(2, 4, 2, 4);
    const w = vscode.window as unknown as Record<string, unknown>;
    const saved = w.showInputBox;
    // The box stays open when the person clicks into the document (ignoreFocusOut) and types.
    w.showInputBox = async () => {
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'Typed first.\n'));
      return 'add fog';
    };
    try {
      const uri = await edit();
      assert.ok(uri, 'the image is made and kept');
      assert.equal(editor.document.getText(), `Typed first.\n${text.replace('../pics/typed.png', `../assets/${uri.path.split('/').pop()}`)}`);
    } finally {
      w.showInputBox = saved;
    }
  });

  it('the reference\'s path changed by the person while the instruction box is open: left alone, and the message says so', async () => {
    await writeImage('pics/mine.png');
    const text = '# Mine\n\n![A pier](../pics/mine.png)\n';
    const editor = await openMarkdown('notes/edit-mine.md', text);
    editor.selection = new vscode.Selection(2, 4, 2, 4);
    const w = vscode.window as unknown as Record<string, unknown>;
    const saved = w.showInputBox;
    w.showInputBox = async () => {
      // The person points the reference at another image while the box is open.
      await editor.edit((e) => e.replace(new vscode.Range(2, 18, 2, 22), 'ours'));
      return 'add fog';
    };
    const messages = captureMessages();
    try {
      const uri = await edit();
      assert.ok(uri, 'the image is made and kept');
      assert.ok(await exists(uri));
      assert.equal(editor.document.getText(), '# Mine\n\n![A pier](../pics/ours.png)\n', 'their path, nothing replaced');
      assert.match(messages.messages[0]?.text ?? '', /still points at the old image: the document changed there meanwhile/);
    } finally {
      w.showInputBox = saved;
      messages.restore();
    }
  });

  it('Try Again after a line was typed above the reference: the same reference is retargeted', async () => {
    await writeImage('pics/again.png');
    const text = '# Again\n\n![A pier](../pics/again.png)\n';
    const editor = await openMarkdown('notes/edit-again.md', text);
    editor.selection = new vscode.Selection(2, 4, 2, 4);
    fake().enqueue({ kind: 'raw', status: 200, body: 'not json' });
    const w = vscode.window as unknown as Record<string, unknown>;
    const saved = w.showErrorMessage;
    // The person types a line at the top while the failure is shown, then presses Try Again.
    const pressed = new Promise<void>((resolve) => {
      w.showErrorMessage = async (_text: string, ...buttons: unknown[]) => {
        if (!buttons.includes('Try Again')) return undefined;
        await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'Typed first.\n'));
        resolve();
        return 'Try Again';
      };
    });
    const before = (await testingApi()).liveAnchors();
    try {
      assert.equal(await edit({ prompt: 'add fog' }), undefined, 'the first try fails');
      await Promise.race([pressed, new Promise((_, reject) => setTimeout(() => reject(new Error('no Try Again was offered')), 10_000))]);
      await waitFor('the reference retargeted by the second try', () => editor.document.getText().includes('../assets/'), 20_000);
      assert.equal(fake().editRequests.length, 2);
      assert.match(editor.document.getText(), /^Typed first\.\n# Again\n\n!\[A pier\]\(\.\.\/assets\/add-fog-\d{8}-\d{6}(-\d+)?\.png\)\n$/);
      await waitFor('the reference let go after the last try', async () => (await testingApi()).liveAnchors() <= before);
    } finally {
      w.showErrorMessage = saved;
    }
  });

  it('the document\'s tab closed while the image is made: the reference is retargeted in the file, and saved', async () => {
    await writeImage('pics/closed.png');
    const text = '# Closed\n\n![A pier](../pics/closed.png)\n';
    const editor = await openMarkdown('notes/edit-closed.md', text);
    editor.selection = new vscode.Selection(2, 4, 2, 4);
    fake().hold();
    const running = edit({ prompt: 'add fog' });
    await waitFor('the request', () => fake().held === 1);
    await closeAllEditors();
    assert.ok(!vscode.window.tabGroups.all.some((g) => g.tabs.length), 'no tab shows the document');
    fake().release();
    const uri = await running;
    assert.ok(uri);
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(editor.document.uri));
    assert.equal(onDisk, `# Closed\n\n![A pier](../assets/${uri.path.split('/').pop()})\n`, 'retargeted and saved');
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === editor.document.uri.toString());
    assert.ok(!open?.isDirty, 'nothing left unsaved in a buffer no tab shows');
  });

  it('edits the image named in the argument: model, size and seed sent, the parent recorded, the result opens beside', async () => {
    const first = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'a lighthouse at noon' });
    assert.ok(first);
    const before = await vscode.workspace.fs.readFile(first);
    const parent = (await testingApi()).services.history.list()[0];
    assert.equal(parent?.file, first.toString());
    await closeAllEditors();
    await vscode.commands.executeCommand('vscode.open', first);
    const tabOf = (u: vscode.Uri) => vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => (t.input as { uri?: vscode.Uri })?.uri?.toString() === u.toString()));
    await waitFor('the source to show', () => tabOf(first) !== undefined);

    const relative = vscode.workspace.asRelativePath(first, false);
    const uri = await edit({ image: relative, prompt: 'add a red boat', model: 'flux-kontext-max', size: '16x9', seed: 7 });
    assert.ok(uri);
    assert.notEqual(uri.toString(), first.toString());
    const p = parts(fake().editRequests[0]);
    assert.equal(p.get('model')!.value, 'flux-kontext-max');
    assert.equal(p.get('size')!.value, '16x9');
    assert.equal(p.get('seed')!.value, '7');
    assert.ok(Buffer.from(before).equals(p.get('image')!.bytes!));
    assert.ok(Buffer.from(before).equals(await vscode.workspace.fs.readFile(first)), 'the source is byte-identical afterwards');

    const record = (await testingApi()).services.history.list()[0];
    assert.equal(record?.parent, parent?.id);
    assert.deepEqual(record?.source, { path: relative, sha256: sha256(before) });
    await waitFor('the new image to open', () => tabOf(uri) !== undefined);
    assert.notEqual(tabOf(uri)!.viewColumn, tabOf(first)!.viewColumn, 'beside the source, not over it');

    // A Uri works as well as a path.
    const again = await edit({ image: first, prompt: 'at night' });
    assert.ok(again);
    assert.equal(fake().editRequests.length, 2);
    await waitFor('that one to open too', () => tabOf(again) !== undefined);
  });

  it('with nothing to go on, offers the workspace\'s images newest first', async () => {
    const older = await writeImage('pics/older.png', makePng(16, 16, { seed: 1 }));
    const newer = await writeImage('pics/newer.png', makePng(16, 16, { seed: 2 }));
    fs.utimesSync(older.fsPath, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    fs.utimesSync(newer.fsPath, new Date(Date.now() + 120_000), new Date(Date.now() + 120_000));
    await closeAllEditors();
    let done = false;
    const pending = Promise.resolve(edit({ prompt: 'make it night' })).finally(() => (done = true));
    // The quick pick's first row is the newest image: accept it as Enter would.
    await waitFor('the pick to be answered', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return done || fake().editRequests.length > 0;
    });
    assert.ok(await pending);
    assert.equal(parts(fake().editRequests[0]).get('image')!.filename, 'newer.png');
  });

  it('refuses bad input before any request and changes nothing', async () => {
    await writeImage('pics/notes.png', Buffer.from('# These are notes, not a picture.\n'));
    await writeImage('pics/ok.png');
    const big = Buffer.alloc(20 * 1024 * 1024 + 1);
    Buffer.from(SOURCE).copy(big);
    await writeImage('pics/big.png', big);
    const outsideFile = path.join(os.tmpdir(), `flux-outside-${process.pid}.png`);
    fs.writeFileSync(outsideFile, SOURCE);
    const doc = 'A ![far away](../../../outside.png) image.\n';
    const editor = await openMarkdown('notes/refuse.md', doc);
    const pics = await listFolder('pics');
    const capture = captureMessages();
    try {
      const cases: [string, unknown, RegExp][] = [
        ['a text file named .png', { image: 'pics/notes.png', prompt: 'x' }, /notes\.png is not a PNG, JPEG or WebP image/],
        ['over 20 MB', { image: 'pics/big.png', prompt: 'x' }, /big\.png is 20\.1 MB; an image to edit may be at most 20 MB/],
        ['a path outside', { image: '../outside.png', prompt: 'x' }, /“\.\.\/outside\.png” is outside the workspace/],
        ['an encoded path outside', { image: 'pics/%2e%2e/%2e%2e/outside.png', prompt: 'x' }, /is outside the workspace/],
        ['a Uri outside', { image: vscode.Uri.file(outsideFile), prompt: 'x' }, /is outside the workspace/],
        ['a file that vanished', { image: 'pics/gone.png', prompt: 'x' }, /gone\.png is not there any more/],
        ['a folder', { image: 'pics', prompt: 'x' }, /is a folder, not an image/],
        ['a size not offered', { image: 'pics/ok.png', prompt: 'x', size: '5x7' }, /The aspect ratio 5:7 is not offered/],
      ];
      for (const [what, arg, message] of cases) {
        capture.messages.length = 0;
        assert.equal(await edit(arg), undefined, what);
        await waitFor(`the message for ${what}`, () => capture.messages.length > 0);
        assert.match(capture.messages[0]!.text, message, what);
      }
      // A reference that leads outside the workspace is refused too.
      editor.selection = new vscode.Selection(0, 5, 0, 5);
      capture.messages.length = 0;
      assert.equal(await edit({ prompt: 'x' }), undefined);
      await waitFor('the message', () => capture.messages.length > 0);
      assert.match(capture.messages[0]!.text, /is outside the workspace/);
    } finally {
      capture.restore();
      fs.rmSync(outsideFile, { force: true });
    }
    assert.equal(fake().requests.length, 0, 'the service saw nothing');
    assert.deepEqual(await listFolder('assets'), []);
    assert.deepEqual(await listFolder('pics'), pics);
    assert.equal(editor.document.getText(), doc);
  });

  it('a gateway without edits names the model and the gateway, suggests bfl, and offers Open Settings', async () => {
    await writeImage('pics/harbour.png');
    fake().enqueue({ kind: 'error', status: 404, shape: 'openai', message: 'Invalid URL (POST /v1/images/edits)' });
    const capture = captureMessages();
    try {
      assert.equal(await edit({ image: 'pics/harbour.png', prompt: 'make it snow' }), undefined);
      await waitFor('the message', () => capture.messages.length > 0);
    } finally {
      capture.restore();
    }
    const [{ text, buttons }] = capture.messages as [{ text: string; buttons: string[] }];
    assert.match(text, /^flux-kontext-pro at 127\.0\.0\.1:\d+ does not accept image edits\. /);
    assert.match(text, /bfl \(flux\.provider\)/);
    assert.ok(buttons.includes('Open Settings'), buttons.join(', '));
    assert.deepEqual(await listFolder('assets'), []);
  });

  describe('one key per provider', () => {
    const asked: ProviderId[] = [];
    before(async () => {
      const { services } = await testingApi();
      // The person types the BFL key into the box the extension shows (ui/keyPrompt.ts asks
      // through getOrAsk, which asks once however many generations start together).
      const keys = services.keys;
      const getOrAsk = keys.getOrAsk.bind(keys);
      (keys as unknown as { getOrAsk: unknown }).getOrAsk = (provider: ProviderId) =>
        getOrAsk(provider, async (p) => {
          asked.push(p);
          await keys.store(BFL_KEY, p);
          return BFL_KEY;
        });
    });
    after(async () => {
      const { services } = await testingApi();
      delete (services.keys as unknown as { getOrAsk?: unknown }).getOrAsk;
      await services.keys.clear('bfl');
      await vscode.workspace.getConfiguration('flux').update('provider', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('flux').update('bflBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    });

    it('with provider bfl: asks for the BFL key, generates and edits, and never sends one provider\'s key to the other', async () => {
      const { services } = await testingApi();
      await services.keys.clear('bfl');
      const flux = vscode.workspace.getConfiguration('flux');
      await flux.update('bflBaseUrl', fake().baseUrl, vscode.ConfigurationTarget.Global);
      await flux.update('provider', 'bfl', vscode.ConfigurationTarget.Global);
      asked.length = 0;

      const generated = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'a gull over the pier' });
      assert.ok(generated, 'generated through BFL');
      assert.deepEqual(asked, ['bfl'], 'asked once, for the BFL key');
      assert.equal(await services.keys.get('dmxapi'), TEST_KEY, 'the DMXAPI key is kept');

      await writeImage('pics/pier.png');
      const edited = await edit({ image: 'pics/pier.png', prompt: 'make it winter' });
      assert.ok(edited, 'edited through BFL');
      assert.deepEqual(asked, ['bfl'], 'not asked again');
      const submits = fake().bflSubmitRequests;
      assert.equal(submits.length, 2);
      const editBody = submits[1]!.body as { prompt?: string; input_image?: string };
      assert.equal(editBody.prompt, 'make it winter');
      assert.equal(editBody.input_image, Buffer.from(SOURCE).toString('base64'));
      assert.equal(fake().generationRequests.length + fake().editRequests.length, 0, 'nothing went to the DMXAPI endpoints');

      await flux.update('provider', 'dmxapi', vscode.ConfigurationTarget.Global);
      assert.ok(await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateImage', { prompt: 'the same gull' }));
      assert.ok(await edit({ image: 'pics/pier.png', prompt: 'make it spring' }));
      assert.deepEqual(asked, ['bfl'], 'the DMXAPI key was there');

      for (const r of fake().requests) {
        const headers = JSON.stringify(r.headers);
        const bfl = fake().bflSubmitRequests.includes(r) || fake().bflPollRequests.includes(r);
        if (bfl) {
          assert.equal(r.headers['x-key'], BFL_KEY, r.path);
          assert.equal(r.headers.authorization, undefined, r.path);
          assert.ok(!headers.includes(TEST_KEY), `the DMXAPI key never reaches BFL (${r.path})`);
        } else if (r.path.startsWith('/v1/images/')) {
          assert.equal(r.headers.authorization, `Bearer ${TEST_KEY}`, r.path);
          assert.equal(r.headers['x-key'], undefined, r.path);
        }
        if (!bfl) assert.ok(!headers.includes(BFL_KEY), `the BFL key never reaches ${r.path}`);
        if (r.host === 'other') assert.ok(!headers.includes(TEST_KEY) && !headers.includes(BFL_KEY), 'no key to the image host');
      }
    });
  });
});
