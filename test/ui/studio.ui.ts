// The Image Studio in the real VS Code (code-server in Chromium), used as a writer would:
// open it on a selection, write a prompt, pick 16:9 and a fixed seed, make two images, insert
// one into the Markdown file, reload the window and find the history again. Screenshots in the
// dark and light themes, wide and narrow, go to test-artifacts/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dialog, FrameLocator, Locator, Page } from 'playwright-core';
import { ui } from '../harness/uiContext';
import { clearNotifications, closeQuickInput, focusEditor, openFile, pickQuickItem, runCommand, screenshot, selectLines, setTheme, typeIntoQuickInput, waitForNotification } from '../harness/workbench';

const PROMPT = 'A lighthouse at dusk, watercolour <img src=x onerror=alert(1)>';
const DOC = ['# The Keeper', '', 'At dusk the tower stood dark.', '', 'Then the lamp was lit.'];

/** The Studio's page inside its two webview iframes. */
function studio(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

async function waitForStudio(page: Page): Promise<FrameLocator> {
  const frame = studio(page);
  await frame.locator('#prompt').waitFor({ state: 'visible', timeout: 30_000 });
  // The history arrives with the host's first message.
  await frame.locator('.count-badge').filter({ hasText: /\d/ }).waitFor({ timeout: 15_000 });
  return frame;
}

/**
 * The Studio as a person sees it: the form's controls and the gallery's cards, so the tests
 * below name what they use and the selectors live in one place (webview/components/*.ts).
 */
function studioPage(frame: FrameLocator) {
  return {
    frame,
    prompt: frame.locator('#prompt'),
    generate: frame.locator('#generate'),
    cancel: frame.locator('#cancel'),
    target: frame.locator('#target'),
    filter: frame.locator('#filter'),
    empty: frame.locator('.empty'),
    seedValue: frame.locator('#seed-value'),
    seedHint: frame.locator('#seed-hint'),
    /** A ratio tile by its label, e.g. `16:9`. */
    ratio: (label: string) => frame.locator('.ratios label.tile', { hasText: label }),
    count: (n: number) => frame.locator('.counts label.tile', { hasText: String(n) }),
    seedMode: (label: 'Random' | 'Fixed') => frame.locator('label.radio', { hasText: label }),
    items: frame.locator('li.card.item'),
    jobs: frame.locator('li.card.job'),
    failed: frame.locator('li.card.failed'),
    insertButton: (card: Locator) => card.locator('button.insert'),
    notice: (card: Locator) => card.locator('.card-notice'),
    /** Any action of an image card, through its "…" menu (all of them are there, at every width). */
    async itemAction(card: Locator, name: string | RegExp): Promise<void> {
      await card.locator('.menu-button').click();
      await card.getByRole('menuitem', { name }).click();
    },
    /** The image cards whose prompt is exactly `prompt`. */
    cards: (prompt: string) => frame.locator('li.card.item').filter({ has: frame.locator('.card-prompt', { hasText: new RegExp(`^${prompt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }),
    draftBadge: (card: Locator) => card.locator('.badge.draft'),
    saveButton: (card: Locator) => card.locator('.card-actions button.save'),
    editButton: (card: Locator) => card.locator('.card-actions button.edit'),
    sourceLink: (card: Locator) => card.locator('button.source-link'),
    seedOf: async (card: Locator) => /seed (\d+)/.exec(await card.locator('.card-meta').innerText())?.[1],
    inputImage: frame.locator('.input-image'),
    removeInput: frame.locator('#remove-input'),
    chooseInput: frame.locator('#choose-input'),
  };
}

/** Loaded images only: `naturalWidth` > 0 means the file came through asWebviewUri and decoded. */
async function loadedImages(cards: Locator): Promise<number> {
  return cards.locator('img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length);
}

async function waitForLoadedImages(cards: Locator, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await loadedImages(cards).catch(() => 0);
    if (n >= count) return;
    if (Date.now() > deadline) assert.fail(`expected ${count} loaded thumbnails, have ${n}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Saves the document from its editor tab, as a person would (click, Ctrl+S); resolves to the file once `expected` is in it. */
async function savedText(page: Page, relativePath: string, expected: RegExp): Promise<string> {
  const file = path.join(ui().workspace, relativePath);
  await page.locator('.tabs-container .tab', { hasText: path.basename(relativePath) }).first().click();
  await focusEditor(page);
  await page.keyboard.press('Control+S');
  const deadline = Date.now() + 10_000;
  let text = fs.readFileSync(file, 'utf8');
  while (!expected.test(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    text = fs.readFileSync(file, 'utf8');
  }
  return text;
}

/**
 * Types into a Studio field as a person does (REAL-VSCODE.md): wait until it has focus, clear it
 * through the DOM, type key by key, and check the value arrived whole.
 */
async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click();
  const deadline = Date.now() + 5_000;
  while (!(await field.evaluate((el) => el === (el.getRootNode() as Document | ShadowRoot).activeElement || el.matches(':focus')))) {
    if (Date.now() > deadline) assert.fail('the field never got focus');
    await new Promise((r) => setTimeout(r, 50));
  }
  await field.evaluate((el) => {
    (el as HTMLInputElement).value = '';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await field.pressSequentially(text);
  assert.equal(await field.inputValue(), text);
}

/**
 * The state the later tests start from, made by each of them so any one passes alone: the
 * Studio open beside notes/studio.md with (at least) the two 16:9 images of PROMPT, seeds 42
 * and 43, in its history.
 */
async function studioWithImages(page: Page): Promise<ReturnType<typeof studioPage>> {
  const { workspace } = ui();
  const doc = path.join(workspace, 'notes', 'studio.md');
  if (!fs.existsSync(doc)) fs.writeFileSync(doc, `${DOC.join('\n')}\n`);
  const tab = page.locator('.tabs-container .tab', { hasText: 'Image Studio' }).first();
  if (!(await tab.isVisible())) {
    await openFile(page, 'notes/studio.md');
    await runCommand(page, 'Flux: Open Image Studio');
  } else {
    await tab.click();
  }
  const s = studioPage(await waitForStudio(page));
  await s.filter.fill('');
  const mine = s.items.filter({ has: s.frame.locator('.card-prompt', { hasText: PROMPT }) });
  if ((await mine.count()) < 2) {
    ui().fake.reset();
    await typeInto(s.prompt, PROMPT);
    await s.ratio('16:9').click();
    await s.seedMode('Fixed').click();
    await typeInto(s.seedValue, '42');
    await s.count(2).click();
    await s.generate.click();
    await waitForLoadedImages(mine, 2);
  }
  return s;
}

describe('Image Studio in VS Code', function () {
  this.timeout(180_000);
  const dialogs: string[] = [];

  // Browser dialogs (alert, confirm) the Studio must never open. The leave-page prompt a reload
  // can meet is the harness's to answer (openWorkbench), so it is not counted or answered here.
  const recordDialog = (d: Dialog): void => {
    if (d.type() === 'beforeunload') return;
    dialogs.push(d.message());
    void d.dismiss().catch(() => undefined);
  };

  before(async () => {
    const { page } = ui();
    page.on('dialog', recordDialog);
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, 'sk-ui-studio-0123456789abcdefghij');
    await waitForNotification(page, /API key saved/);
    // Toasts sit over the Studio's lower right corner; clear them so nothing covers a card.
    await clearNotifications(page);
  });

  after(() => {
    ui().page.off('dialog', recordDialog);
  });

  it('opens on the selection, generates two 16:9 images with seeds 42 and 43, and inserts one', async () => {
    const { page, fake, workspace } = ui();
    // A document of its own: other UI tests may have changed chapter.md.
    fs.writeFileSync(path.join(workspace, 'notes', 'studio.md'), `${DOC.join('\n')}\n`);
    await openFile(page, 'notes/studio.md');
    await selectLines(page, 3);
    await runCommand(page, 'Flux: Open Image Studio');
    const frame = await waitForStudio(page);
    const s = studioPage(frame);

    // Prefilled with the selection.
    const prompt = s.prompt;
    assert.equal(await prompt.inputValue(), DOC[2]);
    assert.match(await s.target.innerText(), /notes\/studio\.md/);
    await screenshot(page, 'studio-dark-opened');

    // A writer's choices: own prompt, 16:9 by its picture, a fixed seed, two images.
    await typeInto(prompt, PROMPT);
    await s.ratio('16:9').click();
    await s.seedMode('Fixed').click();
    await typeInto(s.seedValue, '42');
    // What the click costs follows the count (flux-kontext-pro: $0.04 an image).
    const estimate = frame.locator('#estimate');
    await s.count(1).click();
    assert.equal(await estimate.innerText(), 'Cost of this click: ≈ $0.04');
    await s.count(4).click();
    assert.equal(await estimate.innerText(), 'Cost of this click: ≈ $0.16');
    await s.count(2).click();
    assert.equal(await estimate.innerText(), 'Cost of this click: ≈ $0.08');
    assert.match(await frame.locator('#spending').innerText(), /^This month: ≈ \$\d+\.\d\d$/);
    assert.match(await s.seedHint.innerText(), /42.43/);
    assert.match(await s.generate.innerText(), /2/);

    // Slow answers, so the progress shows; then one click on Generate.
    fake.reset();
    fake.enqueue({ kind: 'b64', delayMs: 1500 }, { kind: 'url', host: 'same', delayMs: 1800 });
    await s.generate.click();
    await s.jobs.first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await s.jobs.count(), 2);
    // A batch lists its seeds in order, and each card shows the ratio asked for.
    assert.deepEqual(await s.jobs.evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.seed)), ['42', '43']);
    assert.match(await s.jobs.first().locator('.card-meta').innerText(), /16:9/);
    assert.ok(await s.cancel.isVisible(), 'Cancel shows while generating');
    await screenshot(page, 'studio-dark-generating');

    // Both answers in (the history may already hold images from other commands: one history).
    await s.jobs.first().waitFor({ state: 'detached', timeout: 30_000 });
    const items = s.items;
    await waitForLoadedImages(items, 2);
    await items.first().scrollIntoViewIfNeeded();
    assert.equal(await s.jobs.count(), 0);
    assert.equal(await s.cancel.isVisible(), false);

    const bodies = fake.generationRequests.map((r) => r.body as { seed: number; size: string; prompt: string });
    assert.deepEqual(bodies.map((b) => b.seed).sort(), [42, 43]);
    assert.ok(bodies.every((b) => b.size === '16x9' && b.prompt === PROMPT));
    const metas = (await items.locator('.card-meta').allInnerTexts()).join('\n');
    assert.match(metas, /seed 42/);
    assert.match(metas, /seed 43/);
    assert.match(metas, /16:9/);

    // The prompt's markup is text, not an element: no <img src="x"> and no alert.
    assert.equal(await frame.locator('img[src="x"]').count(), 0);
    assert.equal(await items.first().locator('.card-prompt').innerText(), PROMPT);
    assert.deepEqual(dialogs, []);
    await screenshot(page, 'studio-dark-results');

    // Insert the first image at the cursor of studio.md (the end of the selected line).
    await s.insertButton(items.first()).click();
    await s.notice(items.first()).filter({ hasText: /Inserted into notes\/studio\.md/ }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'studio-dark-inserted');
    const expected = /the tower stood dark\.\n\n!\[A lighthouse at dusk, watercolour <img src=x onerror=alert\(1\)>\]\(\.\.\/assets\/(a-lighthouse-at-dusk-watercolour-[^)]*\.png)\)\n/;
    const text = await savedText(page, 'notes/studio.md', expected);
    const link = expected.exec(text);
    assert.ok(link, text);
    assert.ok(fs.existsSync(path.join(ui().workspace, 'assets', link[1])), 'the link points to the image file');
  });

  it('filters the history and puts an image\'s settings back into the form', async () => {
    const { page } = ui();
    const s = await studioWithImages(page);
    await s.filter.fill('no such words');
    await s.empty.filter({ hasText: 'no such words' }).waitFor({ timeout: 5_000 });
    assert.equal(await s.items.count(), 0);
    await s.filter.fill('lighthouse');
    await s.items.nth(1).waitFor({ timeout: 5_000 });
    assert.ok((await s.items.count()) >= 2);
    assert.ok((await s.items.locator('.card-prompt').allInnerTexts()).every((p) => /lighthouse/i.test(p)), 'only matching prompts are shown');

    await s.prompt.fill('something else');
    await s.itemAction(s.items.first(), 'Use these settings');
    assert.equal(await s.prompt.inputValue(), PROMPT);
    assert.ok(await s.ratio('16:9').locator('input').isChecked());
    assert.match(await s.seedValue.inputValue(), /^4[23]$/);

    // Random leaves no stale seed behind; Fixed suggests one again.
    await s.seedMode('Random').click();
    assert.equal(await s.seedValue.inputValue(), '');
    assert.ok(await s.seedValue.isDisabled());
    await s.seedMode('Fixed').click();
    await s.seedValue.fill('42');
  });

  it('works with the keyboard alone: arrows pick a ratio, Tab reaches Insert, Enter inserts', async () => {
    const { page } = ui();
    const s = await studioWithImages(page);
    const frame = s.frame;
    await s.ratio('16:9').click();
    const focused = (selector: string) => frame.locator('body').evaluate((_, sel) => Boolean(document.activeElement?.matches(sel)), selector);
    await s.prompt.focus();
    const pressUntil = async (key: string, selector: string) => {
      for (let i = 0; i < 40 && !(await focused(selector)); i++) await page.keyboard.press(key);
      assert.ok(await focused(selector), `${key} never reached ${selector}`);
    };
    await pressUntil('Tab', 'input[name=ratio]');
    await page.keyboard.press('ArrowLeft');
    assert.ok(await frame.locator('input[name=ratio][value="9x16"]').isChecked(), 'ArrowLeft moves to 9:16');
    await page.keyboard.press('ArrowRight');
    assert.ok(await frame.locator('input[name=ratio][value="16x9"]').isChecked());
    await pressUntil('Tab', 'li.card.item button.insert');
    await page.keyboard.press('Enter');
    await s.items.locator('.card-notice', { hasText: /Inserted into notes\/studio\.md/ }).first().waitFor({ timeout: 10_000 });
    // Escape closes a card's "…" menu and gives focus back to its button.
    await s.items.first().locator('.menu-button').focus();
    await page.keyboard.press('Enter');
    await s.items.first().getByRole('menuitem').first().waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await s.items.first().getByRole('menuitem').count(), 0);
    assert.ok(await focused('li.card.item .menu-button'));
    await screenshot(page, 'studio-dark-keyboard');
  });

  it('shows a refused prompt as an error in words on its card, and stays usable', async () => {
    const { page, fake } = ui();
    const s = await studioWithImages(page);
    const itemsBefore = await s.items.count();
    await typeInto(s.prompt, PROMPT);
    await s.count(1).click();
    fake.reset();
    fake.enqueue({ kind: 'error', status: 422, shape: 'openai', code: 'content_policy_violation', message: 'Safety Filter: prompt refused' });
    await s.generate.click();
    const failed = s.failed;
    await failed.waitFor({ timeout: 15_000 });
    assert.match(await failed.locator('.card-error').innerText(), /would not make this picture .*Change the prompt/);
    // Said once, on a compact card that offers Edit prompt and Try again.
    assert.equal(await failed.locator('.card-error').count(), 1);
    assert.ok(await failed.getByRole('button', { name: /Edit prompt/ }).isVisible());
    assert.ok(await failed.getByRole('button', { name: /Try again/i }).isVisible());
    await s.prompt.fill('something else');
    await failed.getByRole('button', { name: /Edit prompt/ }).click();
    assert.equal(await s.prompt.inputValue(), PROMPT);
    await failed.scrollIntoViewIfNeeded();
    await screenshot(page, 'studio-dark-error');
    await failed.getByRole('button', { name: 'Dismiss' }).click();
    assert.equal(await failed.count(), 0);
    assert.equal(await s.items.count(), itemsBefore, 'the history is untouched');
    await s.count(2).click();
  });

  it('looks right in the light theme, wide and narrow', async () => {
    const { page } = ui();
    const s = await studioWithImages(page);
    /**
     * What the screenshots must show, measured in the page: the Studio's background follows the
     * theme (light or dark), its text contrasts with it, every thumbnail is decoded, no card is
     * wider than the panel, and each card has a visible edge.
     */
    const check = async (theme: 'light' | 'dark' | 'hc', name: string) => {
      await waitForLoadedImages(s.items, 2);
      const m = await s.frame.locator('body').evaluate((body) => {
        const luminance = (css: string) => {
          const [r, g, b] = (css.match(/[\d.]+/g) ?? ['0', '0', '0']).map(Number) as [number, number, number];
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
        };
        const style = getComputedStyle(body);
        const card = document.querySelector('li.card.item');
        const cardStyle = card ? getComputedStyle(card) : undefined;
        return {
          background: luminance(style.backgroundColor),
          text: luminance(style.color),
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          cardEdge: cardStyle ? parseFloat(cardStyle.borderTopWidth) > 0 || cardStyle.boxShadow !== 'none' || cardStyle.backgroundColor !== style.backgroundColor : false,
        };
      });
      const file = await screenshot(page, name);
      if (theme === 'light') assert.ok(m.background > 0.8, `${name}: a light background (${m.background})`);
      else assert.ok(m.background < 0.25, `${name}: a dark background (${m.background})`);
      assert.ok(Math.abs(m.background - m.text) > 0.5, `${name}: text contrasts with the background (${m.text} on ${m.background})`);
      assert.ok(m.overflow <= 0, `${name}: nothing wider than the panel (${m.overflow}px)`);
      assert.ok(m.cardEdge, `${name}: a card stands out from the background`);
      assert.ok(fs.statSync(file).size > 10_000, `${name}: the screenshot has content`);
    };

    await setTheme(page, 'Default Light Modern');
    await studioHasTheme(page, 'vscode-light');
    await check('light', 'studio-light-side-by-side');

    // Wide: the Studio's group maximized.
    await page.locator('.tabs-container .tab', { hasText: 'Image Studio' }).first().click();
    await waitForStudio(page);
    await page.waitForTimeout(500); // focus settles in the webview before F1
    const sideBySide = await webviewBoxes(page);
    await runCommand(page, 'View: Toggle Maximize Editor Group');
    await layoutSettled(page, sideBySide);
    await check('light', 'studio-light-wide');
    await setTheme(page, 'Default Dark Modern');
    await studioHasTheme(page, 'vscode-dark');
    await check('dark', 'studio-dark-wide');
    await runCommand(page, 'View: Toggle Maximize Editor Group');

    // Narrow: a small window, the Studio in a side column.
    const size = page.viewportSize();
    await page.setViewportSize({ width: 900, height: 800 });
    await layoutSettled(page);
    await check('dark', 'studio-dark-narrow');
    await setTheme(page, 'Default Light Modern');
    await studioHasTheme(page, 'vscode-light');
    await check('light', 'studio-light-narrow');
    if (size) await page.setViewportSize(size);

    // High contrast: borders from --vscode-contrastBorder, nothing relies on colour alone.
    await runCommand(page, 'Preferences: Color Theme');
    await typeIntoQuickInput(page, 'Dark High Contrast', { submit: false });
    await pickQuickItem(page, 'Dark High Contrast');
    await page.locator('.monaco-workbench.hc-black').waitFor({ state: 'attached', timeout: 10_000 });
    await studioHasTheme(page, 'vscode-high-contrast');
    await check('hc', 'studio-high-contrast');
    const border = await s.items.first().evaluate((card) => parseFloat(getComputedStyle(card).borderTopWidth));
    assert.ok(border > 0, 'cards have a border in high contrast');
    await setTheme(page, 'Default Dark Modern');
  });

  it('comes back after a window reload with its history and form', async () => {
    const { page } = ui();
    const before = await studioWithImages(page);
    await typeInto(before.prompt, PROMPT);
    await before.ratio('16:9').click();
    const count = await before.items.count();
    await closeQuickInput(page);
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 30_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    const s = studioPage(await waitForStudio(page));
    // Thumbnails load as they scroll into view: the first two are on screen.
    await waitForLoadedImages(s.items, Math.min(count, 2));
    assert.equal(await s.items.count(), count);
    // The form as it was left (getState/setState).
    assert.equal(await s.prompt.inputValue(), PROMPT);
    assert.ok(await s.ratio('16:9').locator('input').isChecked());
    await screenshot(page, 'studio-dark-after-reload');
  });
});


// ---------------------------------------------------------------- drafts and edits

type AnyTheme = 'Default Dark Modern' | 'Default Light Modern' | 'Default High Contrast' | 'Default High Contrast Light';
const THEME_CLASS: Record<AnyTheme, string> = {
  'Default Dark Modern': 'vs-dark',
  'Default Light Modern': 'vs',
  'Default High Contrast': 'hc-black',
  'Default High Contrast Light': 'hc-light',
};

/** Any of the four default themes, through "Preferences: Color Theme", as a person would. */
async function setAnyTheme(page: Page, theme: AnyTheme): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await typeIntoQuickInput(page, theme, { submit: false });
  await pickQuickItem(page, theme);
  await page.locator(`.monaco-workbench.${THEME_CLASS[theme]}`).waitFor({ state: 'attached', timeout: 10_000 });
  await studioHasTheme(page, WEBVIEW_THEME_KIND[THEME_CLASS[theme]]);
}

/** The theme kind VS Code gives a webview's body (data-vscode-theme-kind) for a workbench theme class. */
const WEBVIEW_THEME_KIND: Record<string, string> = {
  vs: 'vscode-light',
  'vs-dark': 'vscode-dark',
  'hc-black': 'vscode-high-contrast',
  'hc-light': 'vscode-high-contrast-light',
};

/**
 * Waits until the Studio's page has the theme: VS Code sets the body's theme kind and the
 * --vscode-* colours in one step, so the colours are the new ones from then on.
 */
async function studioHasTheme(page: Page, kind: string): Promise<void> {
  await studio(page).locator(`body[data-vscode-theme-kind="${kind}"]`).waitFor({ state: 'attached', timeout: 10_000 });
}

/** Where the webviews' frames are now (JSON), to compare before and after a change of layout. */
function webviewBoxes(page: Page): Promise<string> {
  return page
    .locator('iframe.webview.ready')
    .evaluateAll((frames) => frames.map((f) => f.getBoundingClientRect()))
    .then((boxes) => JSON.stringify(boxes));
}

/**
 * Waits until the window has laid out at its size: the workbench as wide as the window and the
 * webviews' frames in the same place on two reads in a row (and, given `before`, moved from there).
 */
async function layoutSettled(page: Page, before?: string): Promise<void> {
  const width = page.viewportSize()?.width;
  let last = '';
  await waitFor(async () => {
    const workbench = await page.locator('.monaco-workbench').evaluate((el) => el.clientWidth);
    const boxes = await webviewBoxes(page);
    const steady = workbench === width && boxes !== '[]' && boxes !== before && boxes === last;
    last = boxes;
    return steady;
  }, 'the window to lay out at its new size', 10_000);
}

/** Files in the workspace's assets/ whose name starts with the slug. */
function assetsStartingWith(slug: string): string[] {
  const dir = path.join(ui().workspace, 'assets');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(slug)) : [];
}

/** Opens the Studio (or brings it forward) and waits for its history. */
async function openStudio(page: Page): Promise<ReturnType<typeof studioPage>> {
  await closeQuickInput(page);
  await runCommand(page, 'Flux: Open Image Studio');
  return studioPage(await waitForStudio(page));
}

/** Types a prompt as a person does, clicks Generate once, and waits for its card's image. */
async function generateOne(s: ReturnType<typeof studioPage>, prompt: string): Promise<Locator> {
  await s.prompt.fill('');
  await s.prompt.pressSequentially(prompt, { delay: 5 });
  await s.generate.click();
  const card = s.cards(prompt).first();
  await card.waitFor({ timeout: 30_000 });
  await waitForLoadedImages(s.cards(prompt), 1);
  return card;
}

describe('Image Studio drafts and edits in VS Code', function () {
  this.timeout(180_000);

  before(async () => {
    const { page } = ui();
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, 'sk-ui-studio-0123456789abcdefghij');
    await waitForNotification(page, /API key saved/);
    await clearNotifications(page);
  });

  it('one click on Generate sends exactly one request, and the result is a draft, not in assets/', async () => {
    const { page, fake } = ui();
    const s = await openStudio(page);
    await s.filter.fill('');
    await s.count(1).click();
    await s.seedMode('Random').click();
    fake.reset();
    fake.enqueue({ kind: 'b64', delayMs: 600 });
    const card = await generateOne(s, 'A quiet harbour at dawn');
    await page.waitForTimeout(1500); // a second request would have arrived by now
    assert.equal(fake.generationRequests.length, 1);
    assert.equal((fake.generationRequests[0]?.body as { prompt: string }).prompt, 'A quiet harbour at dawn');
    assert.equal(await s.cards('A quiet harbour at dawn').count(), 1);
    assert.ok(await s.draftBadge(card).isVisible(), 'shown as a draft');
    assert.deepEqual(assetsStartingWith('a-quiet-harbour-at-dawn'), []);
  });

  it('a click right after typing over another prompt sends the new prompt, once', async () => {
    const { page, fake } = ui();
    const s = await openStudio(page);
    await s.filter.fill('');
    await s.count(1).click();
    await s.seedMode('Random').click();
    await s.prompt.fill('An older prompt still in the form');
    await page.waitForTimeout(800); // the form has settled on the older prompt
    assert.equal(await s.prompt.inputValue(), 'An older prompt still in the form');
    fake.reset();
    fake.enqueue({ kind: 'b64', delayMs: 300 });
    // Select it all, type the new one and click at once, as a quick person does.
    await s.prompt.click();
    await s.prompt.press('Control+a');
    await s.prompt.pressSequentially('A lantern on a jetty');
    await s.generate.click();
    await waitForLoadedImages(s.cards('A lantern on a jetty'), 1);
    await page.waitForTimeout(1000); // a second request would have arrived by now
    assert.deepEqual(
      fake.generationRequests.map((r) => (r.body as { prompt: string }).prompt),
      ['A lantern on a jetty'],
    );
  });

  it('Insert copies a draft into assets/ and links it at the cursor; the card then shows the saved file', async () => {
    const { page, workspace } = ui();
    fs.writeFileSync(path.join(workspace, 'notes', 'drafts.md'), '# Drafts\n\nThe kite rose.\n');
    await openFile(page, 'notes/drafts.md');
    await selectLines(page, 3);
    const s = await openStudio(page);
    const card = await generateOne(s, 'A red kite over the hills');
    assert.ok(await s.draftBadge(card).isVisible());
    assert.deepEqual(assetsStartingWith('a-red-kite-over-the-hills'), [], 'a draft is not in assets/ before Insert');
    await s.insertButton(card).click();
    await s.notice(card).filter({ hasText: /Inserted into notes\/drafts\.md/ }).waitFor({ timeout: 15_000 });
    const saved = assetsStartingWith('a-red-kite-over-the-hills');
    assert.equal(saved.length, 1);
    assert.equal(await s.draftBadge(card).count(), 0, 'no longer a draft');
    assert.equal(await s.cards('A red kite over the hills').count(), 1, 'one card, not two');
    await waitForLoadedImages(s.cards('A red kite over the hills'), 1);
    const text = await savedText(page, 'notes/drafts.md', /!\[A red kite/);
    assert.equal(text, `# Drafts\n\nThe kite rose.\n\n![A red kite over the hills](../assets/${saved[0]})\n`);
  });

  it('Save to assets saves a draft without a link, and Variations gives a new seed', async () => {
    const { page, fake } = ui();
    const s = await openStudio(page);
    await s.seedMode('Fixed').click();
    await s.seedValue.fill('42');
    const card = await generateOne(s, 'A paper boat on a pond');
    assert.equal(await s.seedOf(card), '42');
    await s.saveButton(card).click();
    await s.notice(card).filter({ hasText: /Saved as .*assets\/a-paper-boat-on-a-pond/ }).waitFor({ timeout: 15_000 });
    assert.equal(assetsStartingWith('a-paper-boat-on-a-pond').length, 1);
    assert.equal(await s.draftBadge(card).count(), 0);
    assert.equal(await s.saveButton(card).count(), 0, 'nothing left to save: Copy link takes its place');
    assert.ok(await card.locator('.card-actions button.copy').isVisible());

    fake.reset();
    await s.itemAction(card, /Variations/);
    await waitFor(() => s.cards('A paper boat on a pond').count().then((n) => n === 2), 'the variation');
    await waitForLoadedImages(s.cards('A paper boat on a pond'), 2);
    assert.equal((fake.generationRequests[0]?.body as { seed: number }).seed, -1, 'a new random seed was asked for');
    const variation = s.cards('A paper boat on a pond').first();
    assert.notEqual(await s.seedOf(variation), '42');
    await s.seedMode('Random').click();
  });

  it('Edit… on a card enters an edit mode: one click, the instruction, one click make one edit; Insert keeps the source’s description', async () => {
    const { page, fake, workspace } = ui();
    fs.writeFileSync(path.join(workspace, 'notes', 'castle.md'), '# Castle\n\nThe castle stood.\n');
    await openFile(page, 'notes/castle.md');
    await selectLines(page, 3);
    const s = await openStudio(page);
    await s.count(4).click();
    await s.seedMode('Fixed').click();
    const original = await generateOne(s, 'A castle on a hill');
    // Enter and leave: the way out is named, and leaves a plain Generate.
    await s.editButton(original).click();
    await s.inputImage.waitFor({ timeout: 10_000 });
    assert.match(await s.removeInput.innerText(), /Stop editing/);
    await s.removeInput.click();
    assert.equal(await s.inputImage.count(), 0);
    assert.ok(await s.chooseInput.isVisible());
    assert.doesNotMatch(await s.generate.innerText(), /edit/i);

    // One click on Edit…
    await s.editButton(original).click();
    await s.inputImage.waitFor({ timeout: 10_000 });
    assert.match(await s.inputImage.innerText(), /a-castle-on-a-hill/);
    assert.equal(await s.prompt.inputValue(), '', 'the field waits for the instruction');
    assert.equal(await frame(page).locator('label[for=prompt]').innerText(), 'What should change?');
    assert.equal((await s.generate.innerText()).trim(), 'Edit image');
    assert.ok(await s.count(1).locator('input').isChecked(), 'one image');
    assert.ok(await s.seedMode('Random').locator('input').isChecked(), 'a random seed');
    await screenshot(page, 'studio-dark-edit-input');
    fake.reset();
    // …type the instruction, one click.
    await s.prompt.pressSequentially('Make it snowy', { delay: 5 });
    await s.generate.click();
    const edited = s.items.filter({ has: frame(page).locator('.card-edit', { hasText: 'Make it snowy' }) }).first();
    await edited.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000); // a second request would have arrived by now
    assert.equal(fake.generationRequests.length, 0);
    assert.equal(fake.editRequests.length, 1, 'exactly one request');
    const parts = (fake.editRequests[0]?.body as { parts: { name: string; value?: string; bytes?: Buffer; filename?: string }[] }).parts;
    const image = parts.find((p) => p.name === 'image');
    assert.ok(image?.bytes && image.bytes.subarray(1, 4).toString('latin1') === 'PNG', 'the card’s PNG was sent');
    assert.match(image.filename ?? '', /^a-castle-on-a-hill/);
    assert.equal(parts.find((p) => p.name === 'prompt')?.value, 'Make it snowy');
    // The new card: titled with what it shows, the instruction as the edit.
    assert.equal((await edited.locator('.card-prompt').innerText()).trim(), 'A castle on a hill');
    assert.equal((await edited.locator('.card-edit').innerText()).trim(), 'Edit: Make it snowy');
    // The edit is done: the input image does not stay for the next Generate.
    assert.equal(await s.inputImage.count(), 0);
    assert.doesNotMatch(await s.generate.innerText(), /edit/i);
    assert.equal(await s.prompt.inputValue(), '', 'the instruction went with the edit, not left under "Prompt"');
    await waitForLoadedImages(edited, 1);
    await screenshot(page, 'studio-dark-edit-done');
    // Insert: the alt text is the source's description.
    await s.insertButton(edited).click();
    await s.notice(edited).filter({ hasText: /Inserted into notes\/castle\.md/ }).waitFor({ timeout: 15_000 });
    const text = await savedText(page, 'notes/castle.md', /!\[/);
    assert.match(text, /!\[A castle on a hill\]\(\.\.\/assets\/[^)]+\.png\)/);
    assert.doesNotMatch(text, /Make it snowy/);
    // The way back to the source (the Studio in front again: saving the document may have hidden it).
    await openStudio(page);
    const from = s.sourceLink(edited);
    assert.match(await from.innerText(), /from a-castle-on-a-hill/);
    await from.click();
    await frame(page).locator('li.card.item.highlight').filter({ has: frame(page).locator('.card-prompt', { hasText: /^A castle on a hill$/ }) }).first().waitFor({ timeout: 5_000 });
    await s.seedMode('Random').click();
  });

  it('Fixed seed: the field takes focus with its number selected, so typing replaces it; a card’s ⋯ menu at the bottom opens upward', async () => {
    const { page } = ui();
    const s = await openStudio(page);
    await s.seedMode('Random').click();
    await s.seedMode('Fixed').click();
    await page.waitForTimeout(300);
    const state = await s.seedValue.evaluate((el) => {
      const input = el as HTMLInputElement;
      return { focused: el === el.ownerDocument.activeElement, start: input.selectionStart, end: input.selectionEnd, length: input.value.length };
    });
    assert.ok(state.focused, 'the seed field has focus');
    assert.ok(state.length > 0 && state.start === 0 && state.end === state.length, `the suggested number is selected: ${JSON.stringify(state)}`);
    await page.keyboard.type('42');
    assert.equal(await s.seedValue.inputValue(), '42', 'typing replaced the number');
    await s.seedMode('Random').click();

    if ((await s.items.count()) === 0) await generateOne(s, 'A menu test image');
    // A short panel, and a card whose ⋯ button sits at its bottom edge: no room below.
    const size = page.viewportSize();
    await page.setViewportSize({ width: size?.width ?? 1280, height: 520 });
    try {
      await page.waitForTimeout(700);
      const card = s.items.first();
      const fit = await card.locator('.menu-button').evaluate((button) => {
        const rect = button.getBoundingClientRect();
        window.scrollBy(0, rect.bottom - window.innerHeight + 4);
        const after = button.getBoundingClientRect();
        return { below: window.innerHeight - after.bottom };
      });
      assert.ok(fit.below < 60, `the button is at the bottom: ${JSON.stringify(fit)}`);
      await card.locator('.menu-button').click();
      const menu = card.locator('.menu');
      await menu.waitFor({ timeout: 5_000 });
      const placed = await menu.evaluate((el) => {
        const m = el.getBoundingClientRect();
        const b = el.parentElement!.querySelector('.menu-button')!.getBoundingClientRect();
        return { top: m.top, bottom: m.bottom, buttonTop: b.top, height: window.innerHeight };
      });
      await screenshot(page, 'studio-dark-menu-upward');
      assert.ok(placed.bottom <= placed.height + 1 && placed.top >= -1, `the whole menu is on screen: ${JSON.stringify(placed)}`);
      assert.ok(placed.bottom <= placed.buttonTop + 1, `it opened upward: ${JSON.stringify(placed)}`);
      await page.keyboard.press('Escape');
    } finally {
      if (size) await page.setViewportSize(size);
    }
  });

  it('a failure: Edit prompt puts it back into the form; once the cause is fixed, Try again makes the image', async () => {
    const { page, fake } = ui();
    const s = await openStudio(page);
    fake.reset();
    fake.enqueue({ kind: 'error', status: 403, shape: 'flat', code: 'quota_not_enough', message: 'quota not enough' });
    await s.prompt.fill('');
    await s.prompt.pressSequentially('A windmill in fog', { delay: 5 });
    await s.generate.click();
    const failed = s.failed.filter({ hasText: 'A windmill in fog' });
    await failed.waitFor({ timeout: 15_000 });
    await s.prompt.fill('something else');
    await failed.getByRole('button', { name: /Edit prompt/ }).click();
    assert.equal(await s.prompt.inputValue(), 'A windmill in fog');
    // Fixed (the account topped up): the service answers again.
    await failed.getByRole('button', { name: /Try again/i }).click();
    await s.cards('A windmill in fog').first().waitFor({ timeout: 30_000 });
    assert.equal(await failed.count(), 0, 'the failure card is gone');
    assert.equal(fake.generationRequests.length, 2);
  });

  it('every card action is reachable at about 200 px, by mouse and by keyboard, in every theme', async () => {
    const { page } = ui();
    const s = await openStudio(page);
    if ((await s.items.count()) === 0) await generateOne(s, 'A narrow test image');
    const size = page.viewportSize();
    // The Studio alone, no side bar: the webview is as wide as the window allows. (A maximized
    // group beside a hidden one does not shrink with the window; one group does.)
    // One editor group (an empty group beside would keep its share of the width), no side bar.
    await runCommand(page, 'View: Join All Editor Groups');
    // (The command is offered only while the side bar shows.)
    if (await page.locator('.part.sidebar').isVisible()) await runCommand(page, 'View: Close Primary Side Bar');
    await page.locator('.tabs-container .tab', { hasText: 'Image Studio' }).first().click();
    await waitForStudio(page);
    const iframe = page.locator('iframe.webview.ready');
    try {
      // 200 px for the webview beside the activity bar; VS Code keeps an editor group at its
      // minimum width (about 220 px) if that is more, so the window then grows to show all of it.
      await page.setViewportSize({ width: 260, height: 900 });
      await layoutSettled(page);
      const initial = await iframe.boundingBox();
      assert.ok(initial);
      await page.setViewportSize({ width: Math.round(initial.x + 200), height: 900 });
      await layoutSettled(page);
      const fitted = await iframe.boundingBox();
      if (fitted && fitted.x + fitted.width > initial.x + 201) {
        await page.setViewportSize({ width: Math.ceil(fitted.x + fitted.width), height: 900 });
        await layoutSettled(page);
      }
      const box = await iframe.boundingBox();
      await screenshot(page, 'studio-narrow-layout');
      assert.ok(box && box.width <= 230, `the webview is ${box?.width} px wide`);
      assert.ok(box.x + box.width <= (page.viewportSize()?.width ?? 0) + 1, `the webview (${JSON.stringify(box)}) is inside the window (${JSON.stringify(page.viewportSize())})`);
      const f = frame(page);
      const card = s.items.first();
      await card.scrollIntoViewIfNeeded();
      const frameWidth = await f.locator('body').evaluate(() => document.documentElement.clientWidth);
      // Mouse: every button of the card's row is on screen, and the "…" menu lists every action.
      for (const button of await card.locator('.card-actions button:visible').all()) {
        const b = await button.boundingBox();
        assert.ok(b && b.width >= 20 && b.x + b.width <= (box?.x ?? 0) + frameWidth + 1, 'a card button is cut off');
      }
      // In the middle of the panel: nothing of the workbench (a hover, the title) can lie over it.
      const centre = (l: Locator) => l.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await centre(card.locator('.menu-button'));
      await card.locator('.menu-button').click();
      const items = card.getByRole('menuitem');
      const labels = await items.allInnerTexts();
      for (const expected of [/Variations/, /Reproduce/, /Edit/, /Save to assets/, /Use these settings/, /Copy Markdown link/, /Open image/, /Reveal/, /Remove/]) {
        assert.ok(labels.some((l) => expected.test(l)), `${expected} is in the menu: ${labels.join(' | ')}`);
      }
      for (const item of await items.all()) {
        const b = await item.boundingBox();
        assert.ok(b && b.x >= (box?.x ?? 0) - 1 && b.x + b.width <= (box?.x ?? 0) + frameWidth + 1, 'a menu item is cut off');
      }
      for (const theme of ['Default Dark Modern', 'Default Light Modern', 'Default High Contrast', 'Default High Contrast Light'] as const) {
        await setAnyTheme(page, theme);
        // Still open from before, or closed: open it (a click on an open one would close it).
        await centre(card.locator('.menu-button'));
        if ((await card.locator('.menu-button').getAttribute('aria-expanded')) !== 'true') await card.locator('.menu-button').click();
        await card.getByRole('menuitem').first().waitFor({ timeout: 5_000 });
        await card.getByRole('menuitem').last().scrollIntoViewIfNeeded();
        await screenshot(page, `studio-narrow-${THEME_CLASS[theme]}-menu`);
        await card.locator('.menu-button').click();
        assert.equal(await card.getByRole('menuitem').count(), 0);
        await f.locator('.compose').scrollIntoViewIfNeeded();
        await screenshot(page, `studio-narrow-${THEME_CLASS[theme]}-form`);
      }
      await setAnyTheme(page, 'Default Dark Modern');
      // Keyboard: Tab reaches the card's "…", arrows walk its menu, Enter runs Use these settings.
      await f.locator('#filter').focus();
      const focused = (selector: string) => f.locator('body').evaluate((_, sel) => Boolean(document.activeElement?.matches(sel)), selector);
      for (let i = 0; i < 30 && !(await focused('li.card.item .menu-button')); i++) await page.keyboard.press('Tab');
      assert.ok(await focused('li.card.item .menu-button'), 'Tab reaches a card’s "…"');
      await page.keyboard.press('Enter');
      const first = f.locator('li.card.item').first();
      await first.getByRole('menuitem').first().waitFor();
      for (let i = 0; i < 12 && !(await focused('[role=menuitem]:not(.remove)')) ; i++) await page.keyboard.press('ArrowDown');
      const walked: string[] = [];
      for (let i = 0; i < 9; i++) {
        walked.push(await f.locator('body').evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
        await page.keyboard.press('ArrowDown');
      }
      assert.equal(new Set(walked).size, 9, `the arrows reach all nine actions: ${walked.join(' | ')}`);
      await page.keyboard.press('Escape');
      assert.ok(await focused('li.card.item .menu-button'), 'Escape gives focus back to "…"');
    } finally {
      if (size) await page.setViewportSize(size);
      // Not failing here: that would hide why the test failed above.
      await layoutSettled(page).catch(() => undefined);
    }
    // Wide: the whole window, in every theme.
    for (const theme of ['Default Light Modern', 'Default High Contrast', 'Default High Contrast Light', 'Default Dark Modern'] as const) {
      await setAnyTheme(page, theme);
      await s.items.first().scrollIntoViewIfNeeded();
      await screenshot(page, `studio-wide-${THEME_CLASS[theme]}`);
    }
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  });
});

function frame(page: Page): FrameLocator {
  return studio(page);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
