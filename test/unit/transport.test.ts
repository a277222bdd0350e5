// The shared transport (core/http): time limits per phase and memory, against real local servers.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { FluxError } from '../../src/core/errors';
import { readBody } from '../../src/core/http/body';
import { providerFor } from '../../src/core/providers';
import type { ImageRequest, ProviderSettings } from '../../src/core/providers/types';
import { makePng } from '../fake/png';

const KEY = 'sk-transport-0123456789abcdef';
const REQUEST: ImageRequest = { prompt: 'a lighthouse', model: 'flux-kontext-pro', size: '1x1', seed: 3 };

/** A server whose handler the test writes; closes every connection on stop. */
async function serve(handler: http.RequestListener): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answerJson(seed: number): Buffer {
  return Buffer.from(JSON.stringify({ data: [{ b64_json: makePng(8, 8, { seed }).toString('base64'), seed }] }));
}

describe('transport', () => {
  describe('per-phase time-outs follow the request\'s own limit', () => {
    // A dispatcher with 100 ms phase limits stands for undici's 300 s defaults against a limit of
    // 900 s. undici checks its phase timers about every half second, so the server waits 1.5 s.
    let agent: Agent;
    beforeEach(() => {
      agent = new Agent({ headersTimeout: 100, bodyTimeout: 100 });
    });
    afterEach(() => agent.close());

    it('waits for headers longer than the dispatcher\'s default', async () => {
      const server = await serve((req, res) => {
        req.resume();
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(answerJson(3)), 1500);
      });
      try {
        const settings: ProviderSettings = { baseUrl: server.url, apiKey: KEY, timeoutMs: 5000, dispatcher: agent };
        const image = await providerFor('dmxapi').generate(REQUEST, settings);
        assert.equal(image.seed, 3);
      } finally {
        await server.stop();
      }
    });

    it('waits for a body that pauses longer than the dispatcher\'s default', async () => {
      const server = await serve((req, res) => {
        req.resume();
        const body = answerJson(4);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.write(body.subarray(0, 10));
        setTimeout(() => res.end(body.subarray(10)), 1500);
      });
      try {
        const image = await providerFor('dmxapi').generate(REQUEST, { baseUrl: server.url, apiKey: KEY, timeoutMs: 5000, dispatcher: agent });
        assert.equal(image.seed, 4);
      } finally {
        await server.stop();
      }
    });

    it('still ends at the request\'s limit, as a time-out', async () => {
      const server = await serve((req) => req.resume());
      try {
        const t0 = Date.now();
        await assert.rejects(providerFor('dmxapi').generate(REQUEST, { baseUrl: server.url, apiKey: KEY, timeoutMs: 600, dispatcher: agent }), (e: unknown) => {
          assert.ok(e instanceof FluxError);
          assert.equal(e.kind, 'timeout', e.message);
          return true;
        });
        assert.ok(Date.now() - t0 < 1500);
      } finally {
        await server.stop();
      }
    });
  });

  describe('memory', () => {
    it('does not allocate a declared Content-Length up front', async () => {
      const declared = 40 * 1024 * 1024;
      let cut: (() => void) | undefined;
      const server = await serve((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': declared });
        res.write('{"data":[');
        cut = () => res.destroy();
      });
      try {
        global.gc?.();
        const before = process.memoryUsage().arrayBuffers;
        const pending = providerFor('dmxapi').generate(REQUEST, { baseUrl: server.url, apiKey: KEY, timeoutMs: 5000, maxResponseBytes: 50 * 1024 * 1024 });
        const failed = assert.rejects(pending, (e: unknown) => e instanceof FluxError && e.kind === 'network');
        while (!cut) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, 50));
        const grown = process.memoryUsage().arrayBuffers - before;
        assert.ok(grown < 8 * 1024 * 1024, `grew by ${grown} bytes while 9 of ${declared} had arrived`);
        cut();
        await failed;
      } finally {
        await server.stop();
      }
    });

    it('checks the declared length: more is refused, less is cut short, too much is too large', async () => {
      const answer = (headers: Record<string, string>, ...chunks: string[]) =>
        ({ statusCode: 200, headers, body: Readable.from(chunks.map((c) => Buffer.from(c))) }) as unknown as Dispatcher.ResponseData;
      const kind = (p: Promise<unknown>, k: string) => assert.rejects(p, (e: unknown) => e instanceof FluxError && e.kind === k);
      assert.equal((await readBody(answer({ 'content-length': '6' }, 'abc', 'def'), 1024, 'answer')).toString(), 'abcdef');
      await kind(readBody(answer({ 'content-length': '4' }, 'abc', 'def'), 1024, 'answer'), 'malformed');
      await kind(readBody(answer({ 'content-length': '8' }, 'abc', 'def'), 1024, 'answer'), 'network');
      await kind(readBody(answer({}, 'abc', 'def'), 5, 'image'), 'tooLarge');
      await kind(readBody(answer({ 'content-length': '2000' }), 1024, 'image'), 'tooLarge');
    });
  });
});
