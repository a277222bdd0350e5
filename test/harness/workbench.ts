// Drives the VS Code workbench in the browser the way a person does: keyboard shortcuts, the
// Command Palette, quick inputs, the editor's context menu. Selectors are VS Code 1.100's DOM.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dialog, Locator, Page } from 'playwright-core';
import { artifactsDir } from './codeServer';

const quickInput = '.quick-input-widget';
const quickInputBox = `${quickInput} .quick-input-box input`;
const quickInputRows = `${quickInput} .quick-input-list .monaco-list-row`;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Waits until `check` holds, polling every 100 ms; fails naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Opens the workbench on `folder` and waits until it is on screen with the explorer loaded. */
export async function openWorkbench(page: Page, url: string, folder?: string): Promise<void> {
  const target = folder ? `${url.replace(/\/$/, '')}/?folder=${encodeURIComponent(folder)}` : url;
  // Leaving a window whose unsaved editors are still being backed up makes VS Code veto the
  // unload; Playwright dismisses that prompt by default and the navigation ends in ERR_ABORTED
  // (CI saw it once in a reload after the Studio's style test). Leave, as a person reloading would.
  const leave = (dialog: Dialog): void => {
    void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()).catch(() => undefined);
  };
  page.on('dialog', leave);
  try {
    await page.goto(target).catch(async (error: unknown) => {
      if (!String(error).includes('ERR_ABORTED')) throw error;
      // A navigation the page started itself got in the way: go once more.
      await sleep(500);
      await page.goto(target);
    });
  } finally {
    page.off('dialog', leave);
  }
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  // The status bar fills in once the window has restored; before that, keys can get lost.
  await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
  if (folder) {
    // The Explorer lists the folder once the window has restored. A test may have left the side
    // bar closed: then there is no list to wait for (it cost 30 s a reload before).
    const explorer = page.locator('.explorer-folders-view');
    if (await explorer.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) {
      await explorer.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    }
  }
}

export async function closeQuickInput(page: Page): Promise<void> {
  if (await page.locator(quickInput).isVisible()) {
    await page.keyboard.press('Escape');
    await page.locator(quickInput).waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }
}

/** The labels of the rows the quick input shows right now (each row's first label: a row's detail line has one too). */
export async function quickInputLabels(page: Page): Promise<string[]> {
  return page.locator(quickInputRows).evaluateAll((rows) => rows.map((row) => (row.querySelector('.label-name') as HTMLElement | null)?.innerText ?? ''));
}

/**
 * The first row whose label is exactly `label`: the row's visible label, or one of the
 * comma-separated parts of its aria-label (the theme picker shows "Light Modern" for the theme
 * "Default Light Modern" and labels the row "Light Modern, Default Light Modern").
 */
async function rowByLabel(page: Page, label: string, timeoutMs: number): Promise<Locator | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const index = await page
      .locator(quickInputRows)
      .evaluateAll((rows, wanted) => {
        for (const row of rows) {
          const name = row.querySelector('.label-name')?.textContent?.trim();
          const parts = (row.getAttribute('aria-label') ?? '').split(', ').map((p) => p.trim());
          if (name === wanted || parts.includes(wanted)) return row.getAttribute('data-index');
        }
        return null;
      }, label)
      .catch(() => null);
    if (index !== null) return page.locator(`${quickInputRows}[data-index="${index}"]`);
    if (Date.now() > deadline) return undefined;
    await sleep(100);
  }
}

/** F1, then `>` + title into the palette, returning once the matching row is shown. */
async function paletteShows(page: Page, title: string, waitMs: number): Promise<Locator | undefined> {
  await closeQuickInput(page);
  await page.keyboard.press('F1');
  const input = page.locator(quickInputBox);
  // The palette can close again at once when a webview that is still loading takes focus:
  // then the caller opens it again (findCommand retries).
  const shown = await input.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
  if (!shown || !(await input.fill(`>${title}`, { timeout: 3_000 }).then(() => true, () => false))) return undefined;
  return rowByLabel(page, title, waitMs);
}

