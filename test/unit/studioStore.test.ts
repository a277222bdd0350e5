import * as assert from 'node:assert/strict';
import type { ErrorView, HistoryItemView, JobView } from '../../src/studio/protocol';
import type { Action, FormChoices, State } from '../../webview/store';
import { defaultForm, generateRequest, initialState, PAGE, recentPrompts, reduce, savedState, seedRange, sizeDims, sizeLabel } from '../../webview/store';

const choices: FormChoices = {
  ratios: ['1x1', '16x9', '9x16', '4x3'],
  models: ['flux-kontext-pro', 'flux-kontext-max'],
  maxCount: 4,
  defaults: { model: 'flux-kontext-pro', size: '1x1', seed: -1 },
};

function item(id: string, prompt: string, extra: Partial<HistoryItemView> = {}): HistoryItemView {
  return { id, prompt, model: 'flux-kontext-max', size: '16x9', seed: 7, createdAt: 1_700_000_000_000, src: `https://file+.vscode-resource/${id}.png`, path: `assets/${id}.png`, ...extra };
}

function job(jobId: string, seed: number, extra: Partial<JobView> = {}): JobView {
  return { jobId, prompt: 'a fox in snow', model: 'flux-kontext-pro', size: '9x16', seed, startedAt: 1_700_000_000_000, ...extra };
}

const refused: ErrorView = { message: 'The service refused the prompt. Rephrase it and try again.', kind: 'contentPolicy', commands: [], retry: false };

function run(state: State, ...actions: Action[]): State {
  return actions.reduce(reduce, state);
}

const fresh = () => initialState(choices, undefined);
const ready = (items: HistoryItemView[] = [], jobs: JobView[] = []) => run(fresh(), { type: 'host', message: { type: 'init', items, jobs, target: { label: 'notes/a.md' } } });

describe('Studio store: the first state', () => {
  it('starts from the defaults when nothing was saved', () => {
    const s = fresh();
    assert.deepEqual(s.form, { prompt: '', model: 'flux-kontext-pro', ratio: '1x1', custom: '', seedMode: 'random', seedValue: '', count: 1 });
    assert.equal(s.ready, false);
    assert.equal(s.shown, PAGE);
  });

  it('puts an unknown default size in the custom field and a default seed in the seed field', () => {
    const form = defaultForm({ ...choices, defaults: { model: 'm', size: '1024x768', seed: 5 } });
    assert.equal(form.ratio, 'custom');
    assert.equal(form.custom, '1024x768');
    assert.equal(form.seedMode, 'fixed');
    assert.equal(form.seedValue, '5');
  });

  it('keeps a saved form, drops what does not fit, and never keeps a seed under Random', () => {
    const saved = { version: 2, form: { prompt: 'p', model: 'flux-kontext-max', ratio: '16x9', custom: '', seedMode: 'random', seedValue: '99', count: 3 }, filter: 'fox' };
    const s = initialState(choices, saved);
    assert.equal(s.form.prompt, 'p');
    assert.equal(s.form.ratio, '16x9');
    assert.equal(s.form.count, 3);
    assert.equal(s.form.seedValue, '');
    assert.equal(s.filter, 'fox');
    const bad = initialState(choices, { form: { ratio: '7x5', count: 9, seedMode: 'x', model: '' } });
    assert.equal(bad.form.ratio, '1x1');
    assert.equal(bad.form.count, 1);
    assert.equal(bad.form.seedMode, 'random');
    assert.equal(bad.form.model, 'flux-kontext-pro');
    assert.deepEqual(savedState(s, 12), { version: 2, form: s.form, filter: 'fox', scrollY: 12 });
  });
});

