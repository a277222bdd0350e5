// VS Code's proxy settings, in the real extension host, against a real forward proxy: every
// request of an image (the API call and the download of a returned URL) goes where the settings
// say, and a proxy's credentials never reach a message or the log.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { FluxError } from '../../src/core/errors';
import type { GenerationResult } from '../../src/services/generationService';
import { rawJson } from '../fake/fakeService';
import { makePng } from '../fake/png';
import { startProxy } from '../fake/proxy';
import type { RunningProxy } from '../fake/proxy';
import { fakeServiceForSuite, PNG_SIGNATURE, testingApi, waitFor, readAllText } from './helpers';

/** Names only the proxy can resolve: reaching them proves the request went through the proxy. */
const UPSTREAM = 'flux-upstream.test';
const CDN = 'flux-cdn.test';
const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'Pr0xy-S3cret-pa55word';

const httpConfig = () => vscode.workspace.getConfiguration('http');
const fluxConfig = () => vscode.workspace.getConfiguration('flux');

async function setHttp(settings: { proxy?: string; noProxy?: string[]; proxySupport?: string }): Promise<void> {
  const G = vscode.ConfigurationTarget.Global;
  await httpConfig().update('proxy', settings.proxy, G);
  await httpConfig().update('noProxy', settings.noProxy, G);
  await httpConfig().update('proxySupport', settings.proxySupport, G);
}

async function generate(prompt: string): Promise<GenerationResult> {
  const { services } = await testingApi();
  return services.generation.run({ request: { prompt, model: 'flux-kontext-pro', size: '1x1', seed: -1 } });
}

/** The extension's bundle has its own FluxError class: recognised by name, not instanceof. */
async function generateFailure(prompt: string): Promise<FluxError> {
  try {
    await generate(prompt);
  } catch (err) {
    assert.equal((err as Error).name, 'FluxError', String(err));
    return err as FluxError;
  }
  assert.fail('the generation should have failed');
}

async function readBytes(uri: vscode.Uri): Promise<Uint8Array> {
  return vscode.workspace.fs.readFile(uri);
}

