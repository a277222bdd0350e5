// The Image Studio's page script (bundled to media/build/studio.js, runs inside the webview).
// Plain DOM: text goes in with textContent and attributes with setAttribute, never as HTML,
// so nothing a prompt or a file name contains can become markup or script.
import { matchesQuery } from '../core/history';
import type { Bootstrap, ErrorView, FormField, HistoryItemView, HostCommand, HostToWebview, JobView, WebviewStrings, WebviewToHost } from '../studio/protocol';
import { format } from '../studio/protocol';
import { icon } from './icons';
import type { IconName } from './icons';

interface VsCodeApi<S> {
  postMessage(message: WebviewToHost): void;
  getState(): S | undefined;
  setState(state: S): S;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

interface FormState {
  prompt: string;
  model: string;
  /** One of the ratios, or 'custom'. */
  ratio: string;
  custom: string;
  seedMode: 'random' | 'fixed';
  seedValue: string;
  count: number;
}

interface SavedState {
  version: 1;
  form: FormState;
  filter: string;
  scrollY: number;
}

/** Cards rendered at first; more follow as the list scrolls into view. */
const PAGE = 48;
const NOTICE_MS = 6000;

const vscode = acquireVsCodeApi<SavedState>();
const boot = JSON.parse(document.body.dataset.bootstrap ?? '{}') as Bootstrap;
const S: WebviewStrings = boot.strings;
const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const dateFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { timeStyle: 'short' });

// ---------------------------------------------------------------- DOM helpers

type Child = Node | string | false | null | undefined;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

function iconButton(name: IconName, label: string, onClick: () => void, extraClass = ''): HTMLButtonElement {
  const button = h('button', { type: 'button', class: `icon-button ${extraClass}`.trim(), title: label, 'aria-label': label }, icon(name));
  button.addEventListener('click', onClick);
  return button;
}

function textButton(label: string, onClick: () => void, kind: 'primary' | 'secondary' = 'secondary', iconName?: IconName): HTMLButtonElement {
  const button = h('button', { type: 'button', class: `button ${kind}` }, iconName ? icon(iconName) : undefined, h('span', {}, label));
  button.addEventListener('click', onClick);
  return button;
}

function post(message: WebviewToHost): void {
  vscode.postMessage(message);
}