describe('Studio store: the form', () => {
  it('takes each field', () => {
    const s = run(fresh(), { type: 'setPrompt', prompt: 'a fox' }, { type: 'setModel', model: 'flux-kontext-max' }, { type: 'setRatio', ratio: '4x3' }, { type: 'setCount', count: 2 });
    assert.deepEqual(s.form, { ...fresh().form, prompt: 'a fox', model: 'flux-kontext-max', ratio: '4x3', count: 2 });
  });

  it('ignores a count out of range', () => {
    const s = fresh();
    assert.equal(reduce(s, { type: 'setCount', count: 0 }), s);
    assert.equal(reduce(s, { type: 'setCount', count: 5 }), s);
  });

  it('picks the custom tile when a size is typed', () => {
    const s = run(fresh(), { type: 'setCustom', custom: '1024x768' });
    assert.equal(s.form.ratio, 'custom');
    assert.equal(s.form.custom, '1024x768');
  });

  it('clears the seed when Random is chosen, and suggests one when Fixed is chosen with none', () => {
    let s = run(fresh(), { type: 'setSeedValue', value: '42' });
    assert.deepEqual([s.form.seedMode, s.form.seedValue], ['fixed', '42']);
    s = reduce(s, { type: 'setSeedMode', mode: 'random', suggestion: 5 });
    assert.deepEqual([s.form.seedMode, s.form.seedValue], ['random', '']);
    s = reduce(s, { type: 'setSeedMode', mode: 'fixed', suggestion: 123 });
    assert.deepEqual([s.form.seedMode, s.form.seedValue], ['fixed', '123']);
    // A seed already there stays.
    s = run(s, { type: 'setSeedValue', value: '9' }, { type: 'setSeedMode', mode: 'fixed', suggestion: 1 });
    assert.equal(s.form.seedValue, '9');
  });

  it('clears a field error (and the general one) when that field changes', () => {
    let s = run(fresh(), { type: 'host', message: { type: 'formError', field: 'prompt', message: 'Too long' } }, { type: 'fieldError', field: 'general', message: 'busy' }, { type: 'fieldError', field: 'seed', message: 'bad' });
    assert.deepEqual(Object.keys(s.errors).sort(), ['general', 'prompt', 'seed']);
    s = reduce(s, { type: 'setPrompt', prompt: 'x' });
    assert.deepEqual(s.errors, { seed: 'bad' });
    s = reduce(s, { type: 'clearErrors' });
    assert.deepEqual(s.errors, {});
  });

  it('makes the generate message from the form, or names the field that stops it', () => {
    let s = run(fresh(), { type: 'setPrompt', prompt: '  ' });
    assert.deepEqual(generateRequest(s), { invalid: 'prompt' });
    s = run(s, { type: 'setPrompt', prompt: 'a fox' }, { type: 'setRatio', ratio: '16x9' }, { type: 'setCount', count: 3 });
    assert.deepEqual(generateRequest(s), { message: { type: 'generate', prompt: 'a fox', model: 'flux-kontext-pro', size: '16x9', seed: -1, count: 3 } });
    s = reduce(s, { type: 'setSeedValue', value: '4x' });
    assert.deepEqual(generateRequest(s), { invalid: 'seed' });
    s = run(s, { type: 'setSeedValue', value: ' 42 ' }, { type: 'setCustom', custom: ' 1024x768 ' });
    assert.deepEqual(generateRequest(s), { message: { type: 'generate', prompt: 'a fox', model: 'flux-kontext-pro', size: '1024x768', seed: 42, count: 3 } });
  });

  it('tells the seeds a fixed-seed batch uses', () => {
    const s = run(fresh(), { type: 'setSeedValue', value: '42' }, { type: 'setCount', count: 3 });
    assert.deepEqual(seedRange(s.form), [42, 44]);
    assert.equal(seedRange(reduce(s, { type: 'setSeedMode', mode: 'random' }).form), undefined);
  });
});

