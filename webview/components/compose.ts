// The form: prompt (with recent prompts), model, number of images, aspect ratio, seed, and
// Generate / Cancel. Every control shows the store's value and reports changes on `input`;
// nothing is rebuilt on change or blur, so a click that starts while the prompt still has
// focus lands on the same button it ends on.
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { format } from '../../src/studio/protocol';
import { DropZone } from '../drop';
import { estimateUsd, formatUsd } from '../../src/core/prices';
import { parseSize, ratioPixels } from '../../src/core/params';
import { dimensionsFor } from '../../src/core/dimensions';
import { takesPixels } from '../../src/core/models';
import type { FormField, WebviewStrings } from '../../src/studio/protocol';
import { StateElement, shorten } from '../context';
import { icon } from '../icons';
import { formMegapixels, formStyleOption, recentPrompts, seedRange, sizeDims, sizeLabel } from '../store';
import type { State } from '../store';
import type { MenuItem } from './menu';
import './references';
import './style';

export class FluxCompose extends StateElement {
  static override properties = {
    maxPromptLength: { attribute: false },
  };

  declare maxPromptLength: number;

  override render(): TemplateResult {
    const { S } = this.ctx;
    const st = this.state;
    const f = st.form;
    const err = st.errors;
    const models = st.choices.models.includes(f.model) ? st.choices.models : [...st.choices.models, f.model];
    const range = seedRange(f);
    const seedHint = f.count > 1 ? (range ? format(S.seedsRange, range[0], range[1]) : f.seedMode === 'random' ? S.seedsRandom : '') : '';
    const noPrompt = !f.prompt.trim();
    const recent = recentPrompts(st);
    const recentItems: MenuItem[] = recent.map((p) => ({
      label: shorten(p, 80),
      run: () => {
        this.ctx.dispatch({ type: 'setPrompt', prompt: p });
        this.ctx.focusPrompt();
      },
    }));
    const running = st.jobs.length;
    const status = st.announcement?.message ?? (running === 0 ? '' : running === 1 ? S.generatingOne : format(S.generating, running));
    const generateLabel = f.count > 1 ? format(S.generateMany, f.count) : st.input ? S.generateEdit : S.generate;
    const cost = costLine(st, S);
    const shortcut = this.ctx.isMac ? '⌘+Enter' : 'Ctrl+Enter';

    return html`<form
      class=${this.drop.dragging ? 'compose dragging' : 'compose'}
      aria-labelledby="compose-title"
      novalidate
      @submit=${(e: Event) => e.preventDefault()}
      @keydown=${this.onKey}
      @dragover=${this.drop.onDragOver}
      @dragleave=${this.drop.onDragLeave}
      @drop=${this.drop.onDrop}
    >
      <h2 id="compose-title" class="visually-hidden">${S.compose}</h2>
      ${this.inputField()}
      <flux-style .ctx=${this.ctx} .state=${st}></flux-style>
      <flux-references .ctx=${this.ctx} .state=${st}></flux-references>

      <div class="field">
        <div class="label-row">
          <label for="prompt">${st.input ? S.editInstruction : S.prompt}</label>
          <flux-menu
            class="recent"
            .ctx=${this.ctx}
            .menuId=${'recent'}
            .open=${st.menu === 'recent'}
            .label=${S.recentPrompts}
            .buttonIcon=${'history'}
            .items=${recentItems}
            .disabledReason=${recent.length ? undefined : S.noRecentPrompts}
          ></flux-menu>
        </div>
        <textarea
          id="prompt"
          rows="4"
          maxlength=${this.maxPromptLength}
          placeholder=${st.input ? S.editPlaceholder : S.promptPlaceholder}
          spellcheck="true"
          aria-describedby="prompt-hint prompt-error"
          aria-invalid=${err.prompt ? 'true' : 'false'}
          .value=${live(f.prompt)}
          @input=${(e: Event) => this.ctx.dispatch({ type: 'setPrompt', prompt: (e.target as HTMLTextAreaElement).value })}
        ></textarea>
        <div class="hint row" id="prompt-hint"><span>${format(S.promptHint, shortcut)}</span><span class="counter" aria-hidden="true">${f.prompt.length}/${this.maxPromptLength}</span></div>
        ${errorLine('prompt-error', err.prompt)}
      </div>

      <div class="field-pair">
        <div class="field model-field">
          <label for="model">${S.model}</label>
          <select id="model" aria-describedby="model-error" aria-invalid=${err.model ? 'true' : 'false'} @change=${(e: Event) => this.ctx.dispatch({ type: 'setModel', model: (e.target as HTMLSelectElement).value })}>
            ${modelOptions(models, f.model, this.ctx.modelGroups)}
          </select>
          ${errorLine('model-error', err.model)}
        </div>
        <fieldset class="field">
          <legend>${S.count}</legend>
          <div class="tiles counts">
            ${Array.from({ length: st.choices.maxCount }, (_, k) => k + 1).map(
              (n) => html`<label class="tile">
                <input type="radio" name="count" class="visually-hidden" value=${n} .checked=${live(f.count === n)} @change=${() => this.ctx.dispatch({ type: 'setCount', count: n })} />
                <span class="tile-box"><span class="tile-text">${n}</span></span>
              </label>`,
            )}
          </div>
        </fieldset>
      </div>

      <fieldset class="field">
        <legend>${S.aspectRatio}</legend>
        <div class="tiles ratios">
          ${[...(st.input ? ['input'] : []), ...st.choices.ratios, 'custom'].map((r) => this.ratioTile(r, f.ratio === r))}
        </div>
        ${f.ratio === 'custom'
          ? html`<div class="field-inline custom-row">
              <label for="custom-size">${S.customSize}</label>
              <input
                id="custom-size"
                type="text"
                inputmode="numeric"
                autocomplete="off"
                spellcheck="false"
                placeholder=${S.customSizePlaceholder}
                aria-describedby="size-error"
                aria-invalid=${err.size ? 'true' : 'false'}
                .value=${live(f.custom)}
                @input=${(e: Event) => this.ctx.dispatch({ type: 'setCustom', custom: (e.target as HTMLInputElement).value })}
              />
            </div>`
          : nothing}
        ${errorLine('size-error', err.size)}
      </fieldset>
      <flux-megapixels .ctx=${this.ctx} .state=${st}></flux-megapixels>

      <fieldset class="field">
        <legend>${S.seed}</legend>
        <div class="seed-row">
          <label class="radio"><input type="radio" name="seed-mode" value="random" id="seed-random" .checked=${live(f.seedMode === 'random')} @change=${() => this.ctx.dispatch({ type: 'setSeedMode', mode: 'random' })} /><span>${S.seedRandom}</span></label>
          <label class="radio"><input type="radio" name="seed-mode" value="fixed" id="seed-fixed" .checked=${live(f.seedMode === 'fixed')} @change=${this.onFixed} /><span>${S.seedFixed}</span></label>
          <input
            id="seed-value"
            type="text"
            inputmode="numeric"
            autocomplete="off"
            aria-label=${S.seedNumber}
            aria-describedby="seed-hint seed-error"
            aria-invalid=${err.seed ? 'true' : 'false'}
            ?disabled=${f.seedMode === 'random'}
            title=${f.seedMode === 'random' ? S.seedFieldDisabled : S.seedNumber}
            .value=${live(f.seedValue)}
            @input=${(e: Event) => this.ctx.dispatch({ type: 'setSeedValue', value: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="hint" id="seed-hint" ?hidden=${!seedHint}>${seedHint}</div>
        ${errorLine('seed-error', err.seed)}
      </fieldset>

      <div class="actions">
        <button
          type="button"
          id="generate"
          class="button primary generate"
          ?disabled=${noPrompt}
          title=${noPrompt ? S.promptRequired : `${generateLabel} (${shortcut})`}
          @click=${() => this.ctx.generate()}
        >
          ${icon('sparkle')}<span>${generateLabel}</span>
        </button>
        <button type="button" id="cancel" class="button secondary" ?hidden=${running === 0} @click=${() => this.ctx.post({ type: 'cancel' })}>${icon('stop')}<span>${S.cancel}</span></button>
        <span class="estimate" id="estimate" ?hidden=${!cost.click}>${cost.click}</span>
      </div>
      <div class="hint" id="spending" ?hidden=${!cost.month}>${cost.month}</div>
      ${errorLine('general-error', err.general)}
      <div class="status" role="status" aria-live="polite">${status}</div>
    </form>`;
  }

