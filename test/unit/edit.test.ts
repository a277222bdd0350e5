// Editing through the OpenAI-compatible API: the multipart request and its answers.
import * as assert from 'node:assert/strict';
import { FluxError } from '../../src/core/errors';
import { providerFor } from '../../src/core/providers';
import type { ImageRequest, ProviderSettings } from '../../src/core/providers/types';
import type { EditPart } from '../fake/fakeService';
import { FakeService } from '../fake/fakeService';
import { JPEG_BYTES, makePng, NOT_AN_IMAGE } from '../fake/png';

const KEY = 'sk-edit-0123456789abcdefghij';
const INPUT = makePng(40, 30, { seed: 8 });
const EDIT: ImageRequest = { prompt: 'make the sky stormy', model: 'flux-kontext-pro', size: undefined, seed: -1, image: { bytes: INPUT, name: 'harbour photo.png', mime: 'image/png' } };

function parts(fake: FakeService, i = 0): EditPart[] {
  const body = fake.editRequests[i]?.body as { parts: EditPart[] } | undefined;
  assert.ok(body?.parts, 'the fake parsed the multipart body');
  return body.parts;
}

async function fails(p: Promise<unknown>, kind: string): Promise<FluxError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FluxError, String(e));
    assert.equal(e.kind, kind, e.message);
    assert.ok(!e.message.includes(KEY));
    return e;
  }
  assert.fail(`expected ${kind}`);
}

describe('dmxapi edits', () => {
  let fake: FakeService;
  let settings: ProviderSettings;
  const edit = (req: ImageRequest = EDIT, s: ProviderSettings = settings) => providerFor('dmxapi').generate(req, s);

  before(async () => {
    fake = await FakeService.start({ editModels: ['flux-kontext-pro', 'flux-kontext-max'] });
    settings = { baseUrl: fake.baseUrl, apiKey: KEY, timeoutMs: 10_000, retryBaseMs: 10 };
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  it('posts multipart/form-data with the image part, prompt, model and n; no seed for -1, no size when none was asked', async () => {
    const image = await edit();
    assert.equal(image.source, 'b64_json');
    assert.equal(image.type.format, 'png');
    const [req] = fake.editRequests;
    assert.ok(req);
    assert.equal(req.path, '/v1/images/edits');
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.match(String(req.headers['content-type']), /^multipart\/form-data; ?boundary=/);
    const got = parts(fake);
    assert.deepEqual(got.map((p) => p.name).sort(), ['image', 'model', 'n', 'prompt']);
    const file = got.find((p) => p.name === 'image')!;
    assert.equal(file.filename, 'harbour photo.png');
    assert.equal(file.contentType, 'image/png');
    assert.ok(file.bytes!.equals(INPUT), 'the bytes arrive unchanged');
    assert.equal(got.find((p) => p.name === 'prompt')!.value, 'make the sky stormy');
    assert.equal(got.find((p) => p.name === 'model')!.value, 'flux-kontext-pro');
    assert.equal(got.find((p) => p.name === 'n')!.value, '1');
    assert.equal(fake.generationRequests.filter((r) => r.path === '/v1/images/generations').length, 0);
  });

  it('sends seed and size when given, and a JPEG with its own type', async () => {
    await edit({ ...EDIT, seed: 42, size: '16x9', image: { bytes: JPEG_BYTES, name: 'a.jpg', mime: 'image/jpeg' } });
    const got = parts(fake);
    assert.equal(got.find((p) => p.name === 'seed')!.value, '42');
    assert.equal(got.find((p) => p.name === 'size')!.value, '16x9');
    const file = got.find((p) => p.name === 'image')!;
    assert.equal(file.contentType, 'image/jpeg');
    assert.ok(file.bytes!.equals(JPEG_BYTES));
  });

  it('takes the url answer too, downloading it without the key', async () => {
    fake.enqueue({ kind: 'url', seed: 11 });
    const image = await edit({ ...EDIT, seed: 11 });
    assert.equal(image.source, 'url');
    assert.equal(image.seed, 11);
    assert.equal(fake.fileRequests[0]!.headers.authorization, undefined);
  });

  it('re-sends the whole form when retrying a 429', async () => {
    fake.enqueue({ kind: 'error', status: 429, shape: 'openai' });
    const image = await edit();
    assert.equal(image.attempts, 2);
    assert.equal(fake.editRequests.length, 2);
    assert.ok(parts(fake, 1).find((p) => p.name === 'image')!.bytes!.equals(INPUT));
  });

  it('a model that takes no edits gets a message naming the model and the gateway, suggesting bfl', async () => {
    const e = await fails(edit({ ...EDIT, model: 'flux-kontext-dev' }), 'badRequest');
    assert.match(e.message, /^flux-kontext-dev at 127\.0\.0\.1:\d+ does not accept image edits\. Choose another model/);
    assert.equal(e.details.status, 400);
    assert.match(e.message, /provider bfl/);
  });

  it('a gateway without the endpoint (404) gets the same message', async () => {
    const none = await FakeService.start({ edits: false });
    try {
      const e = await fails(edit(EDIT, { ...settings, baseUrl: none.baseUrl }), 'badRequest');
      assert.match(e.message, /^flux-kontext-pro at 127\.0\.0\.1:\d+ does not accept image edits\. /);
      assert.equal(e.details.status, 404);
    } finally {
      await none.close();
    }
  });

  it('other refusals keep their meaning (moderation, a bad key)', async () => {
    fake.enqueue({ kind: 'error', status: 422, shape: 'openai', message: 'Safety Filter: image refused' });
    await fails(edit(), 'moderation');
    await fails(edit(EDIT, { ...settings, apiKey: 'sk-invalid-0123456789abcdef' }), 'auth');
  });

  it('the fake refuses an image part that is not an image', async () => {
    const e = await fails(edit({ ...EDIT, image: { bytes: NOT_AN_IMAGE, name: 'x.png', mime: 'image/png' } }), 'badRequest');
    assert.match(e.message, /PNG, JPEG or WebP/);
  });
});