describe('Studio store: messages from the host', () => {
  it('init brings items, running jobs, the target and a prefill', () => {
    const s = run(fresh(), { type: 'setPrompt', prompt: 'old' }, { type: 'host', message: { type: 'init', items: [item('a', 'x')], jobs: [job('j1', 3)], target: {}, prefill: 'selected text' } });
    assert.equal(s.ready, true);
    assert.deepEqual(s.items.map((i) => i.id), ['a']);
    assert.deepEqual(s.jobs.map((j) => j.jobId), ['j1']);
    assert.deepEqual(s.target, {});
    assert.equal(s.form.prompt, 'selected text');
    // Without a prefill the prompt stays as it was.
    assert.equal(run(fresh(), { type: 'setPrompt', prompt: 'mine' }, { type: 'host', message: { type: 'init', items: [], jobs: [], target: {} } }).form.prompt, 'mine');
  });

  it('prefill and target', () => {
    const s = run(ready(), { type: 'host', message: { type: 'prefill', prompt: 'from the editor' } }, { type: 'host', message: { type: 'target', target: {} } });
    assert.equal(s.form.prompt, 'from the editor');
    assert.equal(s.target.label, undefined);
  });

  it('lists a batch in seed order, newest batch first', () => {
    let s = reduce(ready(), { type: 'host', message: { type: 'jobsStarted', jobs: [job('a', 42), job('b', 43), job('c', 44)] } });
    assert.deepEqual(s.jobs.map((j) => j.seed), [42, 43, 44]);
    s = reduce(s, { type: 'host', message: { type: 'jobsStarted', jobs: [job('d', 7), job('e', 8)] } });
    assert.deepEqual(s.jobs.map((j) => j.seed), [7, 8, 42, 43, 44]);
  });

  it('shows progress on its job only', () => {
    const s = run(ready(), { type: 'host', message: { type: 'jobsStarted', jobs: [job('a', 1), job('b', 2)] } }, { type: 'host', message: { type: 'jobProgress', jobId: 'b', message: 'busy, retrying' } });
    assert.deepEqual(s.jobs.map((j) => j.message), [undefined, 'busy, retrying']);
  });

  it('a finished job becomes the newest image', () => {
    const s = run(ready([item('old', 'o')]), { type: 'host', message: { type: 'jobsStarted', jobs: [job('a', 1), job('b', 2)] } }, { type: 'host', message: { type: 'jobDone', jobId: 'a', item: item('new', 'a fox in snow') } });
    assert.deepEqual(s.jobs.map((j) => j.jobId), ['b']);
    assert.deepEqual(s.items.map((i) => i.id), ['new', 'old']);
  });

  it('a failed job becomes one compact failure that keeps what was asked', () => {
    const s = run(ready(), { type: 'host', message: { type: 'jobsStarted', jobs: [job('a', 42, { prompt: 'a <b>fox</b>', size: '4x3' })] } }, { type: 'host', message: { type: 'jobFailed', jobId: 'a', error: refused } });
    assert.deepEqual(s.jobs, []);
    assert.deepEqual(s.failures, [{ jobId: 'a', prompt: 'a <b>fox</b>', model: 'flux-kontext-pro', size: '4x3', seed: 42, error: refused }]);
    assert.equal(reduce(s, { type: 'dismissFailure', jobId: 'a' }).failures.length, 0);
  });

  it('a job cancelled by the person leaves no card, only a word in the status line', () => {
    const cancelled: ErrorView = { message: 'Cancelled.', kind: 'cancelled', commands: [], retry: true };
    const s = run(ready(), { type: 'host', message: { type: 'jobsStarted', jobs: [job('a', 1)] } }, { type: 'host', message: { type: 'jobFailed', jobId: 'a', error: cancelled } });
    assert.deepEqual(s.failures, []);
    assert.deepEqual(s.jobs, []);
    assert.equal(s.announcement?.message, 'Cancelled.');
    assert.equal(reduce(s, { type: 'announcementExpired', seq: s.announcement.seq }).announcement, undefined);
    assert.equal(reduce(s, { type: 'announcementExpired', seq: s.announcement.seq - 1 }).announcement, s.announcement);
  });

  it('ignores a failure for a job it does not know', () => {
    assert.deepEqual(reduce(ready(), { type: 'host', message: { type: 'jobFailed', jobId: 'zz', error: refused } }).failures, []);
  });

  it('a form error lands on its field; a new batch clears the errors', () => {
    let s = reduce(ready(), { type: 'host', message: { type: 'formError', field: 'size', message: 'Not a size' } });
    assert.deepEqual(s.errors, { size: 'Not a size' });
    s = reduce(s, { type: 'host', message: { type: 'jobsStarted', jobs: [job('a', 1)] } });
    assert.deepEqual(s.errors, {});
  });

  it('removes an image, its notice, its missing mark and its open menu', () => {
    let s = run(ready([item('a', 'x'), item('b', 'y')]), { type: 'imageMissing', id: 'a' }, { type: 'menu', menu: 'item:a' }, { type: 'host', message: { type: 'notice', level: 'error', message: 'gone', id: 'a' } });
    assert.deepEqual(s.missing, ['a']);
    assert.equal(s.notices.a?.message, 'gone');
    s = reduce(s, { type: 'host', message: { type: 'removed', id: 'a' } });
    assert.deepEqual(s.items.map((i) => i.id), ['b']);
    assert.deepEqual(s.missing, []);
    assert.equal(s.notices.a, undefined);
    assert.equal(s.menu, undefined);
  });

  it('a notice goes next to its image, or to the top when the image is unknown; it expires only itself', () => {
    let s = run(ready([item('a', 'x')]), { type: 'host', message: { type: 'notice', level: 'info', message: 'Inserted', id: 'a' } }, { type: 'host', message: { type: 'notice', level: 'error', message: 'Removed', id: 'zz' } });
    assert.equal(s.notices.a?.message, 'Inserted');
    assert.equal(s.notices['']?.message, 'Removed');
    const first = s.notices.a?.seq ?? -1;
    s = reduce(s, { type: 'host', message: { type: 'notice', level: 'info', message: 'Copied', id: 'a' } });
    assert.equal(reduce(s, { type: 'noticeExpired', key: 'a', seq: first }).notices.a?.message, 'Copied');
    assert.equal(reduce(s, { type: 'noticeExpired', key: 'a', seq: s.notices.a?.seq ?? -1 }).notices.a, undefined);
  });
});