export interface RunCommandOptions {
  /** How long to keep retrying while the extension's commands register (default 15 s). */
  timeoutMs?: number;
}

/**
 * Runs a command from the Command Palette by its exact title, e.g. 'Flux: Set API Key'.
 * Retries: extension commands appear shortly after the workbench does.
 */
export async function runCommand(page: Page, title: string, options: RunCommandOptions = {}): Promise<void> {
  let row = await findCommand(page, title, options);
  if (!row) {
    const seen = await quickInputLabels(page).catch(() => []);
    await closeQuickInput(page);
    throw new Error(`Command "${title}" not in the Command Palette. Rows shown: ${JSON.stringify(seen.slice(0, 10))}`);
  }
  // A webview re-rendering (after a theme change, say) can take focus and close the palette
  // under the pointer: then open it again, once, as a person would.
  if (!(await row.click({ timeout: 5_000 }).then(() => true, () => false))) {
    row = await findCommand(page, title, options);
    if (!row) throw new Error(`Command "${title}" went from the Command Palette`);
    await row.click();
  }
  // The palette closes, or turns into the command's own input (API key, theme picker...).
  const input = page.locator(quickInputBox);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const stillPalette = (await input.isVisible()) && (await input.inputValue().catch(() => '')) === `>${title}`;
    if (!stillPalette) break;
    await sleep(50);
  }
}

/** Whether the palette lists `title` (within the timeout); leaves the palette closed. */
export async function commandIsListed(page: Page, title: string, options: RunCommandOptions = {}): Promise<boolean> {
  const row = await findCommand(page, title, options);
  await closeQuickInput(page);
  return row !== undefined;
}

async function findCommand(page: Page, title: string, options: RunCommandOptions): Promise<Locator | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const row = await paletteShows(page, title, 1_500);
    if (row || Date.now() > deadline) return row;
    await closeQuickInput(page);
    await sleep(500);
  }
}

export interface QuickInputOptions {
  /** Press Enter after typing (default true). */
  submit?: boolean;
  timeoutMs?: number;
}

/**
 * Types into the open quick input or input box (prompt, API key, quick pick filter) key by key,
 * as a person does, checks it arrived whole, and accepts with Enter.
 */
export async function typeIntoQuickInput(page: Page, text: string, options: QuickInputOptions = {}): Promise<void> {
  const input = page.locator(quickInputBox);
  await input.waitFor({ state: 'visible', timeout: options.timeoutMs ?? 10_000 });
  // As a person does: look that the caret is in the box before typing. A webview that is still
  // loading (the walkthrough's picture, the Studio) can take focus once as it appears; then the
  // person clicks back into the box and types again, once.
  let typed = '';
  for (let attempt = 0; attempt < 2 && typed !== text; attempt++) {
    // Focus by keyboard, not a click: a pointer left over the box raises its title's tooltip,
    // which then covers the first row.
    await input.focus();
    await input.fill('');
    await input.pressSequentially(text);
    typed = await input.inputValue();
  }
  if (typed !== text) throw new Error(`Typed ${JSON.stringify(text)} into the quick input, it holds ${JSON.stringify(typed)}`);
  if (options.submit ?? true) await input.press('Enter');
}

/** The open quick input's prompt/validation message, if any. */
export async function quickInputMessage(page: Page): Promise<string> {
  const message = page.locator(`${quickInput} .quick-input-message`);
  return (await message.isVisible()) ? message.innerText() : '';
}

/** Picks a row of the open quick pick by its exact label (clicks it). */
export async function pickQuickItem(page: Page, label: string, timeoutMs = 10_000): Promise<void> {
  const row = await rowByLabel(page, label, timeoutMs);
  if (!row) {
    const seen = await quickInputLabels(page).catch(() => []);
    throw new Error(`No "${label}" in the quick pick. Rows shown: ${JSON.stringify(seen.slice(0, 10))}`);
  }
  await row.click();
}

/** The active editor's tab label. */
export function activeTab(page: Page): Locator {
  return page.locator('.editor-group-container.active .tabs-container .tab.active');
}

