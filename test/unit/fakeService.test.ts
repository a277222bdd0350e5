// Proves the fake service behaves as documented, so tests built on it test the extension.
import * as assert from 'node:assert/strict';
import { request } from 'undici';
import { PNG } from 'pngjs';
import {
  CONTROL_PATH,
  FakeService,
  imageDimensions,
  rawEmptyData,
  rawHtml,
  rawInvalidBase64,
  rawNotAnImage,
  rawWithoutData,
} from '../fake/fakeService';
import { JPEG_BYTES, makePng, NOT_AN_IMAGE, WEBP_BYTES } from '../fake/png';

const KEY = 'sk-test-0123456789abcdef';

interface Generation {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: unknown;
  readonly text: string;
}

/** POSTs a valid generation request (fields in `body` override, `undefined` removes them; key null = no header). */
async function generate(target: FakeService | string, body: Record<string, unknown> = {}, key: string | null = KEY): Promise<Generation> {
  const res = await request(typeof target === 'string' ? target : target.generationsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: JSON.stringify({ prompt: 'a red fox', model: 'flux-kontext-pro', size: '1x1', n: 1, seed: -1, ...body }),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, json, text };
}

interface Item {
  b64_json?: string;
  url?: string;
  seed: number;
}

function firstItem(g: Generation): Item {
  const data = (g.json as { data: Item[] }).data;
  assert.equal(data.length, 1);
  return data[0]!;
}

