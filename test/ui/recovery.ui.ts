// Nothing paid for is lost when the window reloads, as a person sees it: four FLUX.2 images
// started in the Studio, the window reloaded while the service still works on them, then the
// Studio opened again shows the four as Recovered drafts, and assets/ holds no stray file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { runDirs } from '../harness/codeServer';
import { ui } from '../harness/uiContext';
import { clearNotifications, runCommand, screenshot, typeIntoQuickInput, waitForNotification, waitUntil } from '../harness/workbench';

const PROMPT = 'A lighthouse keeper asleep by the lamp';

function studio(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Accepted tasks in the windows' journals on disk. */
function journalTasks(folder: string): number {
  try {
    return fs
      .readdirSync(folder)
      .filter((n) => /^window-.*\.json$/.test(n))
      .reduce((n, name) => n + (JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')) as { entries: { task?: unknown }[] }).entries.filter((e) => e.task).length, 0);
  } catch {
    return 0;
  }
}

describe('Recovery after a reload, as a person sees it', function () {
  this.timeout(240_000);
  let settingsFile = '';

  before(async () => {
    const { page, workspace } = ui();
    // FLUX.2 through DMXAPI: the service accepts each request, then is polled for it.
    settingsFile = path.join(workspace, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify({ 'flux.model': 'flux-2-pro' }, null, 2));
    await runCommand(page, 'Flux: Set API Key');
    await typeIntoQuickInput(page, 'sk-ui-recovery-0123456789abcdefghij');
    await waitForNotification(page, /API key saved/);
    await clearNotifications(page);
  });

  after(() => {
    fs.rmSync(path.dirname(settingsFile), { recursive: true, force: true });
  });

  it('four images started, the window reloaded: the Studio shows the four as Recovered drafts, and no stray file is left', async () => {
    const { page, fake, workspace, reload } = ui();
    fake.reset();
    fake.enqueueBfl({ kind: 'pending' }, { kind: 'pending' }, { kind: 'pending' }, { kind: 'pending' });
    await runCommand(page, 'Flux: Open Image Studio');
    const frame = studio(page);
    const prompt = frame.locator('#prompt');
    await prompt.waitFor({ state: 'visible', timeout: 30_000 });
    await prompt.click();
    await prompt.fill(PROMPT);
    // The form keeps what earlier tests chose: FLUX.2 on purpose.
    await frame.locator('#model').selectOption('flux-2-pro');
    await frame.locator('.counts label.tile', { hasText: '4' }).click();
    await frame.locator('#generate').click();
    await waitUntil('the service to accept four requests', () => fake.flux2SubmitRequests.length === 4, 30_000);
    // Polled at least once each, and noted in the window's journal (a reload a moment after the
    // service accepted a request can be faster than any disk).
    await waitUntil('a poll for each', () => new Set(fake.flux2PollRequests.map((r) => r.path)).size === 4, 30_000);
    const journal = path.join(runDirs('ui').userDataDir, 'User', 'globalStorage', 'flux-vscode.flux-vscode', 'journal');
    await waitUntil('four tasks in the journal', () => journalTasks(journal) === 4, 10_000);

    await reload();
    // The service finishes while the window is away.
    assert.equal(fake.finishBflTasks(), 4);
    await runCommand(page, 'Flux: Open Image Studio');
    const after = studio(page);
    const recovered = after.locator('li.card.item').filter({ has: after.locator('.badge.recovered') });
    await waitUntil('four Recovered drafts', async () => (await recovered.count()) === 4, 60_000);
    assert.equal(fake.flux2SubmitRequests.length, 4, 'nothing asked for twice');
    for (const card of await recovered.all()) {
      assert.match(await card.locator('.card-prompt').innerText(), new RegExp(`^${PROMPT}`));
      assert.equal(await card.locator('.badge.draft').count(), 1, 'a draft until it is placed');
    }
    await waitForNotification(page, /Flux recovered 4 images/);
    await screenshot(page, 'studio-dark-recovered');
    const strays = fs.existsSync(path.join(workspace, 'assets')) ? fs.readdirSync(path.join(workspace, 'assets')).filter((n) => n.endsWith('.part')) : [];
    assert.deepEqual(strays, []);
    // The form as the other tests expect it (it is kept across reloads).
    await after.locator('#model').selectOption('flux-kontext-pro');
    await after.locator('.counts label.tile', { hasText: '1' }).click();
  });
});
