// The gallery's cards: an image from the history, a request in flight, and a failed request.
// Text from prompts and file names goes in as text bindings, never as markup.
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { format } from '../../src/studio/protocol';
import type { HistoryItemView, HostCommand, ItemAction, JobView, TargetView } from '../../src/studio/protocol';
import { StudioElement, shorten } from '../context';
import type { Strings } from '../context';
import { icon } from '../icons';
import type { IconName } from '../icons';
import { sizeDims, sizeLabel } from '../store';
import type { Failure, Notice } from '../store';
import type { MenuItem } from './menu';

function modelLabel(model: string): string {
  return model.replace(/^flux-kontext-/, '');
}

function seedText(S: Strings, seed: number | undefined): string {
  return seed === undefined || seed < 0 ? S.seedRandom.toLowerCase() : format(S.seedLabel, seed);
}

function iconButton(name: IconName, label: string, onClick: () => void, opts: { className?: string; disabledReason?: string } = {}): TemplateResult {
  const disabled = opts.disabledReason !== undefined;
  return html`<button
    type="button"
    class=${`icon-button ${opts.className ?? ''}`}
    aria-label=${label}
    title=${disabled ? `${label}: ${opts.disabledReason}` : label}
    ?disabled=${disabled}
    @click=${onClick}
  >
    ${icon(name)}
  </button>`;
}