describe('Studio store: putting settings back into the form', () => {
  it('Edit prompt on a failure fills the form with that job’s prompt, model, size and seed', () => {
    let s = run(ready(), { type: 'setPrompt', prompt: 'something else' }, { type: 'host', message: { type: 'jobsStarted', jobs: [job('a', 42, { model: 'flux-kontext-max', size: '1024x768', prompt: 'a fox' })] } }, { type: 'host', message: { type: 'jobFailed', jobId: 'a', error: refused } });
    s = reduce(s, { type: 'editFailure', jobId: 'a' });
    assert.deepEqual(s.form, { prompt: 'a fox', model: 'flux-kontext-max', ratio: 'custom', custom: '1024x768', seedMode: 'fixed', seedValue: '42', count: 1 });
    // The failure stays until dismissed or tried again.
    assert.equal(s.failures.length, 1);
  });

  it('Edit prompt on a random-seed failure leaves the seed random and empty', () => {
    let s = run(ready(), { type: 'setSeedValue', value: '5' }, { type: 'host', message: { type: 'jobsStarted', jobs: [job('a', -1)] } }, { type: 'host', message: { type: 'jobFailed', jobId: 'a', error: refused } });
    s = reduce(s, { type: 'editFailure', jobId: 'a' });
    assert.deepEqual([s.form.ratio, s.form.seedMode, s.form.seedValue], ['9x16', 'random', '']);
  });

  it('Use these settings on an image, with or without a known seed', () => {
    let s = run(ready([item('a', 'a fox', { seed: 7 }), item('b', 'a hen', { seed: undefined, size: '4x3' })]), { type: 'useSettings', id: 'a' });
    assert.deepEqual([s.form.prompt, s.form.model, s.form.ratio, s.form.seedMode, s.form.seedValue], ['a fox', 'flux-kontext-max', '16x9', 'fixed', '7']);
    s = reduce(s, { type: 'useSettings', id: 'b' });
    assert.deepEqual([s.form.prompt, s.form.ratio, s.form.seedMode, s.form.seedValue], ['a hen', '4x3', 'random', '']);
    assert.equal(reduce(s, { type: 'useSettings', id: 'nope' }), s);
  });
});

