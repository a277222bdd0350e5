// Nothing paid for is lost when VS Code stops (docs/CONTRACT.md): the journal of paid work in flight,
// its recovery by the next window, and the `.flux-*.part` files a stopped window left behind.
// A window that stops is played by its journal file left under a process id that is gone.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { expectMessage, fakeServiceForSuite, removeFolder, testingApi, waitFor, workspaceRoot } from './helpers';

/** No process has this id: the window that wrote the journal is gone. */
const GONE_PID = 2_000_000_000;

async function journalFiles(folder: vscode.Uri): Promise<string[]> {
  try {
    return (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).filter((n) => /^window-.*\.json$/.test(n));
  } catch {
    return [];
  }
}

describe('Recovery after VS Code stops', function () {
  this.timeout(60_000);
  const fake = fakeServiceForSuite();
  afterEach(async () => {
    await removeFolder('assets');
  });

  it('a task the service accepted is polled again and becomes a Recovered draft, with no second request and the journal empty', async () => {
    const api = await testingApi();
    const { journal, recovery, services } = api;
    fake().enqueueBfl({ kind: 'pending' });
    const controller = new AbortController();
    const running = services.generation.run({ request: { prompt: 'A lantern in the fog', model: 'flux-2-pro', size: '1x1', seed: 7 }, signal: controller.signal, approved: true });
    await waitFor('the accepted task in the journal', async () => journal.size === 1 && (await journalFiles(journal.folder)).length === 1);
    const [name] = await journalFiles(journal.folder);
    const written = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(journal.folder, name!)))) as { pid: number; entries: { id: string; task?: { pollUrl: string } }[] };
    assert.ok(written.entries[0]?.task?.pollUrl.includes('/flux/v1/get_result?id='), JSON.stringify(written));
    assert.ok(!JSON.stringify(written).includes('sk-test'), 'no key in the journal');
    // Cancelled after the service accepted it: paid for, so it stays in the journal.
    controller.abort();
    await running.catch(() => undefined);
    assert.equal(journal.size, 1, 'kept: the next start brings it');
    // The window stops: its journal stays as written, under a process that is gone (this window
    // lets go of its own copy, as if it were the next one).
    written.pid = GONE_PID;
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(journal.folder, 'window-stopped-1.json'), new TextEncoder().encode(JSON.stringify(written)));
    await journal.settled(written.entries[0]!.id);
    await waitFor('this window to let go of its own entry', async () => journal.size === 0 && (await journalFiles(journal.folder)).length === 1);

    // The service finishes while nobody asks; the next window starts.
    assert.equal(fake().finishBflTasks(), 1);
    const submits = fake().flux2SubmitRequests.length;
    api.messages.clear();
    const result = await recovery.run();
    assert.deepEqual(result, { recovered: 1, dropped: 0, kept: 0, removedParts: 0 });
    assert.equal(fake().flux2SubmitRequests.length, submits, 'polled again, never asked again');
    const entry = services.history.list().find((e) => e.prompt === 'A lantern in the fog');
    assert.ok(entry, 'in the history');
    assert.equal(entry.recovered, true);
    assert.equal(entry.model, 'flux-2-pro');
    assert.equal(entry.seedRequested, 7);
    assert.ok(!entry.file.startsWith(workspaceRoot().toString()), 'a draft, not in the workspace');
    assert.deepEqual(await journalFiles(journal.folder), [], 'the journal is empty');
    await expectMessage('info', /Flux recovered an image that was being made when VS Code stopped/);
    // Recovered once: a second run finds nothing.
    assert.equal((await recovery.run()).recovered, 0);
  });

  it('a recovered image made in a house style keeps its style, the prompt sent and the style\'s model in its recipe', async () => {
    const api = await testingApi();
    const { journal, recovery, services } = api;
    fake().enqueueBfl({ kind: 'pending' });
    const controller = new AbortController();
    const style = { name: 'ink', template: 'Ink drawing of {prompt}, white ground', model: 'flux-2-pro', size: '1x1' };
    // The settings' model is another: the style's is what was sent, and what is fetched again.
    const running = services.generation.run({ request: { prompt: 'A quiet harbour', model: 'flux-kontext-pro', size: '16x9', seed: 9 }, style, signal: controller.signal, approved: true });
    await waitFor('the accepted task in the journal', async () => journal.size === 1 && (await journalFiles(journal.folder)).length === 1);
    const [name] = await journalFiles(journal.folder);
    const written = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(journal.folder, name!)))) as { pid: number; entries: { id: string }[] };
    controller.abort();
    await running.catch(() => undefined);
    written.pid = GONE_PID;
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(journal.folder, 'window-stopped-2.json'), new TextEncoder().encode(JSON.stringify(written)));
    await journal.settled(written.entries[0]!.id);
    await waitFor('this window to let go of its own entry', async () => journal.size === 0 && (await journalFiles(journal.folder)).length === 1);
    assert.equal(fake().finishBflTasks(), 1);
    assert.equal((await recovery.run()).recovered, 1);
    const entry = services.history.list().find((e) => e.prompt === 'A quiet harbour');
    assert.ok(entry, 'in the history');
    assert.equal(entry.recovered, true);
    assert.equal(entry.model, 'flux-2-pro');
    assert.equal(entry.size, '1x1');
    assert.deepEqual(entry.style, { name: 'ink', prompt: 'Ink drawing of {prompt}, white ground' });
    assert.equal(entry.sentPrompt, 'Ink drawing of A quiet harbour, white ground');
    assert.deepEqual(await journalFiles(journal.folder), [], 'the journal is empty');
  });

  it('a task the service says is gone, and one older than its ten minutes, are dropped with a line in the log', async () => {
    const { journal, recovery } = await testingApi();
    const job = { prompt: 'A gone task', model: 'flux-2-pro', size: '1x1', seed: -1, provider: 'dmxapi' };
    const now = Date.now();
    const stopped = {
      version: 1,
      pid: GONE_PID,
      heartbeat: now - 5000,
      entries: [
        { id: 'gone-1', startedAt: now - 5000, job, task: { pollUrl: `${fake().baseUrl}/flux/v1/get_result?id=nosuchtask`, acceptedAt: now - 5000 } },
        { id: 'old-1', startedAt: now - 11 * 60_000, job, task: { pollUrl: `${fake().baseUrl}/flux/v1/get_result?id=old`, acceptedAt: now - 11 * 60_000 } },
      ],
    };
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(journal.folder, 'window-stopped-2.json'), new TextEncoder().encode(JSON.stringify(stopped)));
    const polls = fake().flux2PollRequests.length;
    const result = await recovery.run();
    assert.deepEqual(result, { recovered: 0, dropped: 2, kept: 0, removedParts: 0 });
    assert.equal(fake().flux2PollRequests.length, polls + 1, 'the expired one is not even asked for');
    assert.deepEqual(await journalFiles(journal.folder), []);
  });

  it('a .part left in the output folder: complete with a recipe is recovered, cut off is removed, fresh ones and a writer\'s own file are left', async () => {
    const api = await testingApi();
    const made = await api.services.generation.run({ request: { prompt: 'A heron at the weir', model: 'flux-kontext-pro', size: '1x1', seed: 3 }, approved: true });
    const bytes = await vscode.workspace.fs.readFile(made.uri);
    const assets = vscode.Uri.joinPath(workspaceRoot(), 'assets');
    const notes = vscode.Uri.joinPath(workspaceRoot(), 'recovery-notes');
    const put = async (folder: vscode.Uri, name: string, data: Uint8Array, ageMs: number) => {
      const uri = vscode.Uri.joinPath(folder, name);
      await vscode.workspace.fs.writeFile(uri, data);
      const t = (Date.now() - ageMs) / 1000;
      fs.utimesSync(uri.fsPath, t, t);
      return uri;
    };
    const old = 10 * 60_000;
    const complete = await put(assets, '.flux-complete-1.part', bytes, old);
    const cut = await put(assets, '.flux-cut-1.part', bytes.subarray(0, Math.floor(bytes.length / 2)), old);
    const fresh = await put(assets, '.flux-fresh-1.part', bytes, 1000);
    const mine = await put(notes, '.flux-mine.part', bytes, old);
    try {
      const before = api.services.history.list().filter((e) => e.prompt === 'A heron at the weir').length;
      const result = await api.recovery.run();
      assert.equal(result.recovered, 1);
      assert.equal(result.removedParts, 2);
      const stat = async (uri: vscode.Uri) => vscode.workspace.fs.stat(uri).then(() => true, () => false);
      assert.equal(await stat(complete), false);
      assert.equal(await stat(cut), false);
      assert.equal(await stat(fresh), true, 'perhaps still being written by another window');
      assert.equal(await stat(mine), true, 'not an output folder: never touched');
      const heron = api.services.history.list().filter((e) => e.prompt === 'A heron at the weir');
      assert.equal(heron.length, before + 1);
      assert.ok(heron.some((e) => e.recovered && e.seed === made.record.seed));
    } finally {
      await removeFolder('recovery-notes');
    }
  });
});