/**
 * Opens a workspace file by its relative path through Quick Open (Ctrl+P) and focuses its
 * editor. Retries when Quick Open closes early (a webview that finishes loading takes focus).
 */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const name = path.posix.basename(relativePath);
  const input = page.locator(quickInputBox);
  const row = page.locator(quickInputRows).filter({ has: page.locator('.label-name', { hasText: name }) }).first();
  for (let attempt = 1; ; attempt++) {
    await closeQuickInput(page);
    await page.keyboard.press('Control+P');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(relativePath);
      // Quick open ranks the exact path first; wait until a row for the file is there.
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await input.press('Enter');
      break;
    } catch (err) {
      if (attempt >= 3) {
        throw new Error(`Quick Open did not offer ${relativePath}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
  }
  await activeTab(page).filter({ hasText: name }).waitFor({ state: 'visible', timeout: 15_000 });
  await focusEditor(page);
}

/** The active editor (text area of the focused group). */
export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

export async function focusEditor(page: Page): Promise<void> {
  const editor = activeEditor(page);
  await editor.waitFor({ state: 'visible', timeout: 15_000 });
  await editor.locator('textarea.inputarea, .native-edit-context').first().focus();
}

/** Moves the cursor with Ctrl+G to the start of a 1-based line. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press('Control+G');
  // Go to Line is quick access with the ':' prefix already typed; keep it.
  await typeIntoQuickInput(page, `:${line}`);
  await page.locator(quickInputBox).waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  await page.keyboard.press('Home');
  await page.keyboard.press('Home'); // the second press goes to column 1 even on indented lines
}

/** Selects whole lines `from`..`to` (1-based, inclusive) by keyboard, without the final newline. */
export async function selectLines(page: Page, from: number, to: number = from): Promise<void> {
  await goToLine(page, from);
  for (let i = from; i < to; i++) await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+End');
  await waitForSelection(page);
}

/** Types text at the cursor of the active editor, as keystrokes. */
export async function typeInEditor(page: Page, text: string): Promise<void> {
  await focusEditor(page);
  await page.keyboard.type(text);
}

export interface EditorLine {
  /** 1-based line number, as in the gutter. */
  readonly number: number;
  readonly text: string;
}

/**
 * The active editor's rendered lines with their numbers, word-wrapped rows joined back. Monaco
 * only renders what is on screen, so for long documents this is the visible part; assert
 * whole files from disk instead.
 */
export async function editorLines(page: Page): Promise<EditorLine[]> {
  const editor = activeEditor(page);
  await editor.waitFor({ state: 'visible', timeout: 15_000 });
  return editor.evaluate((el) => {
    const top = (n: Element) => parseFloat((n as HTMLElement).style.top || '0');
    // Only a line's first row has a number in the gutter; wrapped continuation rows have none.
    const numbers = new Map<number, number>();
    for (const row of el.querySelectorAll('.margin-view-overlays > div')) {
      const label = (row.querySelector('.line-numbers')?.textContent ?? '').trim();
      if (/^\d+$/.test(label)) numbers.set(top(row), Number(label));
    }
    const rows = [...el.querySelectorAll('.view-lines .view-line')]
      .map((n) => ({ top: top(n), text: (n.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((a, b) => a.top - b.top);
    const lines: { number: number; text: string }[] = [];
    for (const row of rows) {
      const number = numbers.get(row.top);
      const last = lines[lines.length - 1];
      if (number === undefined && last) last.text += row.text;
      else lines.push({ number: number ?? (last ? last.number + 1 : 1), text: row.text });
    }
    return lines;
  });
}

/** The active editor's visible text (see editorLines), lines joined with \n. */
export async function editorText(page: Page): Promise<string> {
  return (await editorLines(page)).map((l) => l.text).join('\n');
}

/** Selects the first visible line that contains `text`, by keyboard; returns its number. */
export async function selectLineContaining(page: Page, text: string): Promise<number> {
  const line = (await editorLines(page)).find((l) => l.text.includes(text));
  if (!line) throw new Error(`No visible line in the editor contains "${text}"`);
  await selectLines(page, line.number);
  return line.number;
}

/** How many characters are selected, from the status bar's "Ln 3, Col 1 (42 selected)". */
export async function selectionCount(page: Page): Promise<number> {
  const status = await page.locator('.statusbar-item[id="status.editor.selection"]').innerText().catch(() => '');
  const match = /\((\d+) selected\)/.exec(status);
  return match ? Number(match[1]) : 0;
}

/** Waits until the status bar reports a selection (it updates a moment after the keys). */
export async function waitForSelection(page: Page, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await selectionCount(page);
    if (count > 0 || Date.now() > deadline) return count;
    await sleep(100);
  }
}

/** Waits for a notification toast whose message matches, returns the toast. */
export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<Locator> {
  const toast = page
    .locator('.notifications-toasts .notification-toast')
    .filter({ has: page.locator('.notification-list-item-message', { hasText: pattern }) })
    .first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  // Toasts fade in; wait for the transition so a screenshot shows them.
  const deadline = Date.now() + 2_000;
  while (Date.now() < deadline) {
    const shown = await toast
      .evaluate((el) => Boolean(el.closest('.notification-fade-in-done') ?? el.querySelector('.notification-fade-in-done')))
      .catch(() => true);
    if (shown) break;
    await sleep(50);
  }
  return toast;
}

/** Clicks a button (e.g. "Set API Key") on a notification toast. */
export async function clickNotificationButton(toast: Locator, label: string): Promise<void> {
  await toast.locator('.notification-list-item-buttons-container a.monaco-button', { hasText: label }).first().click();
}

/** The messages of all visible notification toasts. */
export async function notificationMessages(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/** Dismisses every notification (the "Clear All Notifications" command). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** Saves a PNG into test-artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '')}.png`);
  await page.screenshot({ path: file });
  return file;
}

export type ThemeName = 'Default Dark Modern' | 'Default Light Modern';

/** Switches the colour theme through "Preferences: Color Theme", as a person would. */
export async function setTheme(page: Page, theme: ThemeName): Promise<void> {
  // A webview still loading (a walkthrough step's picture) can take focus and close the theme
  // picker as it opens: then it is opened again, up to three times.
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, 'Preferences: Color Theme');
      await typeIntoQuickInput(page, theme, { submit: false, timeoutMs: 3_000 });
      await pickQuickItem(page, theme, 3_000);
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
      await closeQuickInput(page);
    }
  }
  const cls = theme.includes('Light') ? 'vs' : 'vs-dark';
  await page.locator(`.monaco-workbench.${cls}`).waitFor({ state: 'attached', timeout: 10_000 });
}

