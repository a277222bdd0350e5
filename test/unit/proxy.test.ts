// Proxy settings become an undici dispatcher that really goes through a forward proxy: tested
// against a real proxy and real HTTP and HTTPS servers on 127.0.0.1. `flux-upstream.test` is a
// name only the proxy resolves, so reaching it proves the traffic went through the proxy.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { FluxError } from '../../src/core/errors';
import { createProxyDispatcher, describeProxy, isProxyAuthError, ProxyDispatchers } from '../../src/core/http/proxy';
import type { ProxySettings } from '../../src/core/http/proxy';
import { selfSignedCert, startProxy } from '../fake/proxy';
import type { RunningProxy } from '../fake/proxy';

const UPSTREAM = 'flux-upstream.test';
/** Also only known to the proxy; matched by a `.upstream.test` exception. */
const SUB_UPSTREAM = 'api.upstream.test';
const HOSTS = { [UPSTREAM]: '127.0.0.1', [SUB_UPSTREAM]: '127.0.0.1', localhost: '127.0.0.1' };
const SECRET = 'pa55-W0rd-secret';

interface Target {
  readonly port: number;
  /** Host headers of the requests the server answered. */
  readonly hits: string[];
  close(): Promise<void>;
}

async function listen(server: http.Server | https.Server, hits: string[]): Promise<Target> {
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    hits.push(req.headers.host ?? '');
    res.end(`hello ${req.headers.host ?? ''}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Status and body, or the error thrown. */
async function get(url: string, dispatcher: Dispatcher | undefined): Promise<{ status: number; body: string }> {
  const res = await request(url, { dispatcher, headersTimeout: 5000, bodyTimeout: 5000 });
  return { status: res.statusCode, body: await res.body.text() };
}

async function failure(url: string, dispatcher: Dispatcher | undefined): Promise<unknown> {
  try {
    await get(url, dispatcher);
  } catch (err) {
    return err;
  }
  assert.fail(`${url} was reached`);
}

/** Everything an error could show: message, stack, properties, causes. */
function everything(err: unknown): string {
  return `${String(err)}\n${inspect(err, { depth: 10, showHidden: true })}\n${JSON.stringify(err, Object.getOwnPropertyNames(err ?? {}))}`;
}

function assertNoSecret(err: unknown): void {
  const all = everything(err);
  assert.ok(!all.includes(SECRET), all);
  assert.ok(!all.includes(encodeURIComponent(SECRET)), all);
  assert.ok(!all.includes(Buffer.from(`user:${SECRET}`).toString('base64')), all);
}

describe('proxy', () => {
  let plain: Target;
  let secure: Target;
  let proxy: RunningProxy;
  let guarded: RunningProxy;
  const made: Dispatcher[] = [];
  /** A fresh dispatcher, closed after the suite. */
  const via = (settings: ProxySettings): Dispatcher | undefined => {
    const d = createProxyDispatcher(settings);
    if (d) made.push(d);
    return d;
  };

  before(async () => {
    const { key, cert } = selfSignedCert([UPSTREAM, '127.0.0.1']);
    plain = await listen(http.createServer(), []);
    secure = await listen(https.createServer({ key, cert }), []);
    proxy = await startProxy({ hosts: HOSTS });
    guarded = await startProxy({ hosts: HOSTS, auth: { username: 'user', password: SECRET } });
  });

  after(async () => {
    await Promise.all(made.map((d) => d.destroy()));
    await Promise.all([plain.close(), secure.close(), proxy.close(), guarded.close()]);
  });

  describe('through http.proxy', () => {
    it('reaches a name only the proxy can resolve, in absolute form for http', async () => {
      const direct = await failure(`http://${UPSTREAM}:${plain.port}/`, undefined);
      assert.equal((direct as { code?: string }).code, 'ENOTFOUND');
      const before = proxy.requests.get(UPSTREAM) ?? 0;
      const res = await get(`http://${UPSTREAM}:${plain.port}/a?b=1`, via({ proxy: proxy.url }));
      assert.deepEqual(res, { status: 200, body: `hello ${UPSTREAM}:${plain.port}` });
      assert.equal(proxy.requests.get(UPSTREAM), before + 1);
      assert.equal(proxy.log.at(-1), `GET http://${UPSTREAM}:${plain.port}/a?b=1`);
    });

    it('reaches an https target through CONNECT, without verifying it when strictSSL is false', async () => {
      const res = await get(`https://${UPSTREAM}:${secure.port}/`, via({ proxy: proxy.url, strictSSL: false }));
      assert.deepEqual(res, { status: 200, body: `hello ${UPSTREAM}:${secure.port}` });
      assert.equal(proxy.log.at(-1), `CONNECT ${UPSTREAM}:${secure.port}`);
    });

    it('refuses the self-signed target through CONNECT when strictSSL is true or unset', async () => {
      for (const strictSSL of [true, undefined]) {
        const tunnels = proxy.requests.get(UPSTREAM) ?? 0;
        const hits = secure.hits.length;
        const err = await failure(`https://${UPSTREAM}:${secure.port}/`, via({ proxy: proxy.url, strictSSL }));
        assert.match(String((err as { code?: string }).code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/, everything(err));
        assert.ok((proxy.requests.get(UPSTREAM) ?? 0) > tunnels, 'the tunnel went through the proxy');
        assert.equal(secure.hits.length, hits);
      }
    });

    it('accepts a proxy address without a scheme as http', async () => {
      const res = await get(`http://${UPSTREAM}:${plain.port}/`, via({ proxy: `127.0.0.1:${proxy.port}` }));
      assert.equal(res.status, 200);
    });
  });

  describe('exceptions (noProxy, NO_PROXY)', () => {
    it('sends a noProxy host direct and others through the proxy', async () => {
      const dispatcher = via({ proxy: proxy.url, noProxy: ['127.0.0.1'] });
      const forwarded = proxy.total();
      const hits = plain.hits.length;
      assert.equal((await get(`http://127.0.0.1:${plain.port}/`, dispatcher)).status, 200);
      assert.equal(proxy.total(), forwarded, 'the proxy saw nothing');
      assert.equal(plain.hits.length, hits + 1);
      assert.equal((await get(`http://${UPSTREAM}:${plain.port}/`, dispatcher)).status, 200);
      assert.equal(proxy.total(), forwarded + 1);
    });

    it('matches .suffix and *.suffix entries on subdomains only', async () => {
      for (const entry of ['.upstream.test', '*.upstream.test', 'upstream.test']) {
        const dispatcher = via({ proxy: proxy.url, noProxy: [entry] });
        const forwarded = proxy.total();
        // Matched: sent direct, where the name does not resolve.
        const err = await failure(`http://${SUB_UPSTREAM}:${plain.port}/`, dispatcher);
        assert.equal((err as { code?: string }).code, 'ENOTFOUND', entry);
        assert.equal(proxy.total(), forwarded, entry);
        // `flux-upstream.test` is not a subdomain of `upstream.test`.
        assert.equal((await get(`http://${UPSTREAM}:${plain.port}/`, dispatcher)).status, 200, entry);
        assert.equal(proxy.total(), forwarded + 1, entry);
      }
    });

    it('matches host:port entries on that port only', async () => {
      const dispatcher = via({ proxy: proxy.url, noProxy: [`localhost:${plain.port}`] });
      const forwarded = proxy.total();
      assert.equal((await get(`http://localhost:${plain.port}/`, dispatcher)).status, 200);
      assert.equal(proxy.total(), forwarded);
      const other = via({ proxy: proxy.url, noProxy: [`localhost:${plain.port + 1}`] });
      assert.equal((await get(`http://localhost:${plain.port}/`, other)).status, 200);
      assert.equal(proxy.requests.get('localhost'), 1);
    });

    it('takes NO_PROXY from the environment beside http.proxy', async () => {
      const dispatcher = via({ proxy: proxy.url, env: { NO_PROXY: 'example.org, 127.0.0.1' } });
      const forwarded = proxy.total();
      assert.equal((await get(`http://127.0.0.1:${plain.port}/`, dispatcher)).status, 200);
      assert.equal(proxy.total(), forwarded);
    });

    it('goes direct for everything with *', () => {
      assert.equal(createProxyDispatcher({ proxy: proxy.url, noProxy: ['localhost', '*'] }), undefined);
      assert.equal(createProxyDispatcher({ proxy: proxy.url, env: { no_proxy: '*' } }), undefined);
    });
  });

  describe('http.proxySupport off', () => {
    it('ignores the setting and the environment', async () => {
      const settings = { proxy: proxy.url, support: 'off', env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url } };
      assert.equal(createProxyDispatcher(settings), undefined);
      assert.equal(new ProxyDispatchers().get(settings), undefined);
      const forwarded = proxy.total();
      assert.equal((await get(`http://127.0.0.1:${plain.port}/`, new ProxyDispatchers().get(settings))).status, 200);
      assert.equal(proxy.total(), forwarded);
    });

    it('uses the proxy for on, fallback and override', async () => {
      for (const support of ['on', 'fallback', 'override']) {
        const forwarded = proxy.total();
        assert.equal((await get(`http://${UPSTREAM}:${plain.port}/`, via({ proxy: proxy.url, support }))).status, 200, support);
        assert.equal(proxy.total(), forwarded + 1, support);
      }
    });
  });

  describe('environment without http.proxy', () => {
    it('goes direct when nothing is set', () => {
      assert.equal(createProxyDispatcher({}), undefined);
      assert.equal(createProxyDispatcher({ proxy: '  ', env: { PATH: '/usr/bin' } }), undefined);
    });

    it('honours HTTPS_PROXY for https and HTTP_PROXY for http, in either case', async () => {
      const forwarded = proxy.total();
      assert.equal((await get(`https://${UPSTREAM}:${secure.port}/`, via({ strictSSL: false, env: { HTTPS_PROXY: proxy.url } }))).status, 200);
      assert.equal(proxy.log.at(-1), `CONNECT ${UPSTREAM}:${secure.port}`);
      assert.equal((await get(`https://${UPSTREAM}:${secure.port}/`, via({ strictSSL: false, env: { https_proxy: proxy.url } }))).status, 200);
      assert.equal((await get(`http://${UPSTREAM}:${plain.port}/`, via({ env: { HTTP_PROXY: proxy.url } }))).status, 200);
      assert.equal((await get(`http://${UPSTREAM}:${plain.port}/`, via({ env: { http_proxy: proxy.url } }))).status, 200);
      assert.equal(proxy.total(), forwarded + 4);
    });

    it('reads the upper-case variable before the lower-case one, as VS Code does', async () => {
      const other = await startProxy({ hosts: HOSTS });
      try {
        const res = await get(`http://${UPSTREAM}:${plain.port}/`, via({ env: { HTTP_PROXY: other.url, http_proxy: proxy.url } }));
        assert.equal(res.status, 200);
        assert.equal(other.total(), 1);
      } finally {
        await other.close();
      }
    });

    it('sends https through HTTP_PROXY when HTTPS_PROXY is unset, and http direct with HTTPS_PROXY only', async () => {
      assert.equal((await get(`https://${UPSTREAM}:${secure.port}/`, via({ strictSSL: false, env: { HTTP_PROXY: proxy.url } }))).status, 200);
      const forwarded = proxy.total();
      assert.equal((await get(`http://127.0.0.1:${plain.port}/`, via({ env: { HTTPS_PROXY: proxy.url } }))).status, 200);
      assert.equal(proxy.total(), forwarded);
    });

    it('respects NO_PROXY', async () => {
      const dispatcher = via({ strictSSL: false, env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: `localhost,127.0.0.1` } });
      const forwarded = proxy.total();
      const hits = plain.hits.length;
      assert.equal((await get(`http://127.0.0.1:${plain.port}/`, dispatcher)).status, 200);
      assert.equal(plain.hits.length, hits + 1);
      // Direct, so strictSSL false does not apply: the self-signed certificate is refused.
      const err = await failure(`https://127.0.0.1:${secure.port}/`, dispatcher);
      assert.equal((err as { code?: string }).code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.equal(proxy.total(), forwarded);
      assert.equal((await get(`https://${UPSTREAM}:${secure.port}/`, dispatcher)).status, 200);
      assert.equal(proxy.total(), forwarded + 1);
    });

    it('prefers http.proxy to the environment', async () => {
      const other = await startProxy({ hosts: HOSTS });
      try {
        const res = await get(`http://${UPSTREAM}:${plain.port}/`, via({ proxy: other.url, env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url } }));
        assert.equal(res.status, 200);
        assert.equal(other.total(), 1);
      } finally {
        await other.close();
      }
    });
  });

  describe('credentials', () => {
    const withCredentials = (password: string): string => `http://user:${encodeURIComponent(password)}@127.0.0.1:${guarded.port}`;

    it('sends the credentials in the URL as Proxy-Authorization, for absolute form and CONNECT', async () => {
      const dispatcher = via({ proxy: withCredentials(SECRET), strictSSL: false });
      assert.equal((await get(`http://${UPSTREAM}:${plain.port}/`, dispatcher)).status, 200);
      assert.equal((await get(`https://${UPSTREAM}:${secure.port}/`, dispatcher)).status, 200);
      assert.equal(guarded.refused, 0);
      assert.deepEqual(guarded.authorizations.slice(-2), Array(2).fill(`Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`));
    });

    it('recognises 407 without or with wrong credentials, and never shows the credentials', async () => {
      for (const proxyUrl of [guarded.url, withCredentials(`${SECRET}-wrong`)]) {
        for (const url of [`http://${UPSTREAM}:${plain.port}/`, `https://${UPSTREAM}:${secure.port}/`]) {
          const refused = guarded.refused;
          const err = await failure(url, via({ proxy: proxyUrl, strictSSL: false }));
          assert.ok(isProxyAuthError(err), everything(err));
          assert.equal(guarded.refused, refused + 1);
          assertNoSecret(err);
        }
      }
    });

    it('keeps the credentials out of the error when the proxy cannot be reached', async () => {
      const closed = await startProxy();
      await closed.close();
      const proxyUrl = `http://user:${SECRET}@127.0.0.1:${closed.port}`;
      for (const url of [`http://${UPSTREAM}:${plain.port}/`, `https://${UPSTREAM}:${secure.port}/`]) {
        const err = await failure(url, via({ proxy: proxyUrl }));
        assert.equal((err as { code?: string }).code, 'ECONNREFUSED');
        assert.equal(isProxyAuthError(err), false);
        assertNoSecret(err);
      }
      const unresolvable = await failure(`https://${UPSTREAM}:${secure.port}/`, via({ proxy: `http://user:${SECRET}@proxy.invalid:8080` }));
      assertNoSecret(unresolvable);
    });

    it('refuses an unusable proxy address with a message that leaves the credentials out', () => {
      for (const proxyUrl of [`http://user:${SECRET}@proxy corp:8080`, `socks5://user:${SECRET}@proxy.corp:1080`, `http://user:${SECRET}@proxy.corp:99999`]) {
        assert.throws(
          () => createProxyDispatcher({ proxy: proxyUrl }),
          (err: unknown) => {
            assert.ok(err instanceof FluxError);
            assert.equal(err.kind, 'invalidInput');
            assert.match(err.message, /http\.proxy/);
            assertNoSecret(err);
            return true;
          },
        );
      }
      assert.throws(() => createProxyDispatcher({ env: { HTTPS_PROXY: `ftp://user:${SECRET}@proxy.corp` } }), (err: unknown) => {
        assertNoSecret(err);
        return err instanceof FluxError;
      });
    });
  });

  describe('describeProxy', () => {
    it('keeps scheme, host and port, and drops credentials and paths', () => {
      assert.equal(describeProxy(`http://user:${SECRET}@proxy.corp:8080`), 'http://proxy.corp:8080');
      assert.equal(describeProxy(`https://user:${SECRET}@proxy.corp/`), 'https://proxy.corp');
      assert.equal(describeProxy('http://proxy.corp:3128/some/path?q=1'), 'http://proxy.corp:3128');
      assert.equal(describeProxy(`user:${SECRET}@proxy.corp:8080`), 'http://proxy.corp:8080');
      assert.equal(describeProxy('http://[::1]:8080'), 'http://[::1]:8080');
    });

    it('drops credentials from addresses that do not parse, @ and / in the password included', () => {
      for (const url of [`http://user:${SECRET}@proxy corp:8080`, `http://user:${SECRET}@x@proxy.corp:8080`, `http://user:a/${SECRET}@proxy.corp:8080`]) {
        const shown = describeProxy(url);
        assert.ok(!shown.includes(SECRET), shown);
        assert.match(shown, /proxy.corp:8080$/);
      }
    });
  });

  describe('isProxyAuthError', () => {
    it('says no to other failures', () => {
      for (const err of [
        new Error('connect ECONNREFUSED 127.0.0.1:8080'),
        new Error('Proxy response (502) !== 200 when HTTP Tunneling'),
        new Error('Request failed with 4070 items'),
        { statusCode: 401 },
        new FluxError('auth', 'The API key was refused (401).', { status: 401 }),
        undefined,
        '407',
      ]) {
        assert.equal(isProxyAuthError(err), false, inspect(err));
      }
    });

    it('says yes to a 407 status, also in a cause or an aggregate', () => {
      assert.ok(isProxyAuthError({ statusCode: 407 }));
      assert.ok(isProxyAuthError(new FluxError('network', 'The proxy asked for credentials.', { status: 407 })));
      assert.ok(isProxyAuthError(new Error('fetch failed', { cause: new Error('Proxy response (407) !== 200 when HTTP Tunneling') })));
      assert.ok(isProxyAuthError(new AggregateError([new Error('x'), { status: 407 }])));
    });
  });

  describe('memoizing', () => {
    it('returns the same dispatcher for equal settings and a new one when they change', async () => {
      const cache = new ProxyDispatchers();
      const a = cache.get({ proxy: proxy.url, noProxy: ['a.test'], env: { HOME: '/x' } });
      assert.ok(a);
      assert.equal(cache.get({ proxy: proxy.url, noProxy: ['a.test'], env: { HOME: '/y' } }), a, 'unrelated variables do not count');
      const b = cache.get({ proxy: proxy.url, noProxy: ['b.test'] });
      assert.ok(b);
      assert.notEqual(b, a);
      assert.notEqual(cache.get({ proxy: proxy.url, noProxy: ['b.test'], strictSSL: false }), b);
      assert.equal(cache.get({ proxy: proxy.url, support: 'off' }), undefined);
      const c = cache.get({ env: { HTTPS_PROXY: proxy.url } });
      assert.ok(c);
      assert.equal((await get(`http://127.0.0.1:${plain.port}/`, c)).status, 200);
      await cache.dispose();
      await assert.rejects(get(`http://127.0.0.1:${plain.port}/`, c), { code: /^UND_ERR_(CLOSED|DESTROYED)$/ }, 'dispose closes the current dispatcher');
      assert.notEqual(cache.get({ env: { HTTPS_PROXY: proxy.url } }), c);
      await cache.dispose();
      await Promise.all([a, b].map((d) => d.close()));
    });
  });
});
