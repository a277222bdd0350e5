// The Studio's drafts and edits in the webview's store and the protocol: input images, saved
// drafts, following an edit back to its parent, and what the host accepts for them.
import * as assert from 'node:assert/strict';
import type { HistoryItemView, InputView, JobView } from '../../src/studio/protocol';
import { parseUriList, validateWebviewMessage } from '../../src/studio/protocol';
import type { Action, FormChoices, State } from '../../webview/store';
import { generateRequest, initialState, PAGE, reduce, savedState } from '../../webview/store';

const ID = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
const choices: FormChoices = {
  ratios: ['1x1', '16x9', '9x16'],
  models: ['flux-kontext-pro'],
  maxCount: 4,
  defaults: { model: 'flux-kontext-pro', size: '16x9', seed: -1 },
};

function item(id: string, extra: Partial<HistoryItemView> = {}): HistoryItemView {
  return { id, prompt: `prompt ${id}`, model: 'flux-kontext-pro', size: '1x1', seed: 3, createdAt: 1_700_000_000_000, src: `https://webview/${id}.png`, path: `${id}.png`, ...extra };
}
const input: InputView = { id: 'in-1', name: 'fox.png', src: 'https://webview/fox.png', path: 'assets/fox.png', parent: 'p' };

function run(state: State, ...actions: Action[]): State {
  return actions.reduce(reduce, state);
}
const ready = (items: HistoryItemView[] = []) => run(initialState(choices, undefined), { type: 'host', message: { type: 'init', items, jobs: [], target: {} } });
const withPrompt = (s: State) => run(s, { type: 'setPrompt', prompt: 'make the sky stormy' });

describe('Studio store: the input image', () => {
  it('is set by the host, keeps its shape by default, and goes into generate by id only', () => {
    const s = withPrompt(run(ready(), { type: 'fieldError', field: 'input', message: 'too big' }, { type: 'host', message: { type: 'input', input } }));
    assert.deepEqual(s.input, input);
    assert.equal(s.errors.input, undefined, 'a new input clears its error');
    assert.equal(s.form.ratio, 'input');
    const request = generateRequest(s);
    assert.ok('message' in request);
    assert.equal(request.message.input, 'in-1');
    assert.equal(request.message.size, '', 'no size: the service keeps the input image’s shape');
    assert.ok(!JSON.stringify(request.message).includes('fox.png'), 'no path or bytes from the page');
  });

  it('sends a chosen ratio with the input', () => {
    const s = withPrompt(run(ready(), { type: 'host', message: { type: 'input', input } }, { type: 'setRatio', ratio: '9x16' }));
    const request = generateRequest(s);
    assert.ok('message' in request);
    assert.equal(request.message.size, '9x16');
    assert.equal(request.message.input, 'in-1');
  });

  it('is removed by its button: the form generates new images again, at the default ratio', () => {
    const s = withPrompt(run(ready(), { type: 'host', message: { type: 'input', input } }, { type: 'removeInput' }));
    assert.equal(s.input, undefined);
    assert.equal(s.form.ratio, '16x9');
    const request = generateRequest(s);
    assert.ok('message' in request);
    assert.equal(request.message.input, undefined);
    assert.equal(request.message.size, '16x9');
    assert.equal(run(s, { type: 'removeInput' }), s, 'nothing to remove: the same state');
  });

  it('keeps a chosen ratio when the input is removed', () => {
    const s = run(ready(), { type: 'host', message: { type: 'input', input } }, { type: 'setRatio', ratio: '9x16' }, { type: 'removeInput' });
    assert.equal(s.form.ratio, '9x16');
  });

  it('survives the page being re-created (setState), and a stale or malformed one is dropped', () => {
    const s = run(ready(), { type: 'host', message: { type: 'input', input } });
    const saved = JSON.parse(JSON.stringify(savedState(s))) as unknown;
    const back = initialState(choices, saved);
    assert.deepEqual(back.input, input);
    assert.equal(back.form.ratio, 'input');
    const bad = initialState(choices, { form: { ratio: 'input' }, input: { id: '../x', name: 1 } });
    assert.equal(bad.input, undefined);
    assert.equal(bad.form.ratio, '16x9', 'no input, no "as input" ratio');
  });

  it('comes with init when the host offered it during a reload', () => {
    const s = run(initialState(choices, undefined), { type: 'host', message: { type: 'init', items: [], jobs: [], target: {}, input } });
    assert.deepEqual(s.input, input);
    assert.equal(s.form.ratio, 'input');
  });

  it('an edit on its way leaves edit mode and takes its instruction out of the form', () => {
    const job: JobView = { jobId: 'j', prompt: 'make it night', model: 'm', size: '', seed: -1, startedAt: 1, input: { id: 'in-1', name: 'fox.png' } };
    const editing = run(ready(), { type: 'host', message: { type: 'input', input } }, { type: 'setPrompt', prompt: 'make it night' });
    assert.equal(editing.form.prompt, 'make it night');
    const s = run(editing, { type: 'host', message: { type: 'jobsStarted', jobs: [job] } });
    assert.equal(s.input, undefined);
    assert.equal(s.form.prompt, '', 'the instruction is not left under "Prompt"');
    // A batch that is not the edit leaves the form alone.
    const other = run(run(ready(), { type: 'setPrompt', prompt: 'a fox' }), { type: 'host', message: { type: 'jobsStarted', jobs: [{ ...job, input: undefined }] } });
    assert.equal(other.form.prompt, 'a fox');
  });

  it('a failed edit keeps its input, so Try again edits the same image', () => {
    const job: JobView = { jobId: 'j', prompt: 'p', model: 'm', size: '', seed: -1, startedAt: 1, input: { id: 'in-1', name: 'fox.png' } };
    const s = run(ready(), { type: 'host', message: { type: 'jobsStarted', jobs: [job] } }, {
      type: 'host',
      message: { type: 'jobFailed', jobId: 'j', error: { message: 'busy', kind: 'busy', commands: [], retry: true } },
    });
    assert.deepEqual(s.failures[0]?.input, { id: 'in-1', name: 'fox.png' });
  });
});

