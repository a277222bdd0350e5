// The Studio's References row in the real VS Code (code-server in Chromium), used as a writer
// would: FLUX.2 chosen, two cards' Use as Reference, the count, one removed and added again,
// one click on Generate, and what the fake service received. Screenshots dark and light.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { ui } from '../harness/uiContext';
import { clearNotifications, closeQuickInput, runCommand, screenshot, setTheme, typeIntoQuickInput, waitForNotification } from '../harness/workbench';

/** The Studio's page inside its two webview iframes, and the parts this test uses. */
function referencesPage(page: Page) {
  const frame: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  return {
    frame,
    prompt: frame.locator('#prompt'),
    model: frame.locator('#model'),
    generate: frame.locator('#generate'),
    estimate: frame.locator('#estimate'),
    megapixels: frame.locator('#megapixels'),
    row: frame.locator('.references-field'),
    count: frame.locator('#reference-count'),
    thumbs: frame.locator('.reference-list li.reference'),
    removeButtons: frame.locator('.reference-list .remove-reference'),
    cards: (prompt: string) => frame.locator('li.card.item').filter({ has: frame.locator('.card-prompt', { hasText: prompt }) }),
    async useAsReference(card: Locator): Promise<void> {
      await card.locator('.menu-button').click();
      await card.getByRole('menuitem', { name: /Use as Reference/ }).click();
    },
  };
}

async function loaded(images: Locator, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const n = await images.evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length).catch(() => 0);
    if (n >= count) return;
    if (Date.now() > deadline) assert.fail(`expected ${count} loaded images, have ${n}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Image Studio references in VS Code', function () {
  this.timeout(180_000);

  before(async () => {
    const { page } = ui();
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, 'sk-ui-studio-0123456789abcdefghij');
    await waitForNotification(page, /API key saved/);
    await clearNotifications(page);
  });

  it('Use as Reference on two cards, "2 of 8", remove one, add it again, and Generate sends both', async () => {
    const { page, fake, workspace } = ui();
    await closeQuickInput(page);
    await runCommand(page, 'Flux: Open Image Studio');
    const s = referencesPage(page);
    await s.prompt.waitFor({ state: 'visible', timeout: 30_000 });

    // Two pictures to refer to: a dog and a garden (FLUX.1 Kontext, as a writer made them before).
    await s.model.selectOption('flux-kontext-pro');
    // Kontext through DMXAPI takes no references: said plainly, no count.
    assert.match(await s.row.innerText(), /takes no reference images here/);
    assert.equal(await s.count.count(), 0);
    for (const prompt of ['A sleepy beagle on a rug', 'A walled garden with roses']) {
      fake.enqueue({ kind: 'b64' });
      await s.prompt.fill(prompt);
      await s.generate.click();
      await loaded(s.cards(prompt).first().locator('img'), 1);
    }

    await s.model.selectOption('flux-2-pro');
    assert.equal(await s.count.innerText(), '0 of 8');
    await s.useAsReference(s.cards('A sleepy beagle on a rug').first());
    await s.count.filter({ hasText: '1 of 8' }).waitFor({ timeout: 10_000 });
    await s.useAsReference(s.cards('A walled garden with roses').first());
    await s.count.filter({ hasText: '2 of 8' }).waitFor({ timeout: 10_000 });
    await loaded(s.thumbs.locator('img'), 2);
    // Each thumbnail is named for screen readers by its number and file; each has its own remove button.
    const alts = await s.thumbs.locator('img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt') ?? ''));
    assert.match(alts[0] ?? '', /^1: a-sleepy-beagle/);
    assert.match(alts[1] ?? '', /^2: a-walled-garden/);
    assert.match((await s.removeButtons.first().getAttribute('aria-label')) ?? '', /^Remove reference a-sleepy-beagle/);
    // The estimate counts each reference as an input megapixel (flux-2-pro: $0.03 + 2 × $0.015).
    assert.equal(await s.estimate.innerText(), 'Cost of this click: ≈ $0.06');
    await screenshot(page, 'references-dark');

    // Removed by keyboard: focus stays in the row, on the remaining thumbnail's remove button.
    await s.removeButtons.first().focus();
    await page.keyboard.press('Enter');
    await s.count.filter({ hasText: '1 of 8' }).waitFor({ timeout: 5_000 });
    assert.match((await s.thumbs.first().locator('img').getAttribute('alt')) ?? '', /^1: a-walled-garden/);
    assert.ok(await s.frame.locator('body').evaluate(() => Boolean(document.activeElement?.matches('.remove-reference'))), 'focus stays on a remove button');
    // The dog again, now second: the order is the order chosen ("image 1", "image 2").
    await s.useAsReference(s.cards('A sleepy beagle on a rug').first());
    await s.count.filter({ hasText: '2 of 8' }).waitFor({ timeout: 10_000 });

    await s.megapixels.selectOption('0.25');
    fake.reset();
    fake.enqueue({ kind: 'b64' });
    const prompt = 'the dog from image 2 asleep in the garden of image 1';
    await s.prompt.fill(prompt);
    await s.generate.click();
    await loaded(s.cards(prompt).first().locator('img'), 1);
    const body = fake.flux2SubmitRequests[0]?.body as Record<string, unknown> | undefined;
    assert.ok(body, 'a FLUX.2 request was sent');
    const assets = fs.readdirSync(path.join(workspace, 'assets'));
    const file = (prefix: string) => fs.readFileSync(path.join(workspace, 'assets', assets.filter((f) => f.startsWith(prefix)).sort().at(-1) ?? ''));
    // Use as Reference on a draft saved it into assets/ first, so the recipe names it there.
    assert.equal(body.input_image, file('a-walled-garden').toString('base64'));
    assert.equal(body.input_image_2, file('a-sleepy-beagle').toString('base64'));
    assert.equal(body.input_image_3, undefined);
    assert.deepEqual([body.width, body.height], [512, 512]);
    // The references stay for the next picture; the new card says it was made with two.
    assert.equal(await s.count.innerText(), '2 of 8');
    assert.match(await s.cards(prompt).first().locator('.card-references').innerText(), /2 references/);

    await setTheme(page, 'Default Light Modern');
    await page.waitForTimeout(500);
    await s.row.scrollIntoViewIfNeeded();
    await screenshot(page, 'references-light');
    await setTheme(page, 'Default Dark Modern');
    // Back to one model for the tests after this one.
    await s.model.selectOption('flux-kontext-pro');
    await s.removeButtons.first().click();
    await s.removeButtons.first().click();
  });
});