describe("Network through VS Code's proxy settings", function () {
  const fake = fakeServiceForSuite();
  let proxy: RunningProxy | undefined;
  /** `http://flux-upstream.test:PORT`: the fake service under a name only the proxy resolves. */
  const upstreamBase = () => `http://${UPSTREAM}:${new URL(fake().baseUrl).port}`;

  afterEach(async () => {
    await setHttp({});
    await fluxConfig().update('baseUrl', fake().baseUrl, vscode.ConfigurationTarget.Global);
    await proxy?.close();
    proxy = undefined;
  });

  it('reaches the service through http.proxy, the download of a url answer too', async () => {
    // The returned image lives on a second name only the proxy resolves, served here.
    const cdnHits: string[] = [];
    const cdn = http.createServer((req, res) => {
      cdnHits.push(`${req.method} ${req.headers.host}${req.url}`);
      res.writeHead(200, { 'content-type': 'image/png' }).end(makePng(64, 48, { seed: 12 }));
    });
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
    try {
      const cdnPort = (cdn.address() as AddressInfo).port;
      proxy = await startProxy({ hosts: { [UPSTREAM]: '127.0.0.1', [CDN]: '127.0.0.1' } });
      await fluxConfig().update('baseUrl', upstreamBase(), vscode.ConfigurationTarget.Global);
      await setHttp({ proxy: proxy.url });

      fake().enqueue({ kind: 'b64', seed: 11 }, rawJson({ data: [{ url: `http://${CDN}:${cdnPort}/results/fox.png`, seed: 12 }] }));
      const first = await generate('a lighthouse behind a proxy');
      assert.deepEqual([...(await readBytes(first.uri)).subarray(0, 8)], PNG_SIGNATURE);
      assert.equal(first.record.seed, 11);
      assert.equal(proxy.requests.get(UPSTREAM), 1);

      const second = await generate('a harbour behind a proxy');
      assert.deepEqual([...(await readBytes(second.uri)).subarray(0, 8)], PNG_SIGNATURE);
      assert.equal(second.record.seed, 12);
      assert.deepEqual(proxy.log, [
        `POST ${upstreamBase()}/v1/images/generations`,
        `POST ${upstreamBase()}/v1/images/generations`,
        `GET http://${CDN}:${cdnPort}/results/fox.png`,
      ]);
      assert.deepEqual(cdnHits, [`GET ${CDN}:${cdnPort}/results/fox.png`]);
    } finally {
      cdn.closeAllConnections();
      await new Promise((resolve) => cdn.close(resolve));
    }
  });

  it('reads the settings again for each request: a proxy set after a first image is used by the next', async () => {
    proxy = await startProxy();
    await generate('a direct request');
    assert.equal(proxy.total(), 0);
    await setHttp({ proxy: proxy.url });
    await generate('a request through the proxy');
    assert.equal(proxy.requests.get('127.0.0.1'), 1);
    await setHttp({});
    await generate('direct again');
    assert.equal(proxy.total(), 1);
  });

  it('sends a host listed in http.noProxy direct', async () => {
    proxy = await startProxy();
    await setHttp({ proxy: proxy.url, noProxy: ['127.0.0.1'] });
    const result = await generate('a request that skips the proxy');
    assert.deepEqual([...(await readBytes(result.uri)).subarray(0, 8)], PNG_SIGNATURE);
    assert.equal(proxy.total(), 0);
    assert.equal(fake().generationRequests.length, 1);
  });

  it("uses no proxy at all with http.proxySupport 'off'", async () => {
    proxy = await startProxy();
    await setHttp({ proxy: proxy.url, proxySupport: 'off' });
    const result = await generate('a request with proxy support off');
    assert.deepEqual([...(await readBytes(result.uri)).subarray(0, 8)], PNG_SIGNATURE);
    assert.equal(proxy.total(), 0);
    assert.equal(fake().generationRequests.length, 1);
  });

  it('says the proxy asks for credentials (407), naming the setting, without ever showing them', async () => {
    proxy = await startProxy({ hosts: { [UPSTREAM]: '127.0.0.1' }, auth: { username: PROXY_USER, password: PROXY_PASSWORD } });
    await fluxConfig().update('baseUrl', upstreamBase(), vscode.ConfigurationTarget.Global);
    const withCredentials = (password: string) => `http://${PROXY_USER}:${encodeURIComponent(password)}@127.0.0.1:${proxy!.port}`;

    // No credentials, then wrong ones: both refused by the proxy, never by the service.
    await setHttp({ proxy: proxy.url });
    const none = await generateFailure('no proxy credentials');
    await setHttp({ proxy: withCredentials('wrong-Pa55word-for-proxy') });
    const wrong = await generateFailure('wrong proxy credentials');
    for (const err of [none, wrong]) {
      assert.equal(err.details.status, 407);
      assert.match(err.message, /proxy asks for credentials/);
      assert.match(err.message, /http\.proxy/);
      assert.doesNotMatch(err.message, /wrong-Pa55word|Pr0xy-S3cret|proxy-user/);
    }
    assert.equal(proxy.refused, 2);
    assert.equal(fake().generationRequests.length, 0);

    // The right ones: through, and sent to the proxy only.
    await setHttp({ proxy: withCredentials(PROXY_PASSWORD) });
    const result = await generate('proxy log marker prompt');
    assert.deepEqual([...(await readBytes(result.uri)).subarray(0, 8)], PNG_SIGNATURE);
    assert.equal(proxy.requests.get(UPSTREAM), 1);
    assert.equal(fake().generationRequests.length, 1);
    assert.equal(fake().generationRequests[0]!.headers['proxy-authorization'], undefined);

    const { logUri } = await testingApi();
    await waitFor('the log to be written', () => readAllText(logUri.fsPath).includes('proxy log marker prompt'));
    const log = readAllText(logUri.fsPath);
    assert.match(log, /proxy asks for credentials/);
    const basic = Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');
    for (const secret of [PROXY_PASSWORD, 'wrong-Pa55word-for-proxy', encodeURIComponent(PROXY_PASSWORD), basic]) {
      assert.ok(!log.includes(secret), `the log holds ${secret}`);
    }
  });
});
