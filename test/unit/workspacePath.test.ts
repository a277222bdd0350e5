import * as assert from 'node:assert/strict';
import { isInsideFolder, isSafeStoredFileUri, normalizeUriPath } from '../../src/core/workspacePath';

describe('normalised URI paths', () => {
  it('resolves . and .., repeated and trailing separators', () => {
    assert.equal(normalizeUriPath('/ws/a/./b/../c.png'), '/ws/a/c.png');
    assert.equal(normalizeUriPath('/ws//assets///x.png'), '/ws/assets/x.png');
    assert.equal(normalizeUriPath('/ws/assets/'), '/ws/assets');
    assert.equal(normalizeUriPath('/'), '/');
    assert.equal(normalizeUriPath('/ws/..'), '/');
  });
  it('decodes percent-escapes in any letter case before resolving', () => {
    assert.equal(normalizeUriPath('/ws/%2e%2e/etc'), '/etc');
    assert.equal(normalizeUriPath('/ws/%2E%2e/etc'), '/etc');
    assert.equal(normalizeUriPath('/ws/.%2E/etc'), '/etc');
    assert.equal(normalizeUriPath('/ws/a%2f..%2f..%2fetc'), '/etc');
    assert.equal(normalizeUriPath('/ws/my%20images/%E6%BC%AB.png'), '/ws/my images/漫.png');
    // an ASCII escape beside an invalid UTF-8 byte is still decoded
    assert.equal(normalizeUriPath('/ws/a/%2e%2e%2f%ff'), '/ws/%ff');
  });
  it('takes a backslash as a separator', () => {
    assert.equal(normalizeUriPath('/ws\\assets\\x.png'), '/ws/assets/x.png');
    assert.equal(normalizeUriPath('/ws/assets\\..\\..\\etc'), '/etc');
    assert.equal(normalizeUriPath('/ws/assets%5c..%5C..%5cetc'), '/etc');
  });
  it('is undefined above the root, with NUL, or with names only of dots and spaces', () => {
    assert.equal(normalizeUriPath('/..'), undefined);
    assert.equal(normalizeUriPath('/ws/../../etc'), undefined);
    assert.equal(normalizeUriPath('/ws/%2e%2e/%2e%2e/etc'), undefined);
    assert.equal(normalizeUriPath('\\..\\x'), undefined);
    assert.equal(normalizeUriPath('/ws/a%00.png'), undefined);
    assert.equal(normalizeUriPath('/ws/.. /x'), undefined);
    assert.equal(normalizeUriPath('/ws/.../x'), undefined);
  });
});

describe('inside a folder', () => {
  it('accepts the folder itself and what is below it', () => {
    assert.equal(isInsideFolder('/ws/assets/x.png', '/ws'), true);
    assert.equal(isInsideFolder('/ws', '/ws'), true);
    assert.equal(isInsideFolder('/ws/', '/ws'), true);
    assert.equal(isInsideFolder('/ws/assets/x.png', '/ws/'), true);
    assert.equal(isInsideFolder('/ws/a/../b.png', '/ws'), true);
    assert.equal(isInsideFolder('/c:/Users/me/ws/a.png', '/c:/Users/me/ws'), true);
    assert.equal(isInsideFolder('/anything', '/'), true);
    assert.equal(isInsideFolder('/ws/my%20pics/a.png', '/ws'), true);
  });
  it('refuses a sibling with the same prefix', () => {
    assert.equal(isInsideFolder('/ws2/x.png', '/ws'), false);
    assert.equal(isInsideFolder('/ws2', '/ws'), false);
    assert.equal(isInsideFolder('/w', '/ws'), false);
    assert.equal(isInsideFolder('/ws-other/../ws2/x', '/ws'), false);
  });
  it('refuses .. in every spelling', () => {
    for (const p of [
      '/ws/../etc/passwd',
      '/ws/assets/../../etc',
      '/ws/%2e%2e/etc',
      '/ws/%2E%2e/etc',
      '/ws/%2e%2E/etc',
      '/ws/.%2e/etc',
      '/ws/%252e%252e/etc', // double-encoded
      '/ws\\..\\etc',
      '/ws/assets\\../..\\etc',
      '/ws/a%5c..%5c..%5cetc',
      '/ws/..%2f..%2fetc',
      '/..',
    ]) {
      assert.equal(isInsideFolder(p, '/ws'), false, p);
    }
  });
  it('refuses a path whose decoded reading stays inside but whose literal one does not', () => {
    // Literally a folder named "..%2fws" inside /ws2: outside /ws whichever way it is read.
    assert.equal(isInsideFolder('/ws2/..%2fws/x.png', '/ws'), false);
  });
  it('compares the folder the same way', () => {
    assert.equal(isInsideFolder('/home/my%20ws/a.png', '/home/my%20ws'), true);
    assert.equal(isInsideFolder('/ws/a', '/ws/b/..'), true);
    assert.equal(isInsideFolder('/ws/a', '/ws/../..'), false);
  });
  it('refuses paths encoded too many times to judge', () => {
    assert.equal(isInsideFolder('/ws/%25252525252e', '/ws'), false);
  });
});