describe('Studio store: the gallery', () => {
  it('filter resets paging; showMore pages', () => {
    let s = run(ready(), { type: 'showMore' });
    assert.equal(s.shown, 2 * PAGE);
    s = reduce(s, { type: 'setFilter', filter: 'fox' });
    assert.deepEqual([s.filter, s.shown], ['fox', PAGE]);
  });

  it('one menu open at a time', () => {
    let s = reduce(ready(), { type: 'menu', menu: 'item:a' });
    assert.equal(s.menu, 'item:a');
    s = reduce(s, { type: 'menu', menu: 'recent' });
    assert.equal(s.menu, 'recent');
    assert.equal(reduce(s, { type: 'menu', menu: undefined }).menu, undefined);
  });

  it('recent prompts: distinct, newest first, bounded', () => {
    const s = ready([item('a', 'fox'), item('b', 'hen'), item('c', 'fox'), item('d', ' '), item('e', 'owl')]);
    assert.deepEqual(recentPrompts(s), ['fox', 'hen', 'owl']);
    assert.deepEqual(recentPrompts(s, 2), ['fox', 'hen']);
  });

  it('sizes in words and numbers', () => {
    assert.equal(sizeLabel('16x9'), '16:9');
    assert.equal(sizeLabel('1024x768'), '1024×768');
    assert.deepEqual(sizeDims('16x9'), [16, 9]);
    assert.equal(sizeDims('0x9'), undefined);
    assert.equal(sizeDims('wide'), undefined);
  });
});

describe('Studio store: edit mode', () => {
  const input = { id: 'in-1', name: 'castle.png', src: 'https://file+.vscode-resource/castle.png', path: 'assets/castle.png', parent: 'a' };

  it('a card’s Edit… empties the field, asks for one image with a random seed, and keeps the input’s shape', () => {
    let s = run(ready([item('a', 'A castle on a hill')]), { type: 'setPrompt', prompt: 'A castle on a hill' }, { type: 'setCount', count: 4 }, { type: 'setSeedMode', mode: 'fixed', suggestion: 42 });
    s = run(s, { type: 'host', message: { type: 'input', input, startEdit: true } });
    assert.deepEqual(s.form, { ...s.form, prompt: '', count: 1, seedMode: 'random', seedValue: '', ratio: 'input' });
    assert.equal(s.input?.id, 'in-1');
    s = run(s, { type: 'setPrompt', prompt: 'Make it snowy' });
    const request = generateRequest(s);
    assert.ok('message' in request);
    assert.deepEqual(request.message, { type: 'generate', prompt: 'Make it snowy', model: 'flux-kontext-pro', size: '', seed: -1, count: 1, input: 'in-1' });
  });

  it('an image chosen or dropped keeps the instruction already typed', () => {
    const s = run(ready(), { type: 'setPrompt', prompt: 'Make it snowy' }, { type: 'host', message: { type: 'input', input } });
    assert.equal(s.form.prompt, 'Make it snowy');
    assert.equal(s.form.count, 1);
  });

  it('once the edit is on its way the form leaves edit mode: the next Generate makes a new image', () => {
    let s = run(ready(), { type: 'host', message: { type: 'input', input, startEdit: true } }, { type: 'setPrompt', prompt: 'Make it snowy' });
    // Another batch (a card's Reproduce of an older edit) does not end this edit.
    s = run(s, { type: 'host', message: { type: 'jobsStarted', jobs: [job('j0', -1, { input: { id: 'other', name: 'x.png' } })] } });
    assert.equal(s.input?.id, 'in-1');
    s = run(s, { type: 'host', message: { type: 'jobsStarted', jobs: [job('j1', -1, { input: { id: 'in-1', name: 'castle.png' } })] } });
    assert.equal(s.input, undefined);
    assert.equal(s.form.ratio, '1x1', 'the default ratio again');
    assert.equal(s.form.prompt, '', 'the instruction went with the edit');
    const request = generateRequest(run(s, { type: 'setPrompt', prompt: 'A castle at night' }));
    assert.ok('message' in request && request.message.input === undefined);
  });
});