describe('fake image service', () => {
  let fake: FakeService;

  before(async () => {
    fake = await FakeService.start();
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  describe('png fixtures', () => {
    it('makes valid, deterministic, seed-dependent PNGs', () => {
      const a = makePng(32, 16, { seed: 1 });
      const decoded = PNG.sync.read(a);
      assert.equal(decoded.width, 32);
      assert.equal(decoded.height, 16);
      assert.deepEqual(makePng(32, 16, { seed: 1 }), a);
      assert.notDeepEqual(makePng(32, 16, { seed: 2 }), a);
      const photo = makePng(128, 128, { seed: 3, style: 'photo' });
      assert.equal(PNG.sync.read(photo).width, 128);
      // Noise makes a photo far larger than a gradient of the same size.
      assert.ok(photo.length > 3 * makePng(128, 128, { seed: 3 }).length);
    });

    it('exports signature fixtures', () => {
      assert.deepEqual([...JPEG_BYTES.subarray(0, 3)], [0xff, 0xd8, 0xff]);
      assert.deepEqual([...JPEG_BYTES.subarray(-2)], [0xff, 0xd9]);
      assert.equal(WEBP_BYTES.toString('latin1', 0, 4), 'RIFF');
      assert.equal(WEBP_BYTES.toString('latin1', 8, 12), 'WEBP');
      assert.equal(WEBP_BYTES.readUInt32LE(4), WEBP_BYTES.length - 8);
      assert.match(NOT_AN_IMAGE.toString(), /<html>/);
    });
  });

  describe('success shapes', () => {
    it('answers b64 with the requested seed and a PNG sized by the ratio', async () => {
      const g = await generate(fake, { seed: 1234, size: '16x9' });
      assert.equal(g.status, 200);
      assert.equal(typeof (g.json as { created: number }).created, 'number');
      const item = firstItem(g);
      assert.equal(item.seed, 1234);
      const png = PNG.sync.read(Buffer.from(item.b64_json!, 'base64'));
      assert.deepEqual({ width: png.width, height: png.height }, imageDimensions('16x9', 'gradient'));
      assert.deepEqual(imageDimensions('1x1', 'photo'), { width: 1024, height: 1024 });
      assert.deepEqual(imageDimensions('1x1'), { width: 64, height: 64 });
    });

    it('picks a random seed for -1 or no seed, and the same seed gives the same image', async () => {
      const a = firstItem(await generate(fake, { seed: -1 }));
      const b = firstItem(await generate(fake, { seed: undefined }));
      assert.equal('seed' in (fake.requests[1]!.body as object), false);
      assert.ok(Number.isInteger(a.seed) && a.seed >= 0);
      assert.ok(Number.isInteger(b.seed) && b.seed >= 0);
      assert.notEqual(a.seed, b.seed);
      const again = firstItem(await generate(fake, { seed: a.seed }));
      assert.equal(again.b64_json, a.b64_json);
    });

    it('answers url on the other host; the download carries no key and is recorded', async () => {
      fake.enqueue({ kind: 'url', seed: 7 });
      const item = firstItem(await generate(fake));
      assert.equal(item.seed, 7);
      assert.ok(item.url!.startsWith(`${fake.otherHostBaseUrl}/files/`), item.url);
      assert.ok(fake.otherHostBaseUrl.startsWith('http://127.0.0.2:'), 'Linux serves 127.0.0.2 on loopback');
      const res = await request(item.url!);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'image/png');
      const bytes = Buffer.from(await res.body.arrayBuffer());
      assert.equal(PNG.sync.read(bytes).width, 64);
      assert.equal(fake.fileRequests.length, 1);
      assert.equal(fake.fileRequests[0]!.host, 'other');
      assert.equal(fake.fileRequests[0]!.headers.authorization, undefined);
      assert.equal(fake.authorizationSeenOn('other'), false);
      assert.equal(fake.generationRequests[0]!.host, 'main');
      assert.equal(fake.generationRequests[0]!.headers.authorization, `Bearer ${KEY}`);
      assert.deepEqual(fake.generationRequests[0]!.body, { prompt: 'a red fox', model: 'flux-kontext-pro', size: '1x1', n: 1, seed: -1 });
    });

    it('can make the image URL fail or redirect', async () => {
      fake.enqueue({ kind: 'url', imageStatus: 404 }, { kind: 'url', host: 'same', imageRedirectTo: 'http://127.0.0.2:9/elsewhere.png' });
      const expired = await request(firstItem(await generate(fake)).url!);
      assert.equal(expired.statusCode, 404);
      assert.match(await expired.body.text(), /NoSuchKey/);
      const moved = firstItem(await generate(fake));
      assert.ok(moved.url!.startsWith(fake.baseUrl));
      const res = await request(moved.url!);
      await res.body.dump();
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, 'http://127.0.0.2:9/elsewhere.png');
    });

    it('leaves the seed out when asked, as gateways that do not pass it back do', async () => {
      fake.enqueue({ kind: 'b64', seed: null }, { kind: 'url', seed: null });
      for (const item of [firstItem(await generate(fake, { seed: 5 })), firstItem(await generate(fake, { seed: 5 }))]) {
        assert.equal('seed' in item, false, JSON.stringify(Object.keys(item)));
        assert.ok(item.b64_json ?? item.url);
      }
      const seedless = await FakeService.start({ answerSeed: false, defaultShape: 'alternate' });
      try {
        const answers = [firstItem(await generate(seedless, { seed: 9 })), firstItem(await generate(seedless, { seed: 9 }))];
        assert.deepEqual(answers.map((a) => (a.b64_json ? 'b64' : a.url ? 'url' : '?')), ['b64', 'url'], 'both shapes');
        assert.ok(answers.every((a) => !('seed' in a)));
      } finally {
        await seedless.close();
      }
    });

    it('draws pixel sizes as asked, with no limit of the client\'s, scaled down past 4 MP', async () => {
      assert.deepEqual(imageDimensions('100x100', 'photo'), { width: 100, height: 100 });
      assert.deepEqual(imageDimensions('3000x1000', 'photo'), { width: 3000, height: 1000 });
      const big = imageDimensions('8000x8000', 'photo')!;
      assert.ok(big.width === big.height && big.width * big.height <= 2048 * 2048, JSON.stringify(big));
      const g = firstItem(await generate(fake, { size: '4800x160' }));
      const png = PNG.sync.read(Buffer.from(g.b64_json!, 'base64'));
      assert.deepEqual({ width: png.width, height: png.height }, { width: 300, height: 10 });
    });

    it('alternates shapes when asked, then falls back to the default after the queue', async () => {
      const alt = await FakeService.start({ defaultShape: 'alternate' });
      try {
        alt.enqueue({ kind: 'error', status: 500, shape: 'openai' });
        assert.equal((await generate(alt)).status, 500);
        assert.ok(firstItem(await generate(alt)).b64_json);
        assert.ok(firstItem(await generate(alt)).url);
        assert.ok(firstItem(await generate(alt)).b64_json);
        assert.equal(alt.pendingBehaviours, 0);
      } finally {
        await alt.close();
      }
    });
  });

  describe('auth and validation', () => {
    it('answers 401 in OpenAI shape, echoing the key it received', async () => {
      const bad = 'sk-invalid-SECRET-4242';
      const g = await generate(fake, {}, bad);
      assert.equal(g.status, 401);
      const err = (g.json as { error: { message: string; type: string; param: null; code: string } }).error;
      assert.ok(err.message.includes(bad), err.message);
      assert.equal(err.param, null);
      assert.equal(err.code, 'invalid_api_key');
      const missing = await generate(fake, {}, null);
      assert.equal(missing.status, 401);
      assert.ok((missing.json as { error: object }).error);
    });

    it('refuses n != 1 (flat), unknown models (404), bad sizes (incl. the doc typo 3v2), empty prompts', async () => {
      const n = await generate(fake, { n: 2 });
      assert.equal(n.status, 400);
      assert.deepEqual(Object.keys(n.json as object).sort(), ['code', 'data', 'message']);
      assert.equal((await generate(fake, { model: 'flux-kontext-ultra' })).status, 404);
      // Ratios not offered (also shaped like one: two small numbers), and sizes that are no size.
      for (const size of ['3v2', '16:9', '21x9', '5x7', '0x512', '512x0', '1024*768', 'large', '']) {
        assert.equal((await generate(fake, { size })).status, 400, size);
      }
      // No pixel limits of the client's: the documentation states none.
      for (const size of ['1024x768', '100x100', '4096x4096', '100x7']) {
        assert.equal((await generate(fake, { size })).status, 200, size);
      }
      assert.equal((await generate(fake, { prompt: '  ' })).status, 400);
      assert.equal((await generate(fake, { seed: 1.5 })).status, 400);
    });

    it('is as strict as the documented service: JSON only, the documented fields only, a bounded prompt', async () => {
      const text = await request(fake.generationsUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/plain' },
        body: JSON.stringify({ prompt: 'a red fox', model: 'flux-kontext-pro' }),
      });
      assert.equal(text.statusCode, 415);
      await text.body.dump();
      const extra = await generate(fake, { response_format: 'url' });
      assert.equal(extra.status, 400);
      assert.match(JSON.stringify(extra.json), /response_format/);
      assert.equal((await generate(fake, { prompt: 'x'.repeat(100_000) })).status, 400);
      assert.equal((await generate(fake, { prompt: 'x'.repeat(4000) })).status, 200, 'the client\'s longest prompt passes');
    });

    it('does not spend an enqueued behaviour on a refused request', async () => {
      fake.enqueue({ kind: 'url' });
      assert.equal((await generate(fake, {}, 'nope')).status, 401);
      assert.ok(firstItem(await generate(fake)).url);
    });
  });

  describe('errors and malformed answers', () => {
    it('speaks both error shapes, with Retry-After and the key placeholder', async () => {
      fake.enqueue(
        { kind: 'error', status: 429, shape: 'openai', code: 'rate_limit_exceeded', retryAfter: '2' },
        { kind: 'error', status: 403, shape: 'flat', code: 'quota_not_enough', message: 'no credit for {key}' },
      );
      const limited = await generate(fake);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers['retry-after'], '2');
      assert.deepEqual(limited.json, {
        error: { message: (limited.json as { error: { message: string } }).error.message, type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
      });
      const quota = await generate(fake);
      assert.equal(quota.status, 403);
      assert.deepEqual(quota.json, { code: 'quota_not_enough', message: `no credit for ${KEY}`, data: null });
    });

    it('sends raw bodies built by the helpers', async () => {
      fake.enqueue(rawWithoutData(), rawEmptyData(), rawInvalidBase64(), rawNotAnImage(), rawHtml(502));
      const noData = await generate(fake);
      assert.equal(noData.status, 200);
      assert.equal('data' in (noData.json as object), false);
      assert.deepEqual(((await generate(fake)).json as { data: unknown[] }).data, []);
      const invalid = firstItem(await generate(fake));
      assert.doesNotMatch(invalid.b64_json!, /^[A-Za-z0-9+/]*={0,2}$/);
      const notImage = firstItem(await generate(fake));
      assert.deepEqual(Buffer.from(notImage.b64_json!, 'base64'), NOT_AN_IMAGE);
      const html = await generate(fake);
      assert.equal(html.status, 502);
      assert.match(String(html.headers['content-type']), /^text\/html/);
      assert.equal(html.json, undefined);
    });

    it('follows prompt directives when nothing is enqueued', async () => {
      const moderated = await generate(fake, { prompt: 'something [moderated]' });
      assert.equal(moderated.status, 422);
      const m = (moderated.json as { error: { message: string; code: string } }).error;
      assert.match(m.message, /Safety Filter/);
      assert.equal(m.code, 'content_policy_violation');
      const quota = await generate(fake, { prompt: '[quota]' });
      assert.equal(quota.status, 403);
      assert.equal((quota.json as { code: string }).code, 'quota_not_enough');
      const limited = await generate(fake, { prompt: '[429]' });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers['retry-after'], '1');
      assert.equal((await generate(fake, { prompt: '[500]' })).status, 500);
      const garbage = await generate(fake, { prompt: '[garbage]' });
      assert.equal(garbage.status, 200);
      assert.equal(garbage.json, undefined);
      assert.ok(firstItem(await generate(fake, { prompt: 'a fox [URL]' })).url);
    });
  });

  describe('transport failures', () => {
    it('hang never answers, and close() frees the client and the process', async () => {
      const local = await FakeService.start();
      local.enqueue({ kind: 'hang' });
      const pending = generate(local);
      await waitFor(() => local.inFlight === 1);
      const failed = assert.rejects(pending);
      const started = Date.now();
      await local.close();
      await failed;
      assert.ok(Date.now() - started < 5000, 'closing does not wait for the hanging request');
      assert.equal(local.requests[0]!.outcome.closedEarly, true);
    });

    it('a delay is abandoned when the client aborts', async () => {
      fake.enqueue({ kind: 'b64', delayMs: 10_000 });
      const controller = new AbortController();
      const pending = request(fake.generationsUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'x', model: 'flux-kontext-pro' }),
        signal: controller.signal,
      });
      await waitFor(() => fake.inFlight === 1);
      controller.abort();
      await assert.rejects(pending);
      await waitFor(() => fake.inFlight === 0);
      assert.equal(fake.generationRequests[0]!.outcome.closedEarly, true);
    });

    it('reset and truncated make the client fail mid-body', async () => {
      fake.enqueue({ kind: 'reset', afterBytes: 100 }, { kind: 'truncated' });
      await assert.rejects(generate(fake));
      await assert.rejects(generate(fake));
      assert.equal(fake.generationRequests[0]!.outcome.bytesSent, 100);
      assert.equal(fake.generationRequests[1]!.outcome.finished, false);
    });

    it('huge streams the declared number of bytes, and stops when the client gives up', async () => {
      const bytes = 8 * 1024 * 1024 + 3;
      fake.enqueue({ kind: 'huge', bytes }, { kind: 'huge', bytes: 256 * 1024 * 1024, declareLength: false });
      const res = await request(fake.generationsUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'x', model: 'flux-kontext-pro' }),
      });
      assert.equal(res.headers['content-length'], String(bytes));
      let received = 0;
      let tail = '';
      for await (const chunk of res.body) {
        received += (chunk as Buffer).length;
        tail = (tail + (chunk as Buffer).toString('latin1')).slice(-16);
      }
      assert.equal(received, bytes);
      assert.ok(tail.endsWith('AAAA"}]}'), tail);

      const controller = new AbortController();
      const big = await request(fake.generationsUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'x', model: 'flux-kontext-pro' }),
        signal: controller.signal,
      });
      assert.equal(big.headers['content-length'], undefined);
      let got = 0;
      await assert.rejects(
        (async () => {
          for await (const chunk of big.body) {
            got += (chunk as Buffer).length;
            if (got > 1024 * 1024) controller.abort();
          }
        })(),
      );
      await waitFor(() => fake.inFlight === 0);
      const outcome = fake.generationRequests[1]!.outcome;
      assert.equal(outcome.closedEarly, true);
      assert.ok(outcome.bytesSent < 64 * 1024 * 1024, `sent ${outcome.bytesSent}`);
    });

    it('redirect points the endpoint elsewhere and records who received the key', async () => {
      fake.enqueue({ kind: 'redirect', location: `${fake.otherHostBaseUrl}/v1/images/generations` });
      const g = await generate(fake);
      assert.equal(g.status, 307);
      assert.equal(g.headers.location, `${fake.otherHostBaseUrl}/v1/images/generations`);
      // A client that followed it would be seen on the other listener with its headers.
      await generate(String(g.headers.location));
      const other = fake.generationRequests.filter((r) => r.host === 'other');
      assert.equal(other.length, 1);
      assert.equal(other[0]!.headers.authorization, `Bearer ${KEY}`);
      assert.equal(fake.authorizationSeenOn('other'), true);
    });

    it('holds requests until release answers them all at once', async () => {
      fake.hold();
      const pending = [generate(fake), generate(fake), generate(fake)];
      await fake.waitForHeld(3);
      assert.equal(fake.held, 3);
      assert.equal(fake.generationRequests.every((r) => r.outcome.status === undefined), true);
      assert.equal(fake.release(), 3);
      const answers = await Promise.all(pending);
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
      assert.equal(fake.maxConcurrent, 3);
      assert.equal(fake.held, 0);
      // Released means no longer holding: the next request answers at once.
      assert.equal((await generate(fake)).status, 200);
      await assert.rejects(fake.waitForHeld(1, 50), /0 of 1/);
    });

    it('does not hold refused requests, and close() frees held ones', async () => {
      const local = await FakeService.start();
      local.hold();
      assert.equal((await generate(local, {}, 'nope')).status, 401);
      assert.equal(local.held, 0);
      const pending = generate(local);
      await local.waitForHeld(1);
      const failed = assert.rejects(pending);
      await local.close();
      await failed;
      assert.equal(local.held, 0);
    });

    it('hold, release, enqueue, reset and state are reachable over HTTP', async () => {
      const control = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
        const res = await request(`${fake.baseUrl}${CONTROL_PATH}/${path}`, { method: method as 'GET', body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
      };
      assert.equal((await control('POST', 'enqueue', [{ kind: 'url', seed: 5 }, { kind: 'error', status: 500, shape: 'openai' }])).json.pendingBehaviours, 2);
      assert.equal((await control('POST', 'hold')).status, 200);
      const pending = [generate(fake), generate(fake)];
      assert.deepEqual((await control('GET', 'held?atLeast=2&timeoutMs=2000')).json, { held: 2 });
      const state = (await control('GET', 'state')).json;
      assert.equal(state.held, 2);
      assert.equal(state.holding, true);
      assert.equal(state.generationRequests, 2, 'control requests are not recorded');
      assert.deepEqual((await control('POST', 'release')).json, { released: 2 });
      const [a, b] = await Promise.all(pending);
      assert.equal(firstItem(a!).seed, 5);
      assert.equal(b!.status, 500);
      assert.equal((await control('GET', 'held?atLeast=1&timeoutMs=50')).status, 408);
      await control('POST', 'reset');
      assert.equal(fake.requests.length, 0);
      assert.equal((await control('GET', 'nothing')).status, 404);
    });

    it('measures peak concurrency', async () => {
      const slow = await FakeService.start({ delayMs: 150 });
      try {
        await Promise.all([generate(slow), generate(slow), generate(slow)]);
        assert.equal(slow.maxConcurrent, 3);
        assert.equal(slow.inFlight, 0);
      } finally {
        await slow.close();
      }
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
