// Hardening, in the real extension host: faults, bad input and hostile settings lose nothing
// (no half-written file, no changed document) and leak nothing (the key stays out of the log).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { makePng } from '../fake/png';
import { PNG_SIGNATURE, assertWorkspaceUnchanged, closeAllEditors, exists, expectMessage, fakeServiceForSuite, listFolder, needsOrSkip, openMarkdown, selectLine, snapshotWorkspace, TEST_KEY, unsetSetting, testingApi, waitFor, workspaceRoot, readAllText } from './helpers';

const DOC = ['# Notes', '', 'First sentence about the sea.', '', 'Second sentence about the hills.', '', 'Third sentence about the town.', ''].join('\n');

async function generate(command: 'flux.generateImage' | 'flux.generateFromSelection', args?: object): Promise<vscode.Uri | undefined> {
  return vscode.commands.executeCommand<vscode.Uri | undefined>(command, args);
}

/** Mounts a small tmpfs at `dir` (root on Linux only); false where that is not allowed. */
function mountTmpfs(dir: string, options: string): boolean {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return false;
  }
}

/** The workspace folder's name, which paths in messages start with. */
function folderName(): string {
  return path.basename(workspaceRoot().fsPath);
}

function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'ignore' });
  fs.rmSync(dir, { recursive: true, force: true });
}

