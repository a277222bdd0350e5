import * as assert from 'node:assert/strict';
import { batchSeeds, format, isHostMessage, MAX_COUNT, MAX_PROMPT_FIELD, validateWebviewMessage } from '../../src/studio/protocol';

const ID = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
const generate = { type: 'generate', prompt: 'a fox', model: 'flux-kontext-pro', size: '16x9', seed: 42, count: 2 };

describe('Studio protocol: validating what the webview sends', () => {
  it('accepts every well-formed message and returns a copy', () => {
    assert.deepEqual(validateWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(validateWebviewMessage({ type: 'cancel' }), { type: 'cancel' });
    const copy = validateWebviewMessage(generate);
    assert.deepEqual(copy, generate);
    assert.notEqual(copy, generate);
    for (const action of ['insert', 'copyLink', 'reveal', 'open', 'variations', 'reproduce', 'remove']) {
      assert.deepEqual(validateWebviewMessage({ type: 'item', action, id: ID }), { type: 'item', action, id: ID });
    }
    for (const command of ['setApiKey', 'showLog', 'openSettings']) {
      assert.deepEqual(validateWebviewMessage({ type: 'command', command }), { type: 'command', command });
    }
  });

  it('drops fields it does not know', () => {
    assert.deepEqual(validateWebviewMessage({ type: 'ready', extra: 'x' }), { type: 'ready' });
    assert.deepEqual(validateWebviewMessage({ ...generate, path: '/etc/passwd', n: 4 }), generate);
    assert.deepEqual(validateWebviewMessage({ type: 'item', action: 'open', id: ID, file: 'file:///etc/passwd' }), { type: 'item', action: 'open', id: ID });
  });

  it('ignores anything that is not a plain object with a known type', () => {
    for (const raw of [undefined, null, 0, 'ready', ['ready'], { type: 'READY' }, { type: 'eval' }, { type: 1 }, {}, new Date(), Object.create({ type: 'ready' })]) {
      assert.equal(validateWebviewMessage(raw), undefined, JSON.stringify(raw));
    }
  });

  it('checks the types and sizes of generate fields', () => {
    const bad: Record<string, unknown>[] = [
      { prompt: 42 },
      { prompt: 'x'.repeat(MAX_PROMPT_FIELD + 1) },
      { model: undefined },
      { model: 'm'.repeat(101) },
      { size: ['16x9'] },
      { size: '1'.repeat(33) },
      { seed: '42' },
      { seed: 1.5 },
      { seed: -2 },
      { seed: Number.NaN },
      { seed: Number.MAX_SAFE_INTEGER + 2 },
      { count: 0 },
      { count: MAX_COUNT + 1 },
      { count: 2.5 },
      { count: '2' },
    ];
    for (const fields of bad) assert.equal(validateWebviewMessage({ ...generate, ...fields }), undefined, JSON.stringify(fields));
    assert.ok(validateWebviewMessage({ ...generate, prompt: 'x'.repeat(MAX_PROMPT_FIELD) }));
    assert.ok(validateWebviewMessage({ ...generate, seed: -1, count: 1 }));
    assert.ok(validateWebviewMessage({ ...generate, count: MAX_COUNT }));
  });

  it('takes a prompt with markup as plain data (the host never renders it as HTML)', () => {
    const prompt = '<img src=x onerror=alert(1)>';
    assert.equal((validateWebviewMessage({ ...generate, prompt }) as { prompt: string }).prompt, prompt);
  });

  it('checks item actions, ids and commands', () => {
    assert.equal(validateWebviewMessage({ type: 'item', action: 'delete', id: ID }), undefined);
    assert.equal(validateWebviewMessage({ type: 'item', action: 'open', id: '../../etc/passwd' }), undefined);
    assert.equal(validateWebviewMessage({ type: 'item', action: 'open', id: '' }), undefined);
    assert.equal(validateWebviewMessage({ type: 'item', action: 'open', id: 'a'.repeat(65) }), undefined);
    assert.equal(validateWebviewMessage({ type: 'item', action: 'open' }), undefined);
    assert.equal(validateWebviewMessage({ type: 'command', command: 'workbench.action.terminal.new' }), undefined);
    assert.equal(validateWebviewMessage({ type: 'command', command: 'toString' }), undefined);
  });

  it('takes an optional image count on item actions (variations), within 1..MAX_COUNT', () => {
    assert.deepEqual(validateWebviewMessage({ type: 'item', action: 'variations', id: ID, count: 3 }), { type: 'item', action: 'variations', id: ID, count: 3 });
    assert.deepEqual(validateWebviewMessage({ type: 'item', action: 'variations', id: ID, count: MAX_COUNT }), { type: 'item', action: 'variations', id: ID, count: MAX_COUNT });
    assert.deepEqual(validateWebviewMessage({ type: 'item', action: 'reproduce', id: ID }), { type: 'item', action: 'reproduce', id: ID });
    for (const count of [0, MAX_COUNT + 1, 1.5, '2', null, Number.NaN]) {
      assert.equal(validateWebviewMessage({ type: 'item', action: 'variations', id: ID, count }), undefined, String(count));
    }
  });
});

describe('Studio protocol: what the webview takes from the window', () => {
  it('takes the host’s message types only (one list, shared with the webview)', () => {
    for (const type of ['init', 'jobDone', 'styles', 'notice', 'reference']) assert.ok(isHostMessage({ type }), type);
    for (const data of [{ type: 'generate' }, { type: 'toString' }, { type: 'constructor' }, { type: 1 }, {}, null, 'init', undefined]) assert.equal(isHostMessage(data), false, JSON.stringify(data));
  });
});

describe('Studio protocol: seeds of a batch', () => {
  it('counts up from a fixed seed, one seed per image', () => {
    assert.deepEqual(batchSeeds(42, 4), [42, 43, 44, 45]);
    assert.deepEqual(batchSeeds(0, 1), [0]);
  });
  it('keeps random seeds random', () => {
    assert.deepEqual(batchSeeds(-1, 3), [-1, -1, -1]);
  });
});

describe('Studio protocol: format', () => {
  it('replaces numbered placeholders and leaves unknown ones', () => {
    assert.equal(format('Seeds {0}–{1}.', 42, 45), 'Seeds 42–45.');
    assert.equal(format('{1} {0} {2}', 'a', 'b'), 'b a {2}');
  });
});