/**
 * Right-clicks the active editor, on the selection when there is one (so it is kept), else on
 * the cursor, and waits for the context menu.
 */
export async function openEditorContextMenu(page: Page): Promise<void> {
  const editor = activeEditor(page);
  await editor.waitFor({ state: 'visible', timeout: 15_000 });
  // Measured in the page: the cursor blinks (Playwright calls it invisible half the time) and
  // the selection is painted a frame after the keys, so poll for a box. The status bar reports
  // the selection a moment late too (a selection just collapsed may still say "72 selected"),
  // so it is read again on every poll.
  let hasSelection = false;
  let box: { x: number; y: number; width: number; height: number } | null = null;
  const deadline = Date.now() + 5_000;
  while (!box && Date.now() < deadline) {
    hasSelection = (await selectionCount(page)) > 0;
    box = await editor.evaluate((el, wantSelection) => {
      const measure = (selector: string) => {
        const node = el.querySelector(selector);
        const r = node?.getBoundingClientRect();
        return r && r.height > 0 ? { x: r.x, y: r.y, width: r.width, height: r.height } : null;
      };
      return wantSelection ? measure('.view-overlays .selected-text') : measure('.cursors-layer .cursor');
    }, hasSelection);
    if (!box) await sleep(100);
  }
  if (!box) throw new Error(`Cannot find the ${hasSelection ? 'selection' : 'cursor'} to right-click in the editor`);
  await page.mouse.click(box.x + Math.max(1, Math.min(box.width / 2, 40)), box.y + box.height / 2, { button: 'right' });
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'visible', timeout: 10_000 });
}

