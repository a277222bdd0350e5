// What a writer does, in the real VS Code: select a sentence, generate from the context menu or
// the keybinding, answer the key prompt; a bad key changes nothing; a good one puts the image
// under the sentence. Each test writes its own document and sets its own key, so any one of them
// passes alone (FLUX_TEST_GREP) and in any order.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { ui } from '../harness/uiContext';
import {
  clearNotifications,
  clickContextMenuItem,
  clickNotificationButton,
  contextMenuLabels,
  editorText,
  filesOnDisk,
  goToLine,
  openEditorContextMenu,
  openFile,
  quickInputField,
  runCommand,
  screenshot,
  selectLines,
  typeIntoQuickInput,
  waitForLineOnScreen,
  waitForNotification,
  waitUntil,
} from '../harness/workbench';

const SENTENCE = 'A single gull circled the lamp room, white against a sky turning violet.';
/** The sentence starts a hard-wrapped paragraph, as real writing does: the link goes after all of it. */
const WRAPPED = 'Below, the harbour lights came on one by one.';
const DOC = ['# Chapter One', '', 'The keeper climbed the stairs at dusk.', '', SENTENCE, WRAPPED, '', 'She lit the wick.', ''].join('\n');
/** 1-based line of SENTENCE in DOC. */
const SENTENCE_LINE = 5;