function shorten(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function sizeLabel(size: string): string {
  const ratio = /^(\d{1,2})x(\d{1,2})$/.exec(size);
  return ratio ? `${ratio[1]}:${ratio[2]}` : size.replace('x', '×');
}

function modelLabel(model: string): string {
  return model.replace(/^flux-kontext-/, '');
}

function seedText(seed: number | undefined): string {
  return seed === undefined || seed < 0 ? S.seedRandom.toLowerCase() : format(S.seedLabel, seed);
}

function timeLabel(epoch: number): string {
  const date = new Date(epoch);
  return date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : dateFormat.format(date);
}

// ---------------------------------------------------------------- state

const defaultForm = (): FormState => {
  const d = boot.defaults;
  const ratio = boot.ratios.includes(d.size) ? d.size : 'custom';
  return {
    prompt: '',
    model: d.model,
    ratio,
    custom: ratio === 'custom' ? d.size : '',
    seedMode: d.seed >= 0 ? 'fixed' : 'random',
    seedValue: d.seed >= 0 ? String(d.seed) : '',
    count: 1,
  };
};

function restoreState(): SavedState {
  const saved = vscode.getState();
  const base: SavedState = { version: 1, form: defaultForm(), filter: '', scrollY: 0 };
  if (!saved || saved.version !== 1 || typeof saved.form !== 'object' || saved.form === null) return base;
  const f = saved.form;
  return {
    version: 1,
    form: {
      prompt: typeof f.prompt === 'string' ? f.prompt : '',
      model: typeof f.model === 'string' && f.model ? f.model : base.form.model,
      ratio: typeof f.ratio === 'string' && (boot.ratios.includes(f.ratio) || f.ratio === 'custom') ? f.ratio : base.form.ratio,
      custom: typeof f.custom === 'string' ? f.custom : '',
      seedMode: f.seedMode === 'fixed' ? 'fixed' : 'random',
      seedValue: typeof f.seedValue === 'string' ? f.seedValue : '',
      count: Number.isInteger(f.count) && f.count >= 1 && f.count <= boot.maxCount ? f.count : 1,
    },
    filter: typeof saved.filter === 'string' ? saved.filter : '',
    scrollY: typeof saved.scrollY === 'number' ? saved.scrollY : 0,
  };
}

const state = restoreState();
let items: HistoryItemView[] = [];
let filtered: HistoryItemView[] = [];
let renderedCount = 0;
const itemCards = new Map<string, HTMLLIElement>();
const jobCards = new Map<string, { view: JobView; li: HTMLLIElement; status: HTMLElement; elapsed: HTMLElement }>();
let initialized = false;

function save(): void {
  vscode.setState(state);
}

// ---------------------------------------------------------------- the compose form

const ui = buildLayout();
document.body.append(ui.root);
applyFormToControls();
updateFormHints();

function buildLayout() {
  const prompt = h('textarea', {
    id: 'prompt',
    rows: 4,
    maxlength: boot.maxPromptLength,
    placeholder: S.promptPlaceholder,
    'aria-describedby': 'prompt-hint prompt-error',
    spellcheck: 'true',
  });
  const promptCount = h('span', { class: 'counter', 'aria-hidden': 'true' });
  const promptHint = h('div', { class: 'hint row', id: 'prompt-hint' }, h('span', {}, format(S.promptHint, isMac ? '⌘+Enter' : 'Ctrl+Enter')), promptCount);
  const promptError = errorLine('prompt-error');

  const model = h('select', { id: 'model', 'aria-describedby': 'model-error' });
  for (const m of boot.models) model.append(h('option', { value: m }, m));
  const modelError = errorLine('model-error');

  const ratioGroup = h('div', { class: 'tiles ratios' });
  for (const r of [...boot.ratios, 'custom']) {
    const [w, hgt] = r === 'custom' ? [0, 0] : r.split('x').map(Number);
    const shape = h('span', { class: 'shape', 'aria-hidden': 'true' });
    if (w && hgt) {
      // Drawn to scale inside a 22px box: the picker shows the shape, not just the numbers.
      const scale = 22 / Math.max(w, hgt);
      shape.style.width = `${Math.round(w * scale)}px`;
      shape.style.height = `${Math.round(hgt * scale)}px`;
    } else {
      shape.classList.add('custom-shape');
    }
    ratioGroup.append(
      h(
        'label',
        { class: 'tile' },
        h('input', { type: 'radio', name: 'ratio', value: r, class: 'visually-hidden', 'aria-label': r === 'custom' ? S.custom : undefined }),
        h('span', { class: 'tile-box', title: r === 'custom' ? S.custom : undefined }, h('span', { class: 'shape-box' }, shape), h('span', { class: 'tile-text', 'aria-hidden': r === 'custom' ? 'true' : undefined }, r === 'custom' ? 'W×H' : sizeLabel(r))),
      ),
    );
  }
  const custom = h('input', { id: 'custom-size', type: 'text', inputmode: 'numeric', placeholder: S.customSizePlaceholder, autocomplete: 'off', 'aria-describedby': 'size-error', spellcheck: 'false' });
  const customRow = h('div', { class: 'field-inline custom-row' }, h('label', { for: 'custom-size' }, S.customSize), custom);
  const sizeError = errorLine('size-error');
  const ratioSet = h('fieldset', { class: 'field' }, h('legend', {}, S.aspectRatio), ratioGroup, customRow, sizeError);

  const seedRandom = h('input', { type: 'radio', name: 'seed-mode', value: 'random', id: 'seed-random' });
  const seedFixed = h('input', { type: 'radio', name: 'seed-mode', value: 'fixed', id: 'seed-fixed' });
  const seedValue = h('input', { id: 'seed-value', type: 'number', min: 0, step: 1, inputmode: 'numeric', 'aria-label': S.seedNumber, 'aria-describedby': 'seed-hint seed-error' });
  const seedHint = h('div', { class: 'hint', id: 'seed-hint' });
  const seedError = errorLine('seed-error');
  const seedSet = h(
    'fieldset',
    { class: 'field' },
    h('legend', {}, S.seed),
    h('div', { class: 'seed-row' }, h('label', { class: 'radio' }, seedRandom, h('span', {}, S.seedRandom)), h('label', { class: 'radio' }, seedFixed, h('span', {}, S.seedFixed)), seedValue),
    seedHint,
    seedError,
  );

  const countGroup = h('div', { class: 'tiles counts' });
  for (let n = 1; n <= boot.maxCount; n++) {
    countGroup.append(h('label', { class: 'tile' }, h('input', { type: 'radio', name: 'count', value: n, class: 'visually-hidden' }), h('span', { class: 'tile-box' }, h('span', { class: 'tile-text' }, String(n)))));
  }
  const countSet = h('fieldset', { class: 'field' }, h('legend', {}, S.count), countGroup);

  const generate = h('button', { type: 'button', class: 'button primary generate', id: 'generate' });
  const cancel = h('button', { type: 'button', class: 'button secondary', id: 'cancel', hidden: true }, icon('stop'), h('span', {}, S.cancel));
  const generalError = errorLine('general-error');
  const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });

  const form = h(
    'form',
    { class: 'compose', 'aria-labelledby': 'compose-title', novalidate: true },
    h('h2', { id: 'compose-title', class: 'visually-hidden' }, S.compose),
    h('div', { class: 'field' }, h('label', { for: 'prompt' }, S.prompt), prompt, promptHint, promptError),
    h('div', { class: 'field-pair' }, h('div', { class: 'field model-field' }, h('label', { for: 'model' }, S.model), model, modelError), countSet),
    ratioSet,
    seedSet,
    h('div', { class: 'actions' }, generate, cancel),
    generalError,
    status,
  );

  const filter = h('input', { type: 'search', id: 'filter', placeholder: S.filterPlaceholder, 'aria-label': S.filter, autocomplete: 'off', spellcheck: 'false' });
  const historyCount = h('span', { class: 'count-badge' });
  const target = h('p', { class: 'target hint', id: 'target' });
  const notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });
  const cards = h('ul', { class: 'cards', id: 'cards', 'aria-labelledby': 'history-title' });
  const empty = h('p', { class: 'empty hint', hidden: true });
  const sentinel = h('div', { class: 'sentinel', 'aria-hidden': 'true' });
  const gallery = h(
    'section',
    { class: 'gallery', 'aria-labelledby': 'history-title' },
    h('div', { class: 'gallery-head' }, h('h2', { id: 'history-title', class: 'section-title' }, S.history, ' ', historyCount), filter),
    target,
    notice,
    cards,
    empty,
    sentinel,
  );

  const root = h('main', { class: 'studio' }, form, gallery);
  return { root, form, prompt, promptCount, promptError, model, modelError, ratioGroup, custom, customRow, sizeError, seedRandom, seedFixed, seedValue, seedHint, seedError, countGroup, generate, cancel, generalError, status, filter, historyCount, target, notice, cards, empty, sentinel };
}

