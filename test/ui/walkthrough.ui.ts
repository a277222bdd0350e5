// The walkthrough as a newcomer meets it: opened from the Welcome page's "Open Walkthrough...",
// its first step's button asks for the key, and once a key is stored the step shows as done.
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { ui } from '../harness/uiContext';
import { clearNotifications, pickQuickItem, runCommand, screenshot, setTheme, typeIntoQuickInput, waitForNotification, waitUntil } from '../harness/workbench';

const TITLE = 'Get Started with Flux';

function walkthrough(page: Page): Locator {
  return page.locator('.gettingStartedContainer');
}

/** A step of the open walkthrough, by its title. */
function step(page: Page, title: string): Locator {
  return walkthrough(page).locator('.getting-started-step', { has: page.locator('.step-title', { hasText: title }) });
}

/** The step's check mark: VS Code marks a done step's codicon `.complete`. */
async function isChecked(s: Locator): Promise<boolean> {
  return (await s.locator('.codicon.complete').count()) > 0;
}

describe('Walkthrough', () => {
  it('opens from Welcome: Open Walkthrough, and its first step completes once a key is set', async () => {
    const { page } = ui();
    await runCommand(page, 'Flux: Clear API Key');
    await clearNotifications(page);

    await runCommand(page, 'Welcome: Open Walkthrough...');
    await typeIntoQuickInput(page, 'Flux', { submit: false });
    await pickQuickItem(page, TITLE);
    await walkthrough(page).locator('.getting-started-category .category-title, h2', { hasText: TITLE }).first().waitFor({ timeout: 15_000 });

    const keyStep = step(page, 'Set your API key');
    await keyStep.waitFor({ timeout: 10_000 });
    for (const title of ['Generate from a selection', 'Open the Image Studio', 'Edit an image']) {
      assert.equal(await step(page, title).count(), 1, `the step "${title}" is listed`);
    }
    assert.equal(await isChecked(keyStep), false, 'no key yet: the first step is not done');
    // The step's picture is its own SVG, shown in the media webview beside the steps. Opened by its
    // title, as a person does: the middle of an open step may be one of its links (where to get keys).
    await keyStep.locator('.step-title').click();
    await screenshot(page, 'walkthrough-open');

    await keyStep.getByRole('button', { name: 'Set API Key' }).click();
    await typeIntoQuickInput(page, 'sk-walkthrough-key-typed-by-a-person-0000');
    await waitUntil('the first step to be checked', () => isChecked(keyStep), 15_000);
    await clearNotifications(page);
    await screenshot(page, 'walkthrough-key-set');

    // Step 2 with no editor open (the walkthrough is in front): it says what to do, and is not ticked.
    const selectionStep = step(page, 'Generate from a selection');
    await selectionStep.locator('.step-title').click();
    await selectionStep.getByRole('button', { name: 'Generate Image from Selection' }).click();
    const toast = await waitForNotification(page, /Open a document, select the sentence that describes the picture/);
    const buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((b) => b.trim()).filter(Boolean);
    assert.deepEqual(buttons, ['Open a Document'], 'one button, the one that helps');
    await screenshot(page, 'walkthrough-step2-no-editor');
    assert.equal(await isChecked(selectionStep), false, 'nothing was made: the step is not done');
    await clearNotifications(page);
    // The pictures take the theme's colours: look at them in a light theme too.
    await setTheme(page, 'Default Light Modern');
    try {
      await step(page, 'Generate from a selection').locator('.step-title').click();
      await screenshot(page, 'walkthrough-light');
    } finally {
      await setTheme(page, 'Default Dark Modern');
    }
  });
});
