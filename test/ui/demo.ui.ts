// The README's opening picture, taken the way a person works: select a sentence, Generate Image
// from Selection in the context menu, watch the progress, get the link under the sentence and
// the picture in the preview. Each moment is a screenshot test-artifacts/demo-NN.png;
// `node scripts/make-demo.mjs` assembles them into docs/demo.png (an animated PNG).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makePng } from '../fake/png';
import { ui } from '../harness/uiContext';
import {
  clearNotifications,
  editorText,
  openEditorContextMenu,
  openFile,
  runCommand,
  screenshot,
  selectLineContaining,
  typeIntoQuickInput,
  waitForNotification,
  waitUntil,
} from '../harness/workbench';

const SENTENCE = 'A red fox asleep in fresh snow under a birch tree, soft morning light.';
const DOC = ['# Field notes', '', SENTENCE, '', 'The trail went on along the frozen river.', ''].join('\n');

describe('README demo', () => {
  it('generates from a selection, frame by frame', async () => {
    const { page, workspace, fake } = ui();
    fs.writeFileSync(path.join(workspace, 'notes', 'field-notes.md'), DOC);
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, 'sk-demo-key-0123456789abcdef');
    await clearNotifications(page);
    await runCommand(page, 'View: Close Primary Side Bar');
    try {
      await openFile(page, 'notes/field-notes.md');
      await selectLineContaining(page, 'A red fox asleep');
      await screenshot(page, 'demo-01');

      await openEditorContextMenu(page);
      const item = page.locator('.context-view .monaco-menu a.action-menu-item', { hasText: 'Generate Image from Selection' }).first();
      await item.hover();
      await screenshot(page, 'demo-02');

      // A picture large enough to see in the preview (the fake's default is small).
      fake.enqueue({ kind: 'b64', seed: 20261202, image: makePng(480, 320, { seed: 5 }) });
      fake.hold();
      await item.click();
      // Work in progress is the one status bar item, with its count and time.
      await page.locator('.statusbar-item', { hasText: /Flux: 1 image ·/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await fake.waitForHeld(1);
      await screenshot(page, 'demo-03');
      fake.release();

      await waitUntil('the link under the sentence', async () => /!\[A red fox asleep[^\]]*\]\(\.\.\/assets\/[^)]+\.png\)/.test(await editorText(page)));
      await waitForNotification(page, /Saved .* and linked it/);
      await screenshot(page, 'demo-04');

      await clearNotifications(page);
      await runCommand(page, 'Markdown: Open Preview to the Side');
      // The preview is a webview: wait until its image has loaded.
      await waitUntil(
        'the image in the preview',
        async () => {
          for (const frame of page.frames()) {
            const loaded = await frame
              .evaluate(() => [...document.querySelectorAll('img')].some((img) => img.complete && img.naturalWidth > 0 && /assets\//.test(img.getAttribute('src') ?? img.src)))
              .catch(() => false);
            if (loaded) return true;
          }
          return false;
        },
        20_000,
      );
      await screenshot(page, 'demo-05');
    } finally {
      fake.release();
      await runCommand(page, 'View: Close All Editors').catch(() => undefined);
      // The demo document is left unsaved: answer the save question so the next test starts clean.
      const dontSave = page.locator('.monaco-dialog-box').getByRole('button', { name: "Don't Save" });
      if (await dontSave.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) await dontSave.click();
      // The side bar comes back with the Explorer, as the next test expects a workbench to look.
      await runCommand(page, 'View: Show Explorer').catch(() => undefined);
      // And the demo's files go: the next test starts with the workspace as it found it.
      fs.rmSync(path.join(workspace, 'notes', 'field-notes.md'), { force: true });
      fs.rmSync(path.join(workspace, 'assets'), { recursive: true, force: true });
    }
  });
});
