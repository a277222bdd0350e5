// Issue #14 in the real VS Code: hover over an image link shows the picture and its recipe as
// plain text with three links; clicking Regenerate points the link at a new image.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withRecipe } from '../../src/core/recipe';
import { makePng } from '../fake/png';
import { ui } from '../harness/uiContext';
import { activeEditor, clearNotifications, editorText, goToLine, openFile, runCommand, screenshot, typeIntoQuickInput, waitUntil } from '../harness/workbench';

const PROMPT = 'A harbour at dusk [x](command:workbench.action.terminal.new) **bold** `tick`';

describe('Recipes in the editor, as a person sees them', () => {
  it('Recipes UI: hover shows the image and its recipe as text; Regenerate retargets the link', async () => {
    const { page, workspace, fake } = ui();
    await clearNotifications(page);
    // Whatever ran before, a good key is stored.
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, 'sk-good-key-for-the-recipes-test-0000');
    await clearNotifications(page);
    // An image made earlier (a cloned workspace): a PNG with its recipe, linked from a note.
    const png = makePng(320, 200, { seed: 11 });
    const pieces = withRecipe(png, { v: 1, prompt: PROMPT, model: 'flux-kontext-pro', size: '16x9', seed: 1234, provider: 'dmxapi', created: '2026-01-31T09:05:07.000Z' });
    assert.ok(pieces);
    fs.mkdirSync(path.join(workspace, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'assets', 'harbour.png'), Buffer.concat(pieces));
    fs.writeFileSync(path.join(workspace, 'notes', 'harbour.md'), '# Harbour\n\n![The harbour](../assets/harbour.png)\n');

    await openFile(page, 'notes/harbour.md');
    await goToLine(page, 3);
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    const hover = page.locator('.monaco-hover:visible').filter({ hasText: 'Regenerate' }).first();
    // Show or Focus Hover, until ours is there (the extension may still be starting).
    await waitUntil('the Flux hover', async () => {
      await runCommand(page, 'Show or Focus Hover');
      return hover.isVisible({ timeout: 2_000 }).catch(() => false);
    });
    await waitUntil('the preview image to load', () => hover.locator('img').first().evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0).catch(() => false), 10_000);
    // appendText keeps spaces as &nbsp;.
    const text = (await hover.innerText()).replace(/\u00a0/g, ' ');
    assert.ok(text.includes('[x](command:workbench.action.terminal.new) **bold** `tick`'), `the prompt is shown literally: ${text}`);
    assert.ok(text.includes('1234') && text.includes('flux-kontext-pro') && text.includes('16:9'), `the size reads 16:9: ${text}`);
    const links = await hover.locator('a').allInnerTexts();
    assert.deepEqual(links.map((l) => l.trim()), ['Regenerate', 'Edit…', 'Open in Studio'], 'only our three links');
    assert.equal(await hover.locator('strong', { hasText: 'bold' }).count(), 0, 'no bold from the prompt');
    const width = await hover.locator('img').first().evaluate((img) => img.getBoundingClientRect().width);
    assert.ok(width > 0 && width <= 121, `the preview is a thumbnail (${width}px)`);
    // Without scrolling inside the hover: the prompt and the three links lie inside its visible box.
    const unseen = await hover.evaluate((root) => {
      const box = (root.querySelector('.monaco-scrollable-element') ?? root).getBoundingClientRect();
      const pieces = [...root.querySelectorAll('a')].map((a) => ({ name: a.textContent ?? '', rect: a.getBoundingClientRect() }));
      const prompt = [...root.querySelectorAll('p')].find((p) => p.textContent?.includes('A harbour at dusk') || p.textContent?.includes('A\u00a0harbour'));
      if (prompt) pieces.push({ name: 'prompt', rect: prompt.getBoundingClientRect() });
      else pieces.push({ name: 'prompt (not found)', rect: new DOMRect(0, -1e6, 0, 0) });
      return pieces.filter(({ rect }) => rect.top < box.top - 1 || rect.bottom > box.bottom + 1 || rect.height === 0).map(({ name }) => name);
    });
    assert.deepEqual(unseen, [], 'the prompt and Regenerate · Edit… · Open in Studio are seen without scrolling');
    assert.ok(await hover.locator('img').first().evaluate((img, prompt) => {
      const links = [...document.querySelectorAll('.monaco-hover a')].filter((a) => a.textContent === prompt);
      return links.every((a) => a.getBoundingClientRect().bottom <= img.getBoundingClientRect().top + 1);
    }, 'Open in Studio'), 'the thumbnail comes after the actions');
    await screenshot(page, 'recipes-hover');

    const requests = fake.generationRequests.length;
    await hover.locator('a', { hasText: 'Regenerate' }).click();
    await waitUntil('the link to point at a new image', async () => /!\[The harbour\]\(\.\.\/assets\/(?!harbour\.png)[^)]+\.png\)/.test(await editorText(page)));
    const body = fake.generationRequests.at(requests)?.body as { prompt: string; seed: number; size: string };
    assert.equal(body.prompt, PROMPT);
    assert.equal(body.seed, -1, 'a new random seed');
    assert.equal(body.size, '16x9');
    assert.ok(fs.existsSync(path.join(workspace, 'assets', 'harbour.png')), 'the old image stays');
    await screenshot(page, 'recipes-regenerated');
  });

  it('Show Image Recipe reads as a wrapped page in local time; its { } button shows the JSON in JSON’s own editor', async () => {
    const { page, workspace } = ui();
    const png = makePng(200, 120, { seed: 12 });
    const pieces = withRecipe(png, { v: 1, prompt: 'A lighthouse keeper’s cottage at night, its windows glowing, the sea dark and calm below the cliff, long enough to wrap', model: 'flux-2-pro', size: '1248x832', seed: 99, provider: 'bfl', created: '2026-01-31T09:05:07.000Z' });
    assert.ok(pieces);
    fs.mkdirSync(path.join(workspace, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'assets', 'cottage.png'), Buffer.concat(pieces));
    fs.writeFileSync(path.join(workspace, 'notes', 'cottage.md'), '# Cottage\n\n![The cottage](../assets/cottage.png)\n');
    await openFile(page, 'notes/cottage.md');
    await goToLine(page, 3);
    await runCommand(page, 'Flux: Show Image Recipe');
    const tab = (name: string) => page.locator('.editor-group-container.active .tab.active', { hasText: name });
    await tab('cottage.png.recipe.txt').waitFor({ state: 'visible', timeout: 10_000 });
    const pageText = await editorText(page);
    assert.match(pageText, /Prompt: A lighthouse keeper’s cottage/);
    assert.match(pageText, /Created: (?!2026-01-31T)\S/, 'local time, not the stored ISO string');
    assert.doesNotMatch(pageText, /"prompt"/, 'no JSON below the page');
    assert.match(pageText, /Show Image Recipe as JSON/);
    // Wrapped on screen, in a pane half the window wide: no row runs past the visible width.
    const overflow = await activeEditor(page).evaluate((editor) => {
      const visible = editor.querySelector('.monaco-scrollable-element.editor-scrollable')!.getBoundingClientRect().right;
      const rows = [...editor.querySelectorAll('.view-lines .view-line > span')].map((span) => span.getBoundingClientRect().right);
      return { rows: rows.length, past: Math.max(...rows) - visible };
    });
    assert.ok(overflow.rows > 11 && overflow.past <= 1, `the page is wrapped: ${JSON.stringify(overflow)}`);
    await screenshot(page, 'recipes-page');
    const button = page.locator('.editor-group-container.active .editor-actions .action-label[aria-label^="Show Image Recipe as JSON"]');
    await button.click();
    await tab('cottage.png.recipe.json').waitFor({ state: 'visible', timeout: 10_000 });
    await waitUntil('the JSON', async () => (await editorText(page)).includes('"seed": 99'));
    // JSON's grammar (colours, folding) in a language that wraps and makes no links.
    await waitUntil('the JSON language', async () => (await page.locator('[id="status.editor.mode"]').innerText()).trim() === 'Flux Image Recipe (JSON)');
    assert.ok((await activeEditor(page).locator('.view-lines span[class*="mtk"]').evaluateAll((spans) => new Set(spans.map((s) => getComputedStyle(s).color)).size)) > 2, 'coloured as JSON');
    await screenshot(page, 'recipes-json');
  });
});
