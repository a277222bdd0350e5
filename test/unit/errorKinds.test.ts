// Who is at fault decides what a person is offered: a bug in Flux is never shown as a network
// failure with Try Again, and no error, whatever its source, carries the key.
import * as assert from 'node:assert/strict';
import { FluxError, asFluxError, nextSteps, redactError, text } from '../../src/core/errors';
import { guarded } from '../../src/core/http/call';

const key = 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

describe('error kinds', () => {
  it('takes a thrown bug for an internal error: an apology, Show Log, never Try Again', () => {
    const e = asFluxError(new TypeError("Cannot read properties of undefined (reading 'uri')"));
    assert.equal(e.kind, 'internal');
    assert.equal(e.message, 'Something went wrong in Flux. Show Log has the details.');
    // The stack is for the log, not for the person.
    assert.match(e.details.bug ?? '', /TypeError: Cannot read properties of undefined[\s\S]*errorKinds/);
    assert.deepEqual(nextSteps(e.kind), { setApiKey: false, openSettings: false, retry: false, showLog: true, editPrompt: false, topUp: false });
  });

  it('takes anything thrown that is not an Error for a bug too', () => {
    for (const thrown of ['a string', 42, undefined, { code: 'ECONNRESET' }]) {
      const e = asFluxError(thrown);
      assert.equal(e.kind, 'internal', String(thrown));
      assert.equal(nextSteps(e.kind).retry, false);
    }
  });

  it('offers Edit Prompt for a refusal of the words (moderation) and for nothing else', () => {
    assert.equal(nextSteps('moderation').editPrompt, true);
    for (const kind of ['auth', 'quota', 'rateLimit', 'badRequest', 'server', 'network', 'invalidInput', 'internal'] as const) assert.equal(nextSteps(kind).editPrompt, false, kind);
  });

  it('offers the account page for being out of credit and for nothing else', () => {
    assert.equal(nextSteps('quota').topUp, true);
    for (const kind of ['auth', 'moderation', 'rateLimit', 'badRequest', 'server', 'network', 'invalidInput', 'internal'] as const) assert.equal(nextSteps(kind).topUp, false, kind);
  });

  it('leaves a FluxError as it is', () => {
    const network = new FluxError('network', text('{0} refused the connection.', 'api.example'));
    assert.equal(asFluxError(network), network);
    assert.equal(nextSteps('network').retry, true);
  });

  it('keeps the key out of what a bug carries to the log', () => {
    const e = asFluxError(new Error(`unexpected answer for Bearer ${key}`), key);
    assert.ok(!e.details.bug?.includes(key.slice(3, 11)), e.details.bug);
    assert.match(e.details.bug ?? '', /Bearer \*\*\*/);
  });

  it('turns a bug in a provider into an internal error, not a network failure', async () => {
    await assert.rejects(
      guarded(key, async () => {
        throw new TypeError(`x is not a function (${key})`);
      }),
      (e: unknown) => e instanceof FluxError && e.kind === 'internal' && !e.details.bug!.includes(key.slice(3, 11)),
    );
  });
});

describe('redactError', () => {
  it('removes the key from an error\'s own template and from its arguments', () => {
    const fromTemplate = redactError(new FluxError('auth', text(`The key ${key} was refused.`)), key);
    assert.equal(fromTemplate.message, 'The key *** was refused.');
    assert.equal(fromTemplate.text.template, 'The key *** was refused.');
    const fromArgs = redactError(new FluxError('badRequest', text('The service said: {0} ({1})', `invalid token ${key}`, 400), { status: 400 }), key);
    assert.equal(fromArgs.message, 'The service said: invalid token *** (400)');
    assert.deepEqual(fromArgs.text.args, ['invalid token ***', 400]);
    assert.equal(fromArgs.kind, 'badRequest');
    assert.equal(fromArgs.details.status, 400);
  });

  it('is what every provider failure passes through: a FluxError naming the key leaves without it', async () => {
    const thrown = [new FluxError('server', text(`Upstream rejected ${key}`)), new FluxError('badRequest', text('The service said: {0}', `Authorization: Bearer ${key}`))];
    for (const err of thrown) {
      await assert.rejects(
        guarded(key, async () => {
          throw err;
        }),
        (e: unknown) => e instanceof FluxError && e.kind === err.kind && !e.message.includes(key.slice(3, 11)) && !e.text.template.includes(key.slice(3, 11)) && e.text.args.every((a) => !String(a).includes(key.slice(3, 11))),
      );
    }
  });
});
