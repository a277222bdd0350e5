// Editing an image as a person does, in the real VS Code: right-click an image in the Explorer,
// the image preview's title button, and the cursor on a reference in Markdown.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { makePng } from '../fake/png';
import { ui } from '../harness/uiContext';
import { clearNotifications, clickContextMenuItem, goToLine, openFile, quickInputMessage, runCommand, screenshot, typeIntoQuickInput, waitForLineOnScreen, waitForNotification, waitUntil } from '../harness/workbench';

const SOURCE = makePng(320, 200, { seed: 21 });
const KEY = 'sk-ui-edit-key-0123456789abcdef';

function assetsIn(workspace: string): string[] {
  try {
    return fs.readdirSync(path.join(workspace, 'assets')).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
}

/** The labels of the open editor tabs, per editor group (left to right). */
async function tabsByGroup(page: Page): Promise<string[][]> {
  return page.locator('.editor-group-container').evaluateAll((groups) => groups.map((g) => [...g.querySelectorAll('.tabs-container .tab .label-name')].map((t) => t.textContent?.trim() ?? '')));
}

/** The instruction box: its title names the image being edited. */
async function instructionTitle(page: Page): Promise<string> {
  const title = page.locator('.quick-input-widget .quick-input-title');
  await title.waitFor({ state: 'visible', timeout: 10_000 });
  return title.innerText();
}

describe('Edit an image, as a person does', () => {
  before(async () => {
    const { page, workspace, tidy } = ui();
    // Its own state: no images in assets/ from earlier tests, the source image in pics/.
    fs.rmSync(path.join(workspace, 'assets'), { recursive: true, force: true });
    fs.mkdirSync(path.join(workspace, 'pics'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'pics', 'harbour.png'), SOURCE);
    // The Explorer of a running code-server may not notice files written behind its back: read again.
    await tidy();
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, KEY);
    await clearNotifications(page);
  });

  after(async () => {
    const { workspace, tidy } = ui();
    fs.rmSync(path.join(workspace, 'pics'), { recursive: true, force: true });
    fs.rmSync(path.join(workspace, 'zz-late'), { recursive: true, force: true });
    fs.rmSync(path.join(workspace, 'assets'), { recursive: true, force: true });
    fs.rmSync(path.join(workspace, 'notes', 'edit-ui.md'), { force: true });
    await tidy();
  });

  it('right-click an image in the Explorer → Edit Image… → the new image opens beside', async () => {
    const { page, workspace, fake } = ui();
    // As a person would: open the Explorer first (an earlier test may have left the side bar closed).
    await runCommand(page, 'View: Show Explorer');
    const explorer = page.locator('.explorer-folders-view');
    const row = (name: string) => explorer.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }) }).first();
    await waitUntil('pics/ in the Explorer', () => row('pics').isVisible());
    if (!(await row('harbour.png').isVisible())) await row('pics').click();
    await row('harbour.png').click({ button: 'right' });
    await page.locator('.context-view .monaco-menu').waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, 'edit-explorer-menu');
    await clickContextMenuItem(page, 'Edit Image…');

    assert.match(await instructionTitle(page), /Edit harbour\.png/);
    assert.match(await quickInputMessage(page), /What should change in harbour\.png\?/);
    await screenshot(page, 'edit-instruction');
    await typeIntoQuickInput(page, 'make the sky stormy');

    await waitUntil('the new image in assets/', () => assetsIn(workspace).length === 1);
    const [name] = assetsIn(workspace);
    assert.match(name ?? '', /^make-the-sky-stormy-\d{8}-\d{6}\.png$/);
    await waitUntil('the new image open in an editor group of its own', async () => (await tabsByGroup(page)).some((tabs) => tabs.includes(name!)));
    const groups = await tabsByGroup(page);
    assert.ok(groups.length >= 2, `opened beside: ${JSON.stringify(groups)}`);
    assert.ok(Buffer.from(SOURCE).equals(fs.readFileSync(path.join(workspace, 'pics', 'harbour.png'))), 'the source is untouched');
    const sent = fake.editRequests.at(-1);
    assert.equal(sent?.headers.authorization, `Bearer ${KEY}`);
    await screenshot(page, 'edit-opened-beside');
  });

  it('the image preview\'s title button edits the image shown', async () => {
    const { page, workspace, tidy } = ui();
    await tidy();
    const before = assetsIn(workspace).length;
    // Quick Open, as a person opens a file: the image shows in VS Code's image preview.
    await page.keyboard.press('Control+P');
    await typeIntoQuickInput(page, 'pics/harbour.png', { submit: false });
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'harbour.png' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    const button = page.locator('.editor-group-container.active .editor-actions .action-label[aria-label^="Edit Image"]');
    await button.waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(page, 'edit-preview-button');
    await button.click();
    assert.match(await instructionTitle(page), /Edit harbour\.png/);
    await typeIntoQuickInput(page, 'add a red boat');
    await waitUntil('the new image', () => assetsIn(workspace).length === before + 1);
    const name = assetsIn(workspace).find((n) => n.startsWith('add-a-red-boat-'));
    assert.ok(name);
    await waitUntil('the new image open beside the preview', async () => {
      const groups = await tabsByGroup(page);
      return groups.length >= 2 && groups.some((t) => t.includes(name)) && groups.some((t) => t.includes('harbour.png'));
    });
    await screenshot(page, 'edit-preview-beside');
  });

  it('cursor on a reference in Markdown → palette → the reference points at the new image', async () => {
    const { page, workspace, tidy } = ui();
    await tidy();
    const doc = path.join(workspace, 'notes', 'edit-ui.md');
    fs.writeFileSync(doc, '# Harbour\n\n![The harbour at dawn](../pics/harbour.png)\n');
    await openFile(page, 'notes/edit-ui.md');
    await goToLine(page, 3);
    await runCommand(page, 'Flux: Edit Image…');
    assert.match(await instructionTitle(page), /Edit harbour\.png/);
    await typeIntoQuickInput(page, 'paint it as a watercolour');
    const toast = await waitForNotification(page, /and pointed the image in notes\/edit-ui\.md at it\./);
    const name = assetsIn(workspace).find((n) => n.startsWith('paint-it-as-a-watercolour-'));
    assert.ok(name);
    // Line 3 with its wrapped rows joined: a narrow editor wraps the long new path.
    await waitForLineOnScreen(page, 3, new RegExp(`^!\\[The harbour at dawn\\]\\(\\.\\./assets/${name!.replace(/\./g, '\\.')}\\)$`));
    assert.ok(await toast.isVisible());
    await screenshot(page, 'edit-reference-retargeted');
    assert.ok(Buffer.from(SOURCE).equals(fs.readFileSync(path.join(workspace, 'pics', 'harbour.png'))));
  });

  it('with nothing open, the palette offers the workspace\'s images, newest first, with thumbnails', async () => {
    const { page, workspace, tidy } = ui();
    // Its own newest image (earlier tests may have left others, or none): a second after them all,
    // and named and placed to sort last by name, so only sorting by time puts it first.
    const newest = 'zz-newest.png';
    const newestFile = path.join(workspace, 'zz-late', newest);
    fs.mkdirSync(path.dirname(newestFile), { recursive: true });
    fs.writeFileSync(newestFile, SOURCE);
    const later = new Date(Date.now() + 1_000);
    fs.utimesSync(newestFile, later, later);
    await tidy();
    // No editor (tidy closed them all): nothing to take the image from.
    await runCommand(page, 'Flux: Edit Image…');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
    const labels = await rows.locator('.label-name').allInnerTexts();
    assert.equal(labels[0], newest, `newest first: ${JSON.stringify(labels)}`);
    assert.ok(labels.includes('harbour.png'));
    const icons = await rows.locator('.quick-input-list-icon').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundImage));
    assert.ok(icons.length >= 2 && icons.every((i) => /url\(/.test(i)), `every row shows its image: ${JSON.stringify(icons)}`);
    await screenshot(page, 'edit-quick-pick');
    await page.keyboard.press('Escape');
  });
});
