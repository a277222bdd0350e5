import * as assert from 'node:assert/strict';
import { FluxError } from '../../src/core/errors';
import { RequestQueue } from '../../src/core/queue';

/** A task the test finishes by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('RequestQueue', () => {
  it('runs at most the limit at once and starts the rest in order as slots free', async () => {
    const queue = new RequestQueue(() => 2);
    const started: number[] = [];
    const gates = [0, 1, 2, 3, 4].map(() => deferred());
    const all = gates.map((g, i) => queue.run(async () => { started.push(i); await g.promise; return i; }));
    await tick();
    assert.deepEqual(started, [0, 1]);
    assert.equal(queue.active, 2);
    assert.equal(queue.pending, 3);
    gates[1]!.resolve();
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    gates[0]!.resolve();
    await tick();
    assert.deepEqual(started, [0, 1, 2, 3]);
    for (const g of gates) g.resolve();
    assert.deepEqual(await Promise.all(all), [0, 1, 2, 3, 4]);
    assert.equal(queue.active, 0);
  });

  it('reads the limit again when a slot frees', async () => {
    let limit = 1;
    const queue = new RequestQueue(() => limit);
    const started: number[] = [];
    const gates = [0, 1, 2].map(() => deferred());
    const all = gates.map((g, i) => queue.run(async () => { started.push(i); await g.promise; }));
    await tick();
    assert.deepEqual(started, [0]);
    limit = 3;
    gates[0]!.resolve();
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    for (const g of gates) g.resolve();
    await Promise.all(all);
  });

  it('drops a waiting task whose signal aborts, without starting it, and frees its place', async () => {
    const queue = new RequestQueue(() => 1);
    const gate = deferred();
    const started: string[] = [];
    const first = queue.run(async () => { started.push('a'); await gate.promise; });
    const controller = new AbortController();
    const second = queue.run(async () => { started.push('b'); }, controller.signal);
    const third = queue.run(async () => { started.push('c'); });
    await tick();
    controller.abort();
    await assert.rejects(second, (e: unknown) => e instanceof FluxError && e.kind === 'cancelled');
    assert.equal(queue.pending, 1);
    gate.resolve();
    await Promise.all([first, third]);
    assert.deepEqual(started, ['a', 'c']);
  });

  it('refuses a task whose signal is already aborted, and a failing task frees its slot', async () => {
    const queue = new RequestQueue(() => 1);
    await assert.rejects(queue.run(async () => 1, AbortSignal.abort()), (e: unknown) => e instanceof FluxError && e.kind === 'cancelled');
    await assert.rejects(queue.run(async () => { throw new Error('boom'); }), /boom/);
    assert.equal(await queue.run(async () => 7), 7);
  });
});
