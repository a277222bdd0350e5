// What a writer does, in the real VS Code: select a sentence, generate from the context menu,
// answer the key prompt; a bad key changes nothing; a good one puts the image under the sentence.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ui } from '../harness/uiContext';
import {
  clearNotifications,
  clickContextMenuItem,
  clickNotificationButton,
  editorText,
  goToLine,
  openEditorContextMenu,
  openFile,
  runCommand,
  screenshot,
  selectLines,
  typeIntoQuickInput,
  waitForNotification,
} from '../harness/workbench';

const SENTENCE = 'A single gull circled the lamp room, white against a sky turning violet.';

function assetsIn(workspace: string): string[] {
  try {
    return fs.readdirSync(path.join(workspace, 'assets')).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('Generate from the editor, as a person does', () => {
  it('asks for a key on first use; a rejected key changes nothing and offers Set API Key', async () => {
    const { page, workspace, fake } = ui();
    await runCommand(page, 'Flux: Clear API Key');
    await clearNotifications(page);
    const before = fs.readFileSync(path.join(workspace, 'notes/chapter.md'), 'utf8');
    await openFile(page, 'notes/chapter.md');
    await selectLines(page, 5);
    await openEditorContextMenu(page);
    await clickContextMenuItem(page, 'Generate Image from Selection');
    // First use: the key box appears; this key is one the service refuses.
    await typeIntoQuickInput(page, 'sk-invalid-typed-by-a-person-0000');
    const toast = await waitForNotification(page, /API key was rejected/);
    await screenshot(page, 'generate-bad-key');
    const message = await toast.innerText();
    assert.ok(!message.includes('sk-invalid-typed-by-a-person-0000'), 'the key is not shown back');
    assert.ok(!/invalid-typed-by/.test(message), 'no part of the key is shown back');
    assert.deepEqual(assetsIn(workspace), [], 'no image written');
    assert.equal(fs.readFileSync(path.join(workspace, 'notes/chapter.md'), 'utf8'), before);
    assert.ok(!(await editorText(page)).includes('!['), 'the document has no link');
    assert.equal(fake.generationRequests.at(-1)?.outcome.status, 401);

    // The obvious next step is on the message: set a good key, and the generation goes on.
    await clickNotificationButton(toast, 'Set API Key');
    await typeIntoQuickInput(page, 'sk-good-key-typed-by-a-person-0000');
    await waitUntil('the image in assets/', () => assetsIn(workspace).length === 1);
    const [name] = assetsIn(workspace);
    assert.match(name ?? '', /^a-single-gull-circled-the-lamp-room-white-\d{8}-\d{6}\.png$/);
    await waitUntil('the link under the sentence', async () => (await editorText(page)).includes(`](../assets/${name})`));
    const lines = (await editorText(page)).split('\n');
    const at = lines.indexOf(SENTENCE);
    assert.ok(at >= 0, 'the sentence is still there');
    assert.equal(lines[at + 1], '');
    assert.equal(lines[at + 2], `![${SENTENCE}](../assets/${name})`);
    await screenshot(page, 'generate-from-selection');
  });

  it('Flux: Generate Image asks for a prompt and links at the cursor', async () => {
    const { page, workspace } = ui();
    await clearNotifications(page);
    await openFile(page, 'notes/chapter.md');
    await goToLine(page, 1);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await runCommand(page, 'Flux: Generate Image');
    await typeIntoQuickInput(page, 'A brass lamp, close up, warm light');
    await waitUntil('the link at the cursor', async () => /!\[A brass lamp, close up, warm light\]\(\.\.\/assets\/a-brass-lamp-close-up-warm-light-\d{8}-\d{6}\.png\)/.test(await editorText(page)));
    assert.ok(assetsIn(workspace).some((n) => n.startsWith('a-brass-lamp-close-up-warm-light-')));
    await screenshot(page, 'generate-at-cursor');
  });
});
