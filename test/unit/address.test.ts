// Local-address classification, and the refusal to download a returned URL from such a place.
import * as assert from 'node:assert/strict';
import { MockAgent } from 'undici';
import { FluxError } from '../../src/core/errors';
import { Call } from '../../src/core/http/call';
import { downloadImage } from '../../src/core/http/download';
import { isLocalAddress, isLocalHost } from '../../src/core/net/address';
import { makePng } from '../fake/png';

describe('local addresses', () => {
  it('classifies IPv4 and IPv6', () => {
    for (const ip of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.10', '169.254.169.254', '0.0.0.0', '::1', '::', 'fe80::1', 'febf::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:7f00:1', '[::1]']) {
      assert.equal(isLocalAddress(ip), true, ip);
    }
    for (const ip of ['8.8.8.8', '172.15.0.1', '172.32.0.1', '192.169.0.1', '169.255.0.1', '2001:4860::8888', 'fec0::1', '::ffff:8.8.8.8', 'not an ip']) {
      assert.equal(isLocalAddress(ip), false, ip);
    }
  });

  it('resolves host names with the given lookup', async () => {
    assert.equal(await isLocalHost('cdn.example', async () => ['203.0.113.5']), false);
    assert.equal(await isLocalHost('cdn.example', async () => ['203.0.113.5', '10.0.0.7']), true);
    assert.equal(await isLocalHost('localhost', async () => []), true);
  });

  describe('downloads', () => {
    const lookup = async (host: string): Promise<string[]> => ({ 'api.example': ['203.0.113.1'], 'cdn.example': ['203.0.113.9'], 'sneaky.example': ['192.168.1.5'] })[host] ?? [];
    const call = (baseUrl: string) =>
      new Call({ settings: { baseUrl, apiKey: 'sk-x', timeoutMs: 2000, lookup }, options: {}, subject: { model: 'm', size: '1x1', seed: 1 }, setting: 'flux.baseUrl', host: 'api.example' });

    for (const target of ['https://10.0.0.1/x.png', 'https://[::1]/x.png', 'https://169.254.169.254/latest', 'https://sneaky.example/x.png', 'https://[::ffff:127.0.0.1]/x.png']) {
      it(`refuses ${target} when the service is public`, async () => {
        await assert.rejects(downloadImage(call('https://api.example'), target, { base: new URL('https://api.example/v1/images/generations'), attempt: 1 }), (e: unknown) => {
          assert.ok(e instanceof FluxError);
          assert.equal(e.kind, 'download');
          assert.match(e.message, /your own machine or local network/);
          return true;
        });
      });
    }

    // A public address that answers with a redirect into the network: every hop is checked, not
    // only the first. The mock answers only what it is told to, so a request that got through
    // would be seen in `asked`.
    for (const [name, hops] of [
      ['169.254.169.254 (cloud metadata)', ['https://cdn.example/x.png', 'https://169.254.169.254/latest/meta-data/']],
      ['10.x', ['https://cdn.example/x.png', 'https://10.0.0.5/x.png']],
      ['a name that resolves to 192.168.x, after two public hops', ['https://cdn.example/x.png', 'https://cdn.example/y.png', 'https://sneaky.example/x.png']],
    ] as const) {
      it(`refuses a public image address that redirects to ${name}`, async () => {
        const agent = new MockAgent();
        agent.disableNetConnect();
        const asked: string[] = [];
        for (let i = 0; i < hops.length; i++) {
          const url = new URL(hops[i]!);
          const pool = agent.get(url.origin);
          const next = hops[i + 1];
          pool
            .intercept({ path: url.pathname, method: 'GET' })
            .reply(() => {
              asked.push(url.href);
              return next ? { statusCode: 302, data: '', responseOptions: { headers: { location: next } } } : { statusCode: 200, data: makePng(4, 4) };
            })
            .persist();
        }
        const c = new Call({ settings: { baseUrl: 'https://api.example', apiKey: 'sk-x', timeoutMs: 2000, lookup, dispatcher: agent }, options: {}, subject: { model: 'm', size: '1x1', seed: 1 }, setting: 'flux.baseUrl', host: 'api.example' });
        try {
          await assert.rejects(downloadImage(c, hops[0], { base: new URL('https://api.example/v1/images/generations'), attempt: 1 }), (e: unknown) => {
            assert.ok(e instanceof FluxError);
            assert.equal(e.kind, 'download', e.message);
            assert.match(e.message, new RegExp(`your own machine or local network \\(${new URL(hops[hops.length - 1]!).host.replace(/\./g, '\\.')}\\)`));
            return true;
          });
          assert.deepEqual(asked, hops.slice(0, -1), 'every public hop was asked, the local one never');
        } finally {
          await agent.close();
        }
      });
    }
  });
});
