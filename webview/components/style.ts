// The form's Style row: the house styles of the target document's workspace folder plus "No style".
// It shows the document's style until the person picks one; the host resolves the name when
// Generate starts (a bad style is reported here, next to the picker, and nothing is sent).
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { format } from '../../src/studio/protocol';
import { StateElement } from '../context';
import { formStyle } from '../store';

/** The value of the "No style" option (a style name never starts with a space). */
const NONE = ' none';

export class FluxStyle extends StateElement {
  override render(): TemplateResult | typeof nothing {
    const { S } = this.ctx;
    const st = this.state;
    const view = st.styles;
    // A folder without styles: nothing to choose, no row.
    if (!view || (!view.styles.length && view.current === undefined)) return nothing;
    const chosen = formStyle(st);
    const names = view.styles.map((o) => o.name);
    // The document may name a style the file lacks: shown, so Generate's message about it makes sense.
    if (chosen !== null && !names.includes(chosen)) names.push(chosen);
    const option = view.styles.find((o) => o.name === chosen);
    const reason = view.disabledReason;
    const err = st.errors.style;
    const details = [option?.description, option?.model, option?.references ? format(S.styleReferences, option.references) : undefined].filter((d): d is string => !!d);
    const follows = st.stylePick === undefined && chosen !== null && st.target.label ? format(S.styleFromDocument, st.target.label) : '';
    const hint = reason ?? [follows, ...details].filter(Boolean).join(' · ');
    return html`<div class="field style-field">
      <label for="style">${S.style}</label>
      <select
        id="style"
        aria-describedby="style-hint style-error"
        aria-invalid=${err ? 'true' : 'false'}
        ?disabled=${reason !== undefined}
        title=${reason ?? S.style}
        .value=${live(chosen === null ? NONE : chosen)}
        @change=${(e: Event) => {
          const value = (e.target as HTMLSelectElement).value;
          this.ctx.dispatch({ type: 'setStyle', style: value === NONE ? null : value });
        }}
      >
        <option value=${NONE} ?selected=${chosen === null}>${S.noStyle}</option>
        ${names.map((n) => html`<option value=${n} ?selected=${n === chosen}>${n}</option>`)}
      </select>
      <span class="hint" id="style-hint" ?hidden=${!hint}>${hint}</span>
      <div class="error-line" id="style-error" role="alert" ?hidden=${!err}>${err ?? ''}</div>
    </div>`;
  }
}
customElements.define('flux-style', FluxStyle);
