// The DMXAPI provider, as the extension calls it, against a real local server that behaves like the documented service.
import * as assert from 'node:assert/strict';
import { decodeBase64, decodeBase64InPlace } from '../../src/core/http/base64';
import { backoffDelay, parseRetryAfter } from '../../src/core/http/retry';
import { dmxapiProvider } from '../../src/core/providers/dmxapi';
import type { ProviderCallOptions, ProviderImage, ProviderSettings, RequestLogEntry } from '../../src/core/providers/types';
import { generationsUrl, isInsecureRemote } from '../../src/core/endpoint';
import { FluxError, messageWithDetails } from '../../src/core/errors';
import type { FluxErrorKind } from '../../src/core/errors';
import type { GenerationParams } from '../../src/core/params';
import { providerFor } from '../../src/core/providers';
import { FakeService, rawEmptyData, rawHtml, rawInvalidBase64, rawNotAnImage, rawWithoutData } from '../fake/fakeService';
import { JPEG_BYTES, makePng, WEBP_BYTES } from '../fake/png';

const KEY = 'sk-unit-0123456789abcdefghijklmnopqrstuv';
const PARAMS: GenerationParams = { prompt: 'a red fox in snow', model: 'flux-kontext-pro', size: '1x1', seed: -1 };

/** The real provider, as the extension calls it. */
function generateImage(params: GenerationParams, settings: ProviderSettings, options: ProviderCallOptions = {}): Promise<ProviderImage> {
  return dmxapiProvider.generate(params, settings, options);
}

