import * as assert from 'node:assert/strict';
import type { CostsView, ReferenceView } from '../../src/studio/protocol';
import { MAX_REFERENCES, validateWebviewMessage } from '../../src/studio/protocol';
import type { Action, FormChoices, State } from '../../webview/store';
import { formMegapixels, generateRequest, initialState, reduce, referenceLimit, savedState } from '../../webview/store';

const ID = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
const choices: FormChoices = {
  ratios: ['1x1', '16x9'],
  models: ['flux-2-pro', 'flux-2-klein-4b', 'flux-kontext-pro'],
  maxCount: 4,
  defaults: { model: 'flux-2-pro', size: '1x1', seed: -1 },
};
const costs = (extra: Partial<CostsView> = {}): CostsView => ({ prices: {}, monthUsd: 0, budget: 0, megapixels: 1, provider: 'dmxapi', ...extra });
const ref = (n: number): ReferenceView => ({ id: `ref-${n}`, name: `r${n}.png`, src: `https://webview/r${n}.png`, path: `refs/r${n}.png` });

function run(state: State, ...actions: Action[]): State {
  return actions.reduce(reduce, state);
}
const added = (...refs: ReferenceView[]): Action[] => refs.map((reference) => ({ type: 'host', message: { type: 'reference', reference } }));
const ready = () => run(initialState(choices, undefined), { type: 'host', message: { type: 'init', items: [], jobs: [], target: {} } }, { type: 'host', message: { type: 'costs', costs: costs() } });
const withPrompt = (s: State) => reduce(s, { type: 'setPrompt', prompt: 'the dog from image 1 in the garden of image 2' });

describe('Studio references: the protocol', () => {
  it('takes reference ids and megapixels with generate, and the two new messages', () => {
    const base = { type: 'generate', prompt: 'p', model: 'flux-2-pro', size: '1x1', seed: -1, count: 1 };
    assert.deepEqual(validateWebviewMessage({ ...base, references: [ID, ID], megapixels: 2 }), { ...base, references: [ID, ID], megapixels: 2 });
    // An empty list is the same as none.
    assert.deepEqual(validateWebviewMessage({ ...base, references: [] }), base);
    assert.deepEqual(validateWebviewMessage({ type: 'pickReferences' }), { type: 'pickReferences' });
    assert.deepEqual(validateWebviewMessage({ type: 'dropReferences', uris: ['file:///ws/a.png'], extra: 1 }), { type: 'dropReferences', uris: ['file:///ws/a.png'] });
    assert.deepEqual(validateWebviewMessage({ type: 'item', action: 'reference', id: ID }), { type: 'item', action: 'reference', id: ID });
  });

  it('refuses paths instead of ids, too many references, and a megapixels that is not a number', () => {
    const base = { type: 'generate', prompt: 'p', model: 'flux-2-pro', size: '1x1', seed: -1, count: 1 };
    for (const bad of [
      { references: ['../../etc/passwd.png'] },
      { references: 'x' },
      { references: Array.from({ length: MAX_REFERENCES + 1 }, () => ID) },
      { megapixels: '2' },
      { megapixels: Number.NaN },
      { megapixels: Infinity },
    ]) {
      assert.equal(validateWebviewMessage({ ...base, ...bad }), undefined, JSON.stringify(bad));
    }
    assert.equal(validateWebviewMessage({ type: 'dropReferences', uris: [] }), undefined);
  });
});