function errorLine(id: string): HTMLElement {
  return h('div', { class: 'error-line', id, hidden: true });
}

function radios(container: HTMLElement): HTMLInputElement[] {
  return [...container.querySelectorAll<HTMLInputElement>('input[type=radio]')];
}

function applyFormToControls(): void {
  const f = state.form;
  ui.prompt.value = f.prompt;
  if (![...ui.model.options].some((o) => o.value === f.model)) ui.model.append(h('option', { value: f.model }, f.model));
  ui.model.value = f.model;
  for (const r of radios(ui.ratioGroup)) r.checked = r.value === f.ratio;
  ui.custom.value = f.custom;
  ui.seedRandom.checked = f.seedMode === 'random';
  ui.seedFixed.checked = f.seedMode === 'fixed';
  ui.seedValue.value = f.seedValue;
  for (const r of radios(ui.countGroup)) r.checked = Number(r.value) === f.count;
  ui.filter.value = state.filter;
}

function readControls(): void {
  const f = state.form;
  f.prompt = ui.prompt.value;
  f.model = ui.model.value;
  f.ratio = radios(ui.ratioGroup).find((r) => r.checked)?.value ?? f.ratio;
  f.custom = ui.custom.value;
  f.seedMode = ui.seedFixed.checked ? 'fixed' : 'random';
  f.seedValue = ui.seedValue.value;
  f.count = Number(radios(ui.countGroup).find((r) => r.checked)?.value ?? f.count);
}