async function rejects(p: Promise<unknown>, kind: FluxErrorKind, pattern?: RegExp): Promise<FluxError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FluxError, `expected a FluxError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (pattern) assert.match(e.message, pattern);
    assert.ok(!e.message.includes(KEY), 'the key never appears in a message');
    return e;
  }
  assert.fail(`expected a ${kind} error`);
}

describe('client', function () {
  let fake: FakeService;
  let config: ProviderSettings;

  before(async () => {
    fake = await FakeService.start();
    config = { baseUrl: fake.baseUrl, apiKey: KEY, timeoutMs: 10_000, retryBaseMs: 10 };
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  describe('success', () => {
    it('sends the documented request and decodes a b64_json answer', async () => {
      const image = await generateImage({ ...PARAMS, seed: 1234 }, config);
      const [req] = fake.generationRequests;
      assert.ok(req);
      assert.equal(req.method, 'POST');
      assert.equal(req.path, '/v1/images/generations');
      assert.equal(req.headers.authorization, `Bearer ${KEY}`);
      assert.match(String(req.headers['content-type']), /application\/json/);
      assert.deepEqual(req.body, { prompt: 'a red fox in snow', model: 'flux-kontext-pro', size: '1x1', n: 1, seed: 1234 });
      assert.equal(image.source, 'b64_json');
      assert.equal(image.type.extension, '.png');
      assert.equal(image.seed, 1234);
      assert.deepEqual(Buffer.from(image.bytes), makePng(64, 64, { seed: 1234 }));
    });

    it('keeps the seed the service chose for -1', async () => {
      const image = await generateImage(PARAMS, config);
      assert.equal(typeof image.seed, 'number');
      assert.notEqual(image.seed, -1);
    });

    it('downloads a url answer from another host without the key', async () => {
      fake.enqueue({ kind: 'url', host: 'other', seed: 7 });
      const image = await generateImage(PARAMS, config);
      assert.equal(image.source, 'url');
      assert.equal(image.seed, 7);
      assert.equal(image.type.format, 'png');
      const [file] = fake.fileRequests;
      assert.ok(file);
      assert.equal(file.host, 'other');
      assert.equal(file.headers.authorization, undefined);
    });

    it('follows an image URL redirect to another host, still without the key', async () => {
      const target = `${fake.otherHostBaseUrl}/files/elsewhere.png`;
      fake.enqueue({ kind: 'url', host: 'same', imageRedirectTo: target });
      // The redirect target is unknown to the fake, so it answers 404: what matters is who got the key.
      assert.equal((await rejects(generateImage(PARAMS, config), 'download', /failed\. Its address may have expired/)).details.status, 404);
      const [first, second] = fake.fileRequests;
      assert.ok(first && second);
      assert.equal(first.host, 'main');
      assert.equal(second.host, 'other');
      assert.equal(second.headers.authorization, undefined);
    });

    it('accepts JPEG and WebP bytes and names them by their signature', async () => {
      fake.enqueue({ kind: 'b64', image: JPEG_BYTES }, { kind: 'b64', image: WEBP_BYTES });
      assert.equal((await generateImage(PARAMS, config)).type.extension, '.jpg');
      assert.equal((await generateImage(PARAMS, config)).type.extension, '.webp');
    });

    it('decodes a large answer in place without changing a byte', async () => {
      const big = makePng(512, 512, { seed: 5, style: 'photo' });
      assert.ok(big.length > 64 * 1024);
      fake.enqueue({ kind: 'b64', image: big });
      const image = await generateImage(PARAMS, config);
      assert.ok(Buffer.from(image.bytes).equals(big));
    });

    it('logs each request without the key or the image data', async () => {
      const entries: RequestLogEntry[] = [];
      await generateImage(PARAMS, config, { log: (e) => entries.push(e) });
      assert.equal(entries.length, 1);
      const [e] = entries;
      assert.ok(e);
      assert.equal(e.status, 200);
      assert.equal(e.model, 'flux-kontext-pro');
      assert.ok(e.bytes > 0);
      assert.ok(!JSON.stringify(entries).includes(KEY));
    });
  });

  describe('errors', () => {
    it('401 (OpenAI shape) says the key was rejected, with the echoed key redacted', async () => {
      const e = await rejects(generateImage(PARAMS, { ...config, apiKey: 'sk-invalid-0123456789abcdef' }), 'auth', /^The API key was rejected\. Set a valid key with “Flux: Set API Key”\.$/);
      // The status, the service's words and its request id are for the log, with the key blanked out.
      assert.equal(e.details.status, 401);
      assert.match(e.details.said ?? '', /^Invalid token: \*\*\* \(无效的令牌, request id: [0-9a-f]{16}\)$/);
      assert.match(e.details.requestId ?? '', /^[0-9a-f]{16}$/);
      assert.equal(e.details.code, 'invalid_api_key');
      const logged = messageWithDetails(e);
      assert.match(logged, /\(HTTP 401, code invalid_api_key, request id [0-9a-f]{16}, the service said: “Invalid token: \*\*\* /);
      for (const t of [e.message, logged]) {
        assert.ok(!t.includes('sk-invalid-0123456789abcdef'), t);
        assert.ok(!t.includes('invalid-0123456789'), t);
      }
    });

    it('quota in the flat shape says to top up', async () => {
      fake.enqueue({ kind: 'error', status: 403, shape: 'flat', code: 'quota_not_enough', message: '余额不足' });
      const e = await rejects(generateImage(PARAMS, config), 'quota', /^Your account is out of credit\. Top up your account with the provider, then try again\.$/);
      assert.equal(e.details.code, 'quota_not_enough');
      assert.equal(messageWithDetails(e), `${e.message} (HTTP 403, code quota_not_enough, the service said: “余额不足”)`);
    });

    it('quota in the OpenAI shape too', async () => {
      fake.enqueue({ kind: 'error', status: 429, shape: 'openai', code: 'insufficient_quota', message: 'You exceeded your current quota' });
      await rejects(generateImage(PARAMS, config), 'quota');
      assert.equal(fake.generationRequests.length, 1, 'no quota is found by retrying');
    });

    it('a 200 carrying the flat error shape is that error, not a malformed answer', async () => {
      fake.enqueue({ kind: 'raw', status: 200, body: JSON.stringify({ code: 'quota_not_enough', message: '余额不足', data: null }) });
      await rejects(generateImage(PARAMS, config), 'quota');
      fake.enqueue({ kind: 'raw', status: 200, body: JSON.stringify({ error: { message: 'Safety Filter', type: 'invalid_request_error', code: 'content_policy_violation' } }) });
      await rejects(generateImage(PARAMS, config), 'moderation');
    });

    it('moderation (422) asks for a changed prompt and is not retried', async () => {
      fake.enqueue({ kind: 'error', status: 422, shape: 'openai', code: 'content_policy_violation', message: 'Safety Filter: prompt rejected' });
      const e = await rejects(generateImage(PARAMS, config), 'moderation', /^The service would not make this picture \(moderation\)\. Change the prompt, then try again\.$/);
      assert.equal(e.details.said, 'Safety Filter: prompt rejected');
      assert.equal(fake.generationRequests.length, 1);
    });

    it('retries 429 and 5xx with backoff, then succeeds', async () => {
      fake.enqueue({ kind: 'error', status: 429, shape: 'openai', message: 'too many tasks' }, { kind: 'error', status: 503, shape: 'flat', message: 'busy' });
      const retries: number[] = [];
      const image = await generateImage(PARAMS, config, { onRetry: (r) => retries.push(r.status) });
      assert.deepEqual(retries, [429, 503]);
      assert.equal(image.attempts, 3);
      assert.equal(fake.generationRequests.length, 3);
    });

    it('gives up after the last retry with a rate-limit message', async () => {
      const busy = { kind: 'error', status: 429, shape: 'openai', message: 'too many tasks' } as const;
      fake.enqueue(busy, busy, busy, busy);
      const e = await rejects(generateImage(PARAMS, config), 'rateLimit', /^The service is busy or your account has too many images in progress\. Wait a moment and try again\.$/);
      assert.equal(e.details.status, 429);
      assert.equal(e.details.said, 'too many tasks');
      assert.equal(fake.generationRequests.length, 4);
    });

    it('honours Retry-After', async () => {
      fake.enqueue({ kind: 'error', status: 429, shape: 'openai', retryAfter: '1' });
      const delays: number[] = [];
      const t0 = Date.now();
      await generateImage(PARAMS, config, { onRetry: (r) => delays.push(r.delayMs) });
      assert.deepEqual(delays, [1000]);
      assert.ok(Date.now() - t0 >= 950);
    });

    it('does not retry other 4xx', async () => {
      fake.enqueue({ kind: 'error', status: 400, shape: 'flat', code: 'bad_size', message: 'size not supported' });
      // The service's words are the only explanation here: a short quote stays, the status goes to the log.
      const e = await rejects(generateImage(PARAMS, config), 'badRequest', /^The service rejected the request: “size not supported”\. Show Log has the details\.$/);
      assert.equal(e.details.status, 400);
      assert.equal(fake.generationRequests.length, 1);
    });

    it('a 5xx that persists is a server error', async () => {
      const down = { kind: 'error', status: 500, shape: 'openai', message: 'upstream failed' } as const;
      fake.enqueue(down, down, down, down);
      const e = await rejects(generateImage(PARAMS, { ...config, maxRetries: 3 }), 'server', /^The service failed on its side\. Try again in a minute\.$/);
      assert.equal(messageWithDetails(e), `${e.message} (HTTP 500, code server_error, the service said: “upstream failed”)`);
    });

    for (const [name, behaviour, kind] of [
      ['a 200 that is not JSON', rawHtml(), 'malformed'],
      ['JSON without data', rawWithoutData(), 'malformed'],
      ['data: []', rawEmptyData(), 'malformed'],
      ['invalid base64', rawInvalidBase64(), 'malformed'],
      ['bytes that are not an image', rawNotAnImage(), 'notImage'],
    ] as const) {
      it(`refuses ${name}`, async () => {
        fake.enqueue(behaviour);
        await rejects(generateImage(PARAMS, config), kind);
      });
    }

    it('a web page where the image service should be says so in plain words', async () => {
      fake.enqueue(rawHtml());
      await rejects(generateImage(PARAMS, config), 'malformed', /^The address in flux\.baseUrl answered with a web page, not the image service\./);
    });

    it('an image URL that 404s is a download error', async () => {
      fake.enqueue({ kind: 'url', imageStatus: 404 });
      assert.equal((await rejects(generateImage(PARAMS, config), 'download', /failed\. Its address may have expired/)).details.status, 404);
    });

    it('refuses to follow a redirect of the API itself, so the key goes nowhere else', async () => {
      fake.enqueue({ kind: 'redirect', location: `${fake.otherHostBaseUrl}/v1/images/generations` });
      await rejects(generateImage(PARAMS, config), 'badRequest', /redirect.*127\.0\.0\.2/);
      assert.equal(fake.requests.filter((r) => r.host === 'other').length, 0);
    });

    it('refuses an answer far larger than any image', async () => {
      fake.enqueue({ kind: 'huge', bytes: 3 * 1024 * 1024, declareLength: false });
      await rejects(generateImage(PARAMS, { ...config, maxResponseBytes: 1024 * 1024 }), 'tooLarge', /larger than 1 MB/);
      fake.enqueue({ kind: 'huge', bytes: 3 * 1024 * 1024 });
      await rejects(generateImage(PARAMS, { ...config, maxResponseBytes: 1024 * 1024 }), 'tooLarge');
    });

    it('a connection reset mid-body is a network error', async () => {
      fake.enqueue({ kind: 'reset', afterBytes: 100 });
      await rejects(generateImage(PARAMS, config), 'network');
    });

    it('a body cut short is a network error', async () => {
      fake.enqueue({ kind: 'truncated' });
      await rejects(generateImage(PARAMS, config), 'network');
    });

    it('a server that never answers hits the time limit', async () => {
      fake.enqueue({ kind: 'hang' });
      const t0 = Date.now();
      await rejects(generateImage(PARAMS, { ...config, timeoutMs: 300 }), 'timeout', /flux\.requestTimeoutSeconds/);
      assert.ok(Date.now() - t0 < 10_000, 'the limit ends it, not the server');
    });

    it('the time limit covers downloading the URL', async () => {
      fake.enqueue({ kind: 'url', imageDelayMs: 5000 });
      await rejects(generateImage(PARAMS, { ...config, timeoutMs: 400 }), 'timeout');
    });

    it('cancel aborts a request in flight', async () => {
      fake.enqueue({ kind: 'hang' });
      const controller = new AbortController();
      const p = generateImage(PARAMS, config, { signal: controller.signal });
      while (fake.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      await rejects(p, 'cancelled');
    });

    it('cancel also stops a backoff wait', async () => {
      fake.enqueue({ kind: 'error', status: 429, shape: 'openai', retryAfter: '30' });
      const controller = new AbortController();
      const p = generateImage(PARAMS, { ...config, timeoutMs: 60_000 }, { signal: controller.signal, onRetry: () => setTimeout(() => controller.abort(), 20) });
      await rejects(p, 'cancelled');
    });

    it('a refused connection and an unknown host are network errors', async () => {
      const closed = await FakeService.start();
      const url = closed.baseUrl;
      await closed.close();
      await rejects(generateImage(PARAMS, { ...config, baseUrl: url }), 'network', /refused the connection/);
      await rejects(generateImage(PARAMS, { ...config, baseUrl: 'https://flux-test.invalid' }), 'network', /could not be (found|looked up)/);
    });
  });

  describe('providers', () => {
    it('the dmxapi provider is the same client behind the common interface', async () => {
      const provider = providerFor('dmxapi');
      assert.equal(provider.id, 'dmxapi');
      const image = await provider.generate({ ...PARAMS, seed: 99 }, config);
      assert.equal(image.seed, 99);
      assert.equal(fake.generationRequests.length, 1);
    });
  });

  describe('helpers', () => {
    it('builds the endpoint from the base URL', () => {
      assert.equal(generationsUrl('https://www.dmxapi.cn').href, 'https://www.dmxapi.cn/v1/images/generations');
      assert.equal(generationsUrl('https://www.dmxapi.cn/').href, 'https://www.dmxapi.cn/v1/images/generations');
      assert.equal(generationsUrl('https://www.dmxapi.cn/v1').href, 'https://www.dmxapi.cn/v1/images/generations');
      assert.equal(generationsUrl('https://gw.example/proxy/').href, 'https://gw.example/proxy/v1/images/generations');
      assert.throws(() => generationsUrl('not a url'), FluxError);
      assert.throws(() => generationsUrl('ftp://x'), FluxError);
      assert.throws(() => generationsUrl('https://user:pw@x'), FluxError);
    });
    it('tells plain http to remote hosts from loopback', () => {
      assert.equal(isInsecureRemote('http://example.com'), true);
      assert.equal(isInsecureRemote('http://127.0.0.1:8080'), false);
      assert.equal(isInsecureRemote('http://localhost'), false);
      assert.equal(isInsecureRemote('http://[::1]:80'), false);
      assert.equal(isInsecureRemote('https://example.com'), false);
    });
    it('reads Retry-After in seconds or as a date', () => {
      assert.equal(parseRetryAfter('2'), 2000);
      assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6_000);
      assert.equal(parseRetryAfter(undefined), undefined);
      assert.equal(parseRetryAfter('soon'), undefined);
    });
    it('backs off exponentially with jitter, capped', () => {
      assert.equal(backoffDelay(1, 1000, undefined, () => 0), 500);
      assert.equal(backoffDelay(3, 1000, undefined, () => 1), 4000);
      assert.equal(backoffDelay(20, 1000, undefined, () => 1), 20_000);
      assert.equal(backoffDelay(1, 1000, 120_000), 60_000);
    });
    it('decodes strict base64 only', () => {
      assert.equal(Buffer.from(decodeBase64(Buffer.from('aGVsbG8='))).toString(), 'hello');
      assert.equal(Buffer.from(decodeBase64(Buffer.from('data:image/png;base64,aGVs\nbG8='))).toString(), 'hello');
      assert.throws(() => decodeBase64(Buffer.from('not base64!')), FluxError);
      assert.throws(() => decodeBase64(Buffer.from('')), FluxError);
    });
    it('decodes in place across slice boundaries exactly as Buffer does', () => {
      const data = Buffer.alloc(200_000);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
      const text = Buffer.from(`xx${data.toString('base64')}yy`, 'latin1');
      assert.ok(Buffer.from(decodeBase64InPlace(text, 2, text.length - 2)).equals(data));
    });
  });
});
