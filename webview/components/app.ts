// The Studio's page: the form beside (or, when narrow, above) the gallery. Renders the whole
// state; lists are keyed, so a card's elements stay while it changes.
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { live } from 'lit/directives/live.js';
import { matchesQuery } from '../../src/core/history';
import { format } from '../../src/studio/protocol';
import { StateElement } from '../context';
import type { State } from '../store';
import './cards';
import './compose';
import type { FluxCompose } from './compose';
import './menu';

export class FluxStudio extends StateElement {
  static override properties = {
    now: { attribute: false },
    maxPromptLength: { attribute: false },
    dateFormat: { attribute: false },
  };

  declare now: number;
  declare maxPromptLength: number;
  declare dateFormat: (epoch: number) => string;

  private observer: IntersectionObserver | undefined;
  private observedShown = 0;
  /** Memo of the filter: recomputed only when the items or the query change. */
  private filtered: { items: State['items']; query: string; result: State['items'] } | undefined;

  get compose(): FluxCompose | null {
    return this.querySelector('flux-compose');
  }

  private visibleItems(): State['items'] {
    const { items, filter } = this.state;
    if (this.filtered?.items !== items || this.filtered.query !== filter) {
      this.filtered = { items, query: filter, result: items.filter((i) => matchesQuery(i.prompt, filter)) };
    }
    return this.filtered.result;
  }

  override render(): TemplateResult {
    const { S } = this.ctx;
    const st = this.state;
    const matching = this.visibleItems();
    const shown = matching.slice(0, st.shown);
    const query = st.filter.trim();
    const top = st.notices[''];
    const nothingShown = shown.length === 0 && st.jobs.length === 0 && st.failures.length === 0;
    return html`<main class="studio">
      <flux-compose .ctx=${this.ctx} .state=${st} .maxPromptLength=${this.maxPromptLength}></flux-compose>
      <section class="gallery" aria-labelledby="history-title">
        <div class="gallery-head">
          <h2 id="history-title" class="section-title">${S.history} <span class="count-badge">${st.ready ? (query ? `${matching.length}/${st.items.length}` : String(st.items.length)) : ''}</span></h2>
          <input
            type="search"
            id="filter"
            placeholder=${S.filterPlaceholder}
            aria-label=${S.filter}
            autocomplete="off"
            spellcheck="false"
            .value=${live(st.filter)}
            @input=${(e: Event) => this.ctx.dispatch({ type: 'setFilter', filter: (e.target as HTMLInputElement).value })}
          />
        </div>
        <p class=${st.target.label ? 'target hint' : 'target hint warning'} id="target">${st.target.label ? format(S.insertTarget, st.target.label) : S.noInsertTarget}</p>
        ${top ? html`<div class=${top.level === 'error' ? 'notice error' : 'notice'} role=${top.level === 'error' ? 'alert' : 'status'}>${top.message}</div>` : nothing}
        <ul class="cards" id="cards" aria-labelledby="history-title">
          ${repeat(
            st.failures,
            (f) => `failed:${f.jobId}`,
            (f) => html`<li class="card failed" data-job=${f.jobId}><flux-failure-card .ctx=${this.ctx} .failure=${f}></flux-failure-card></li>`,
          )}
          ${repeat(
            st.jobs,
            (j) => `job:${j.jobId}`,
            (j) => html`<li class="card job" aria-busy="true" data-job=${j.jobId} data-seed=${j.seed}><flux-job-card .ctx=${this.ctx} .job=${j} .now=${this.now}></flux-job-card></li>`,
          )}
          ${repeat(
            shown,
            (i) => i.id,
            (i) => html`<li class=${st.highlight === i.id ? 'card item highlight' : i.draft ? 'card item draft' : 'card item'} data-id=${i.id}>
              <flux-item-card
                .ctx=${this.ctx}
                .item=${i}
                .target=${st.target}
                .missing=${st.missing.includes(i.id)}
                .notice=${st.notices[i.id]}
                .menuOpen=${st.menu === `item:${i.id}`}
                .count=${st.form.count}
                .dateFormat=${this.dateFormat}
              ></flux-item-card>
            </li>`,
          )}
        </ul>
        ${st.ready && nothingShown ? html`<p class="empty hint">${query && st.items.length ? format(S.noMatch, query) : S.emptyHistory}</p>` : nothing}
        <div class="sentinel" aria-hidden="true"></div>
      </section>
    </main>`;
  }

  protected override firstUpdated(): void {
    const sentinel = this.querySelector('.sentinel');
    if (!sentinel) return;
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && this.state.shown < this.visibleItems().length) this.ctx.dispatch({ type: 'showMore' });
      },
      { rootMargin: '600px' },
    );
    this.observer.observe(sentinel);
  }

  protected override updated(): void {
    // More cards may leave the sentinel in view: observing again asks once more.
    if (this.observedShown === this.state.shown) return;
    this.observedShown = this.state.shown;
    const sentinel = this.querySelector('.sentinel');
    if (sentinel && this.observer) {
      this.observer.unobserve(sentinel);
      this.observer.observe(sentinel);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
  }
}
customElements.define('flux-studio', FluxStudio);