describe('Studio store: drafts saved, edits followed back', () => {
  it('a saved draft is updated in place: same position, no second card', () => {
    const s = ready([item('a'), item('b', { draft: true, path: 'b.png' }), item('c')]);
    const saved = item('b', { path: 'assets/b-saved.png', src: 'https://webview/assets/b-saved.png' });
    const after = run(s, { type: 'imageMissing', id: 'b' }, { type: 'host', message: { type: 'itemUpdated', item: saved } });
    assert.deepEqual(after.items.map((i) => i.id), ['a', 'b', 'c']);
    assert.equal(after.items[1]?.draft, undefined);
    assert.equal(after.items[1]?.path, 'assets/b-saved.png');
    assert.deepEqual(after.missing, [], 'the saved file loads afresh');
    // An update for an image the page does not have adds nothing.
    assert.equal(run(after, { type: 'host', message: { type: 'itemUpdated', item: item('zzz') } }).items.length, 3);
  });

  it('reveal highlights the parent, clears a filter that hides it and renders enough cards to reach it', () => {
    const items = Array.from({ length: PAGE + 5 }, (_, i) => item(`i${i}`));
    let s = run(ready(items), { type: 'setFilter', filter: 'nothing matches' });
    s = run(s, { type: 'host', message: { type: 'reveal', id: `i${PAGE + 2}` } });
    assert.equal(s.highlight, `i${PAGE + 2}`);
    assert.equal(s.filter, '');
    assert.ok(s.shown > PAGE + 2);
    assert.equal(run(s, { type: 'highlight', id: undefined }).highlight, undefined);
    assert.equal(run(s, { type: 'host', message: { type: 'reveal', id: 'gone' } }), s, 'an unknown card: nothing changes');
  });

  it('Use these settings on an edit that kept its input’s shape keeps the form’s ratio without an input', () => {
    const s = run(ready([item('e', { size: '' })]), { type: 'setRatio', ratio: '9x16' }, { type: 'useSettings', id: 'e' });
    assert.equal(s.form.ratio, '9x16');
    const withInput = run(ready([item('e', { size: '' })]), { type: 'host', message: { type: 'input', input } }, { type: 'setRatio', ratio: '1x1' }, { type: 'useSettings', id: 'e' });
    assert.equal(withInput.form.ratio, 'input');
  });
});

describe('Studio protocol: drafts and edits', () => {
  it('accepts the new actions and messages', () => {
    for (const action of ['save', 'edit', 'openSource']) {
      assert.deepEqual(validateWebviewMessage({ type: 'item', action, id: ID }), { type: 'item', action, id: ID });
    }
    assert.deepEqual(validateWebviewMessage({ type: 'pickInput', extra: 1 }), { type: 'pickInput' });
    assert.deepEqual(validateWebviewMessage({ type: 'dropInput', uris: ['file:///w/a.png'] }), { type: 'dropInput', uris: ['file:///w/a.png'] });
    const edit = { type: 'generate', prompt: 'p', model: 'flux-kontext-pro', size: '', seed: -1, count: 1, input: ID };
    assert.deepEqual(validateWebviewMessage(edit), edit);
  });

  it('refuses an input that is not an id, and drops that are not short lists of strings', () => {
    const generate = { type: 'generate', prompt: 'p', model: 'flux-kontext-pro', size: '', seed: -1, count: 1 };
    for (const bad of ['../etc/passwd', '', 'file:///w/a.png', 42, { bytes: [1, 2] }, 'x'.repeat(65)]) {
      assert.equal(validateWebviewMessage({ ...generate, input: bad }), undefined, JSON.stringify(bad));
    }
    for (const uris of [undefined, 'file:///a.png', [], [1], [''], ['x'.repeat(5000)], Array.from({ length: 33 }, () => 'file:///a.png')]) {
      assert.equal(validateWebviewMessage({ type: 'dropInput', uris }), undefined, JSON.stringify(uris)?.slice(0, 40));
    }
    assert.equal(validateWebviewMessage({ type: 'item', action: 'delete', id: ID }), undefined);
    assert.equal(validateWebviewMessage({ type: 'dropInput', uris: ['file:///a.png'], bytes: 'AAAA' })?.type, 'dropInput');
    assert.ok(!('bytes' in (validateWebviewMessage({ type: 'dropInput', uris: ['file:///a.png'], bytes: 'AAAA' }) ?? {})), 'only the known fields');
  });

  it('reads a uri-list: one per line, comments and blank lines skipped', () => {
    assert.deepEqual(parseUriList('# from the Explorer\r\nfile:///w/a.png\r\n\r\n  file:///w/b%20c.jpg  \n'), ['file:///w/a.png', 'file:///w/b%20c.jpg']);
    assert.deepEqual(parseUriList(''), []);
  });
});
