// What BFL says is left on the account (Flux: Show Spending), against the fake's `GET /v1/credits`.
import * as assert from 'node:assert/strict';
import { FluxError } from '../../src/core/errors';
import { bflCreditsUsd } from '../../src/core/providers/credits';
import { providerFor } from '../../src/core/providers';
import { FakeService } from '../fake/fakeService';

const KEY = 'sk-bfl-credits-0123456789abcdef';

describe('BFL credits', () => {
  let fake: FakeService;
  before(async () => {
    fake = await FakeService.start({ acceptKey: (k) => k === KEY });
  });
  after(() => fake.close());

  it('reads the credits (one credit a US cent) with the key, from the service itself', async () => {
    fake.bflCredits = 1234.5;
    assert.equal(await bflCreditsUsd({ baseUrl: fake.baseUrl, apiKey: KEY, timeoutMs: 5000 }), 12.345);
    const asked = fake.requests.filter((r) => r.path === '/v1/credits');
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.headers['x-key'], KEY);
  });

  it('says a refused key in words, without the key', async () => {
    const wrong = 'sk-bfl-wrong-0123456789abcdef';
    await assert.rejects(bflCreditsUsd({ baseUrl: fake.baseUrl, apiKey: wrong, timeoutMs: 5000 }), (e: unknown) => e instanceof FluxError && e.kind === 'auth' && !e.message.includes(wrong));
  });

  it('polls again for a task accepted before, with no second submit (the resume after a reload)', async () => {
    fake.reset();
    fake.enqueueBfl({ kind: 'pending' });
    const settings = { baseUrl: fake.baseUrl, apiKey: KEY, timeoutMs: 5000, pollIntervalMs: 20 };
    let pollUrl = '';
    const controller = new AbortController();
    const first = providerFor('bfl').generate({ prompt: 'a fox', model: 'flux-2-pro', size: '1x1', seed: 3 }, settings, {
      signal: controller.signal,
      onAccepted: (task) => {
        pollUrl = task.pollUrl;
        controller.abort();
      },
    });
    await assert.rejects(first);
    assert.match(pollUrl, /\/v1\/get_result\?id=/);
    assert.equal(fake.finishBflTasks(), 1);
    const image = await providerFor('bfl').resume!({ pollUrl, model: 'flux-2-pro' }, settings);
    assert.ok(image.bytes.length > 0);
    assert.equal(fake.bflSubmitRequests.length, 1, 'submitted once');
    // The recorded address is checked again before the key goes there.
    await assert.rejects(providerFor('bfl').resume!({ pollUrl: 'http://evil.example/v1/get_result?id=x', model: 'flux-2-pro' }, settings), (e: unknown) => e instanceof FluxError && e.kind === 'badRequest');
    assert.equal(fake.requests.filter((r) => r.path.includes('evil')).length, 0);
  });
});
