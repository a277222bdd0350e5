// A provider call that must fail: the FluxError's kind, its message, and never the key in it.
import * as assert from 'node:assert/strict';
import { FluxError } from '../../src/core/errors';

export async function failsWith(key: string, p: Promise<unknown>, kind: string, pattern?: RegExp): Promise<FluxError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FluxError, String(e));
    assert.equal(e.kind, kind, e.message);
    if (pattern) assert.match(e.message, pattern);
    assert.ok(!e.message.includes(key));
    return e;
  }
  assert.fail(`expected ${kind}`);
}