/** A fresh document of the test's own, written on disk and opened through Quick Open. */
async function openOwnDocument(page: Page, relative: string, text: string = DOC): Promise<string> {
  const file = path.join(ui().workspace, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  await openFile(page, relative);
  return file;
}

/** Flux: Set API Key from the palette, typed into its password box. */
async function setKey(page: Page, key: string): Promise<void> {
  await runCommand(page, 'Flux: Set API Key');
  await typeIntoQuickInput(page, key);
  await waitForNotification(page, /API key saved/);
  await clearNotifications(page);
}

const assetsDir = () => path.join(ui().workspace, 'assets');

describe('Generate from the editor, as a person does', () => {
  beforeEach(async () => {
    ui().fake.reset();
    fs.rmSync(assetsDir(), { recursive: true, force: true });
    await clearNotifications(ui().page);
  });

  it('asks for a key on first use; a rejected key changes nothing and offers Set API Key', async () => {
    const { page, fake } = ui();
    await runCommand(page, 'Flux: Clear API Key');
    await clearNotifications(page);
    const file = await openOwnDocument(page, 'notes/ui-first-key.md');
    await selectLines(page, SENTENCE_LINE);
    await openEditorContextMenu(page);
    await clickContextMenuItem(page, 'Generate Image from Selection');
    // First use: the key box appears, a password box; this key is one the service refuses.
    await quickInputField(page).and(page.locator('[type="password"]')).waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await quickInputField(page).getAttribute('type'), 'password');
    await typeIntoQuickInput(page, 'sk-invalid-typed-by-a-person-0000');
    const toast = await waitForNotification(page, /API key was rejected/);
    await screenshot(page, 'generate-bad-key');
    const message = await toast.innerText();
    assert.ok(!message.includes('sk-invalid-typed-by-a-person-0000'), 'the key is not shown back');
    assert.ok(!/invalid-typed-by/.test(message), 'no part of the key is shown back');
    assert.deepEqual(filesOnDisk(assetsDir()), [], 'no image written, no temporary file left');
    assert.equal(fs.readFileSync(file, 'utf8'), DOC);
    assert.ok(!(await editorText(page)).includes('!['), 'the document has no link');
    assert.equal(fake.generationRequests.at(-1)?.outcome.status, 401);

    // The obvious next step is on the message: set a good key, and the generation goes on.
    await clickNotificationButton(toast, 'Set API Key');
    await typeIntoQuickInput(page, 'sk-good-key-typed-by-a-person-0000');
    await waitUntil('the image in assets/', () => filesOnDisk(assetsDir()).some((n) => n.endsWith('.png')));
    await waitUntil('the temporary file to go', () => filesOnDisk(assetsDir()).length === 1);
    const [name] = filesOnDisk(assetsDir());
    assert.match(name ?? '', /^a-single-gull-circled-the-lamp-room-white-\d{8}-\d{6}\.png$/);
    // On screen where a person looks for it: after the paragraph (both its lines), which is unchanged.
    await waitForLineOnScreen(page, SENTENCE_LINE + 3, new RegExp(`^!\\[${SENTENCE.replace(/[.,]/g, '\\$&')}\\]\\(\\.\\./assets/${name?.replace(/\./g, '\\.')}\\)$`));
    await waitForLineOnScreen(page, SENTENCE_LINE, new RegExp(`^${SENTENCE.replace(/[.,]/g, '\\$&')}$`));
    await waitForLineOnScreen(page, SENTENCE_LINE + 1, new RegExp(`^${WRAPPED}$`));
    await waitForLineOnScreen(page, SENTENCE_LINE + 2, /^$/);
    await waitForLineOnScreen(page, SENTENCE_LINE + 4, /^$/);
    await screenshot(page, 'generate-from-selection');
  });

  it('Flux: Generate Image asks for a prompt and links at the cursor', async () => {
    const { page, fake } = ui();
    await setKey(page, 'sk-ui-generate-image-0123456789');
    await openOwnDocument(page, 'notes/ui-at-cursor.md', '# Lamps\n\n\nThe end.\n');
    await goToLine(page, 2);
    await runCommand(page, 'Flux: Generate Image');
    await typeIntoQuickInput(page, 'A brass lamp, close up, warm light');
    const link = /^!\[A brass lamp, close up, warm light\]\(\.\.\/assets\/a-brass-lamp-close-up-warm-light-\d{8}-\d{6}\.png\)$/;
    // The cursor was on the empty line 2: the image stands alone there, with blank lines around it.
    await waitForLineOnScreen(page, 3, link);
    assert.equal((await waitForLineOnScreen(page, 2, /^$/)), '');
    assert.equal((await waitForLineOnScreen(page, 4, /^$/)), '');
    await waitForLineOnScreen(page, 5, /^The end\.$/);
    await waitUntil('only the image in assets/', () => filesOnDisk(assetsDir()).length === 1 && filesOnDisk(assetsDir())[0]!.endsWith('.png'));
    const files = filesOnDisk(assetsDir());
    assert.ok(link.test(`![A brass lamp, close up, warm light](../assets/${files[0]})`));
    assert.equal((fake.generationRequests[0]?.body as { prompt: string }).prompt, 'A brass lamp, close up, warm light');
    await screenshot(page, 'generate-at-cursor');
  });

  it('Ctrl+Alt+G generates from the selection in Markdown, and does nothing in plain text', async () => {
    const { page, fake } = ui();
    await setKey(page, 'sk-ui-keybinding-0123456789abcd');
    // Plain text first: the keybinding's when-clause leaves it alone.
    await openOwnDocument(page, 'notes/ui-plain.txt', `${SENTENCE}\n`);
    await selectLines(page, 1);
    await page.keyboard.press('Control+Alt+G');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(fake.generationRequests.length, 0, 'no request from plain text');

    await openOwnDocument(page, 'notes/ui-keybinding.md');
    await selectLines(page, SENTENCE_LINE);
    await page.keyboard.press('Control+Alt+G');
    await waitForLineOnScreen(page, SENTENCE_LINE + 3, /^!\[A single gull circled the lamp room, white against a sky turning violet\.\]\(\.\.\/assets\/a-single-gull-.*\.png\)$/);
    assert.equal(fake.generationRequests.length, 1);
    await waitUntil('only the image in assets/', () => filesOnDisk(assetsDir()).length === 1 && filesOnDisk(assetsDir())[0]!.endsWith('.png'));
    await screenshot(page, 'generate-keybinding');
  });

  it('shows a service message holding a link and an icon as plain words: nothing to click, nothing written', async () => {
    const { page, fake } = ui();
    await setKey(page, 'sk-ui-outside-words-0123456789ab');
    const file = await openOwnDocument(page, 'notes/ui-outside-words.md');
    await selectLines(page, SENTENCE_LINE);
    fake.reset();
    fake.enqueue({ kind: 'error', status: 400, shape: 'openai', code: 'bad', message: 'Key expired. [Renew your key](command:workbench.action.openSettings) $(alert) <b>now</b>' });
    await page.keyboard.press('Control+Alt+G');
    const toast = await waitForNotification(page, /Renew your key/);
    await screenshot(page, 'generate-outside-words');
    const message = toast.locator('.notification-list-item-message');
    // As rendered: the words are there, but no link, no icon and no markup was made of them.
    assert.equal(await message.locator('a, .codicon, b').count(), 0, await message.innerHTML());
    assert.match(await message.innerText(), /^The service rejected the request: “Key expired\. \[Renew your key\] \(command:workbench\.action\.openSettings\) \$ \(alert\) <b>now<\/b>”\. Show Log has the details\.$/);
    // Show Log opens the Flux output, where the status and the service's whole words are.
    await clickNotificationButton(toast, 'Show Log');
    const output = page.locator('.part.panel .monaco-editor .view-lines').first();
    await waitUntil('the details in the Flux output', async () =>
      // Long lines wrap there: spaces and line breaks read as one space.
      /HTTP 400, code bad, the service said: “Key expired\./.test((await output.innerText().catch(() => '')).replace(/\s+/g, ' ')),
    );
    await screenshot(page, 'generate-outside-words-log');
    // The panel goes away again: the suites after this one measure the editor area.
    await runCommand(page, 'View: Toggle Panel Visibility');
    await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 10_000 });
    // Nothing changed.
    assert.equal(fs.readFileSync(file, 'utf8'), DOC);
    assert.deepEqual(filesOnDisk(assetsDir()), []);
    assert.equal(fake.generationRequests.length, 1);
  });

  it('offers Generate Image from Selection only for a selection in Markdown', async () => {
    const { page } = ui();
    const item = 'Generate Image from Selection';
    const labelsHere = async (): Promise<string[]> => {
      await openEditorContextMenu(page);
      const labels = await contextMenuLabels(page);
      await page.keyboard.press('Escape');
      return labels;
    };
    await openOwnDocument(page, 'notes/ui-menu.md');
    await selectLines(page, SENTENCE_LINE);
    assert.ok((await labelsHere()).includes(item), 'offered for selected Markdown');
    await goToLine(page, SENTENCE_LINE);
    assert.ok(!(await labelsHere()).includes(item), 'not offered without a selection');
    await openOwnDocument(page, 'notes/ui-menu.txt', `${SENTENCE}\n`);
    await selectLines(page, 1);
    const plain = await labelsHere();
    assert.ok(plain.length > 0 && !plain.includes(item), `not offered in plain text: ${JSON.stringify(plain)}`);
  });
});