  /** The image an edit starts from: chosen, dropped, or a card's Edit…; a thumbnail with a remove button. */
  private inputField(): TemplateResult {
    const { S } = this.ctx;
    const input = this.state.input;
    const err = this.state.errors.input;
    return html`<div class="field input-field">
      <span class="label" id="input-label">${S.inputImage}</span>
      ${input
        ? html`<div class="input-image" role="group" aria-labelledby="input-label">
            <img class="input-thumb" src=${input.src} alt=${input.name} draggable="false" />
            <span class="input-name" title=${input.path}>${input.name}</span>
            <button type="button" id="remove-input" class="button secondary leave-edit" aria-label=${`${S.leaveEdit}: ${input.name}`} title=${S.removeInput} @click=${this.removeInput}>${icon('close')}<span>${S.leaveEdit}</span></button>
          </div>`
        : html`<div class="input-empty">
            <button type="button" id="choose-input" class="button secondary" aria-describedby="input-hint input-error" @click=${() => this.ctx.post({ type: 'pickInput' })}>${icon('image')}<span>${S.chooseImage}</span></button>
            <span class="hint" id="input-hint">${S.dropHint}</span>
          </div>`}
      ${errorLine('input-error', err)}
    </div>`;
  }

  private readonly drop = new DropZone(this, (uris) => this.ctx.post({ type: 'dropInput', uris }));

