// FLUX.2 through both providers against the fake, which knows FLUX.2 strictly as documented.
import * as assert from 'node:assert/strict';
import type { FluxError } from '../../src/core/errors';
import { providerFor } from '../../src/core/providers';
import type { ImageRequest, InputImage, ProviderSettings } from '../../src/core/providers/types';
import { failsWith } from './failsWith';
import { FakeService } from '../fake/fakeService';
import { JPEG_BYTES, makePng, WEBP_BYTES } from '../fake/png';

const KEY = 'sk-flux2-0123456789abcdefghij';
const REQ: ImageRequest = { prompt: 'the dog from image 1 asleep in the garden of image 2', model: 'flux-2-pro', size: '16x9', seed: 5 };
const png = (w: number): InputImage => ({ bytes: makePng(w, 4), name: `p${w}.png`, mime: 'image/png' });

const fails = (p: Promise<unknown>, kind: string, pattern?: RegExp): Promise<FluxError> => failsWith(KEY, p, kind, pattern);

async function post(fake: FakeService, path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; json: { detail?: { loc: string[] }[] } }> {
  const res = await fetch(`${fake.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { detail?: { loc: string[] }[] } };
}

describe('FLUX.2', () => {
  let fake: FakeService;
  let settings: ProviderSettings;
  before(async () => {
    fake = await FakeService.start();
    settings = { baseUrl: fake.baseUrl, apiKey: KEY, timeoutMs: 5000, retryBaseMs: 10, pollIntervalMs: 20 };
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  it('dmxapi: POST /flux/v1/<model> and GET /flux/v1/get_result with Bearer, the result fetched without the key', async () => {
    const image = await providerFor('dmxapi').generate(REQ, { ...settings, baseUrl: `${fake.baseUrl}/v1/` });
    assert.equal(image.type.format, 'png');
    const [submit] = fake.flux2SubmitRequests;
    assert.equal(submit!.path, '/flux/v1/flux-2-pro');
    assert.equal(submit!.headers.authorization, `Bearer ${KEY}`);
    assert.equal(submit!.headers['x-key'], undefined);
    assert.deepEqual(submit!.body, { prompt: REQ.prompt, seed: 5, width: 1360, height: 768, output_format: 'png', prompt_upsampling: false });
    assert.ok(fake.flux2PollRequests.length >= 1);
    assert.ok(fake.flux2PollRequests.every((r) => r.headers.authorization === `Bearer ${KEY}` && /^\/flux\/v1\/get_result\?id=[0-9a-f]+$/.test(r.path)));
    assert.equal(fake.bflPollRequests.length, 0);
    assert.equal(fake.generationRequests.length, 0, 'not the OpenAI-style route');
    assert.equal(fake.authorizationSeenOn('other'), false, 'the image host gets no key');
  });

  it('bfl: POST /v1/<model> with x-key, polled at polling_url, never a Bearer', async () => {
    const image = await providerFor('bfl').generate({ ...REQ, model: 'flux-2-klein-9b', size: '1x1', megapixels: 0.25, outputFormat: 'jpeg', promptUpsampling: true }, settings);
    assert.equal(image.type.format, 'jpeg');
    assert.ok(Buffer.from(image.bytes).equals(JPEG_BYTES));
    const [submit] = fake.flux2SubmitRequests;
    assert.equal(submit!.path, '/v1/flux-2-klein-9b');
    assert.equal(submit!.headers['x-key'], KEY);
    assert.equal(submit!.headers.authorization, undefined);
    assert.deepEqual(submit!.body, { prompt: REQ.prompt, seed: 5, width: 512, height: 512, output_format: 'jpeg', prompt_upsampling: true });
    assert.ok(fake.bflPollRequests.every((r) => r.headers['x-key'] === KEY && r.headers.authorization === undefined));
  });

  it('sends an edit input and references as input_image, input_image_2 … in order, in the JSON', async () => {
    const refs = [png(3), { bytes: JPEG_BYTES, name: 'b.jpg', mime: 'image/jpeg' }, { bytes: WEBP_BYTES, name: 'c.webp', mime: 'image/webp' }];
    await providerFor('dmxapi').generate({ ...REQ, size: undefined, image: png(2), references: refs }, settings);
    const body = fake.flux2SubmitRequests[0]!.body as Record<string, unknown>;
    assert.equal(body.input_image, Buffer.from(png(2).bytes).toString('base64'));
    refs.forEach((r, i) => assert.equal(body[`input_image_${i + 2}`], Buffer.from(r.bytes).toString('base64')));
    assert.equal(body.width, undefined, 'an edit without a size keeps the input size');
    assert.equal(fake.editRequests.length, 0, 'no multipart');
  });

  it('refuses more images than the model takes, and Kontext references through dmxapi, before any request', async () => {
    const nine = Array.from({ length: 9 }, (_, i) => png(i + 1));
    await fails(providerFor('dmxapi').generate({ ...REQ, references: nine }, settings), 'invalidInput', /at most 8 images.*9 were given/);
    await fails(providerFor('bfl').generate({ ...REQ, model: 'flux-2-klein-4b', references: nine.slice(0, 4), image: png(1) }, settings), 'invalidInput', /at most 4 images/);
    await fails(providerFor('dmxapi').generate({ ...REQ, model: 'flux-kontext-pro', references: [png(1)] }, settings), 'invalidInput', /takes no reference images/);
    await fails(providerFor('bfl').generate({ ...REQ, size: '4096x4096' }, settings), 'invalidInput', /too large/);
    assert.equal(fake.requests.length, 0);
  });

  it('Kontext stays as it was: dmxapi the OpenAI route, bfl aspect_ratio with up to 4 images', async () => {
    await providerFor('dmxapi').generate({ ...REQ, model: 'flux-kontext-pro' }, settings);
    assert.equal(fake.generationRequests.length, 1);
    assert.equal(fake.flux2SubmitRequests.length, 0);
    await providerFor('bfl').generate({ ...REQ, model: 'flux-kontext-max', references: [png(1), png(2), png(3)] }, settings);
    const body = fake.bflSubmitRequests[0]!.body as Record<string, unknown>;
    assert.equal(body.aspect_ratio, '16:9');
    assert.equal(body.output_format, 'png');
    assert.deepEqual(Object.keys(body).filter((k) => k.startsWith('input_image')), ['input_image', 'input_image_2', 'input_image_3']);
  });

  describe('the fake is strict', () => {
    const ok = { prompt: 'p', width: 1024, height: 768 };
    const bad = async (path: string, body: Record<string, unknown>, field: string, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) => {
      const answer = await post(fake, path, body, headers);
      assert.equal(answer.status, 422, JSON.stringify(body).slice(0, 200));
      assert.ok(answer.json.detail?.some((d) => d.loc.includes(field)), JSON.stringify(answer.json));
    };
    it('accepts a documented body on both routes', async () => {
      assert.equal((await post(fake, '/flux/v1/flux-2-flex', { ...ok, steps: 30, guidance: 4, seed: 1, output_format: 'png', safety_tolerance: 2, prompt_upsampling: false }, { authorization: `Bearer ${KEY}` })).status, 200);
      assert.equal((await post(fake, '/v1/flux-2-pro', ok, { 'x-key': KEY })).status, 200);
    });
    it('refuses sizes off the grid, under 64, over 4 MP, and size, aspect_ratio, n or unknown fields', async () => {
      await bad('/flux/v1/flux-2-pro', { ...ok, width: 1000 }, 'width');
      await bad('/flux/v1/flux-2-pro', { ...ok, width: 48 }, 'width');
      await bad('/flux/v1/flux-2-pro', { ...ok, width: 4096, height: 4096 }, 'width');
      await bad('/flux/v1/flux-2-pro', { ...ok, size: '1024x768' }, 'size');
      await bad('/v1/flux-2-pro', { ...ok, aspect_ratio: '16:9' }, 'aspect_ratio', { 'x-key': KEY });
      await bad('/flux/v1/flux-2-pro', { ...ok, n: 1 }, 'n');
      await bad('/flux/v1/flux-2-pro', { ...ok, steps: 20 }, 'steps');
      await bad('/flux/v1/flux-2-max', { ...ok, colour: 'red' }, 'colour');
    });
    it('refuses gaps in the image numbers, images past the model limit, and bytes that are no image', async () => {
      const b64 = Buffer.from(makePng(2, 2)).toString('base64');
      await bad('/flux/v1/flux-2-pro', { ...ok, input_image: b64, input_image_3: b64 }, 'input_image_3');
      const five = Object.fromEntries(['input_image', 'input_image_2', 'input_image_3', 'input_image_4', 'input_image_5'].map((f) => [f, b64]));
      await bad('/flux/v1/flux-2-klein-4b', { ...ok, ...five }, 'input_image_5');
      assert.equal((await post(fake, '/flux/v1/flux-2-pro', { ...ok, ...five }, { authorization: `Bearer ${KEY}` })).status, 200);
      await bad('/flux/v1/flux-2-pro', { ...ok, input_image: Buffer.from('<html>').toString('base64') }, 'input_image');
    });
    it('polls a task only on its own route with its own kind of key', async () => {
      const answer = await post(fake, '/v1/flux-2-pro', ok, { 'x-key': KEY });
      const id = (answer.json as unknown as { id: string }).id;
      const res = await fetch(`${fake.baseUrl}/flux/v1/get_result?id=${id}`, { headers: { authorization: `Bearer ${KEY}` } });
      assert.equal(((await res.json()) as { status: string }).status, 'Task not found');
      const noKey = await fetch(`${fake.baseUrl}/flux/v1/get_result?id=${id}`, { headers: { 'x-key': KEY } });
      assert.equal(noKey.status, 401);
    });
  });
});
