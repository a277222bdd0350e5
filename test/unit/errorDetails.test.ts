import * as assert from 'node:assert/strict';
import { FluxError, messageWithDetails, redactError } from '../../src/core/errors';
import { errorFromAnswer, shortQuote } from '../../src/core/http/errors';

const KEY = 'sk-secret-0123456789abcdef';
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('error details: plain words in the message, the raw details for the log', () => {
  it('a 401 says what to do; the status, the words and the request id are details', () => {
    const e = errorFromAnswer(401, json({ error: { message: `Invalid token: ${KEY}`, code: 'invalid_api_key' } }), { 'x-request-id': 'req-abc123' }, KEY);
    assert.equal(e.message, 'The API key was rejected. Set a valid key with “Flux: Set API Key”.');
    assert.deepEqual({ status: e.details.status, requestId: e.details.requestId, said: e.details.said }, { status: 401, requestId: 'req-abc123', said: 'Invalid token: ***' });
    assert.equal(messageWithDetails(e), `${e.message} (HTTP 401, code invalid_api_key, request id req-abc123, the service said: “Invalid token: ***”)`);
  });

  it('a request id written in the words (new-api, one-api) is found there', () => {
    const e = errorFromAnswer(500, json({ message: 'upstream error (request id: 20261207abcdef)' }), {}, KEY);
    assert.equal(e.details.requestId, '20261207abcdef');
    assert.ok(!e.message.includes('20261207abcdef'), e.message);
  });

  it('another 4xx keeps a short start of the words, cut at a word', () => {
    const long = `size must be one of 1x1, 2x3, 3x2, ${'and many more words '.repeat(20)}`;
    const e = errorFromAnswer(400, json({ message: long }), {}, KEY);
    const quoted = /“(.*)”/.exec(e.message)?.[1] ?? '';
    assert.ok(quoted.length <= 120 && quoted.endsWith('…') && quoted.startsWith('size must be one of'), quoted);
    assert.equal(e.details.said, long.trim().replace(/\s+/g, ' '));
    assert.equal(shortQuote('short words'), 'short words');
  });

  it('redactError removes the key from the details too', () => {
    const e = redactError(new FluxError('server', 'x', { status: 500, said: `echo ${KEY}`, code: KEY, requestId: KEY }), KEY);
    assert.ok(!JSON.stringify(e.details).includes('0123456789'), JSON.stringify(e.details));
    assert.ok(!messageWithDetails(e).includes('0123456789'));
  });
});