  private removeInput = (): void => {
    this.ctx.dispatch({ type: 'removeInput' });
    void this.updateComplete.then(() => this.querySelector<HTMLElement>('#choose-input')?.focus());
  };

  private ratioTile(r: string, checked: boolean): TemplateResult {
    const { S } = this.ctx;
    if (r === 'input') {
      return html`<label class="tile input-tile" title=${S.asInput}>
        <input type="radio" name="ratio" class="visually-hidden" value="input" aria-label=${S.asInput} .checked=${live(checked)} @change=${() => this.onRatio(r)} />
        <span class="tile-box">${icon('image')}<span class="tile-check" aria-hidden="true">${icon('check')}</span></span>
      </label>`;
    }
    const dims = r === 'custom' ? undefined : sizeDims(r);
    // Drawn to scale in a 22×22 box, by attributes (the CSP allows no inline styles).
    const scale = dims ? 20 / Math.max(dims[0], dims[1]) : 1;
    const w = dims ? Math.max(4, Math.round(dims[0] * scale)) : 18;
    const h = dims ? Math.max(4, Math.round(dims[1] * scale)) : 13;
    return html`<label class="tile" title=${r === 'custom' ? S.custom : sizeLabel(r)}>
      <input type="radio" name="ratio" class="visually-hidden" value=${r} aria-label=${r === 'custom' ? S.custom : sizeLabel(r)} .checked=${live(checked)} @change=${() => this.onRatio(r)} />
      <span class="tile-box">
        <svg class=${r === 'custom' ? 'shape custom-shape' : 'shape'} width="22" height="22" viewBox="0 0 22 22" aria-hidden="true" focusable="false">
          <rect x=${(22 - w) / 2 + 0.75} y=${(22 - h) / 2 + 0.75} width=${w - 1.5} height=${h - 1.5} rx="1.5"></rect>
        </svg>
        <span class="tile-text" aria-hidden="true">${r === 'custom' ? 'W×H' : sizeLabel(r)}</span>
        <span class="tile-check" aria-hidden="true">${icon('check')}</span>
      </span>
    </label>`;
  }

  private onRatio(r: string): void {
    this.ctx.dispatch({ type: 'setRatio', ratio: r });
    if (r === 'custom') void this.updateComplete.then(() => this.querySelector<HTMLInputElement>('#custom-size')?.focus());
  }

