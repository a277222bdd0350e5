// The Image Studio's page script (bundled to media/build/studio.js). Holds the one store,
// turns the host's messages into actions, and does what rendering cannot: post to the host,
// keep the state across reloads, move focus, run timers.
import type { Bootstrap, FormField, WebviewToHost } from '../src/studio/protocol';
import { format, isHostMessage } from '../src/studio/protocol';
import { shorten } from './context';
import type { StudioContext } from './context';
import './components/app';
import type { FluxStudio } from './components/app';
import { generateRequest, initialState, reduce, savedState } from './store';
import type { Action, SavedState, State } from './store';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const NOTICE_MS = 6000;

class StudioPage {
  private state: State;
  private scrollY = 0;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly app: FluxStudio;
  private readonly ctx: StudioContext;
  private restoredScroll = false;

  constructor(
    private readonly vscode: VsCodeApi,
    boot: Bootstrap,
  ) {
    const saved = vscode.getState() as Partial<SavedState> | undefined;
    this.state = initialState({ ratios: boot.ratios, models: boot.models, maxCount: boot.maxCount, defaults: boot.defaults }, saved);
    this.scrollY = typeof saved?.scrollY === 'number' ? saved.scrollY : 0;
    const S = boot.strings;
    this.ctx = {
      S,
      isMac: /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent),
      ...(Array.isArray(boot.modelGroups) ? { modelGroups: boot.modelGroups } : {}),
      dispatch: (action) => this.dispatch(action),
      post: (message) => this.vscode.postMessage(message),
      generate: () => this.generate(),
      focusPrompt: () => this.focusPrompt(),
    };
    const lang = document.documentElement.lang || undefined;
    const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    const time = new Intl.DateTimeFormat(lang, { timeStyle: 'short' });
    this.app = document.createElement('flux-studio') as FluxStudio;
    this.app.ctx = this.ctx;
    this.app.state = this.state;
    this.app.now = Date.now();
    this.app.maxPromptLength = boot.maxPromptLength;
    this.app.dateFormat = (epoch) => (new Date(epoch).toDateString() === new Date().toDateString() ? time : date).format(new Date(epoch));
    document.body.append(this.app);

