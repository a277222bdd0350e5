// What UI test files (out/test/ui/**/*.ui.js) get from runUi.ts: a running code-server with the
// packaged extension installed, a browser page on its workbench, and the fake image service
// that `flux.baseUrl` points to. UI tests import `ui()` and drive `ui().page` with workbench.ts.
import type { Page } from 'playwright-core';
import type { FakeService } from '../fake/fakeService';
import type { Browser, CodeServer } from './codeServer';
import { openWorkbench, resetWorkbench, runCommand } from './workbench';

export interface UiContext {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
  /** The workspace folder open in the workbench (a fresh copy of test/fixtures/workspace). */
  readonly workspace: string;
  /** The fake service `flux.baseUrl` points to (user settings). */
  readonly fake: FakeService;
  /** Reloads the workbench on the workspace: closes editors, inputs and notifications. */
  reload(): Promise<void>;
  /**
   * A clean workbench without a reload (a reload costs 8-12 s): dialogs answered, editors closed
   * unsaved, notifications cleared, and the Explorer read again from disk, for files a test wrote
   * or removed behind its back.
   */
  tidy(): Promise<void>;
}

// Set once by runUi.ts before mocha loads the test files, cleared when the run ends.
const holder: { current?: UiContext } = {};

export function setUiContext(context: UiContext | undefined): void {
  holder.current = context;
}

export function ui(): UiContext {
  if (!holder.current) {
    throw new Error('No UI context: run UI tests through out/test/harness/runUi.js (npm run test:ui).');
  }
  return holder.current;
}

export function createUiContext(server: CodeServer, browser: Browser, workspace: string, fake: FakeService): UiContext {
  return {
    server,
    browser,
    page: browser.page,
    workspace,
    fake,
    reload: async () => {
      await openWorkbench(browser.page, server.url, workspace);
      // The window restores the editors (unsaved ones included) and layout it last saved, which
      // depends on when it last wrote its state: start from none, whatever came back.
      await resetWorkbench(browser.page);
    },
    tidy: async () => {
      await resetWorkbench(browser.page);
      await runCommand(browser.page, 'Refresh Explorer');
    },
  };
}
