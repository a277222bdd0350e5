// House styles as a writer meets them in the real VS Code (code-server in Chromium): the status
// bar item and Choose Style for Document on a chapter, then Add Image to Style from a Studio card.
// Screenshots in the dark and light themes go to test-artifacts/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { makePng } from '../fake/png';
import { ui } from '../harness/uiContext';
import { clearNotifications, editorText, openFile, pickQuickItem, runCommand, screenshot, setTheme, typeIntoQuickInput, waitForNotification, waitUntil } from '../harness/workbench';

const STYLES = { styles: { ink: { description: 'Ink sketches for the guide', prompt: '{prompt}. Loose ink sketch', references: ['style-ui/ink-1.png'] }, clay: { prompt: '{prompt}, in clay' } } };

function styleItem(page: Page) {
  return page.locator('.statusbar-item', { hasText: /^\s*ink\s*$/ }).or(page.locator('[id="flux-vscode.flux-vscode.flux.style"]'));
}

async function styleItemText(page: Page): Promise<string | undefined> {
  const item = page.locator('[id="flux-vscode.flux-vscode.flux.style"]');
  if (!(await item.isVisible().catch(() => false))) return undefined;
  return (await item.innerText()).trim();
}

describe('House styles, as a writer uses them', function () {
  this.timeout(180_000);

  before(async () => {
    const { workspace, tidy } = ui();
    fs.mkdirSync(path.join(workspace, 'style-ui'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'style-ui', 'ink-1.png'), makePng(160, 120, { seed: 5 }));
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'flux-styles.json'), `${JSON.stringify(STYLES, undefined, 2)}\n`);
    fs.writeFileSync(path.join(workspace, 'notes', 'style-ui.md'), '# Lighthouses\n\nA lighthouse on a cliff.\n');
    await tidy();
  });

  after(async () => {
    const { workspace, tidy } = ui();
    fs.rmSync(path.join(workspace, 'style-ui'), { recursive: true, force: true });
    fs.rmSync(path.join(workspace, '.vscode', 'flux-styles.json'), { force: true });
    fs.rmSync(path.join(workspace, 'notes', 'style-ui.md'), { force: true });
    fs.rmSync(path.join(workspace, 'notes', 'style-ui-studio.md'), { force: true });
    fs.rmSync(path.join(workspace, 'assets'), { recursive: true, force: true });
    await tidy();
  });

  it('Choose Style for Document writes the declaration, and the status bar item shows it and opens the picker', async () => {
    const { page } = ui();
    await openFile(page, 'notes/style-ui.md');
    assert.equal(await styleItemText(page), undefined, 'no style yet: no item');
    await runCommand(page, 'Flux: Choose Style for Document');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Ink sketches for the guide' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'styles-dark-choose-style');
    await pickQuickItem(page, 'ink');
    await waitUntil('the status bar item to name ink', async () => (await styleItemText(page)) === 'ink');
    assert.match(await editorText(page), /^---\s*flux-style: ink\s*---/);
    await screenshot(page, 'styles-dark-status-bar');
    await setTheme(page, 'Default Light Modern');
    await screenshot(page, 'styles-light-status-bar');
    // The item runs Choose Style: No style takes the declaration out and the item goes.
    await styleItem(page).first().click();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'No style' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'styles-light-choose-style');
    await pickQuickItem(page, 'No style');
    await waitUntil('the status bar item to go', async () => (await styleItemText(page)) === undefined);
    assert.doesNotMatch(await editorText(page), /flux-style/);
    await setTheme(page, 'Default Dark Modern');
  });

  it('Add Image to Style from a Studio card: a new style holds the saved image', async () => {
    const { page, workspace } = ui();
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, 'sk-ui-styles-0123456789abcdefghij');
    await waitForNotification(page, /API key saved/);
    await clearNotifications(page);
    await runCommand(page, 'Flux: Open Image Studio');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const prompt = frame.locator('#prompt');
    await prompt.waitFor({ state: 'visible', timeout: 30_000 });
    await prompt.click();
    await prompt.pressSequentially('A harbour crane in ink');
    await frame.locator('#generate').click();
    const card = frame.locator('li.card.item').filter({ has: frame.locator('.card-prompt', { hasText: 'A harbour crane in ink' }) }).first();
    await card.waitFor({ timeout: 30_000 });
    // A draft is not in the workspace: saved first, then it can be a reference.
    await card.locator('.card-actions button.save').click();
    await waitUntil('the image to be saved', async () => (await card.locator('.badge.draft').count()) === 0);
    await card.locator('.menu-button').click();
    await card.getByRole('menuitem', { name: 'Add to style…' }).click();
    await pickQuickItem(page, 'New style…');
    await typeIntoQuickInput(page, 'harbour');
    // The second box (the style's words) is titled with the new name.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'New style "harbour"' }).waitFor({ timeout: 10_000 });
    await typeIntoQuickInput(page, '{prompt}. Ink and grey wash');
    await waitForNotification(page, /Added assets\/.+ to style "harbour"/);
    await screenshot(page, 'styles-dark-added-from-card');
    const written = JSON.parse(fs.readFileSync(path.join(workspace, '.vscode', 'flux-styles.json'), 'utf8')) as { styles: Record<string, { prompt: string; references?: string[] }> };
    assert.equal(written.styles.harbour?.prompt, '{prompt}. Ink and grey wash');
    assert.match(written.styles.harbour?.references?.[0] ?? '', /^assets\/.+\.(png|jpg)$/);
    assert.deepEqual(written.styles.ink?.references, ['style-ui/ink-1.png'], 'the other styles are as they were');
  });

  it('the Studio’s Style picker starts at the chapter’s style; a style picked by keyboard and one chosen are what Generate sends', async () => {
    const { page, workspace, fake } = ui();
    fs.writeFileSync(path.join(workspace, 'notes', 'style-ui-studio.md'), '---\nflux-style: ink\n---\n\nA lighthouse on a cliff.\n');
    // The suite's styles as written at its start (a test before this one adds a style to the file).
    fs.writeFileSync(path.join(workspace, '.vscode', 'flux-styles.json'), `${JSON.stringify(STYLES, undefined, 2)}\n`);
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, 'sk-ui-styles-0123456789abcdefghij');
    await waitForNotification(page, /API key saved/);
    await clearNotifications(page);
    await openFile(page, 'notes/style-ui-studio.md');
    await runCommand(page, 'Flux: Open Image Studio');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const prompt = frame.locator('#prompt');
    await prompt.waitFor({ state: 'visible', timeout: 30_000 });
    // Labelled, and at the chapter's style with what it does underneath.
    const style = frame.getByLabel('Style', { exact: true });
    await waitUntil('the picker to show the chapter’s ink', async () => (await style.inputValue().catch(() => '')) === 'ink');
    assert.deepEqual(await style.locator('option').allInnerTexts(), ['No style', 'ink', 'clay']);
    const hint = frame.locator('#style-hint');
    assert.match(await hint.innerText(), /The style of notes\/style-ui-studio\.md · Ink sketches for the guide · Reference images: 1/);
    await frame.locator('#model').selectOption('flux-2-pro');
    await frame.locator('.style-field').scrollIntoViewIfNeeded();
    await screenshot(page, 'styles-dark-studio-picker');

    // By keyboard: the next style down is clay, and the hint no longer says it follows the chapter.
    await style.focus();
    await page.keyboard.press('ArrowDown');
    await waitUntil('clay to be picked', async () => (await style.inputValue()) === 'clay');
    fake.reset();
    fake.enqueue({ kind: 'b64' });
    await prompt.fill('A lighthouse on a cliff');
    await frame.locator('#generate').click();
    const cards = frame.locator('li.card.item').filter({ has: frame.locator('.card-prompt', { hasText: 'A lighthouse on a cliff' }) });
    await cards.first().locator('.badge.style', { hasText: 'clay' }).waitFor({ timeout: 30_000 });
    assert.equal((fake.flux2SubmitRequests[0]?.body as Record<string, unknown> | undefined)?.prompt, 'A lighthouse on a cliff, in clay');

    // The chapter's ink again, chosen: its words and its sketch go with the request; the card says ink.
    await style.selectOption('ink');
    fake.reset();
    fake.enqueue({ kind: 'b64' });
    await frame.locator('#generate').click();
    await cards.locator('.badge.style', { hasText: 'ink' }).first().waitFor({ timeout: 30_000 });
    const body = fake.flux2SubmitRequests[0]?.body as Record<string, unknown> | undefined;
    assert.equal(body?.prompt, 'A lighthouse on a cliff. Loose ink sketch');
    assert.equal(body?.input_image, fs.readFileSync(path.join(workspace, 'style-ui', 'ink-1.png')).toString('base64'));
    await screenshot(page, 'styles-dark-studio-generated');
    await setTheme(page, 'Default Light Modern');
    await page.waitForTimeout(500);
    await frame.locator('.style-field').scrollIntoViewIfNeeded();
    await screenshot(page, 'styles-light-studio-picker');
    await setTheme(page, 'Default Dark Modern');
    await frame.locator('#model').selectOption('flux-kontext-pro');
  });
});
