// Black Forest Labs' API: submit, poll, download, against the fake's BFL routes.
import * as assert from 'node:assert/strict';
import { FluxError } from '../../src/core/errors';
import { aspectRatioFor, mayCarryKey } from '../../src/core/providers/bfl';
import { providerFor } from '../../src/core/providers';
import type { ImageRequest, ProviderSettings } from '../../src/core/providers/types';
import { failsWith } from './failsWith';
import { FakeService } from '../fake/fakeService';
import { makePng } from '../fake/png';

const KEY = 'sk-bfl-0123456789abcdefghij';
const REQ: ImageRequest = { prompt: 'a fox', model: 'flux-kontext-pro', size: '16x9', seed: 5 };

const fails = (p: Promise<unknown>, kind: string, pattern?: RegExp): Promise<FluxError> => failsWith(KEY, p, kind, pattern);

describe('bfl provider', () => {
  let fake: FakeService;
  let settings: ProviderSettings;
  const bfl = (req: ImageRequest = REQ, s: ProviderSettings = settings, signal?: AbortSignal) => providerFor('bfl').generate(req, s, { signal });

  before(async () => {
    fake = await FakeService.start();
    settings = { baseUrl: fake.baseUrl, apiKey: KEY, timeoutMs: 5000, retryBaseMs: 10, pollIntervalMs: 20 };
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  it('submits, polls through Pending to Ready, downloads the sample without the key', async () => {
    const png = makePng(16, 9, { seed: 77 });
    fake.enqueueBfl({ kind: 'ready', pendingPolls: 3, seed: 77, image: png });
    const image = await bfl({ ...REQ, image: { bytes: Buffer.from('PNGDATA'), name: 'a.png', mime: 'image/png' } });
    assert.equal(image.seed, 77);
    assert.equal(image.source, 'url');
    assert.ok(Buffer.from(image.bytes).equals(png));
    const [submit] = fake.bflSubmitRequests;
    assert.equal(submit!.path, '/v1/flux-kontext-pro');
    assert.equal(submit!.headers['x-key'], KEY);
    assert.deepEqual(submit!.body, { prompt: 'a fox', seed: 5, aspect_ratio: '16:9', output_format: 'png', input_image: Buffer.from('PNGDATA').toString('base64') });
    assert.equal(fake.bflPollRequests.length, 4);
    assert.ok(fake.bflPollRequests.every((r) => r.headers['x-key'] === KEY));
    assert.equal(fake.fileRequests.length, 1);
    assert.equal(fake.fileRequests[0]!.host, 'other');
    assert.equal(fake.authorizationSeenOn('other'), false, 'the image host gets no key');
  });

  it('a result served on the poll host\'s own origin is still downloaded without the key', async () => {
    const png = makePng(16, 9, { seed: 8 });
    fake.enqueueBfl({ kind: 'ready', seed: 8, image: png, resultHost: 'same' });
    const image = await bfl();
    assert.ok(Buffer.from(image.bytes).equals(png));
    const [file] = fake.fileRequests;
    assert.equal(fake.fileRequests.length, 1);
    // The same listener as the polls, which carried the key: the download does not.
    assert.ok(fake.bflPollRequests.every((r) => r.host === 'main' && r.headers['x-key'] === KEY));
    assert.equal(file!.host, 'main');
    assert.equal(file!.headers['x-key'], undefined);
    assert.equal(file!.headers.authorization, undefined);
  });

  it('a Ready result without a seed gives an image with no seed', async () => {
    const seedless = await FakeService.start({ answerSeed: false });
    try {
      const image = await bfl(REQ, { ...settings, baseUrl: seedless.baseUrl });
      assert.equal(image.seed, undefined);
      assert.ok(image.bytes.length > 0);
      assert.ok(seedless.bflPollRequests.length >= 1);
    } finally {
      await seedless.close();
    }
  });

  it('omits seed for -1 and aspect_ratio when no size was asked', async () => {
    await bfl({ ...REQ, seed: -1, size: undefined });
    assert.deepEqual(fake.bflSubmitRequests[0]!.body, { prompt: 'a fox', output_format: 'png' });
  });

  for (const [status, kind] of [
    ['Request Moderated', 'moderation'],
    ['Content Moderated', 'moderation'],
    ['Error', 'server'],
    ['Task not found', 'badRequest'],
  ] as const) {
    it(`${status} is ${kind}`, async () => {
      fake.enqueueBfl({ kind: 'status', status });
      await fails(bfl(), kind);
    });
  }

  it('402, 403, 422 (with FastAPI detail) fail at once; 429 is retried', async () => {
    fake.enqueueBfl({ kind: 'submitError', status: 402 });
    await fails(bfl(), 'quota');
    await fails(bfl(REQ, { ...settings, apiKey: 'sk-invalid-0123456789abcdef' }), 'auth');
    fake.enqueueBfl({ kind: 'submitError', status: 422, detail: [{ loc: ['body', 'prompt'], msg: 'String too long', type: 'too_long' }] });
    const e = await fails(bfl(), 'badRequest', /^The service rejected the request: “prompt: String too long”\. Show Log has the details\.$/);
    assert.equal(e.details.status, 422);
    fake.reset();
    fake.enqueueBfl({ kind: 'submitError', status: 429, retryAfter: '0' });
    const image = await bfl();
    assert.equal(fake.bflSubmitRequests.length, 2);
    assert.ok(image.bytes.length > 0);
  });

  it('never ready ends at the time limit', async () => {
    fake.enqueueBfl({ kind: 'pending' });
    await fails(bfl(REQ, { ...settings, timeoutMs: 300 }), 'timeout');
  });

  it('cancel during polling stops at once (long before the next poll is due), with no further request', async () => {
    fake.enqueueBfl({ kind: 'pending' });
    const controller = new AbortController();
    const p = bfl(REQ, { ...settings, timeoutMs: 60_000, pollIntervalMs: 5000 }, controller.signal);
    while (fake.bflPollRequests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    controller.abort();
    await fails(p, 'cancelled');
    // The next poll is 5 s away: a loose bound still tells "at once" from "at the next poll" on a busy machine.
    assert.ok(Date.now() - t0 < 1000, `${Date.now() - t0} ms`);
    assert.equal(fake.bflPollRequests.length, 1);
  });

  it('a polling_url on a foreign host is refused before the key goes there', async () => {
    fake.enqueueBfl({ kind: 'pollElsewhere', pollingBase: fake.otherHostBaseUrl });
    await fails(bfl(), 'badRequest', /key is not sent there/);
    assert.equal(fake.authorizationSeenOn('other'), false);
    assert.equal(mayCarryKey(new URL('https://api.eu.bfl.ai/v1/get_result?id=1'), new URL('https://api.bfl.ai')), true);
    assert.equal(mayCarryKey(new URL('http://api.eu.bfl.ai/x'), new URL('https://api.bfl.ai')), false);
    assert.equal(mayCarryKey(new URL('https://bfl.ai.evil.example/x'), new URL('https://api.bfl.ai')), false);
  });

  it('maps sizes to aspect ratios, refusing what BFL does not make, before any request', async () => {
    const expected: Record<string, string> = { '1x1': '1:1', '2x3': '2:3', '3x2': '3:2', '3x4': '3:4', '4x3': '4:3', '9x16': '9:16', '16x9': '16:9' };
    for (const [size, ratio] of Object.entries(expected)) assert.equal(aspectRatioFor(size), ratio);
    assert.equal(aspectRatioFor('1024x768'), '4:3');
    assert.equal(aspectRatioFor('1376x768'), '43:24');
    assert.equal(aspectRatioFor('2048x2048'), '1:1');
    assert.equal(aspectRatioFor('2100x900'), '7:3');
    assert.equal(aspectRatioFor(undefined), undefined);
    assert.throws(() => aspectRatioFor('2048x800'), FluxError);
    assert.throws(() => aspectRatioFor('256x1024'), FluxError);
    await fails(bfl({ ...REQ, size: '2048x512' }), 'invalidInput', /21:9 to 9:21/);
    assert.equal(fake.requests.length, 0);
  });
});