describe('stored file URIs', () => {
  const schemes = ['file', 'vscode-remote'];
  it('accepts plain file URIs of allowed schemes', () => {
    assert.equal(isSafeStoredFileUri('file:///home/me/ws/assets/a-red-fox.png', schemes), true);
    assert.equal(isSafeStoredFileUri('file:///c%3A/Users/me/ws/assets/%E6%BC%AB.png', schemes), true);
    assert.equal(isSafeStoredFileUri('FILE:///home/me/a.png', schemes), true);
    assert.equal(isSafeStoredFileUri('vscode-remote://ssh-remote%2Bbox/home/me/ws/a.png', schemes), true);
    assert.equal(isSafeStoredFileUri('file:///home/me/my%20pics/fox%20%281%29.png', schemes), true);
    assert.equal(isSafeStoredFileUri('file:///home/me/100%25.png', schemes), true);
  });
  it('refuses other schemes and shapes', () => {
    for (const u of [
      'command:workbench.action.terminal.new',
      'https://evil.example/a.png',
      'untitled:Untitled-1',
      'javascript:alert(1)',
      'file:',
      'file://',
      'file:///',
      'file://host',
      'file:relative/a.png',
      '/home/me/a.png',
      '',
    ]) {
      assert.equal(isSafeStoredFileUri(u, schemes), false, u);
    }
  });
  it('refuses . and .. segments in any encoding', () => {
    for (const u of [
      'file:///home/me/ws/../.ssh/id_rsa',
      'file:///home/me/ws/./a.png',
      'file:///home/me/ws/%2e%2e/x',
      'file:///home/me/ws/%2E%2e/x',
      'file:///home/me/ws/.%2E/x',
      'file:///home/me/ws/%252e%252e/x',
      'file:///home/me/ws/a%2f..%2fx',
      'file:///home/me/ws/..',
      'file:///home/me/ws/...',
      'file:///home/me/ws/.. /x',
    ]) {
      assert.equal(isSafeStoredFileUri(u, schemes), false, u);
    }
  });
  it('refuses backslashes, empty segments, queries, fragments, controls and bad escapes', () => {
    for (const u of [
      'file:///home/me/ws\\..\\x',
      'file:///home/me/ws/a%5c..%5cx',
      'file:///home/me/ws/a%5C..%5Cx',
      'file:///home/me//a.png',
      'file:///home/me/ws/',
      'file:///home/me/a.png?x=1',
      'file:///home/me/a.png#frag',
      'file:///home/me/a\u0000.png',
      'file:///home/me/a%00.png',
      'file:///home/me/\u202egnp.exe',
      'file:///home/me/a%zz.png',
      'file:///home/me/a%.png',
      'vscode-remote://evil%2f..%2f/home/me/a.png',
    ]) {
      assert.equal(isSafeStoredFileUri(u, schemes), false, JSON.stringify(u));
    }
  });
});
