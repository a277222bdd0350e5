// The form's FLUX.2 parts, kept apart from the rest of the form: the References row (images sent
// with the prompt: thumbnails with remove, "2 of 8", Choose an image…, an Explorer drop) and the
// megapixels a ratio becomes. Both render from the store; the host reads and checks every file.
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { format } from '../../src/studio/protocol';
import { DropZone } from '../drop';
import { dimensionsFor } from '../../src/core/dimensions';
import { takesPixels } from '../../src/core/models';
import { StateElement } from '../context';
import { icon } from '../icons';
import { formMegapixels, referenceLimit } from '../store';

/** The megapixels offered; the setting's own value is added when it is another. */
export const MEGAPIXEL_CHOICES: readonly number[] = [0.25, 0.5, 1, 2, 3, 4];

export class FluxReferences extends StateElement {
  private readonly drop = new DropZone(this, (uris) => this.ctx.post({ type: 'dropReferences', uris }), true);

  override render(): TemplateResult {
    const { S } = this.ctx;
    const st = this.state;
    const refs = st.references;
    const limit = referenceLimit(st);
    const err = st.errors.references;
    const over = refs.length > limit;
    const full = refs.length >= limit;
    // A model that takes none: said plainly; chosen references stay listed so they can be removed.
    const explanation = limit === 0 ? format(S.noReferences, st.form.model) : full ? format(S.referencesFull, limit) : S.referencesHint;
    return html`<div
      class=${this.drop.dragging ? 'field references-field dragging' : 'field references-field'}
      role="group"
      aria-labelledby="references-label"
      @dragover=${this.drop.onDragOver}
      @dragleave=${this.drop.onDragLeave}
      @drop=${this.drop.onDrop}
    >
      <div class="label-row">
        <span class="label" id="references-label">${S.references}</span>
        ${limit > 0 || refs.length
          ? html`<span class=${over ? 'reference-count over' : 'reference-count'} id="reference-count">${format(S.referenceCount, refs.length, limit)}</span>`
          : nothing}
      </div>
      ${refs.length
        ? html`<ul class="reference-list" aria-labelledby="references-label">
            ${refs.map(
              (r, i) => html`<li class="reference" data-id=${r.id}>
                <img class="reference-thumb" src=${r.src} alt=${`${i + 1}: ${r.name}`} title=${r.path} draggable="false" />
                <span class="reference-index" aria-hidden="true">${i + 1}</span>
                <button type="button" class="icon-button remove-reference" aria-label=${format(S.removeReference, r.name)} title=${format(S.removeReference, r.name)} @click=${() => this.removeReference(r.id, i)}>
                  ${icon('close')}
                </button>
              </li>`,
            )}
          </ul>`
        : nothing}
      <div class="references-actions">
        <button
          type="button"
          id="choose-references"
          class="button secondary"
          aria-describedby="references-hint references-error"
          ?disabled=${full}
          title=${full ? explanation : S.chooseReferences}
          @click=${() => this.ctx.post({ type: 'pickReferences' })}
        >
          ${icon('image')}<span>${S.chooseReferences}</span>
        </button>
        <span class="hint" id="references-hint">${explanation}</span>
      </div>
      <div class="error-line" id="references-error" role="alert" ?hidden=${!err}>${err ?? ''}</div>
    </div>`;
  }

  /** Focus stays in the row: on the next thumbnail's remove button, else Choose an image…. */
  private removeReference(id: string, index: number): void {
    this.ctx.dispatch({ type: 'removeReference', id });
    void this.updateComplete.then(() => {
      const buttons = [...this.querySelectorAll<HTMLElement>('.remove-reference')];
      (buttons[Math.min(index, buttons.length - 1)] ?? this.querySelector<HTMLElement>('#choose-references'))?.focus();
    });
  }

  // A drop here is for the references, not the input image the rest of the form takes.
}
customElements.define('flux-references', FluxReferences);

/** FLUX.2's output size for a ratio, in megapixels; shown only for FLUX.2 models. */
export class FluxMegapixels extends StateElement {
  override render(): TemplateResult | typeof nothing {
    const { S } = this.ctx;
    const st = this.state;
    if (!takesPixels(st.form.model)) return nothing;
    const current = formMegapixels(st);
    const choices = MEGAPIXEL_CHOICES.includes(current) ? MEGAPIXEL_CHOICES : [...MEGAPIXEL_CHOICES, current].sort((a, b) => a - b);
    const custom = st.form.ratio === 'custom';
    const ratio = st.choices.ratios.includes(st.form.ratio) ? st.form.ratio : '1x1';
    const option = (mp: number) => {
      const { width, height } = dimensionsFor(ratio, mp);
      return html`<option value=${String(mp)} ?selected=${mp === current}>${format(S.megapixelsOption, mp, `${width}×${height}`)}</option>`;
    };
    return html`<div class="field megapixels-field">
      <label for="megapixels">${S.megapixels}</label>
      <select
        id="megapixels"
        aria-describedby="megapixels-hint"
        ?disabled=${custom}
        title=${custom ? S.megapixelsCustom : S.megapixels}
        .value=${live(String(current))}
        @change=${(e: Event) => this.ctx.dispatch({ type: 'setMegapixels', megapixels: Number((e.target as HTMLSelectElement).value) })}
      >
        ${choices.map(option)}
      </select>
      <span class="hint" id="megapixels-hint" ?hidden=${!custom}>${S.megapixelsCustom}</span>
    </div>`;
  }
}
customElements.define('flux-megapixels', FluxMegapixels);
