// Generate Missing Images as a person runs it: from the palette on a Markdown document whose
// images do not exist yet, accept the pick, and see them in VS Code's own Markdown preview.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { ui } from '../harness/uiContext';
import { clearNotifications, openFile, quickInputLabels, runCommand, screenshot, typeIntoQuickInput, waitForNotification, waitUntil } from '../harness/workbench';

const DOC = 'missing-ui/gallery.md';
const PROMPTS = ['A lighthouse on a cliff at dusk', 'A red fishing boat in the harbour', 'Gulls over a grey sea'];
const TEXT = [
  '# Gallery',
  '',
  `![${PROMPTS[0]}](img/lighthouse.png)`,
  '',
  `![${PROMPTS[1]}](img/boat.png)`,
  '',
  `![${PROMPTS[2]}](img/gulls.png)`,
  '',
].join('\n');

/** Images loaded (naturalWidth > 0) in any frame: the preview is a webview in nested iframes. */
async function loadedImages(frames: readonly Frame[]): Promise<string[]> {
  const found: string[] = [];
  for (const frame of frames) {
    const srcs = await frame
      .evaluate(() => [...document.querySelectorAll('img')].filter((img) => img.complete && img.naturalWidth > 0).map((img) => img.getAttribute('src') ?? ''))
      .catch(() => [] as string[]);
    found.push(...srcs);
  }
  return found;
}

describe('Generate Missing Images, as a person does', () => {
  it('from the palette: the pick lists the missing images, all are made, and the preview shows them', async () => {
    const { page, workspace, fake } = ui();
    const folder = path.join(workspace, 'missing-ui');
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(workspace, DOC), TEXT);
    await clearNotifications(page);
    // A key, in case no earlier test stored one.
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, 'sk-ui-missing-images-0123456789');
    await openFile(page, DOC);

    const before = fake.generationRequests.length;
    await runCommand(page, 'Flux: Generate Missing Images');
    await waitUntil('the pick', async () => (await quickInputLabels(page)).length === 3);
    assert.deepEqual(await quickInputLabels(page), PROMPTS);
    // The pick's own count of checked rows.
    assert.match(await page.locator('.quick-input-widget .quick-input-count').innerText(), /^3\b/, 'all picked');
    await screenshot(page, 'missing-images-pick');
    await page.keyboard.press('Enter');

    // One short sentence, and the whole summary one click away.
    const toast = await waitForNotification(page, /Generated 3 of 3 missing images\./);
    assert.equal((await toast.locator('.notification-list-item-message').innerText()).trim(), 'Generated 3 of 3 missing images.', 'one short sentence');
    await screenshot(page, 'missing-images-summary');
    await toast.locator('.monaco-button', { hasText: 'Show Details' }).click();
    const details = page.locator('.tabs-container .tab', { hasText: 'Missing Images summary' });
    await details.first().waitFor({ timeout: 10_000 });
    await waitUntil('the whole summary', async () => (await page.locator('.editor-instance .view-lines').last().innerText()).includes('Written:'));
    await screenshot(page, 'missing-images-details');
    // Read, then closed: the document is in front again.
    await runCommand(page, 'View: Close Editor');
    await page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: 'gallery.md' }).waitFor({ timeout: 10_000 });
    assert.deepEqual(fs.readdirSync(path.join(folder, 'img')).sort(), ['boat.png', 'gulls.png', 'lighthouse.png']);
    assert.equal(fs.readFileSync(path.join(workspace, DOC), 'utf8'), TEXT, 'the document is not changed');
    assert.equal(fake.generationRequests.length - before, 3);

    await runCommand(page, 'Markdown: Open Preview to the Side');
    await waitUntil('three images shown in the preview', async () => (await loadedImages(page.frames())).length >= 3, 30_000);
    const srcs = await loadedImages(page.frames());
    for (const name of ['lighthouse.png', 'boat.png', 'gulls.png']) assert.ok(srcs.some((s) => s.includes(`img/${name}`)), `${name} in ${JSON.stringify(srcs)}`);
    await screenshot(page, 'missing-images-preview');
    await runCommand(page, 'View: Close All Editors');
    fs.rmSync(folder, { recursive: true, force: true });
  });
});
