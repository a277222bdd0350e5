// What a person sees when VS Code runs in Chinese. The runner starts a second code-server with
// `--locale zh-cn` for the tests titled @zh-cn (see test/suite/index.ts); there vscode.l10n
// reads l10n/bundle.l10n.zh-cn.json in the real host, and these tests check the words shown.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { assertWorkspaceUnchanged, closeAllEditors, expectMessage, fakeServiceForSuite, openMarkdown, readAllText, selectLine, snapshotWorkspace, testingApi, waitFor } from './helpers';

const DOC = '# 笔记\n\n海边的灯塔。\n';

describe('Messages in Chinese @zh-cn', () => {
  const fake = fakeServiceForSuite();
  afterEach(closeAllEditors);

  it('runs with VS Code in Chinese', () => {
    assert.equal(vscode.env.language, 'zh-cn');
  });

  it('a rejected key: the error and its buttons in Chinese, nothing written', async () => {
    await (await testingApi()).setApiKey('sk-invalid-key-for-zh-cn-test');
    const editor = await openMarkdown('notes/zh-cn-key.md', DOC);
    selectLine(editor, 2);
    const before = await snapshotWorkspace();
    assert.equal(await vscode.commands.executeCommand('flux.generateFromSelection'), undefined);
    // Plain words in Chinese; the status and the service's words are in the log, not here.
    const shown = await expectMessage('error', 'API 密钥被拒绝。请用“Flux:设置 API 密钥”设置有效的密钥。');
    assert.deepEqual(shown.buttons, ['设置 API 密钥', '显示日志']);
    assert.ok(!shown.text.includes('invalid-key-for'), 'the key is not shown back');
    assert.equal(fake().generationRequests[0]?.outcome.status, 401);
    assert.equal(editor.document.getText(), DOC);
    await assertWorkspaceUnchanged(before);
  });

  it('plain words in Chinese: a web page at flux.baseUrl, an empty account', async () => {
    await (await testingApi()).setApiKey('sk-good-key-for-the-zh-cn-words-0000');
    const editor = await openMarkdown('notes/zh-cn-words.md', DOC);
    selectLine(editor, 2);
    const before = await snapshotWorkspace();
    fake().enqueue({ kind: 'raw', status: 200, body: '<!DOCTYPE html><html><title>502 Bad Gateway</title></html>', contentType: 'text/html' });
    assert.equal(await vscode.commands.executeCommand('flux.generateFromSelection'), undefined);
    await expectMessage('error', 'flux.baseUrl 中的地址返回了一个网页,而不是图片服务。请检查 flux.baseUrl。');
    (await testingApi()).messages.clear();
    fake().enqueue({ kind: 'error', status: 403, shape: 'flat', code: 'quota_not_enough', message: '余额不足' });
    assert.equal(await vscode.commands.executeCommand('flux.generateFromSelection'), undefined);
    await expectMessage('error', '您的账户余额不足。请到服务商处为账户充值,然后重试。');
    const { logUri } = await testingApi();
    await waitFor('the details in the log', () => /quota: Your account is out of credit\. .* \(HTTP 403, code quota_not_enough, the service said: “余额不足”\)/.test(readAllText(logUri.fsPath)));
    assert.equal(editor.document.getText(), DOC);
    await assertWorkspaceUnchanged(before);
  });

  it('a size that is not one: the warning in Chinese', async () => {
    await openMarkdown('notes/zh-cn-size.md', DOC);
    const before = await snapshotWorkspace();
    assert.equal(await vscode.commands.executeCommand('flux.generateImage', { prompt: '灯塔', size: 'large' }), undefined);
    const shown = await expectMessage('warning', '“large”不是有效尺寸。请使用宽高比(1x1, 2x3, 3x2, 3x4, 4x3, 9x16, 16x9)或像素尺寸,例如 1024x768。');
    assert.deepEqual(shown.buttons, ['打开设置', '显示日志']);
    assert.equal(fake().generationRequests.length, 0);
    await assertWorkspaceUnchanged(before);
  });
});