describe('Faults and bad input', function () {
  const fake = fakeServiceForSuite();
  const config = () => vscode.workspace.getConfiguration('flux');
  afterEach(async () => {
    await unsetSetting('flux', 'outputFolder', vscode.ConfigurationTarget.Workspace);
    await closeAllEditors();
  });

  describe('bad input is refused before any request', () => {
    const RATIOS = '1x1, 2x3, 3x2, 3x4, 4x3, 9x16, 16x9';
    for (const [name, args, message] of [
      ['an empty prompt', { prompt: '   ' }, 'The prompt is empty. Describe the image you want.'],
      ['a prompt far too long', { prompt: 'sea '.repeat(2000) }, 'The prompt is 7999 characters long; the limit is 4000. Shorten it.'],
      ['a size that is neither ratio nor pixels', { prompt: 'a boat', size: 'large' }, `“large” is not a size. Use an aspect ratio (${RATIOS}) or pixels such as 1024x768.`],
      ['a ratio the service does not offer', { prompt: 'a boat', size: '21x9' }, `The aspect ratio 21:9 is not offered. Choose one of ${RATIOS}, or give pixels such as 1024x768.`],
      ['pixels out of range', { prompt: 'a boat', size: '8000x8000' }, '8000x8000 is out of range: width and height must each be between 256 and 2048 pixels.'],
      ['a seed that is not a whole number', { prompt: 'a boat', seed: 1.5 }, 'The command\'s “seed” must be a whole number (-1 for random).'],
      ['a model name that is garbage', { prompt: 'a boat', model: 'not a model!' }, '“not a model!” is not a model name. Use flux-2-pro, flux-2-max, flux-2-flex, flux-2-klein-4b, flux-2-klein-9b, flux-kontext-max, flux-kontext-pro, flux-kontext-dev.'],
      ['a prompt of the wrong type', { prompt: 42 }, 'The command\'s “prompt” must be a string.'],
    ] as const) {
      it(name, async () => {
        const editor = await openMarkdown('notes/bad-input.md', DOC);
        selectLine(editor, 2);
        const before = await snapshotWorkspace();
        assert.equal(await generate('flux.generateImage', args), undefined);
        // Said as a warning the person can act on, with the settings one click away.
        const shown = await expectMessage('warning', message);
        assert.deepEqual(shown.buttons, ['Open Settings', 'Show Log']);
        assert.equal(fake().generationRequests.length, 0);
        assert.equal(editor.document.getText(), DOC);
        await assertWorkspaceUnchanged(before);
      });
    }

    it('Chinese, emoji, Markdown and quotes make a valid file and a working link', async () => {
      const editor = await openMarkdown('notes/cjk.md', '');
      const prompt = '漫画风格的学习英文单词图:“Hello” 🦊 **bold** [x](y) "quoted" CON';
      const uri = await generate('flux.generateImage', { prompt });
      assert.ok(uri);
      const name = uri.path.split('/').pop()!;
      assert.match(name, /^漫画风格的学习英文单词图-hello-bold-x-y-quoted-con-\d{8}-\d{6}\.png$/);
      assert.equal(editor.document.getText(), `![漫画风格的学习英文单词图:“Hello” 🦊 **bold** \\[x\\](y) "quoted" CON](../assets/${name})`);
      assert.equal(fake().generationRequests[0]?.body && (fake().generationRequests[0].body as { prompt: string }).prompt, prompt);
      // With the workspace folder's name, as VS Code's asRelativePath(uri, true) gives it.
      const shown = await expectMessage('info', `Saved ${folderName()}/assets/${name} and linked it in notes/cjk.md.`);
      assert.deepEqual(shown.buttons, ['Open', 'Reveal in Explorer', 'Open in Studio']);
    });
  });

  describe('the output folder stays inside the workspace', () => {
    for (const [folder, message] of [
      ['/tmp/flux-outside', 'The output folder “/tmp/flux-outside” must be a path inside the workspace, such as “assets” or “docs/images”. Change flux.outputFolder.'],
      ['../outside', 'The output folder “../outside” leads out of the workspace. Change flux.outputFolder to a folder inside it.'],
      ['a/../../outside', 'The output folder “a/../../outside” leads out of the workspace. Change flux.outputFolder to a folder inside it.'],
      ['C:\\Windows', 'The output folder “C:\\Windows” must be a path inside the workspace, such as “assets” or “docs/images”. Change flux.outputFolder.'],
    ] as const) {
      it(`refuses ${folder}`, async () => {
        await config().update('outputFolder', folder, vscode.ConfigurationTarget.Workspace);
        const before = await snapshotWorkspace();
        assert.equal(await generate('flux.generateImage', { prompt: 'a boat' }), undefined);
        await expectMessage('warning', message);
        assert.equal(fake().generationRequests.length, 0);
        assert.ok(!fs.existsSync('/tmp/flux-outside'));
        assert.ok(!fs.existsSync(path.join(workspaceRoot().fsPath, '..', 'outside')));
        await assertWorkspaceUnchanged(before);
      });
    }

    it('refuses a folder reached through a symbolic link', async () => {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-outside-'));
      const link = path.join(workspaceRoot().fsPath, 'linked');
      fs.symlinkSync(outside, link);
      try {
        await config().update('outputFolder', 'linked/images', vscode.ConfigurationTarget.Workspace);
        const before = await snapshotWorkspace();
        assert.equal(await generate('flux.generateImage', { prompt: 'a boat' }), undefined);
        await expectMessage('warning', /^The output folder “linked\/images” goes through a symbolic link \(linked(\/images)?\), which may lead out of the workspace\. Choose a real folder in flux\.outputFolder\.$/);
        assert.equal(fake().generationRequests.length, 0);
        await assertWorkspaceUnchanged(before);
        assert.deepEqual(fs.readdirSync(outside), []);
      } finally {
        fs.rmSync(link);
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });

    it('refuses an output folder that is a file, and writes nothing', async () => {
      fs.writeFileSync(path.join(workspaceRoot().fsPath, 'not-a-folder'), 'x');
      try {
        await config().update('outputFolder', 'not-a-folder', vscode.ConfigurationTarget.Workspace);
        const before = await snapshotWorkspace();
        assert.equal(await generate('flux.generateImage', { prompt: 'a boat' }), undefined);
        await expectMessage('error', 'Cannot save into not-a-folder: it is a file, not a folder. Change flux.outputFolder.');
        assert.equal(fake().generationRequests.length, 0);
        await assertWorkspaceUnchanged(before);
      } finally {
        fs.rmSync(path.join(workspaceRoot().fsPath, 'not-a-folder'));
      }
    });
  });

  describe('writing fails: the document is unchanged, no partial file, the message says where', () => {
    for (const [name, options] of [
      ['a full disk', 'size=64k'],
      ['a read-only folder', 'size=1m,ro'],
    ] as const) {
      it(name, async function () {
        const dir = path.join(workspaceRoot().fsPath, 'mounted');
        // Needs root and mount(8): a developer's laptop may not allow it; CI (root) must run it.
        needsOrSkip(this, mountTmpfs(dir, options), 'mounting a tmpfs (root and mount(8))');
        try {
          await config().update('outputFolder', 'mounted', vscode.ConfigurationTarget.Workspace);
          fake().enqueue({ kind: 'b64', image: makePng(256, 256, { seed: 3, style: 'photo' }) });
          const editor = await openMarkdown('notes/disk.md', DOC);
          selectLine(editor, 2);
          const before = await snapshotWorkspace();
          assert.equal(await generate('flux.generateFromSelection'), undefined);
          // The message says where it could not write and what to check.
          const shown = await expectMessage('error', new RegExp(`^Could not save the image in ${folderName()}/mounted\\b.*\\. Check that (the folder is writable and )?the disk has room\\.$`));
          assert.ok(shown.buttons.includes('Show Log'), JSON.stringify(shown.buttons));
          assert.equal(fake().generationRequests.length, 1);
          assert.equal(editor.document.getText(), DOC);
          assert.deepEqual(fs.readdirSync(dir), [], 'nothing is left in the folder, not even a temporary file');
          await assertWorkspaceUnchanged(before);
        } finally {
          unmount(dir);
        }
      });
    }
  });

  describe('service faults leave nothing behind', () => {
    for (const [name, behaviour, severity, message, logged] of [
      ['moderation', { kind: 'error', status: 422, shape: 'openai', code: 'content_policy_violation', message: 'Safety Filter' }, 'warning', 'The service would not make this picture (moderation). Change the prompt, then try again.', /moderation: .* \(HTTP 422, code content_policy_violation, the service said: “Safety Filter”\)/],
      ['no credit', { kind: 'error', status: 403, shape: 'flat', code: 'quota_not_enough', message: '余额不足' }, 'error', 'Your account is out of credit. Top up your account with the provider, then try again.', /quota: .* \(HTTP 403, code quota_not_enough, the service said: “余额不足”\)/],
      ['garbage', { kind: 'raw', status: 200, body: 'oops, not an answer', contentType: 'text/plain' }, 'error', 'The service sent an answer that is not JSON. Try again; if it persists, check flux.baseUrl.', /malformed: .* \(the service said: “19 bytes starting “oops, not an answer””\)/],
      ['a web page', { kind: 'raw', status: 200, body: '<!DOCTYPE html><html><title>502 Bad Gateway</title></html>', contentType: 'text/html' }, 'error', 'The address in flux.baseUrl answered with a web page, not the image service. Check flux.baseUrl.'],
      ['a reset connection', { kind: 'reset', afterBytes: 64 }, 'error', /^Could not reach the image service: .+\. Check your connection and flux\.baseUrl, then try again\.$/],
      ['an expired image URL', { kind: 'url', imageStatus: 404 }, 'error', /^Downloading the image from 127\.0\.0\.2:\d+ failed\. Its address may have expired; generate again\.$/, /download: .* \(HTTP 404\)/],
    ] as const) {
      it(name, async () => {
        fake().enqueue(behaviour);
        const editor = await openMarkdown('notes/fault.md', DOC);
        selectLine(editor, 2);
        const before = await snapshotWorkspace();
        assert.equal(await generate('flux.generateFromSelection'), undefined);
        const shown = await expectMessage(severity, message);
        assert.ok(shown.buttons.includes('Show Log'), JSON.stringify(shown.buttons));
        // Out of credit: the account page is the next step, first.
        assert.equal(shown.buttons[0] === 'Open Account Page', name === 'no credit', JSON.stringify(shown.buttons));
        // The raw details (status, the service's code and words) are in the log Show Log opens.
        if (logged) await waitFor('the details in the log', async () => logged.test(readAllText((await testingApi()).logUri.fsPath)));
        assert.equal(editor.document.getText(), DOC);
        await assertWorkspaceUnchanged(before);
      });
    }

    it('a time-out (flux.requestTimeoutSeconds) leaves nothing behind', async () => {
      await config().update('requestTimeoutSeconds', 10, vscode.ConfigurationTarget.Global);
      try {
        fake().enqueue({ kind: 'hang' });
        const editor = await openMarkdown('notes/timeout.md', DOC);
        selectLine(editor, 2);
        const before = await snapshotWorkspace();
        const t0 = Date.now();
        assert.equal(await generate('flux.generateFromSelection'), undefined);
        assert.ok(Date.now() - t0 >= 9_000 && Date.now() - t0 < 20_000);
        const shown = await expectMessage('error', 'No image after 10 s, the time limit (flux.requestTimeoutSeconds). Nothing was saved; try again or raise the limit.');
        assert.deepEqual(shown.buttons, ['Try Again', 'Open Settings', 'Show Log']);
        assert.equal(editor.document.getText(), DOC);
        await assertWorkspaceUnchanged(before);
      } finally {
        await config().update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
      }
    });

    it('Cancel during a retry wait and during the image download leaves nothing', async () => {
      for (const behaviour of [{ kind: 'error', status: 429, shape: 'openai', retryAfter: '20' }, { kind: 'url', imageDelayMs: 20_000 }] as const) {
        fake().reset();
        (await testingApi()).messages.clear();
        fake().enqueue(behaviour);
        const editor = await openMarkdown('notes/cancel-stage.md', DOC);
        selectLine(editor, 2);
        const before = await snapshotWorkspace();
        const pending = generate('flux.generateFromSelection');
        await waitFor(behaviour.kind === 'url' ? 'the download to start' : 'the first answer', () =>
          behaviour.kind === 'url' ? fake().fileRequests.length === 1 : fake().generationRequests[0]?.outcome.finished === true,
        );
        await vscode.commands.executeCommand('flux.cancelGenerations');
        assert.equal(await pending, undefined);
        assert.equal(fake().generationRequests.length, 1, 'no retry after cancel');
        assert.equal(editor.document.getText(), DOC);
        await assertWorkspaceUnchanged(before);
        // The person chose this: no error message follows a cancel.
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual((await testingApi()).messages.shown, []);
      }
    });

    it('an echoed key never reaches the log', async () => {
      const { logUri } = await testingApi();
      // A key the fake accepts, so the request gets past authentication and the 500 that echoes
      // it is really served (each retry too).
      const echoed = 'sk-echoed-key-0123456789abcdefghij';
      await (await testingApi()).setApiKey(echoed);
      const failure = { kind: 'error', status: 500, shape: 'openai', message: 'upstream rejected {key}' } as const;
      fake().enqueue(failure, failure, failure, failure);
      assert.equal(await generate('flux.generateImage', { prompt: 'log marker prompt' }), undefined);
      assert.ok(fake().generationRequests.length >= 1);
      assert.ok(fake().generationRequests.every((r) => r.outcome.status === 500), 'every request was answered with the 500 that echoes the key');
      const shown = await expectMessage('error', 'The service failed on its side. Try again in a minute.');
      assert.ok(!shown.text.includes('echoed-key'), shown.text);
      // The failure's own line, written after the answer: the log is complete when it is there.
      // The status and the service's words (the key blanked out) are there, not in the message.
      await waitFor('the failure in the log', () => /server: The service failed on its side\. Try again in a minute\. \(HTTP 500, (code \w+, )?the service said: “upstream rejected \*\*\*”\)/.test(readAllText(logUri.fsPath)));
      const log = readAllText(logUri.fsPath);
      assert.ok(!log.includes(echoed));
      assert.ok(!log.includes('echoed-key-0123'));
      assert.ok(!log.includes(TEST_KEY));
    });
  });

  describe('a bug in Flux is said to be one', () => {
    const INTERNAL = 'Something went wrong in Flux. Show Log has the details.';

    it('in a command: an apology with Show Log (no Try Again, no settings), the stack in the log', async () => {
      const { logUri } = await testingApi();
      const editor = await openMarkdown('notes/bug.md', DOC);
      // Commands in the same extension host get their argument as it is: reading it throws.
      const arg = {
        get prompt(): string {
          throw new TypeError('flux test bug in a command');
        },
      };
      assert.equal(await generate('flux.generateImage', arg), undefined);
      const shown = await expectMessage('error', INTERNAL);
      assert.deepEqual(shown.buttons, ['Show Log']);
      assert.equal(fake().generationRequests.length, 0);
      assert.equal(editor.document.getText(), DOC);
      await waitFor('the stack in the log', () => /flux\.generateImage: TypeError: flux test bug in a command\n\s+at /.test(readAllText(logUri.fsPath)));
    });

    it('in the pipeline: never a network failure with Try Again', async () => {
      const { logUri, services } = await testingApi();
      const files = services.files as { writeTemp: unknown };
      files.writeTemp = () => Promise.reject(new TypeError('flux test bug in the pipeline'));
      try {
        const editor = await openMarkdown('notes/bug.md', DOC);
        selectLine(editor, 2);
        assert.equal(await generate('flux.generateImage', { prompt: 'a boat' }), undefined);
        assert.equal(fake().generationRequests.length, 1);
        const shown = await expectMessage('error', INTERNAL);
        assert.deepEqual(shown.buttons, ['Show Log']);
        assert.equal(editor.document.getText(), DOC);
        await waitFor('the stack in the log', () => /internal: TypeError: flux test bug in the pipeline\n\s+at /.test(readAllText(logUri.fsPath)));
      } finally {
        delete files.writeTemp;
      }
    });
  });

  describe('the document changes meanwhile', () => {
    it('several generations into one document: every link under its own sentence', async () => {
      fake().enqueue({ kind: 'b64', delayMs: 900 }, { kind: 'b64', delayMs: 200 }, { kind: 'b64', delayMs: 500 });
      const editor = await openMarkdown('notes/many.md', DOC);
      const runs: Thenable<vscode.Uri | undefined>[] = [];
      for (const line of [2, 4, 6]) {
        selectLine(editor, line);
        runs.push(generate('flux.generateFromSelection'));
        await waitFor('the request', () => fake().generationRequests.length === runs.length);
      }
      const uris = await Promise.all(runs);
      const lines = editor.document.getText().split('\n');
      const sentences = ['First sentence about the sea.', 'Second sentence about the hills.', 'Third sentence about the town.'];
      for (const [i, sentence] of sentences.entries()) {
        // The i-th command's image, linked under the i-th sentence, and on disk.
        const uri = uris[i];
        assert.ok(uri, `generation ${i + 1} resolved to its image`);
        const name = uri.path.split('/').pop()!;
        const at = lines.indexOf(sentence);
        assert.ok(at >= 0, sentence);
        assert.equal(lines[at + 1], '');
        assert.equal(lines[at + 2], `![${sentence}](../assets/${name})`);
        const bytes = await vscode.workspace.fs.readFile(uri);
        assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE, `${name} is a PNG on disk`);
      }
      assert.equal(new Set(uris.map(String)).size, 3);
      assert.deepEqual(await listFolder('assets'), uris.map((u) => u!.path.split('/').pop()!).sort(), 'the three images and nothing else (no temporary file)');
    });

    it('a document closed meanwhile still gets its link, saved', async () => {
      fake().enqueue({ kind: 'b64', delayMs: 1000 });
      const editor = await openMarkdown('notes/closed.md', DOC);
      selectLine(editor, 4);
      const pending = generate('flux.generateFromSelection');
      await waitFor('the request', () => fake().inFlight === 1);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      const uri = await pending;
      assert.ok(uri);
      const saved = fs.readFileSync(path.join(workspaceRoot().fsPath, 'notes/closed.md'), 'utf8').split('\n');
      assert.equal(saved[4], 'Second sentence about the hills.');
      assert.match(saved[6] ?? '', /^!\[Second sentence about the hills\.\]\(\.\.\/assets\/second-sentence-about-the-hills-.*\.png\)$/);
    });

    it('a document made read-only in the session meanwhile loses nothing', async () => {
      // VS Code lets extension edits into a session read-only document: the link the person
      // asked for lands, the image is there, no temporary file is left.
      fake().enqueue({ kind: 'b64', delayMs: 1000 });
      const editor = await openMarkdown('notes/readonly.md', DOC);
      selectLine(editor, 2);
      const pending = generate('flux.generateFromSelection');
      await waitFor('the request', () => fake().inFlight === 1);
      await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession');
      const uri = await pending;
      assert.ok(uri, 'the image is not lost');
      assert.ok(await exists(uri));
      assert.ok(editor.document.getText().includes(`](../assets/${uri.path.split('/').pop()})`));
      assert.deepEqual(await listFolder('assets'), [uri.path.split('/').pop()], 'the image and no temporary file');
      await vscode.commands.executeCommand('workbench.action.files.setActiveEditorWriteableInSession');
    });

    it('an untitled document closed meanwhile: the image is kept, nothing is linked anywhere', async () => {
      fake().enqueue({ kind: 'b64', delayMs: 1000 });
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: 'An idea for a picture.' });
      const editor = await vscode.window.showTextDocument(doc);
      selectLine(editor, 0);
      const pending = generate('flux.generateFromSelection');
      await waitFor('the request', () => fake().inFlight === 1);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      const uri = await pending;
      assert.ok(uri, 'the paid image is not thrown away');
      assert.ok(await exists(uri));
      const untitled = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'untitled' && d.getText().includes('!['));
      assert.deepEqual(untitled, [], 'no hidden untitled document got the link');
    });

    it('an untitled Markdown document links relative to the workspace folder', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: '' });
      await vscode.window.showTextDocument(doc);
      const uri = await generate('flux.generateImage', { prompt: 'an untitled idea' });
      assert.ok(uri);
      assert.match(doc.getText(), /^!\[an untitled idea\]\(assets\/an-untitled-idea-\d{8}-\d{6}\.png\)$/);
    });
  });
});