    window.addEventListener('message', (event: MessageEvent<unknown>) => this.onHostMessage(event.data));
    window.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // A click outside the open menu closes it; Escape anywhere does too.
    document.addEventListener('pointerdown', (e) => {
      if (this.state.menu && !(e.target instanceof Element && e.target.closest('.menu-wrap'))) this.dispatch({ type: 'menu', menu: undefined });
      // A shown parent stays highlighted until the person turns to something else.
      if (this.state.highlight && !(e.target instanceof Element && e.target.closest(`li.card.item[data-id="${CSS.escape(this.state.highlight)}"]`))) this.dispatch({ type: 'highlight', id: undefined });
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.state.menu) this.dispatch({ type: 'menu', menu: undefined });
    });
    this.vscode.postMessage({ type: 'ready' });
  }

  dispatch(action: Action): void {
    const before = this.state;
    this.state = reduce(before, action);
    if (this.state === before) return;
    this.app.state = this.state;
    if (this.state.form !== before.form || this.state.filter !== before.filter || this.state.input !== before.input || this.state.references !== before.references || this.state.megapixels !== before.megapixels || this.state.stylePick !== before.stylePick) this.save();
    this.scheduleExpiries(before);
    this.tick();
  }

  private save(): void {
    this.vscode.setState(savedState(this.state, this.scrollY));
  }

  private generate(): void {
    this.dispatch({ type: 'clearErrors' });
    const request = generateRequest(this.state);
    if ('invalid' in request) {
      const S = this.ctx.S;
      this.showFieldError(request.invalid, request.invalid === 'seed' ? S.seedInvalid : S.promptRequired);
      return;
    }
    this.vscode.postMessage(request.message);
  }

  private showFieldError(field: FormField, message: string): void {
    this.dispatch({ type: 'fieldError', field, message });
    void this.app.updateComplete.then(() => this.app.compose?.focusField(field));
  }

  private focusPrompt(): void {
    void this.app.updateComplete.then(() => {
      const prompt = this.app.querySelector<HTMLTextAreaElement>('#prompt');
      if (!prompt) return;
      prompt.focus();
      prompt.setSelectionRange(prompt.value.length, prompt.value.length);
      prompt.scrollIntoView({ block: 'nearest' });
    });
  }

  private onHostMessage(data: unknown): void {
    // The host is trusted, but anything else in this window that posts is not.
    if (!isHostMessage(data)) return;
    const message = data;
    switch (message.type) {
      case 'removed':
        return this.removeKeepingFocus(message.id, () => this.dispatch({ type: 'host', message }));
      case 'jobDone':
        this.dispatch({ type: 'host', message });
        this.dispatch({ type: 'announce', message: format(this.ctx.S.imageReady, shorten(message.item.prompt, 60)) });
        return;
      case 'formError':
        return this.showFieldError(message.field, message.message);
      case 'prefill':
        this.dispatch({ type: 'host', message });
        return this.focusPrompt();
      case 'input':
        // The image is in the form now: the instruction is what comes next.
        this.dispatch({ type: 'host', message });
        this.dispatch({ type: 'announce', message: `${this.ctx.S.inputImage}: ${shorten(message.input.name, 60)}` });
        return this.focusPrompt();
      case 'reveal':
        this.dispatch({ type: 'host', message });
        return this.showCard(message.id);
      case 'jobsStarted':
        this.dispatch({ type: 'host', message });
        // In a narrow column the cards are below the form: bring the new ones into view.
        void this.app.updateComplete.then(() => this.app.querySelector(`li.card.job[data-job="${CSS.escape(message.jobs[0]?.jobId ?? '')}"]`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }));
        return;
      case 'init': {
        const first = !this.state.ready;
        this.dispatch({ type: 'host', message });
        if (first) {
          void this.app.updateComplete.then(() => {
            if (!this.restoredScroll && this.scrollY) window.scrollTo(0, this.scrollY);
            this.restoredScroll = true;
            if (message.prefill !== undefined || !this.state.form.prompt) this.focusPrompt();
          });
        }
        return;
      }
      default:
        this.dispatch({ type: 'host', message });
    }
  }

  /** Scrolls a card into view and gives it focus (its first button), so the highlight is where the person is. */
  private showCard(id: string): void {
    void this.app.updateComplete.then(() => {
      const li = this.app.querySelector<HTMLElement>(`li.card.item[data-id="${CSS.escape(id)}"]`);
      if (!li) return;
      li.scrollIntoView({ block: 'center', behavior: 'smooth' });
      li.querySelector<HTMLElement>('button.thumb')?.focus({ preventScroll: true });
    });
  }

  /** Keyboard users stay in place: when the focused card goes, the next card's first button takes focus. */
  private removeKeepingFocus(id: string, remove: () => void): void {
    const li = this.app.querySelector(`li.card.item[data-id="${CSS.escape(id)}"]`);
    const hadFocus = !!li && li.contains(document.activeElement);
    const next = li?.nextElementSibling ?? li?.previousElementSibling;
    const nextId = next instanceof HTMLElement ? next.dataset.id : undefined;
    remove();
    if (!hadFocus) return;
    void this.app.updateComplete.then(() => {
      const target = nextId ? this.app.querySelector<HTMLElement>(`li.card.item[data-id="${CSS.escape(nextId)}"] button:not([disabled])`) : null;
      (target ?? this.app.querySelector<HTMLElement>('#filter'))?.focus();
    });
  }

  /** Passing news and info notices go away after a while; errors stay until replaced. */
  private scheduleExpiries(before: State): void {
    const a = this.state.announcement;
    if (a && a !== before.announcement) this.later('announcement', () => this.dispatch({ type: 'announcementExpired', seq: a.seq }));
    for (const [key, notice] of Object.entries(this.state.notices)) {
      if (before.notices[key] === notice || notice.level !== 'info') continue;
      this.later(`notice:${key}`, () => this.dispatch({ type: 'noticeExpired', key, seq: notice.seq }));
    }
  }

  private later(key: string, run: () => void): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(run, NOTICE_MS));
  }

  /** The elapsed seconds on running jobs: a clock while there are any. */
  private tick(): void {
    const running = this.state.jobs.length > 0;
    if (running && !this.ticker) {
      this.app.now = Date.now();
      this.ticker = setInterval(() => {
        this.app.now = Date.now();
      }, 1000);
    } else if (!running && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private scrollTimer: ReturnType<typeof setTimeout> | undefined;
  private onScroll(): void {
    clearTimeout(this.scrollTimer);
    this.scrollTimer = setTimeout(() => {
      this.scrollY = Math.round(window.scrollY);
      this.save();
    }, 200);
  }
}

const boot = JSON.parse(document.body.dataset.bootstrap ?? '{}') as Bootstrap;
new StudioPage(acquireVsCodeApi(), boot);