describe('Studio references: the store', () => {
  it('adds references in order, keeps one per file, and removes one', () => {
    let s = run(ready(), ...added(ref(1), ref(2), { ...ref(1), id: 'ref-1b' }));
    assert.deepEqual(s.references.map((r) => r.id), ['ref-2', 'ref-1b']);
    s = reduce(s, { type: 'removeReference', id: 'ref-2' });
    assert.deepEqual(s.references.map((r) => r.id), ['ref-1b']);
    assert.equal(reduce(s, { type: 'removeReference', id: 'nope' }), s);
  });

  it('never holds more than any model takes', () => {
    const s = run(ready(), ...added(...Array.from({ length: MAX_REFERENCES + 2 }, (_, i) => ref(i))));
    assert.equal(s.references.length, MAX_REFERENCES);
  });

  it('says how many references the model takes through the provider, after an edit’s input image', () => {
    const s = ready();
    assert.equal(referenceLimit(s), 8);
    assert.equal(referenceLimit(reduce(s, { type: 'setModel', model: 'flux-2-klein-4b' })), 4);
    // Kontext through DMXAPI's OpenAI-style route: none; through BFL: four images in all.
    const kontext = reduce(s, { type: 'setModel', model: 'flux-kontext-pro' });
    assert.equal(referenceLimit(kontext), 0);
    const bfl = reduce(kontext, { type: 'host', message: { type: 'costs', costs: costs({ provider: 'bfl' }) } });
    assert.equal(referenceLimit(bfl), 4);
    const editing = reduce(bfl, { type: 'host', message: { type: 'input', input: { id: 'in', name: 'a.png', src: 's', path: 'a.png' } } });
    assert.equal(referenceLimit(editing), 3);
    // A free-text model the table does not know: the OpenAI-style route, none.
    assert.equal(referenceLimit(reduce(s, { type: 'setModel', model: 'my-gateway-model' })), 0);
  });

  it('sends the references’ ids in order with Generate, and keeps them for the next picture', () => {
    let s = withPrompt(run(ready(), ...added(ref(1), ref(2))));
    const request = generateRequest(s);
    assert.ok('message' in request);
    assert.deepEqual(request.message.references, ['ref-1', 'ref-2']);
    s = reduce(s, { type: 'host', message: { type: 'jobsStarted', jobs: [{ jobId: 'j', prompt: 'p', model: 'flux-2-pro', size: '1x1', seed: -1, startedAt: 0 }] } });
    assert.equal(s.references.length, 2, 'a series of pictures shares its references');
    const none = generateRequest(withPrompt(ready()));
    assert.ok('message' in none && !('references' in none.message));
  });

  it('sends the chosen megapixels for FLUX.2 ratios only; the setting stands until one is chosen', () => {
    let s = withPrompt(ready());
    assert.equal(formMegapixels(s), 1);
    let r = generateRequest(s);
    assert.ok('message' in r && r.message.megapixels === undefined);
    s = reduce(s, { type: 'setMegapixels', megapixels: 2 });
    assert.equal(formMegapixels(s), 2);
    r = generateRequest(s);
    assert.ok('message' in r && r.message.megapixels === 2);
    // Out of range is not taken.
    assert.equal(reduce(s, { type: 'setMegapixels', megapixels: 5 }), s);
    assert.equal(reduce(s, { type: 'setMegapixels', megapixels: 0.1 }), s);
    // A custom size gives its pixels; Kontext takes no megapixels.
    r = generateRequest(run(s, { type: 'setCustom', custom: '1024x768' }));
    assert.ok('message' in r && r.message.megapixels === undefined);
    r = generateRequest(reduce(s, { type: 'setModel', model: 'flux-kontext-pro' }));
    assert.ok('message' in r && r.message.megapixels === undefined);
  });

  it('keeps references and megapixels across a reload, and drops saved ones that do not fit', () => {
    const s = run(ready(), ...added(ref(1), ref(2)), { type: 'setMegapixels', megapixels: 0.5 });
    const again = initialState(choices, JSON.parse(JSON.stringify(savedState(s))));
    assert.deepEqual(again.references, s.references);
    assert.equal(again.megapixels, 0.5);
    const bad = initialState(choices, { references: [{ id: '../x', name: 1 }, ref(3)], megapixels: 9 });
    assert.deepEqual(bad.references, [ref(3)]);
    assert.equal(bad.megapixels, undefined);
  });

  it('a references error clears when the references change', () => {
    let s = run(ready(), ...added(ref(1)), { type: 'host', message: { type: 'formError', field: 'references', message: 'gone' } });
    assert.equal(s.errors.references, 'gone');
    s = reduce(s, { type: 'removeReference', id: 'ref-1' });
    assert.equal(s.errors.references, undefined);
  });
});
