// The Studio's drafts and edits in the real extension host: results wait in the extension's
// storage until Insert or Save to assets copies them into the output folder; a card's Edit…
// sends that image with the instruction. Messages go in as the webview sends them.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { EditPart } from '../fake/fakeService';
import { Drafts } from '../../src/studio/drafts';
import type { HistoryItemView } from '../../src/studio/protocol';
import { resourceRoots } from '../../src/studio/studioPanel';
import { closeAllEditors, exists, fakeServiceForSuite, listFolder, openMarkdown, testingApi, waitFor, workspaceRoot } from './helpers';
import { StudioHarness as Harness } from './studioHarness';

const fileOf = (h: Harness, item: HistoryItemView) => vscode.Uri.parse(h.services.history.get(item.id)?.file ?? 'file:///nothing', true);

describe('Image Studio drafts and edits (host side)', function () {
  const fake = fakeServiceForSuite();
  let drafts: vscode.Uri;
  let h: Harness;
  let api: TestingApi;
  before(async () => {
    api = await testingApi();
  });
  beforeEach(async () => {
    drafts = vscode.Uri.file(path.join(os.tmpdir(), `flux-drafts-${globalThis.crypto.randomUUID().slice(0, 8)}`, 'drafts'));
    h = new Harness(api, { drafts });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(h.dump());
    h.dispose();
    await closeAllEditors();
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(drafts, '..'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  it('keeps a result as a draft, not in assets/, until Insert copies it and links it at the cursor', async () => {
    const editor = await openMarkdown('notes/drafts-insert.md', '# Keeper\n\nThe tower stood dark.\n');
    editor.selection = new vscode.Selection(2, 21, 2, 21);
    const [item] = await h.generate();
    assert.ok(item);
    assert.equal(item.draft, true);
    const draft = fileOf(h, item);
    assert.ok(draft.path.startsWith(drafts.path + '/'), draft.toString());
    assert.ok(await exists(draft));
    assert.deepEqual(await listFolder('assets'), [], 'nothing in the workspace yet');
    assert.equal(editor.document.getText(), '# Keeper\n\nThe tower stood dark.\n');
    const draftBytes = await vscode.workspace.fs.readFile(draft);

    await h.send({ type: 'item', action: 'insert', id: item.id });
    const assets = await listFolder('assets');
    assert.equal(assets.length, 1);
    assert.match(assets[0] ?? '', /^a-lighthouse-at-dusk-.*\.png$/);
    // The placement rule: after the paragraph with the cursor, on its own line.
    assert.equal(editor.document.getText(), `# Keeper\n\nThe tower stood dark.\n\n![A lighthouse at dusk](../assets/${assets[0]})\n`);
    const saved = vscode.Uri.joinPath(workspaceRoot(), 'assets', assets[0] ?? '');
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(saved)), Buffer.from(draftBytes), 'the same image');
    // The card becomes the saved file: same id, updated in place, never a second card.
    const [updated] = h.of('itemUpdated');
    assert.equal(updated?.item.id, item.id);
    assert.equal(updated?.item.draft, undefined);
    assert.ok(updated?.item.path.endsWith(`assets/${assets[0]}`), updated?.item.path);
    assert.equal(h.of('jobDone').length, 1);
    assert.equal(h.services.history.size, 1);
    assert.equal(h.services.history.get(item.id)?.file, saved.toString());
    await waitFor('the draft file to go', async () => !(await exists(draft)));
    // Inserting again links the saved file; no second copy.
    await h.send({ type: 'item', action: 'insert', id: item.id });
    assert.equal((await listFolder('assets')).length, 1);
  });

  it('Save to assets copies the draft under a free name, never over a file, and says where', async () => {
    const [a, b] = await h.generate({ count: 2, seed: 5 });
    assert.ok(a && b);
    await h.send({ type: 'item', action: 'save', id: a.id });
    await h.send({ type: 'item', action: 'save', id: b.id });
    const assets = await listFolder('assets');
    assert.equal(assets.length, 2, assets.join());
    assert.notEqual(assets[0], assets[1]);
    const notices = h.of('notice').filter((n) => n.level === 'info');
    assert.match(notices[0]?.message ?? '', /^Saved as (\S+\/)?assets\/a-lighthouse-at-dusk-.*\.png\.$/);
    assert.deepEqual(h.of('itemUpdated').map((m) => m.item.id), [a.id, b.id]);
    // Saving a saved image again: nothing copied, it says so.
    await h.send({ type: 'item', action: 'save', id: a.id });
    assert.equal((await listFolder('assets')).length, 2);
    assert.match(h.of('notice').at(-1)?.message ?? '', /in the workspace already/);
  });

  it('drafts survive a reload: a new controller shows them from the drafts folder', async () => {
    const [item] = await h.generate({ prompt: 'remember this draft' });
    assert.ok(item);
    const reloaded = new Harness(api, { drafts, storage: h.storage });
    try {
      await reloaded.send({ type: 'ready' });
      const [init] = reloaded.of('init');
      assert.deepEqual(init?.items.map((i) => [i.id, i.prompt, i.draft]), [[item.id, 'remember this draft', true]]);
      assert.ok(await exists(fileOf(reloaded, item)));
      // And it can be saved from there.
      await reloaded.send({ type: 'item', action: 'save', id: item.id });
      assert.equal((await listFolder('assets')).length, 1);
    } finally {
      reloaded.dispose();
    }
  });

  it('edits a card’s image: the host sends the draft’s bytes, the new card has the parent', async () => {
    const [original] = await h.generate({ prompt: 'A red fox in snow', seed: 9 });
    assert.ok(original);
    const draftBytes = Buffer.from(await vscode.workspace.fs.readFile(fileOf(h, original)));
    await h.send({ type: 'item', action: 'edit', id: original.id });
    const [offered] = h.of('input');
    assert.ok(offered);
    assert.equal(offered.input.parent, original.id);
    assert.ok(!JSON.stringify(offered).includes('base64'));
    fake().reset();
    const [edited] = await h.generate({ prompt: 'make the sky stormy', size: '', input: offered.input.id });
    assert.ok(edited, JSON.stringify(h.of('formError')));
    assert.equal(fake().generationRequests.length, 0);
    const [request] = fake().editRequests;
    const parts = (request?.body as { parts: EditPart[] }).parts;
    const image = parts.find((p) => p.name === 'image');
    assert.ok(image?.bytes);
    assert.ok(image.bytes.equals(draftBytes), 'the bytes of the draft, read by the host');
    assert.equal(image.contentType, 'image/png');
    assert.equal(parts.find((p) => p.name === 'prompt')?.value, 'make the sky stormy');
    assert.equal(parts.find((p) => p.name === 'size'), undefined, 'no size: the input’s shape');
    assert.equal(edited.parent, original.id);
    assert.equal(edited.sourceName, fileOf(h, original).path.split('/').pop());
    assert.equal(edited.draft, true);
    const record = h.services.history.get(edited.id);
    assert.equal(record?.source?.sha256, (await import('node:crypto')).createHash('sha256').update(draftBytes).digest('hex'));
    // "from …" leads back to the parent's card.
    await h.send({ type: 'item', action: 'openSource', id: edited.id });
    assert.deepEqual(h.of('reveal').at(-1), { type: 'reveal', id: original.id });
    // Variations of an edit edit the same input again.
    fake().reset();
    await h.send({ type: 'item', action: 'variations', id: edited.id });
    assert.equal(fake().editRequests.length, 1);
    assert.equal(fake().generationRequests.length, 0);
  });

  it('takes an input from the quick pick or a drop, and refuses what is not an image, too big, or outside the workspace', async () => {
    const root = workspaceRoot();
    const good = vscode.Uri.joinPath(root, 'images-in', 'photo.png');
    const [made] = await h.generate();
    assert.ok(made);
    await vscode.workspace.fs.writeFile(good, await vscode.workspace.fs.readFile(fileOf(h, made)));
    const fake = vscode.Uri.joinPath(root, 'images-in', 'notes.png');
    await vscode.workspace.fs.writeFile(fake, Buffer.from('# not an image\n'));
    const big = vscode.Uri.joinPath(root, 'images-in', 'big.png');
    const bigBytes = Buffer.alloc(20 * 1024 * 1024 + 1);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bigBytes);
    await vscode.workspace.fs.writeFile(big, bigBytes);
    try {
      h.picked = good;
      await h.send({ type: 'pickInput' });
      assert.equal(h.of('input').at(-1)?.input.name, 'photo.png');
      assert.match(h.of('input').at(-1)?.input.path ?? '', /(^|\/)images-in\/photo\.png$/);

      await h.send({ type: 'dropInput', uris: ['file:///etc/hosts', fake.toString()] });
      assert.equal(h.of('formError').at(-1)?.field, 'input');
      assert.match(h.of('formError').at(-1)?.message ?? '', /not a PNG, JPEG or WebP/);
      await h.send({ type: 'dropInput', uris: [big.toString()] });
      assert.match(h.of('formError').at(-1)?.message ?? '', /is 20\.1 MB; an image to edit may be at most 20 MB/);
      const outside = vscode.Uri.file(path.join(os.tmpdir(), 'flux-outside.png'));
      await vscode.workspace.fs.writeFile(outside, await vscode.workspace.fs.readFile(good));
      await h.send({ type: 'dropInput', uris: [outside.toString()] });
      assert.match(h.of('formError').at(-1)?.message ?? '', /Only images in the workspace/);
      await vscode.workspace.fs.delete(outside);
      await h.send({ type: 'dropInput', uris: [good.toString()] });
      assert.equal(h.of('input').length, 2);
      // An id the host never handed out edits nothing.
      await h.send({ type: 'generate', prompt: 'p', model: 'flux-kontext-pro', size: '', seed: -1, count: 1, input: 'not-one-of-ours' });
      assert.match(h.of('formError').at(-1)?.message ?? '', /no longer available/);
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, 'images-in'), { recursive: true, useTrash: false });
    }
  });

  it('prunes the oldest drafts beyond the limits with their history entries, never a kept one', async () => {
    const made = await h.generate({ count: 3, seed: 1 });
    assert.equal(made.length, 3);
    const byAge = [...h.services.history.list()].reverse();
    const pruner = new Drafts(drafts, h.services, { maxCount: 1, maxBytes: 500 * 1024 * 1024, orphanGraceMs: 60_000 });
    const keep = new Set([byAge[0]!.file]);
    await pruner.prune(keep);
    // Three drafts, limit one: the oldest is kept (in flight), so the two newer ones go.
    assert.deepEqual(h.services.history.list().map((e) => e.id).sort(), [byAge[0]!.id].sort());
    assert.ok(await exists(vscode.Uri.parse(byAge[0]!.file, true)));
    assert.equal((await vscode.workspace.fs.readDirectory(drafts)).length, 1);
    assert.ok(h.of('removed').length >= 2, 'the Studio hears of the removed cards');
  });

  it('lets the webview load from the drafts folder, which is outside the workspace', () => {
    const roots = resourceRoots({ extensionUri: vscode.Uri.file('/ext/flux'), services: h.services, draftsFolder: drafts }).map((u) => u.toString());
    assert.ok(roots.includes(drafts.toString()));
  });
});
