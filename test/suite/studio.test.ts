// The Image Studio's host side in the real extension host: messages as the webview sends them
// go in; files, history, edits, the clipboard and the answers to the webview come out.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Services } from '../../src/services/services';
import { HistoryStore } from '../../src/core/history';
import type { TestingApi } from '../../src/extension';
import type { HistoryItemView } from '../../src/studio/protocol';
import { renderHtml, resourceRoots } from '../../src/studio/studioPanel';
import { closeAllEditors, exists, fakeServiceForSuite, testingApi, listFolder, openMarkdown, PNG_SIGNATURE, waitFor, workspaceRoot } from './helpers';
import { MemoryStorage, StudioHarness as Harness } from './studioHarness';

/** The file behind an item, from the URI the webview was given. */
const uriOf = (item: HistoryItemView) => vscode.Uri.file(new URL(item.src).pathname.replace(/^\/file/, ''));
const nameOf = (item: HistoryItemView) => item.src.split('/').pop() ?? '';

describe('Image Studio (host side)', function () {
  const fake = fakeServiceForSuite();
  let api: TestingApi;
  before(async () => {
    api = await testingApi();
  });
  let h: Harness;
  beforeEach(() => {
    h = new Harness(api);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(h.dump());
    h.dispose();
    await closeAllEditors();
  });

  it('answers ready with init: the history, the insert target, the prefill', async () => {
    await openMarkdown('notes/studio-init.md', '# Notes\n');
    const harness = new Harness(api);
    try {
      harness.controller.setInitialPrefill('the selected words');
      await harness.send({ type: 'ready' });
      const [init] = harness.of('init');
      assert.ok(init);
      assert.deepEqual(init.items, []);
      assert.deepEqual(init.jobs, []);
      assert.equal(init.target.label, 'notes/studio-init.md');
      assert.equal(init.prefill, 'the selected words');
      await harness.send({ type: 'ready' });
      assert.equal(harness.of('init')[1]?.prefill, undefined, 'the prefill is used once');
    } finally {
      harness.dispose();
    }
  });

  it('generates two 16x9 images in parallel with seeds 42 and 43, writes them and records them', async () => {
    fake().enqueue({ kind: 'b64', delayMs: 300 }, { kind: 'b64', delayMs: 300 });
    const items = await h.generate({ prompt: 'A red fox in snow', size: '16x9', seed: 42, count: 2 });
    assert.equal(fake().generationRequests.length, 2);
    const bodies = fake().generationRequests.map((r) => r.body as { seed: number; size: string; n: number });
    assert.deepEqual(bodies.map((b) => b.seed).sort(), [42, 43]);
    assert.ok(bodies.every((b) => b.size === '16x9' && b.n === 1));
    assert.equal(fake().maxConcurrent, 2, 'the two requests ran at the same time');

    const [started] = h.of('jobsStarted');
    assert.deepEqual(started?.jobs.map((j) => j.seed), [42, 43]);
    assert.equal(items.length, 2);
    assert.deepEqual(items.map((i) => i.seed).sort(), [42, 43], 'each result shows the seed the service used');
    for (const item of items) {
      assert.equal(item.prompt, 'A red fox in snow');
      assert.equal(item.model, 'flux-kontext-pro');
      assert.equal(item.size, '16x9');
      assert.match(item.path, /assets\/a-red-fox-in-snow-.*\.png$/);
      // The file the item names, found independently of the src the webview got.
      const uri = vscode.Uri.joinPath(workspaceRoot(), 'assets', item.path.split('/').pop() ?? '');
      assert.deepEqual([...(await vscode.workspace.fs.readFile(uri)).subarray(0, 8)], PNG_SIGNATURE);
      // Shown by URI (the panel's asWebviewUri of that file), never as base64 through a message.
      assert.equal(item.src, `https://webview.test/file${uri.path}`);
      assert.ok(!JSON.stringify(item).includes('base64'));
    }
    assert.equal((await listFolder('assets')).length, 2);
    assert.equal(h.history.size, 2);
    assert.deepEqual(h.allowed.map((u) => u.path), [vscode.Uri.joinPath(workspaceRoot(), 'assets').path]);
  });

  it('keeps a prompt with markup as data, and links it with escaped alt text', async () => {
    const prompt = '<img src=x onerror=alert(1)> [a] fox';
    const [item] = await h.generate({ prompt });
    assert.ok(item);
    assert.equal(item.prompt, prompt);
    const editor = await openMarkdown('notes/studio-xss.md', '');
    await h.send({ type: 'item', action: 'insert', id: item.id });
    assert.equal(editor.document.getText(), `![<img src=x onerror=alert(1)> \\[a\\] fox](../assets/${nameOf(item)})`);
  });

  it('reports form problems next to the field and sends nothing', async () => {
    await h.send({ type: 'generate', prompt: '   ', model: 'flux-kontext-pro', size: '1x1', seed: -1, count: 1 });
    await h.send({ type: 'generate', prompt: 'a fox', model: 'flux-kontext-pro', size: '5x7', seed: -1, count: 1 });
    await h.send({ type: 'generate', prompt: 'a fox', model: 'bad model!', size: '1x1', seed: -1, count: 1 });
    assert.deepEqual(h.of('formError').map((m) => m.field), ['prompt', 'size', 'model']);
    assert.match(h.of('formError')[1]?.message ?? '', /5:7/);
    assert.equal(fake().generationRequests.length, 0);
  });

  it('ignores malformed messages', async () => {
    for (const raw of [null, 'generate', { type: 'generate', prompt: 'a', model: 'flux-kontext-pro', size: '1x1', seed: -1, count: 9 }, { type: 'item', action: 'open', id: '../../x' }, { type: 'command', command: 'workbench.action.terminal.new' }, { type: 'eval', code: '1' }]) {
      await h.send(raw);
    }
    assert.equal(h.messages.length, 0);
    assert.equal(fake().generationRequests.length, 0);
  });

  it('shows a refused prompt as an error in words and stays usable', async () => {
    fake().enqueue({ kind: 'error', status: 422, shape: 'openai', code: 'content_policy_violation', message: 'Safety Filter: the prompt was refused' });
    const items = await h.generate({ prompt: 'something refused' });
    assert.equal(items.length, 0);
    const [failed] = h.of('jobFailed');
    assert.ok(failed);
    assert.equal(failed.error.kind, 'moderation');
    assert.match(failed.error.message, /would not make this picture .*Change the prompt/);
    assert.equal(h.history.size, 0);
    assert.deepEqual(await listFolder('assets'), []);
    const again = await h.generate({ prompt: 'a gentle landscape' });
    assert.equal(again.length, 1);
  });

  it('out of credit: the card offers Open Account Page first, and Try Again is not the highlighted button', async () => {
    fake().enqueue({ kind: 'error', status: 403, shape: 'flat', code: 'quota_not_enough', message: '余额不足' });
    await h.generate({ prompt: 'a fox' });
    const [failed] = h.of('jobFailed');
    assert.ok(failed);
    assert.equal(failed.error.kind, 'quota');
    assert.equal(failed.error.commands[0], 'openAccountPage');
    assert.equal(failed.error.retry, false);
  });

  it('cancels every request in flight and saves nothing', async () => {
    fake().enqueue({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const running = h.generate({ count: 3 });
    await waitFor('three requests in flight', () => fake().inFlight === 3);
    assert.ok(h.controller.busy);
    await h.send({ type: 'cancel' });
    await running;
    const failed = h.of('jobFailed');
    assert.equal(failed.length, 3);
    assert.ok(failed.every((m) => m.error.kind === 'cancelled'));
    assert.equal(h.controller.busy, false);
    assert.deepEqual(await listFolder('assets'), []);
    assert.equal(h.history.size, 0);
  });

  it('inserts a link at the last Markdown cursor after focus left the editor, one after the other', async () => {
    const [a, b] = await h.generate({ count: 2, seed: 7 });
    assert.ok(a && b);
    const editor = await openMarkdown('notes/studio-insert.md', 'Before. After.\n');
    editor.selection = new vscode.Selection(0, 8, 0, 8);
    // Focus goes elsewhere (as into the webview): activeTextEditor is then undefined or another kind.
    await vscode.commands.executeCommand('workbench.action.focusPanel');
    await h.send({ type: 'item', action: 'insert', id: a.id });
    const linkA = `![A lighthouse at dusk](../assets/${nameOf(a)})`;
    // In the middle of a paragraph the image never splits it: it goes after the paragraph.
    assert.equal(editor.document.getText(), `Before. After.\n\n${linkA}\n`);
    await h.send({ type: 'item', action: 'insert', id: b.id });
    const linkB = `![A lighthouse at dusk](../assets/${nameOf(b)})`;
    assert.equal(editor.document.getText(), `Before. After.\n\n${linkA}\n\n${linkB}\n`);
    const notices = h.of('notice');
    assert.equal(notices.at(-1)?.level, 'info');
    assert.equal(notices.at(-1)?.id, b.id);
    assert.match(notices.at(-1)?.message ?? '', /studio-insert\.md/);
    // One undo takes back one link: the file stays (it existed before the insert).
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await waitFor('the second link to go', () => editor.document.getText() === `Before. After.\n\n${linkA}\n`);
    assert.ok(await exists(uriOf(b)));
  });

  it('inserts after a selection and leaves the cursor after the link, nothing selected', async () => {
    const [item] = await h.generate({ prompt: 'A quiet harbour' });
    assert.ok(item);
    const editor = await openMarkdown('notes/studio-selection.md', 'A quiet harbour at night.\nNext line.\n');
    editor.selection = new vscode.Selection(0, 0, 0, 25);
    await h.send({ type: 'item', action: 'insert', id: item.id });
    const link = `![A quiet harbour](../assets/${nameOf(item)})`;
    // After the paragraph that holds the cursor (a hard-wrapped one: both lines), never inside it.
    assert.equal(editor.document.getText(), `A quiet harbour at night.\nNext line.\n\n${link}\n`);
    assert.ok(editor.selection.isEmpty, 'the cursor goes after the link, nothing selected');
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [3, link.length]);
  });

  it('inserts through the pipeline’s link step, in the document’s own syntax (AsciiDoc under its imagesdir, reStructuredText, LaTeX)', async () => {
    const [item] = await h.generate({ prompt: 'A lighthouse at dusk' });
    assert.ok(item);
    const cases: [string, string, string][] = [
      // Asciidoctor reads the target under the imagesdir set above it (../assets is notes/../assets).
      ['notes/studio-insert.adoc', '= Guide\n:imagesdir: pics\n\nText.\n', `image::../../assets/${nameOf(item)}[A lighthouse at dusk]`],
      ['notes/studio-insert.rst', 'Title\n=====\n\nText.\n', `.. image:: ../assets/${nameOf(item)}\n   :alt: A lighthouse at dusk`],
      ['notes/studio-insert.tex', 'Text.\n', `\\includegraphics[width=\\linewidth]{../assets/${nameOf(item)}}`],
    ];
    for (const [path, text, link] of cases) {
      const editor = await openMarkdown(path, text);
      const end = editor.document.positionAt(text.length);
      editor.selection = new vscode.Selection(end, end);
      await h.send({ type: 'item', action: 'insert', id: item.id });
      assert.ok(editor.document.getText().includes(link), `${path}:\n${editor.document.getText()}`);
      assert.equal(h.of('notice').at(-1)?.level, 'info', path);
    }
  });

  it('says so in the panel when there is no Markdown editor to insert into', async () => {
    const harness = new Harness(api, { accepts: () => false });
    try {
      const [item] = await harness.generate();
      assert.ok(item);
      await harness.send({ type: 'item', action: 'insert', id: item.id });
      const notice = harness.of('notice').at(-1);
      assert.equal(notice?.level, 'error');
      assert.equal(notice?.id, item.id);
      assert.match(notice?.message ?? '', /no document to insert into/i);
      await harness.send({ type: 'ready' });
      assert.equal(harness.of('init')[0]?.target.label, undefined);
    } finally {
      harness.dispose();
    }
  });

  it('copies the Markdown link relative to the target document', async () => {
    const [item] = await h.generate({ prompt: 'A map (old) of the bay' });
    assert.ok(item);
    await openMarkdown('notes/studio-copy.md', '');
    await h.send({ type: 'item', action: 'copyLink', id: item.id });
    assert.equal(await vscode.env.clipboard.readText(), `![A map (old) of the bay](../assets/${nameOf(item)})`);
  });

  it('copies the link in the target document’s own syntax (HTML, LaTeX)', async () => {
    const [item] = await h.generate({ prompt: 'A map of the bay' });
    assert.ok(item);
    await openMarkdown('notes/studio-copy.html', '<p>x</p>\n');
    await h.send({ type: 'item', action: 'copyLink', id: item.id });
    assert.equal(await vscode.env.clipboard.readText(), `<img src="../assets/${nameOf(item)}" alt="A map of the bay">`);
    await openMarkdown('notes/studio-copy.tex', 'Text.\n');
    await h.send({ type: 'item', action: 'copyLink', id: item.id });
    assert.equal(await vscode.env.clipboard.readText(), `\\includegraphics[width=\\linewidth]{../assets/${nameOf(item)}}`);
  });

  it('makes variations with new random seeds, and reproduces with the same seed', async () => {
    const [item] = await h.generate({ seed: 42 });
    assert.ok(item && item.seed === 42);
    fake().reset();
    await h.send({ type: 'item', action: 'variations', id: item.id, count: 2 });
    assert.deepEqual(fake().generationRequests.map((r) => (r.body as { seed: number }).seed), [-1, -1]);
    assert.equal(h.history.size, 3);
    const made = h.of('jobDone').slice(-2).map((m) => m.item);
    assert.ok(made.every((m) => m.id !== item.id && m.seed !== 42), 'new pictures, new seeds');
    fake().reset();
    await h.send({ type: 'item', action: 'reproduce', id: item.id });
    assert.equal((fake().generationRequests[0]?.body as { seed: number }).seed, 42);
    assert.equal(h.of('jobDone').at(-1)?.item.seed, 42);
  });

  it('keeps an image whose seed the gateway did not say, and will not pretend to reproduce it', async () => {
    fake().enqueue({ kind: 'b64', seed: null });
    const [item] = await h.generate({ seed: -1 });
    assert.ok(item, 'the image is kept');
    assert.equal(item.seed, undefined);
    assert.ok(await exists(uriOf(item)));
    fake().reset();
    await h.send({ type: 'item', action: 'reproduce', id: item.id });
    assert.equal(fake().generationRequests.length, 0, 'nothing is asked of the service');
    const notice = h.of('notice').at(-1);
    assert.equal(notice?.level, 'error');
    assert.equal(notice?.message, 'The seed of this image is not known, so it cannot be made again exactly. Use Variations.');
    await h.send({ type: 'item', action: 'variations', id: item.id, count: 1 });
    assert.equal(fake().generationRequests.length, 1, 'Variations still works');
  });

  it('removes from the history only, or deletes the file too', async () => {
    const [keep, drop] = await h.generate({ count: 2, seed: 1 });
    assert.ok(keep && drop);
    h.removeChoice = undefined;
    await h.send({ type: 'item', action: 'remove', id: keep.id });
    assert.equal(h.history.size, 2, 'cancelled: nothing happens');

    h.removeChoice = 'history';
    await h.send({ type: 'item', action: 'remove', id: keep.id });
    assert.ok(h.of('removed').some((m) => m.id === keep.id));
    assert.ok(await exists(uriOf(keep)), 'the file stays');

    h.removeChoice = 'file';
    await h.send({ type: 'item', action: 'remove', id: drop.id });
    assert.ok(h.of('removed').some((m) => m.id === drop.id));
    await waitFor('the file to go', async () => !(await exists(uriOf(drop))));
    assert.equal(h.history.size, 0);
  });

  it('reports a missing file instead of failing when opening or inserting', async () => {
    const [item] = await h.generate();
    assert.ok(item);
    await vscode.workspace.fs.delete(uriOf(item), { useTrash: false });
    await openMarkdown('notes/studio-missing.md', '');
    for (const action of ['insert', 'open', 'reveal']) {
      await h.send({ type: 'item', action, id: item.id });
      const notice = h.of('notice').at(-1);
      assert.equal(notice?.level, 'error');
      assert.match(notice?.message ?? '', /no longer there/);
    }
    assert.equal(vscode.window.activeTextEditor?.document.getText(), '');
  });

  it('keeps the history in the workspace state across a new controller (a reload)', async () => {
    const [item] = await h.generate({ prompt: 'remember me' });
    assert.ok(item);
    const reloaded = new Harness(api, { storage: h.storage });
    try {
      await reloaded.send({ type: 'ready' });
      const init = reloaded.of('init').at(-1);
      assert.deepEqual(init?.items.map((i) => i.prompt), ['remember me']);
    } finally {
      reloaded.dispose();
    }
  });
});

describe('Image Studio page and resource roots', () => {
  const extensionUri = vscode.Uri.file('/ext/flux');

  it('renders a strict CSP with a nonce, and the bootstrap data only as an escaped attribute', () => {
    const webview = {
      cspSource: 'https://webview.test',
      asWebviewUri: (uri: vscode.Uri) => uri.with({ scheme: 'https', authority: 'webview.test' }),
    } as unknown as vscode.Webview;
    const evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const html = renderHtml(webview, extensionUri, {
      strings: { prompt: evil } as never,
      models: [evil],
      ratios: ['1x1'],
      maxPromptLength: 4000,
      maxCount: 4,
      defaults: { model: evil, size: '1x1', seed: -1 },
    });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /img-src https:\/\/webview\.test;/);
    assert.match(csp, /style-src https:\/\/webview\.test;/);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, csp);
    assert.ok(!csp.includes('unsafe'), csp);
    // One script, external, with the nonce; nothing inline.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]?.[1] ?? '', new RegExp(`nonce="${nonce?.replace(/[+/=]/g, '\\$&')}" src="https://webview\\.test/ext/flux/media/build/studio\\.js"`));
    assert.equal(scripts[0]?.[2], '');
    assert.ok(!html.includes('<script>alert'), 'the data cannot close the attribute');
    assert.ok(!html.includes('<img'), 'no markup from the data');
    const attribute = /data-bootstrap="([^"]*)"/.exec(html)?.[1] ?? '';
    const decoded = attribute.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    assert.equal((JSON.parse(decoded) as { models: string[] }).models[0], evil);
    assert.notEqual(renderHtml(webview, extensionUri, JSON.parse(decoded)).match(/nonce-([^']+)/)?.[1], nonce, 'a fresh nonce each time');
  });

  it('lets the webview load only from media/ and the output folders', async () => {
    const history = new HistoryStore(new MemoryStorage());
    const root = workspaceRoot();
    await history.add({ id: 'a', prompt: 'p', model: 'm', size: '1x1', createdAt: 1_700_000_000_000, file: vscode.Uri.joinPath(root, 'assets', 'a.png').toString() });
    await history.add({ id: 'b', prompt: 'p', model: 'm', size: '1x1', createdAt: 1_700_000_001_000, file: vscode.Uri.joinPath(root, 'old-images', 'b.png').toString() });
    const roots = resourceRoots({ extensionUri, services: { history } as unknown as Services }).map((u) => u.toString());
    assert.deepEqual(roots.sort(), [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(root, 'assets'), vscode.Uri.joinPath(root, 'old-images')].map((u) => u.toString()).sort());
    assert.ok(!roots.includes(root.toString()), 'not the whole workspace');
  });
});

describe('Flux: Open Image Studio', () => {
  afterEach(closeAllEditors);

  const studioTabs = () =>
    vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('flux.studio'));

  it('opens one panel and reveals it on the second call', async () => {
    await openMarkdown('notes/studio-open.md', 'A fox in the snow.\n');
    await vscode.commands.executeCommand('flux.openStudio');
    await waitFor('the Studio tab', () => studioTabs().length === 1);
    await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
    await vscode.commands.executeCommand('flux.openStudio');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(studioTabs().length, 1);
    assert.ok(studioTabs()[0]?.isActive);
  });
});