function updateFormHints(): void {
  const f = state.form;
  ui.promptCount.textContent = `${f.prompt.length}/${boot.maxPromptLength}`;
  ui.customRow.hidden = f.ratio !== 'custom';
  ui.seedValue.classList.toggle('dimmed', f.seedMode === 'random');
  const seed = Number(f.seedValue);
  if (f.count > 1 && f.seedMode === 'fixed' && f.seedValue.trim() !== '' && Number.isSafeInteger(seed) && seed >= 0) {
    ui.seedHint.textContent = format(S.seedsRange, seed, seed + f.count - 1);
  } else if (f.count > 1 && f.seedMode === 'random') {
    ui.seedHint.textContent = S.seedsRandom;
  } else {
    ui.seedHint.textContent = '';
  }
  ui.seedHint.hidden = !ui.seedHint.textContent;
  const label = ui.generate;
  label.replaceChildren(icon('sparkle'), h('span', {}, f.count > 1 ? format(S.generateMany, f.count) : S.generate));
}

function onFormChange(): void {
  readControls();
  updateFormHints();
  save();
}

ui.form.addEventListener('input', (e) => {
  const t = e.target as HTMLElement;
  if (t === ui.seedValue && ui.seedValue.value !== '') ui.seedFixed.checked = true;
  if (t === ui.custom) for (const r of radios(ui.ratioGroup)) r.checked = r.value === 'custom';
  clearFieldError(fieldOf(t));
  onFormChange();
});
ui.form.addEventListener('change', (e) => {
  const t = e.target as HTMLInputElement;
  if (t === ui.seedFixed && t.checked && ui.seedValue.value === '') {
    ui.seedValue.value = String(Math.floor(Math.random() * 1_000_000));
  }
  onFormChange();
});
// No implicit submission: Enter in a small field must not start a paid request.
ui.form.addEventListener('submit', (e) => e.preventDefault());
ui.generate.addEventListener('click', () => generate());
ui.form.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    generate();
  }
});
ui.cancel.addEventListener('click', () => post({ type: 'cancel' }));

function fieldOf(el: HTMLElement): FormField | undefined {
  if (el === ui.prompt) return 'prompt';
  if (el === ui.model) return 'model';
  if (el === ui.custom || (el instanceof HTMLInputElement && el.name === 'ratio')) return 'size';
  if (el === ui.seedValue || (el instanceof HTMLInputElement && el.name === 'seed-mode')) return 'seed';
  return undefined;
}

function errorParts(field: FormField): { line: HTMLElement; control: HTMLElement } {
  switch (field) {
    case 'prompt':
      return { line: ui.promptError, control: ui.prompt };
    case 'model':
      return { line: ui.modelError, control: ui.model };
    case 'size':
      return { line: ui.sizeError, control: state.form.ratio === 'custom' ? ui.custom : (radios(ui.ratioGroup).find((r) => r.checked) ?? ui.custom) };
    case 'seed':
      return { line: ui.seedError, control: ui.seedValue };
    default:
      return { line: ui.generalError, control: ui.generate };
  }
}

function showFieldError(field: FormField, message: string): void {
  const { line, control } = errorParts(field);
  line.textContent = message;
  line.hidden = false;
  control.setAttribute('aria-invalid', 'true');
  control.focus();
}

function clearFieldError(field: FormField | undefined): void {
  const fields: FormField[] = field ? [field, 'general'] : ['prompt', 'model', 'size', 'seed', 'general'];
  for (const f of fields) {
    const { line, control } = errorParts(f);
    line.hidden = true;
    line.textContent = '';
    control.removeAttribute('aria-invalid');
  }
}

function generate(): void {
  readControls();
  clearFieldError(undefined);
  const f = state.form;
  let seed = -1;
  if (f.seedMode === 'fixed') {
    const value = f.seedValue.trim();
    seed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed)) {
      showFieldError('seed', S.seedInvalid);
      return;
    }
  }
  const size = f.ratio === 'custom' ? f.custom.trim() : f.ratio;
  post({ type: 'generate', prompt: f.prompt, model: f.model, size, seed, count: f.count });
}