/** The shape of the requested size, drawn by its viewBox so the box takes that ratio. */
function ratioBox(size: string, content: TemplateResult | typeof nothing): TemplateResult {
  const dims = sizeDims(size) ?? [1, 1];
  return html`<div class="thumb placeholder">
    <svg class="ratio-box" viewBox=${`0 0 ${dims[0]} ${dims[1]}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true" focusable="false"><rect width=${dims[0]} height=${dims[1]}></rect></svg>
    ${content}
  </div>`;
}

export class FluxItemCard extends StudioElement {
  static override properties = {
    item: { attribute: false },
    target: { attribute: false },
    missing: { attribute: false },
    notice: { attribute: false },
    menuOpen: { attribute: false },
    count: { attribute: false },
    dateFormat: { attribute: false },
  };

  declare item: HistoryItemView;
  declare target: TargetView;
  declare missing: boolean;
  declare notice: Notice | undefined;
  declare menuOpen: boolean;
  /** The form's image count, used by Variations. */
  declare count: number;
  declare dateFormat: (epoch: number) => string;

  override render(): TemplateResult {
    const { S } = this.ctx;
    const item = this.item;
    const send = (action: ItemAction, count?: number) => () => this.ctx.post({ type: 'item', action, id: item.id, ...(count !== undefined ? { count } : {}) });
    const gone = this.missing ? S.fileMissingAction : undefined;
    const insertReason = gone ?? (this.target.label ? undefined : S.noInsertTarget);
    const insertLabel = this.target.label ? format(S.insertInto, this.target.label) : S.insert;
    const noSeed = item.seed === undefined ? S.reproduceNoSeed : undefined;
    // A draft is not in the workspace: nothing there to link to or reveal until it is saved.
    const notSaved = gone ?? (item.draft ? S.draftNotInWorkspace : undefined);
    const saveReason = gone ?? (item.draft ? undefined : format(S.alreadySaved, item.path));
    const reason = (why: string | undefined) => (why ? { disabledReason: why } : {});
    const more: MenuItem[] = [
      { label: S.variations, icon: 'sparkle', run: send('variations', this.count) },
      { label: S.reproduce, icon: 'refresh', run: send('reproduce'), ...reason(noSeed) },
      { label: S.editImage, icon: 'edit', run: send('edit'), className: 'edit', ...reason(gone) },
      { label: S.useAsReference, icon: 'image', run: send('reference'), className: 'use-reference', ...reason(gone) },
      { label: S.saveToAssets, icon: 'save', run: send('save'), className: 'save', ...reason(saveReason) },
      { label: S.addToStyle, icon: 'image', run: send('addToStyle'), className: 'add-to-style', ...reason(notSaved) },
      { label: S.useSettings, icon: 'settings', run: this.useSettings },
      { label: S.copyLink, icon: 'copy', run: send('copyLink'), ...reason(notSaved) },
      { label: S.open, icon: 'open', run: send('open'), ...reason(gone) },
      { label: S.reveal, icon: 'reveal', run: send('reveal'), ...reason(notSaved) },
      { label: S.remove, icon: 'trash', run: send('remove'), className: 'remove' },
    ];
    const pixels = item.width && item.height ? ` (${item.width}×${item.height})` : '';
    return html`<button
        type="button"
        class=${this.missing ? 'thumb missing' : 'thumb'}
        title=${gone ?? S.open}
        aria-label=${`${S.open}: ${shorten(item.prompt, 80)}`}
        aria-disabled=${this.missing ? 'true' : 'false'}
        @click=${() => {
          if (!this.missing) send('open')();
        }}
      >
        <img
          src=${item.src}
          alt=${item.description ?? item.prompt}
          loading="lazy"
          decoding="async"
          draggable="false"
          width=${item.width ?? nothing}
          height=${item.height ?? nothing}
          @error=${() => this.ctx.dispatch({ type: 'imageMissing', id: item.id })}
        />
        ${this.missing ? html`<span class="missing-text">${S.fileMissing}</span>` : nothing}
      </button>
      <div class="card-body">
        <p class="card-prompt" title=${item.description ?? item.prompt}>${item.description ?? item.prompt}</p>
        ${item.description !== undefined ? html`<p class="card-edit" title=${item.prompt}>${format(S.editedWith, item.prompt)}</p>` : nothing}
        <p class="card-meta" title=${`${item.model} · ${sizeLabel(item.size)}${pixels} · ${item.path}`}>
          ${item.draft ? html`<span class="badge draft" title=${S.draftHint}>${S.draft}</span> ` : nothing}${item.recovered ? html`<span class="badge recovered" title=${S.recoveredHint}>${S.recovered}</span> ` : nothing}${item.style ? html`<span class="badge style" title=${format(S.styleHint, item.style.prompt)}>${item.style.name}</span> ` : nothing}${modelLabel(item.model)}${item.size ? ` · ${sizeLabel(item.size)}` : ''} · ${seedText(S, item.seed)} ·
          <time datetime=${new Date(item.createdAt).toISOString()}>${this.dateFormat(item.createdAt)}</time>
        </p>
        ${item.references?.length
          ? html`<p class="card-references" title=${item.references.map((r, i) => `${i + 1}: ${r.path}`).join('\n')}>${icon('image')}<span>${format(S.madeWithReferences, item.references.length)}</span></p>`
          : nothing}
        ${item.sourceName
          ? html`<button type="button" class="link-button source-link" title=${format(S.showSource, item.sourceName)} @click=${send('openSource')}>
              ${icon('edit')}<span>${format(S.fromSource, item.sourceName)}</span>
            </button>`
          : nothing}
        <div class="card-actions" role="group" aria-label=${format(S.actionsFor, shorten(item.prompt, 60))}>
          <button type="button" class="button primary insert" title=${insertReason ?? insertLabel} aria-description=${insertReason ?? insertLabel} ?disabled=${insertReason !== undefined} @click=${send('insert')}>
            ${icon('insert')}<span>${S.insert}</span>
          </button>
          ${item.draft ? iconButton('save', S.saveToAssets, send('save'), { className: 'save', ...(gone ? { disabledReason: gone } : {}) }) : iconButton('copy', S.copyLink, send('copyLink'), { className: 'copy', ...(gone ? { disabledReason: gone } : {}) })}
          ${iconButton('edit', S.editImage, send('edit'), { className: 'edit', ...(gone ? { disabledReason: gone } : {}) })}
          ${iconButton('settings', S.useSettings, this.useSettings, { className: 'use-settings wide-only' })}
          <flux-menu class="push-end" .ctx=${this.ctx} .menuId=${`item:${item.id}`} .open=${this.menuOpen} .label=${`${S.moreActions}: ${shorten(item.prompt, 40)}`} .items=${more}></flux-menu>
        </div>
        ${this.notice
          ? html`<p class=${this.notice.level === 'error' ? 'card-notice error' : 'card-notice'} role=${this.notice.level === 'error' ? 'alert' : 'status'}>${this.notice.message}</p>`
          : nothing}
      </div>`;
  }

  private useSettings = (): void => {
    this.ctx.dispatch({ type: 'useSettings', id: this.item.id });
    this.ctx.dispatch({ type: 'announce', message: this.ctx.S.settingsApplied });
    this.ctx.focusPrompt();
  };
}
customElements.define('flux-item-card', FluxItemCard);

export class FluxJobCard extends StudioElement {
  static override properties = {
    job: { attribute: false },
    now: { attribute: false },
  };

  declare job: JobView;
  declare now: number;

  override render(): TemplateResult {
    const { S } = this.ctx;
    const j = this.job;
    const seconds = Math.max(0, Math.round((this.now - j.startedAt) / 1000));
    return html`${ratioBox(j.size, html`<div class="progress" role="progressbar" aria-label=${S.waiting}><div class="progress-bar"></div></div><span class="ratio-label">${sizeLabel(j.size)}</span>`)}
      <div class="card-body">
        <p class="card-prompt" title=${j.prompt}>${j.prompt}</p>
        <p class="card-meta">${modelLabel(j.model)}${j.size ? ` · ${sizeLabel(j.size)}` : ''} · ${seedText(S, j.seed)}${j.input ? ` · ${format(S.fromSource, j.input.name)}` : ''} · <span class="elapsed">${format(S.elapsed, seconds)}</span></p>
        <p class="card-status">${j.message ?? S.waiting}</p>
      </div>`;
  }
}
customElements.define('flux-job-card', FluxJobCard);

/** A failed request, compact: what was asked in one line, what happened once, what to do. */
export class FluxFailureCard extends StudioElement {
  static override properties = {
    failure: { attribute: false },
  };

  declare failure: Failure;

  override render(): TemplateResult {
    const { S } = this.ctx;
    const f = this.failure;
    const commandLabels: Record<HostCommand, string> = { openAccountPage: S.openAccountPage, setApiKey: S.setApiKey, showLog: S.showLog, openSettings: S.openSettings };
    return html`<div class="failed-head">
        <span class="failed-icon" title=${S.failed}>${icon('error')}</span>
        <p class="card-prompt one-line" title=${f.prompt}><span class="visually-hidden">${S.failed}: </span>${f.prompt}</p>
        ${iconButton('close', S.dismiss, () => this.ctx.dispatch({ type: 'dismissFailure', jobId: f.jobId }), { className: 'dismiss' })}
      </div>
      <p class="card-meta">${modelLabel(f.model)}${f.size ? ` · ${sizeLabel(f.size)}` : ''} · ${seedText(S, f.seed)}${f.input ? ` · ${format(S.fromSource, f.input.name)}` : ''}</p>
      <p class="card-error" role="alert">${f.error.message}</p>
      <div class="card-actions wrap">
        <button type="button" class="button secondary edit-prompt" @click=${this.edit}>${icon('settings')}<span>${S.editPrompt}</span></button>
        <button type="button" class=${f.error.retry ? 'button primary retry' : 'button secondary retry'} @click=${this.retry}>${icon('refresh')}<span>${S.retry}</span></button>
        ${f.error.commands.map((command) => html`<button type="button" class="button secondary" @click=${() => this.ctx.post({ type: 'command', command })}>${commandLabels[command]}</button>`)}
      </div>`;
  }

  private edit = (): void => {
    this.ctx.dispatch({ type: 'editFailure', jobId: this.failure.jobId });
    this.ctx.dispatch({ type: 'announce', message: this.ctx.S.settingsApplied });
    this.ctx.focusPrompt();
  };

  private retry = (): void => {
    const f = this.failure;
    this.ctx.dispatch({ type: 'dismissFailure', jobId: f.jobId });
    this.ctx.post({
      type: 'generate',
      prompt: f.prompt,
      model: f.model,
      size: f.size,
      seed: f.seed,
      count: 1,
      ...(f.input ? { input: f.input.id } : {}),
      ...(f.references?.length ? { references: f.references } : {}),
      ...(f.megapixels !== undefined ? { megapixels: f.megapixels } : {}),
      ...(f.style !== undefined ? { style: f.style } : {}),
      retryOf: f.jobId,
    });
  };
}
customElements.define('flux-failure-card', FluxFailureCard);
