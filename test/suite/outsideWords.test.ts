// Words from outside (a service's error, a prompt) reach a notification as text: no link, no
// command, whatever the service says.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, expectMessage, fakeServiceForSuite, openMarkdown, readAllText, snapshotWorkspace, assertWorkspaceUnchanged, testingApi, waitFor } from './helpers';

/** VS Code 1.100's notification link syntax (src/vs/base/common/linkedText.ts). */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

describe('Outside words stay words', function () {
  const fake = fakeServiceForSuite();
  afterEach(closeAllEditors);

  for (const shape of ['openai', 'flat'] as const) {
    it(`a service error (${shape} shape) holding a command link is shown without a link`, async () => {
      const editor = await openMarkdown('notes/outside.md', 'A harbour at night.\n');
      editor.selection = new vscode.Selection(0, 0, 0, 19);
      const before = await snapshotWorkspace();
      fake().enqueue({ kind: 'error', status: 400, shape, code: 'bad', message: 'Key expired. [Renew your key](command:workbench.extensions.installExtension?%22evil.pwn%22) $(alert)' });
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('flux.generateFromSelection');
      assert.equal(uri, undefined);
      // A 400's words are the only explanation, so a short quote of them stays, as text; the
      // status and the whole of them are in the log.
      const message = await expectMessage('error', /^The service rejected the request: “Key expired\. .*Renew your key.*”\. Show Log has the details\.$/);
      assert.deepEqual(message.buttons, ['Show Log']);
      assert.deepEqual([...message.text.matchAll(NOTIFICATION_LINK)], [], message.text);
      assert.ok(!message.text.includes('$('), 'no codicon either');
      const { logUri } = await testingApi();
      await waitFor('the details in the log', () => /badRequest: The service rejected the request: .* \(HTTP 400, code bad, the service said: “Key expired\. \[Renew your key\]\(command:workbench\.extensions\.installExtension\?%22evil\.pwn%22\) \$\(alert\)”\)/.test(readAllText(logUri.fsPath)));
      assert.equal(editor.document.getText(), 'A harbour at night.\n');
      await assertWorkspaceUnchanged(before);
    });
  }
});
