import * as assert from 'node:assert/strict';
import { isInsecureRemote, isLoopbackHost } from '../../src/core/endpoint';

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
