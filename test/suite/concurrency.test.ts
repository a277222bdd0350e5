// Several generations into one document, answered at the same moment by the fake (hold/release):
// every link after its own paragraph, no sentence damaged, no image lost or written over.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { normalizeParams } from '../../src/core/params';
import { readConfig } from '../../src/services/config';
import { makePng } from '../fake/png';
import { closeAllEditors, fakeServiceForSuite, listFolder, openMarkdown, testingApi } from './helpers';

const ROUNDS = 20;
/**
 * The two link tests: 10 rounds. With the old inserter (no queue per document, a refused edit not
 * tried again) both failed in round 0 (checked 2026-12-07, and again with the small answers
 * below); issue 9 measured that bug in 3 of 5 rounds idle and 5 of 5 under load, so 10 rounds
 * miss it about once in 10,000 runs at worst.
 */
const LINK_ROUNDS = 10;
const SENTENCES = [
  'The lighthouse stood alone on the black rocks,\nits paint faded by a hundred winters.',
  'Waves broke over the harbour wall at dawn.',
  'A gull circled the empty quay, crying for the boats.',
];
const DOC = `# Harbour\n\n${SENTENCES.join('\n\n')}\n`;

/** The selection of the sentence's last line (the first line of a two-line paragraph for the first). */
function selectSentence(editor: vscode.TextEditor, sentence: string, firstLineOnly = false): void {
  const text = editor.document.getText();
  const start = text.indexOf(sentence);
  assert.ok(start >= 0, `“${sentence}” is in the document`);
  const end = firstLineOnly ? text.indexOf('\n', start) : start + sentence.length;
  editor.selection = new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(end));
}

/**
 * Types `text` at the start of line 2, as a keystroke. A keystroke always lands; an extension's
 * editor.edit is refused when a link landed first, so it is typed again, as the keyboard would.
 */
async function typeAtTop(editor: vscode.TextEditor, text: string): Promise<void> {
  while (!(await editor.edit((b) => b.insert(new vscode.Position(1, 0), text)))) {
    // the document changed under this edit: type it again
  }
}

/** Exactly the document with each paragraph followed by a blank line and its own link. */
function expected(links: readonly string[]): string {
  return `# Harbour\n\n${SENTENCES.map((s, i) => `${s}\n\n${links[i]}`).join('\n\n')}\n`;
}

