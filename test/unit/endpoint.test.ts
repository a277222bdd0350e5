import * as assert from 'node:assert/strict';
import { generationsUrl, isInsecureRemote, isLoopbackHost } from '../../src/core/endpoint';
import { FluxError } from '../../src/core/errors';
import { bflBaseUrl } from '../../src/core/providers/bfl';

describe('plain-HTTP warning', () => {
  it('counts only real loopback addresses as this machine', () => {
    for (const local of ['http://localhost', 'http://LOCALHOST:8080/v1', 'http://127.0.0.1:8080', 'http://127.1.2.3', 'http://[::1]:80', 'http://[0:0:0:0:0:0:0:1]/']) {
      assert.equal(isInsecureRemote(local), false, local);
    }
  });
  it('warns for names that only look like loopback', () => {
    for (const remote of [
      'http://127.attacker.example',
      'http://127.0.0.1.nip.io',
      'http://127.0.0.1.attacker.example:8080',
      'http://localhost.attacker.example',
      'http://attacker.example/localhost',
      'http://localhost@attacker.example',
      'http://[::ffff:8.8.8.8]',
      'http://128.0.0.1',
      'http://10.0.0.1',
      'http://example.com',
    ]) {
      assert.equal(isInsecureRemote(remote), true, remote);
    }
  });
  it('does not warn for https or for what is not a URL', () => {
    assert.equal(isInsecureRemote('https://example.com'), false);
    assert.equal(isInsecureRemote('https://127.attacker.example'), false);
    assert.equal(isInsecureRemote('not a url'), false);
  });
  it('reads host names as given by URL parsing', () => {
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('::1'), true);
    assert.equal(isLoopbackHost('127.attacker.example'), false);
    assert.equal(isLoopbackHost('127.0.0.1.'), false);
    assert.equal(isLoopbackHost(''), false);
  });
});

describe('service addresses', () => {
  it('read the root of either setting the same way: a trailing / or /v1, a query and a fragment dropped', () => {
    for (const [given, root] of [
      ['https://api.bfl.ai', 'https://api.bfl.ai/'],
      [' https://api.eu.bfl.ai/v1/ ', 'https://api.eu.bfl.ai/'],
      ['http://127.0.0.1:9/proxy/?a=1#b', 'http://127.0.0.1:9/proxy'],
    ]) {
      assert.equal(bflBaseUrl(given!).href, root, given);
      assert.equal(generationsUrl(given!).href, `${root!.replace(/\/$/, '')}/v1/images/generations`, given);
    }
  });
  it('refuse what is not an http(s) URL or carries a user name or password, naming the setting to fix', () => {
    for (const [read, setting] of [
      [bflBaseUrl, 'flux.bflBaseUrl'],
      [generationsUrl, 'flux.baseUrl'],
    ] as const) {
      for (const bad of ['not a url', 'ftp://x', 'https://user:pw@x', 'https://:pw@x']) {
        assert.throws(
          () => read(bad),
          (e: unknown) => e instanceof FluxError && e.kind === 'invalidInput' && (bad.includes('@') ? /user name or password/.test(e.message) : e.message.includes(setting)),
          `${setting}: ${bad}`,
        );
      }
    }
  });
});