/** Right-clicks the active editor (see openEditorContextMenu) and picks an item by its label.
 * Menus show titles without the category: 'Generate Image from Selection', not 'Flux: ...'. */
export async function editorContextMenu(page: Page, itemLabel: string): Promise<void> {
  await openEditorContextMenu(page);
  await clickContextMenuItem(page, itemLabel);
}

/** Picks an item of the open context menu by its label. */
export async function clickContextMenuItem(page: Page, itemLabel: string, timeoutMs = 10_000): Promise<void> {
  // Match the label only: an item's accessible name also holds its keybinding ("... Ctrl+Alt+G").
  const label = page.locator('.action-label', { hasText: new RegExp(`^\\s*${escapeRegExp(itemLabel)}\\s*$`) });
  const item = page.locator('.context-view .monaco-menu a.action-menu-item').filter({ has: label }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  // VS Code's menu ignores a mouse-up in its first 100 ms (so the right-click that opened it
  // cannot pick an item): a click sooner than that is lost, the item left highlighted.
  await sleep(200);
  await item.click();
  // The menu closes before its action runs.
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 5_000 });
}

/** The labels of the open context menu's items. */
export async function contextMenuLabels(page: Page): Promise<string[]> {
  return page.locator('.context-view .monaco-menu .action-item .action-label').allInnerTexts();
}

/** The open quick input's text box (an input box, the palette, a quick pick's filter). */
export function quickInputField(page: Page): Locator {
  return page.locator(quickInputBox);
}

/** Names in a folder on disk, dotfiles included (a leftover `.flux-*.part` shows); [] only when the folder is not there. */
export function filesOnDisk(folder: string): string[] {
  try {
    return fs.readdirSync(folder).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Waits until the active editor shows `pattern` on screen on line `number` (1-based, as in the
 * gutter), so a screenshot taken now has it where a person expects it.
 */
export async function waitForLineOnScreen(page: Page, number: number, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen: EditorLine[];
  for (;;) {
    seen = await editorLines(page).catch(() => []);
    const line = seen.find((l) => l.number === number);
    if (line && pattern.test(line.text)) return line.text;
    if (Date.now() > deadline) {
      throw new Error(`Line ${number} does not show ${String(pattern)}; on screen: ${JSON.stringify(seen.slice(0, 20))}`);
    }
    await sleep(100);
  }
}

/** Answers a modal dialog left open ("Do you want to save…?": Don't Save; anything else: Cancel/close). */
export async function dismissDialog(page: Page): Promise<boolean> {
  const dialog = page.locator('.monaco-dialog-box');
  if (!(await dialog.isVisible().catch(() => false))) return false;
  const dontSave = dialog.getByRole('button', { name: "Don't Save" });
  if (await dontSave.isVisible().catch(() => false)) await dontSave.click();
  else await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  return true;
}

/**
 * A workbench as a new test file expects it: no dialog, no quick input, every editor closed
 * without saving what an earlier file left unsaved, no notifications.
 */
export async function resetWorkbench(page: Page): Promise<void> {
  await dismissDialog(page);
  await closeQuickInput(page);
  await runCommand(page, 'View: Revert and Close Editor').catch(() => undefined);
  const tabs = page.locator('.editor-group-container .tabs-container .tab');
  const dialog = page.locator('.monaco-dialog-box');
  for (let i = 0; i < 3; i++) {
    await runCommand(page, 'View: Close All Editors').catch(() => undefined);
    // An unsaved editor (restored by a reload, say) asks "Do you want to save…?" a moment after
    // the command: wait for that question or for the editors to go, then answer it.
    await waitUntil('the editors to close or a dialog', async () => (await dialog.isVisible()) || (await tabs.count()) === 0, 5_000).catch(() => undefined);
    if (!(await dismissDialog(page))) break;
  }
  await clearNotifications(page).catch(() => undefined);
  // A command above may itself have answered with an error dialog (the Explorer losing a folder
  // an earlier test deleted): answer that too.
  await dismissDialog(page);
}