describe('Concurrent generations into one document', function () {
  this.timeout(240_000);
  const fake = fakeServiceForSuite();
  afterEach(closeAllEditors);

  it(`places three links released at the same moment after their own paragraphs, ${LINK_ROUNDS} rounds`, async () => {
    // Three small pictures, served again in every round: released together, the three links
    // reach the document within a moment of each other, so their edits meet (1 MB answers were
    // once used to make sure of that; the old inserter fails in round 0 with these too).
    const picture = (seed: number) => makePng(64, 64, { seed: seed + 1 });
    for (let round = 0; round < LINK_ROUNDS; round++) {
      fake().reset();
      fake().hold();
      const editor = await openMarkdown(`notes/concurrent-${round}.md`, DOC);
      fake().enqueue(...[0, 1, 2].map((i) => ({ kind: 'b64' as const, image: picture(i) })));
      const pending: Thenable<vscode.Uri | undefined>[] = [];
      for (const [i, sentence] of SENTENCES.entries()) {
        // The first paragraph is hard-wrapped: select only its first line.
        selectSentence(editor, sentence, i === 0);
        pending.push(vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection', { prompt: `picture ${i}` }));
        await fake().waitForHeld(i + 1);
      }
      fake().release();
      const uris = await Promise.all(pending);
      assert.ok(uris.every(Boolean), `round ${round}: every generation returned its file`);
      const links = uris.map((uri, i) => `![picture ${i}](../assets/${uri!.path.split('/').pop()})`);
      assert.equal(editor.document.getText(), expected(links), `round ${round}`);
      for (const [i, uri] of uris.entries()) {
        // The served PNG, whole, plus its recipe chunks.
        assert.ok((await vscode.workspace.fs.stat(uri!)).size > picture(i).length, `round ${round}: ${uri!.path} written whole`);
      }
      await closeAllEditors();
    }
  });

  it(`keeps every link in place while the person types, ${LINK_ROUNDS} rounds`, async () => {
    // Small answers: the default one is a 1024x1024 picture made anew for each request.
    const picture = (seed: number) => makePng(64, 64, { seed: seed + 11 });
    for (let round = 0; round < LINK_ROUNDS; round++) {
      fake().reset();
      fake().hold();
      const editor = await openMarkdown(`notes/typing-${round}.md`, DOC);
      fake().enqueue(...[0, 1, 2].map((i) => ({ kind: 'b64' as const, image: picture(i) })));
      const pending: Thenable<vscode.Uri | undefined>[] = [];
      for (const [i, sentence] of SENTENCES.entries()) {
        selectSentence(editor, sentence);
        pending.push(vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection', { prompt: `typed ${i}` }));
        await fake().waitForHeld(i + 1);
      }
      // Typing at the top while the answers land: before, between and after the release.
      const type = (text: string) => typeAtTop(editor, text);
      await type('a');
      fake().release();
      const typing = (async () => {
        for (let k = 0; k < 15; k++) {
          await type('b');
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const [uris] = await Promise.all([Promise.all(pending), typing]);
      assert.ok(uris.every(Boolean), `round ${round}: every generation returned its file`);
      const links = uris.map((uri, i) => `![typed ${i}](../assets/${uri!.path.split('/').pop()})`);
      // Each keystroke went in at the start of line 1 (a blank line before): 'b'×15 then 'a'.
      const typed = `${'b'.repeat(15)}a`;
      const text = editor.document.getText();
      assert.equal(editor.document.lineAt(1).text, typed, `round ${round}: the typing is whole`);
      assert.equal(text.replace(`\n${typed}\n`, '\n\n'), expected(links), `round ${round}: every link after its own paragraph`);
      await closeAllEditors();
    }
  });

  it('places a link that lands while the person types without a pause, however often the typing refuses it', async () => {
    const { links } = (await testingApi()).services;
    // More refusals than the eight tries a fixed count once allowed (the link was then lost).
    const MANY = 10;
    let exercised = 0;
    for (let round = 0; round < 5 && exercised === 0; round++) {
      fake().reset();
      fake().hold();
      const editor = await openMarkdown(`notes/typing-fast-${round}.md`, DOC);
      selectSentence(editor, SENTENCES[1]!);
      let done = false;
      const pending = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection', { prompt: 'fast typing' })).finally(() => {
        done = true;
      });
      await fake().waitForHeld(1);
      const refusedBefore = links.refusals;
      fake().release();
      // Keystrokes back to back, each waiting only for the one before (a held key repeats like
      // this), until the link is in or VS Code has refused it MANY times; then it must go in.
      let keys = 0;
      while (!done && links.refusals - refusedBefore < MANY && keys < 5_000) {
        await typeAtTop(editor, 'b');
        keys++;
      }
      if (links.refusals - refusedBefore >= MANY) exercised++;
      const uri = await pending;
      assert.ok(uri, `round ${round}: the image was made`);
      const link = `![fast typing](../assets/${uri.path.split('/').pop()})`;
      const [first, second, third] = SENTENCES;
      assert.equal(editor.document.getText(), `# Harbour\n${'b'.repeat(keys)}\n${first}\n\n${second}\n\n${link}\n\n${third}\n`, `round ${round}, after ${links.refusals - refusedBefore} refusals`);
      await closeAllEditors();
    }
    assert.equal(exercised, 1, `in one of five rounds the typing refused the link ${MANY} times or more`);
  });

  it(`never writes one image over another: four same-prompt generations released at once, ${ROUNDS} rounds`, async () => {
    // Straight into the pipeline, where names are reserved: through the command, each image with
    // no document to link into opens in a preview, 80 previews whose rendering outlives the test.
    const { generation } = (await testingApi()).services;
    const { model, size } = readConfig();
    const request = normalizeParams({ prompt: 'the same prompt', model, size, seed: -1 });
    for (let round = 0; round < ROUNDS; round++) {
      fake().reset();
      fake().hold();
      const pending = [0, 1, 2, 3].map(() => generation.run({ request }).then((result) => result.uri));
      await fake().waitForHeld(4);
      fake().release();
      const uris = await Promise.all(pending);
      assert.ok(uris.every(Boolean));
      assert.equal(new Set(uris.map((u) => u!.toString())).size, 4, `round ${round}: four different files`);
      const contents = await Promise.all(uris.map((u) => vscode.workspace.fs.readFile(u!)));
      assert.equal(new Set(contents.map((c) => Buffer.from(c).toString('base64'))).size, 4, `round ${round}: four different pictures`);
    }
    assert.equal((await listFolder('assets')).filter((n) => n.endsWith('.png')).length, 4 * ROUNDS);
    assert.deepEqual((await listFolder('assets')).filter((n) => !n.endsWith('.png')), [], 'no temporary file left');
  });
});
