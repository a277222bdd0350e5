// The harness works end to end: the packaged extension is installed, its commands are in the
// palette and the editor's context menu, and screenshots come out.
import * as assert from 'node:assert/strict';
import { ui } from '../harness/uiContext';
import {
  closeQuickInput,
  commandIsListed,
  contextMenuLabels,
  openEditorContextMenu,
  openFile,
  quickInputLabels,
  runCommand,
  screenshot,
  selectLineContaining,
  typeIntoQuickInput,
  waitForNotification,
} from '../harness/workbench';

describe('UI smoke', () => {
  it('shows the Flux commands in the Command Palette', async () => {
    const { page } = ui();
    // Built in: if this fails the harness is broken, not the extension.
    assert.ok(await commandIsListed(page, 'Preferences: Open User Settings (JSON)'), 'built-in command missing');
    assert.ok(await commandIsListed(page, 'Flux: Set API Key'), 'Flux: Set API Key is not in the palette');

    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget .quick-input-box input').fill('>Flux:');
    await page.locator('.quick-input-widget .monaco-list-row').first().waitFor();
    const labels = await quickInputLabels(page);
    assert.ok(labels.includes('Flux: Generate Image'), `palette rows: ${JSON.stringify(labels)}`);
    await screenshot(page, 'ui-smoke-palette');
    await closeQuickInput(page);
  });

  // Menus show command titles without the "Flux:" category.
  it('offers Generate Image from Selection in the context menu of selected Markdown', async () => {
    const { page } = ui();
    await openFile(page, 'notes/chapter.md');
    // By content, not number: other UI tests may have inserted lines into this file.
    await selectLineContaining(page, 'The lighthouse keeper climbed');
    await openEditorContextMenu(page);
    const labels = await contextMenuLabels(page);
    await screenshot(page, 'ui-smoke-context-menu');
    await page.keyboard.press('Escape');
    assert.ok(labels.includes('Generate Image from Selection'), `context menu: ${JSON.stringify(labels)}`);
  });

  it('stores an API key typed into Flux: Set API Key', async () => {
    const { page } = ui();
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, 'sk-ui-smoke-0123456789abcdefghij');
    await waitForNotification(page, /API key saved/);
    await screenshot(page, 'ui-smoke-key-saved');
    await runCommand(page, 'Flux: Clear API Key');
    await waitForNotification(page, /API key removed/);
  });
});