/** "Use these settings": the image's prompt, model, size and seed go back into the form. */
function useSettings(item: HistoryItemView): void {
  const f = state.form;
  f.prompt = item.prompt;
  f.model = item.model;
  if (boot.ratios.includes(item.size)) {
    f.ratio = item.size;
  } else {
    f.ratio = 'custom';
    f.custom = item.size;
  }
  if (item.seed !== undefined) {
    f.seedMode = 'fixed';
    f.seedValue = String(item.seed);
  } else {
    f.seedMode = 'random';
  }
  applyFormToControls();
  updateFormHints();
  clearFieldError(undefined);
  save();
  announce(S.settingsApplied);
  ui.prompt.focus();
  ui.prompt.setSelectionRange(ui.prompt.value.length, ui.prompt.value.length);
  ui.form.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

let statusTimer: ReturnType<typeof setTimeout> | undefined;

/** Says something in the status line (a live region); passing news goes away after a while. */
function announce(message: string, lasting = false): void {
  ui.status.textContent = message;
  clearTimeout(statusTimer);
  if (!lasting) statusTimer = setTimeout(() => updateStatus(), NOTICE_MS);
}

/** The status line while images are being made: how many. */
function updateStatus(): void {
  const n = jobCards.size;
  ui.status.textContent = n === 0 ? '' : n === 1 ? S.generatingOne : format(S.generating, n);
}

// ---------------------------------------------------------------- jobs

function updateRunning(): void {
  const n = jobCards.size;
  ui.cancel.hidden = n === 0;
  ui.root.classList.toggle('busy', n > 0);
  if (n > 0) announce(n === 1 ? S.generatingOne : format(S.generating, n), true);
}

function addJob(view: JobView): void {
  const elapsed = h('span', { class: 'elapsed' });
  const status = h('p', { class: 'card-status' }, view.message ?? S.waiting);
  const li = h(
    'li',
    { class: 'card job', 'aria-busy': 'true' },
    h('div', { class: 'thumb placeholder' }, h('div', { class: 'progress', role: 'progressbar', 'aria-label': S.waiting }, h('div', { class: 'progress-bar' }))),
    h('div', { class: 'card-body' }, h('p', { class: 'card-prompt', title: view.prompt }, view.prompt), h('p', { class: 'card-meta' }, `${modelLabel(view.model)} · ${sizeLabel(view.size)} · ${seedText(view.seed)} · `, elapsed), status),
  );
  const entry = { view, li, status, elapsed };
  jobCards.set(view.jobId, entry);
  tickJob(entry);
  ui.cards.prepend(li);
  updateRunning();
  updateEmpty();
}

function tickJob(job: { view: JobView; elapsed: HTMLElement }): void {
  job.elapsed.textContent = format(S.elapsed, Math.max(0, Math.round((Date.now() - job.view.startedAt) / 1000)));
}

setInterval(() => {
  for (const job of jobCards.values()) tickJob(job);
}, 1000);

function jobFailed(jobId: string, error: ErrorView): void {
  const job = jobCards.get(jobId);
  if (!job) return;
  jobCards.delete(jobId);
  updateRunning();
  if (jobCards.size === 0) updateStatus();
  if (error.kind === 'cancelled' && error.commands.length === 0) {
    job.li.remove();
    announce(error.message);
    updateEmpty();
    return;
  }
  const v = job.view;
  const actions = h('div', { class: 'card-actions wrap' });
  if (error.retry) {
    actions.append(
      textButton(S.retry, () => {
        li.remove();
        post({ type: 'generate', prompt: v.prompt, model: v.model, size: v.size, seed: v.seed, count: 1 });
      }, 'primary', 'refresh'),
    );
  }
  const commandLabels: Record<HostCommand, string> = { setApiKey: S.setApiKey, showLog: S.showLog, openSettings: S.openSettings };
  for (const command of error.commands) actions.append(textButton(commandLabels[command], () => post({ type: 'command', command })));
  actions.append(
    iconButton('close', S.dismiss, () => {
      li.remove();
      updateEmpty();
    }, 'push-end'),
  );
  const li = h(
    'li',
    { class: 'card failed' },
    h('div', { class: 'thumb placeholder error-thumb' }, icon('error'), h('span', {}, S.failed)),
    h(
      'div',
      { class: 'card-body' },
      h('p', { class: 'card-prompt', title: v.prompt }, v.prompt),
      h('p', { class: 'card-meta' }, `${modelLabel(v.model)} · ${sizeLabel(v.size)} · ${seedText(v.seed)}`),
      h('p', { class: 'card-error', role: 'alert' }, error.message),
      actions,
    ),
  );
  job.li.replaceWith(li);
}

function jobDone(jobId: string, item: HistoryItemView): void {
  const job = jobCards.get(jobId);
  jobCards.delete(jobId);
  updateRunning();
  announce(format(S.imageReady, shorten(item.prompt, 60)));
  items = [item, ...items.filter((i) => i.id !== item.id)];
  const visible = matchesQuery(item.prompt, state.filter);
  if (visible) {
    filtered = [item, ...filtered];
    renderedCount++;
    const li = itemCard(item);
    if (job) job.li.replaceWith(li);
    else insertItemCard(li);
  } else {
    job?.li.remove();
  }
  updateCounts();
}

/** A new item card goes before the first existing item card, after pending and failed cards. */
function insertItemCard(li: HTMLLIElement): void {
  const first = ui.cards.querySelector(':scope > li.item');
  if (first) first.before(li);
  else ui.cards.append(li);
}

// ---------------------------------------------------------------- history cards

function itemCard(item: HistoryItemView): HTMLLIElement {
  const img = h('img', {
    src: item.src,
    alt: item.prompt,
    loading: 'lazy',
    decoding: 'async',
    ...(item.width && item.height ? { width: item.width, height: item.height } : {}),
  });
  const thumb = h('button', { type: 'button', class: 'thumb', title: S.open, 'aria-label': `${S.open}: ${shorten(item.prompt, 80)}` }, img);
  img.addEventListener('error', () => {
    thumb.classList.add('missing');
    thumb.append(h('span', { class: 'missing-text' }, S.fileMissing));
  });
  thumb.addEventListener('click', () => post({ type: 'item', action: 'open', id: item.id }));

  const notice = h('p', { class: 'card-notice', role: 'status', 'aria-live': 'polite', hidden: true });
  const send = (action: 'insert' | 'copyLink' | 'reveal' | 'open' | 'regenerate' | 'remove') => () => post({ type: 'item', action, id: item.id });
  const insert = textButton(S.insert, send('insert'), 'primary', 'insert');
  insert.classList.add('insert');
  const actions = h(
    'div',
    { class: 'card-actions', role: 'group', 'aria-label': format(S.actionsFor, shorten(item.prompt, 60)) },
    insert,
    iconButton('copy', S.copyLink, send('copyLink')),
    iconButton('settings', S.useSettings, () => useSettings(item)),
    iconButton('refresh', S.regenerate, send('regenerate')),
    iconButton('reveal', S.reveal, send('reveal')),
    iconButton('trash', S.remove, send('remove'), 'push-end'),
  );
  const pixels = item.width && item.height ? ` (${item.width}×${item.height})` : '';
  const time = h('time', { datetime: new Date(item.createdAt).toISOString() }, timeLabel(item.createdAt));
  const li = h(
    'li',
    { class: 'card item', 'data-id': item.id },
    thumb,
    h(
      'div',
      { class: 'card-body' },
      h('p', { class: 'card-prompt', title: item.prompt }, item.prompt),
      h('p', { class: 'card-meta', title: `${item.model} · ${sizeLabel(item.size)}${pixels} · ${item.path}` }, `${modelLabel(item.model)} · ${sizeLabel(item.size)} · ${seedText(item.seed)} · `, time),
      actions,
      notice,
    ),
  );
  itemCards.set(item.id, li);
  updateInsertLabel(insert);
  return li;
}

let targetLabel: string | undefined;

function updateInsertLabel(button: Element): void {
  const label = targetLabel ? format(S.insertInto, targetLabel) : S.noInsertTarget;
  button.setAttribute('title', label);
  button.setAttribute('aria-description', label);
}

function setTarget(label: string | undefined): void {
  targetLabel = label;
  ui.target.textContent = label ? format(S.insertTarget, label) : S.noInsertTarget;
  ui.target.classList.toggle('warning', !label);
  for (const button of ui.cards.querySelectorAll('button.insert')) updateInsertLabel(button);
}

function renderItems(): void {
  for (const li of itemCards.values()) li.remove();
  itemCards.clear();
  filtered = items.filter((i) => matchesQuery(i.prompt, state.filter));
  renderedCount = 0;
  renderMore();
  updateCounts();
}

function renderMore(): void {
  if (renderedCount >= filtered.length) return;
  const next = filtered.slice(renderedCount, renderedCount + PAGE);
  const fragment = document.createDocumentFragment();
  for (const item of next) fragment.append(itemCard(item));
  ui.cards.append(fragment);
  renderedCount += next.length;
}

function updateCounts(): void {
  ui.historyCount.textContent = state.filter.trim() ? `${filtered.length}/${items.length}` : String(items.length);
  updateEmpty();
}

function updateEmpty(): void {
  const nothing = filtered.length === 0 && ui.cards.children.length === 0;
  ui.empty.hidden = !nothing;
  ui.empty.textContent = state.filter.trim() && items.length ? format(S.noMatch, state.filter.trim()) : S.emptyHistory;
}

function removeItem(id: string): void {
  items = items.filter((i) => i.id !== id);
  const before = filtered.length;
  filtered = filtered.filter((i) => i.id !== id);
  const li = itemCards.get(id);
  if (li) {
    // Keep keyboard users in place: focus moves to the next card's first button.
    const hadFocus = li.contains(document.activeElement);
    const next = (li.nextElementSibling ?? li.previousElementSibling) as HTMLElement | null;
    li.remove();
    itemCards.delete(id);
    if (filtered.length < before) renderedCount--;
    if (hadFocus) next?.querySelector<HTMLElement>('button.insert, button')?.focus();
  }
  updateCounts();
  renderMore();
}

let filterTimer: ReturnType<typeof setTimeout> | undefined;
ui.filter.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    state.filter = ui.filter.value;
    save();
    renderItems();
  }, 120);
});

