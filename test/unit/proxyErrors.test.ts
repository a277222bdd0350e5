// A proxy that asks for credentials, seen through a provider: undici's 407 error must leave the
// provider as "the proxy asks for credentials" (status 407), never as a bare network error code,
// and without the credentials. And the dispatcher every request is given, proxy or not.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FluxError } from '../../src/core/errors';
import { getGlobalDispatcher, request } from 'undici';
import { createProxyDispatcher, ProxyDispatchers } from '../../src/core/http/proxy';
import { dmxapiProvider } from '../../src/core/providers/dmxapi';
import { startProxy } from '../fake/proxy';
import type { RunningProxy } from '../fake/proxy';

const SECRET = 'pr0xy-Pa55-secret';

describe('a 407 through a provider', () => {
  let proxy: RunningProxy;
  let service: http.Server;
  let port: number;

  before(async () => {
    proxy = await startProxy({ hosts: { 'flux-upstream.test': '127.0.0.1' }, auth: { username: 'user', password: SECRET } });
    service = http.createServer((_req, res) => res.end('{"data":[]}'));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    port = (service.address() as AddressInfo).port;
  });

  after(async () => {
    await proxy.close();
    await new Promise((resolve) => service.close(resolve));
  });

  for (const [name, proxyUrl] of [
    ['without credentials', () => proxy.url],
    ['with wrong credentials', () => `http://user:wrong-${SECRET}@127.0.0.1:${proxy.port}`],
  ] as const) {
    it(`says the proxy asks for credentials ${name}`, async () => {
      const dispatcher = createProxyDispatcher({ proxy: proxyUrl() });
      const refused = proxy.refused;
      try {
        await assert.rejects(
          dmxapiProvider.generate(
            { prompt: 'a fox', model: 'flux-kontext-pro', size: '1x1', seed: -1 },
            { baseUrl: `http://flux-upstream.test:${port}`, apiKey: 'sk-test-key-123456789', timeoutMs: 5000, dispatcher, maxRetries: 0 },
          ),
          (err: unknown) => {
            assert.ok(err instanceof FluxError);
            assert.equal(err.details.status, 407);
            assert.match(err.message, /The proxy asks for credentials\. Put them in the http\.proxy setting/);
            assert.ok(!err.message.includes(SECRET) && !(err.stack ?? '').includes(SECRET));
            return true;
          },
        );
        assert.equal(proxy.refused, refused + 1);
      } finally {
        await dispatcher?.close();
      }
    });
  }
});

describe('ProxyDispatchers.forRequest', () => {
  it('gives every request a dispatcher of its own: the proxy, or a direct Agent, never the global one', async () => {
    const hits: string[] = [];
    const server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = await startProxy();
    const cache = new ProxyDispatchers();
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/direct`;
      const direct = cache.forRequest({ support: 'off', proxy: proxy.url });
      assert.notEqual(direct, getGlobalDispatcher());
      assert.equal(cache.forRequest({}), direct, 'one direct Agent, kept');
      assert.equal((await request(url, { dispatcher: direct })).statusCode, 200);
      assert.deepEqual(hits, ['/direct']);
      assert.equal(proxy.total(), 0);

      const viaProxy = cache.forRequest({ proxy: proxy.url });
      assert.equal(viaProxy, cache.get({ proxy: proxy.url }));
      assert.notEqual(viaProxy, direct);
      assert.equal((await request(url, { dispatcher: viaProxy })).statusCode, 200);
      assert.equal(proxy.total(), 1);

      await cache.dispose();
      await assert.rejects(request(url, { dispatcher: direct }), { code: /^UND_ERR_(CLOSED|DESTROYED)$/ }, 'dispose closes the direct Agent too');
    } finally {
      await cache.dispose();
      await proxy.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
