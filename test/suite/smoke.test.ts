// Proves the harness: this file runs inside a real extension host with the workspace open.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

describe('extension host smoke', () => {
  it('runs inside VS Code with extensions loaded', () => {
    assert.ok(vscode.version.length > 0);
    assert.ok(vscode.extensions.all.length > 0, 'no extensions are registered');
  });

  it('has the development extension registered', () => {
    const ext = vscode.extensions.getExtension('flux-vscode.flux-vscode');
    assert.ok(ext, `flux-vscode.flux-vscode is not among ${vscode.extensions.all.length} extensions`);
  });

  it('opens the test workspace folder', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'expected exactly one workspace folder');
    const expected = process.env.FLUX_TEST_WORKSPACE;
    if (expected) assert.equal(path.resolve(folders[0].uri.fsPath), path.resolve(expected));
    const files = await vscode.workspace.findFiles('notes/*.md');
    assert.ok(files.some((f) => f.path.endsWith('/notes/chapter.md')), 'notes/chapter.md not found');
  });
});