  private onFixed = (): void => {
    this.ctx.dispatch({ type: 'setSeedMode', mode: 'fixed', suggestion: Math.floor(Math.random() * 1_000_000) });
    // Typing replaces the suggested number rather than appending to it. After the click has
    // finished (its label would take focus back to the radio), not just after the render.
    void this.updateComplete.then(() =>
      setTimeout(() => {
        const field = this.querySelector<HTMLInputElement>('#seed-value');
        field?.focus();
        field?.select();
      }, 0),
    );
  };

  private onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      // Also keeps a focused button from acting on the same Enter: one request per keystroke.
      e.preventDefault();
      this.ctx.generate();
    }
  };

  /** Focus to the control of a field with an error. */
  focusField(field: FormField): void {
    const selector: Record<FormField, string> = {
      prompt: '#prompt',
      model: '#model',
      size: this.state.form.ratio === 'custom' ? '#custom-size' : 'input[name=ratio]:checked',
      seed: '#seed-value',
      count: 'input[name=count]:checked',
      general: '#generate',
      input: this.state.input ? '#remove-input' : '#choose-input',
      references: this.state.references.length ? '.remove-reference' : '#choose-references',
      style: '#style',
    };
    this.querySelector<HTMLElement>(selector[field])?.focus();
  }
}
customElements.define('flux-compose', FluxCompose);

function errorLine(id: string, message: string | undefined): TemplateResult {
  return html`<div class="error-line" id=${id} ?hidden=${!message}>${message ?? ''}</div>`;
}

/** What the Generate button's click would cost, and this month's figure, from the host's prices. */
function costLine(st: State, S: WebviewStrings): { click: string; month: string } {
  const costs = st.costs;
  if (!costs) return { click: '', month: '' };
  const f = st.form;
  // A house style's model, size, megapixels and references win over the form's, as the pipeline sends them.
  const style = formStyleOption(st);
  const model = style?.model ?? f.model;
  const pixels = style?.size ? formPixels(model, style.size, '', style.megapixels ?? formMegapixels(st)) : formPixels(model, f.ratio, f.custom, style?.megapixels ?? formMegapixels(st));
  // An edit's input and each reference are charged as input images (their size unknown here: about 1 MP each).
  const inputs = new Array<undefined>((st.input ? 1 : 0) + st.references.length + (style?.references ?? 0)).fill(undefined);
  const usd = estimateUsd({ model, ...pixels, inputs, count: f.count }, { rules: costs.prices });
  const click = usd === undefined ? S.costUnknown : format(S.estimate, formatUsd(usd));
  const spent = formatUsd(costs.monthUsd);
  const month = costs.budget > 0 ? format(S.spentOfBudget, spent, `$${costs.budget.toFixed(2)}`) : format(S.spentThisMonth, spent);
  return { click, month };
}

/** The output size the form asks for, in pixels, where it can be known. */
function formPixels(model: string, ratio: string, custom: string, megapixels: number): { width?: number; height?: number } {
  try {
    if (takesPixels(model)) return dimensionsFor(ratio === 'custom' ? custom : ratio, megapixels);
    const size = parseSize(ratio === 'custom' ? custom : ratio);
    return size.kind === 'ratio' ? ratioPixels(size.ratio) : { width: size.width, height: size.height };
  } catch {
    return {}; // 'input', or a size still being typed: about one megapixel
  }
}

/** The model list: the families' groups (FLUX.2, FLUX.1 Kontext), then any other name. */
function modelOptions(models: readonly string[], selected: string, groups: readonly { readonly label: string; readonly models: readonly string[] }[] | undefined): TemplateResult[] {
  const option = (m: string) => html`<option value=${m} ?selected=${m === selected}>${m}</option>`;
  if (!groups?.length) return models.map(option);
  const grouped = new Set(groups.flatMap((g) => g.models));
  return [
    ...groups.filter((g) => g.models.some((m) => models.includes(m))).map((g) => html`<optgroup label=${g.label}>${g.models.filter((m) => models.includes(m)).map(option)}</optgroup>`),
    ...models.filter((m) => !grouped.has(m)).map(option),
  ];
}
