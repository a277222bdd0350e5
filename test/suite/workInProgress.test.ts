// What a writer sees while images are made and when they are done: one status bar item with the
// count and the time, one message for the images that finished together (never a stale line,
// never a file an Undo removed), and Edit Prompt on a refusal, through the same pipeline.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, exists, fakeServiceForSuite, openMarkdown, shownMessages, testingApi, waitFor } from './helpers';

const SENTENCES = ['The lighthouse stood alone on the black rocks.', 'Waves broke over the harbour wall at dawn.', 'A gull circled the empty quay.'];
const DOC = `# Harbour\n\n${SENTENCES.join('\n\n')}\n`;

function select(editor: vscode.TextEditor, sentence: string): void {
  const start = editor.document.getText().indexOf(sentence);
  assert.ok(start >= 0);
  editor.selection = new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(start + sentence.length));
}

/** Generates from each sentence in turn while the fake holds every answer; resolves once all three are held. */
async function startHeld(editor: vscode.TextEditor, fake: ReturnType<ReturnType<typeof fakeServiceForSuite>>): Promise<Thenable<vscode.Uri | undefined>[]> {
  fake.hold();
  const pending: Thenable<vscode.Uri | undefined>[] = [];
  for (const [i, sentence] of SENTENCES.entries()) {
    select(editor, sentence);
    pending.push(vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection'));
    await waitFor(`request ${i + 1}`, () => fake.held === i + 1);
  }
  return pending;
}

describe('Work in progress and finished images', function () {
  this.timeout(60_000);
  const fake = fakeServiceForSuite();
  afterEach(closeAllEditors);

  it('shows one status bar item while three images are made, then one summary of the three', async () => {
    const api = await testingApi();
    const editor = await openMarkdown('notes/summary-three.md', DOC);
    const pending = await startHeld(editor, fake());
    assert.match(api.workStatus() ?? '', /^\$\(loading~spin\) Flux: 3 images · 0:0\d$/);
    try {
      await waitFor('the time to go on', () => /^\$\(loading~spin\) Flux: 3 images · 0:0[2-9]$/.test(api.workStatus() ?? ''));
    } finally {
      fake().release();
    }
    const uris = await Promise.all(pending);
    assert.ok(uris.every(Boolean));
    await waitFor('the status bar item gone', () => api.workStatus() === undefined);
    await waitFor('a message', async () => (await shownMessages()).length > 0);
    await new Promise((r) => setTimeout(r, 500));
    const shown = await shownMessages();
    assert.equal(shown.length, 1, JSON.stringify(shown));
    assert.equal(shown[0]!.text, '3 images linked in notes/summary-three.md.');
    assert.deepEqual(shown[0]!.buttons, ['Show Images', 'Open in Studio']);
  });

  it('cancels one image of several from the status bar item’s list; the others are made and linked', async () => {
    const api = await testingApi();
    const editor = await openMarkdown('notes/cancel-one.md', DOC);
    const pending = await startHeld(editor, fake());
    const listed = api.services.generation.inProgress();
    assert.deepEqual(listed.map((w) => w.prompt), SENTENCES);
    listed[1]!.cancel();
    assert.equal(await pending[1], undefined);
    assert.deepEqual(api.services.generation.inProgress().map((w) => w.prompt), [SENTENCES[0], SENTENCES[2]]);
    fake().release();
    const [first, , third] = await Promise.all(pending);
    assert.ok(first && third);
    const text = editor.document.getText();
    assert.ok(text.includes(first.path.split('/').pop()!) && text.includes(third.path.split('/').pop()!));
    // The cancelled sentence got no link: the paragraph after it is untouched.
    assert.ok(text.includes(`${SENTENCES[1]}\n\n${SENTENCES[2]}`), text);
    await waitFor('the status bar item gone', () => api.workStatus() === undefined);
  });

  it('leaves out of the summary an image an Undo removed while another was still being made', async () => {
    const editor = await openMarkdown('notes/summary-undo.md', DOC);
    // The first request answers late, the second at once.
    fake().enqueue({ kind: 'b64', delayMs: 4000 }, { kind: 'b64' });
    select(editor, SENTENCES[0]!);
    const late = vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    await waitFor('the first request', () => fake().generationRequests.length === 1);
    select(editor, SENTENCES[2]!);
    const early = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
    assert.ok(early && (await exists(early)));
    assert.deepEqual(await shownMessages(), [], 'held for the one still being made');
    // One Undo takes the link and the file back.
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await waitFor('the undone image removed', async () => !(await exists(early)));
    const kept = await late;
    assert.ok(kept);
    await waitFor('a message', async () => (await shownMessages()).length > 0);
    await new Promise((r) => setTimeout(r, 500));
    const shown = await shownMessages();
    assert.equal(shown.length, 1, JSON.stringify(shown));
    const earlyName = early.path.split('/').pop()!;
    const keptName = kept.path.split('/').pop()!;
    assert.match(shown[0]!.text, new RegExp(`^Saved \\S*assets/${keptName.replace(/[.-]/g, '\\$&')} and linked it in notes/summary-undo\\.md\\.$`));
    assert.ok(!shown[0]!.text.includes(earlyName), 'the undone image is not named');
    assert.deepEqual(shown[0]!.buttons, ['Open', 'Reveal in Explorer', 'Open in Studio']);
  });

  it('offers Edit Prompt on a refusal: the box holds the prompt, and the edited words are made and linked', async () => {
    const editor = await openMarkdown('notes/edit-prompt.md', DOC);
    const refused = 'A lighthouse at night [moderated]';
    const w = vscode.window as unknown as Record<string, unknown>;
    const saved = { warn: w.showWarningMessage, input: w.showInputBox };
    let offered: unknown[] = [];
    let prefilled: string | undefined;
    w.showWarningMessage = async (_text: string, ...buttons: unknown[]) => {
      offered = buttons;
      return buttons.includes('Edit Prompt') ? 'Edit Prompt' : undefined;
    };
    w.showInputBox = async (options: vscode.InputBoxOptions) => {
      prefilled = options.value;
      return 'A lighthouse at night, calm sea';
    };
    try {
      editor.selection = new vscode.Selection(2, 0, 2, 0);
      assert.equal(await vscode.commands.executeCommand('flux.generateImage', { prompt: refused }), undefined, 'the first try is refused');
      await waitFor('the edited prompt made and linked', () => editor.document.getText().includes('![A lighthouse at night, calm sea](../assets/'), 20_000);
      assert.ok(offered.includes('Edit Prompt'), JSON.stringify(offered));
      assert.equal(prefilled, refused);
      assert.deepEqual(
        fake().generationRequests.map((r) => (r.body as { prompt: string }).prompt),
        [refused, 'A lighthouse at night, calm sea'],
      );
      const refusal = (await shownMessages()).find((m) => m.severity === 'warning');
      assert.ok(refusal, 'the refusal was said');
      assert.ok(refusal.buttons.includes('Edit Prompt'));
    } finally {
      w.showWarningMessage = saved.warn;
      w.showInputBox = saved.input;
    }
  });

  it('does not offer Edit Prompt where the words are not the problem', async () => {
    await openMarkdown('notes/edit-prompt-quota.md', DOC);
    assert.equal(await vscode.commands.executeCommand('flux.generateImage', { prompt: 'A lighthouse [quota]' }), undefined);
    await waitFor('the failure said', async () => (await shownMessages()).length > 0, 30_000);
    const [failure] = await shownMessages();
    assert.ok(failure && !failure.buttons.includes('Edit Prompt'), JSON.stringify(failure));
  });
});