new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting)) renderMore();
}, { rootMargin: '600px' }).observe(ui.sentinel);

const noticeTimers = new Map<HTMLElement, ReturnType<typeof setTimeout>>();

function showNotice(level: 'info' | 'error', message: string, id: string | undefined): void {
  const el = (id && itemCards.get(id)?.querySelector<HTMLElement>('.card-notice')) || ui.notice;
  el.textContent = message;
  el.hidden = false;
  el.classList.toggle('error', level === 'error');
  clearTimeout(noticeTimers.get(el));
  if (level === 'info') {
    noticeTimers.set(
      el,
      setTimeout(() => {
        el.hidden = true;
        el.textContent = '';
      }, NOTICE_MS),
    );
  }
}

// ---------------------------------------------------------------- messages from the host

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data as HostToWebview | null;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
  switch (message.type) {
    case 'init': {
      for (const job of jobCards.values()) job.li.remove();
      jobCards.clear();
      if (message.prefill !== undefined) state.form.prompt = message.prefill;
      applyFormToControls();
      updateFormHints();
      save();
      items = [...message.items];
      renderItems();
      for (const job of [...message.jobs].reverse()) addJob(job);
      setTarget(message.target.label);
      updateRunning();
      if (!initialized) {
        initialized = true;
        if (state.scrollY) window.scrollTo(0, state.scrollY);
        if (message.prefill !== undefined || !state.form.prompt) ui.prompt.focus();
      }
      break;
    }
    case 'prefill':
      state.form.prompt = message.prompt;
      ui.prompt.value = message.prompt;
      onFormChange();
      clearFieldError('prompt');
      ui.prompt.focus();
      ui.prompt.setSelectionRange(ui.prompt.value.length, ui.prompt.value.length);
      break;
    case 'target':
      setTarget(message.target.label);
      break;
    case 'jobsStarted':
      for (const job of message.jobs) addJob(job);
      // In a narrow column the cards are below the form: bring the new ones into view.
      jobCards.get(message.jobs[0]?.jobId ?? '')?.li.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      break;
    case 'jobProgress': {
      const job = jobCards.get(message.jobId);
      if (job) job.status.textContent = message.message;
      break;
    }
    case 'jobDone':
      jobDone(message.jobId, message.item);
      break;
    case 'jobFailed':
      jobFailed(message.jobId, message.error);
      break;
    case 'formError':
      showFieldError(message.field, message.message);
      break;
    case 'removed':
      removeItem(message.id);
      break;
    case 'notice':
      showNotice(message.level, message.message, message.id);
      break;
  }
});

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(() => {
    state.scrollY = Math.round(window.scrollY);
    save();
  }, 200);
});

post({ type: 'ready' });
