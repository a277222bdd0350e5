// A "…" style menu: a button that opens a list of actions below it. Arrow keys move, Enter or
// Space acts, Escape closes and returns to the button, Tab closes and moves on. Which menu is
// open lives in the store (one at a time); a click elsewhere closes it (main.ts).
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { StudioElement } from '../context';
import { icon } from '../icons';
import type { IconName } from '../icons';

export interface MenuItem {
  readonly label: string;
  readonly icon?: IconName;
  /** Why it cannot act; set = disabled, and this is its tooltip. */
  readonly disabledReason?: string;
  readonly run: () => void;
  readonly className?: string;
}

export class FluxMenu extends StudioElement {
  static override properties = {
    menuId: { attribute: false },
    open: { type: Boolean },
    label: { attribute: false },
    buttonIcon: { attribute: false },
    buttonText: { attribute: false },
    items: { attribute: false },
    disabledReason: { attribute: false },
    emptyText: { attribute: false },
  };

  declare menuId: string;
  declare open: boolean;
  declare label: string;
  declare buttonIcon: IconName;
  declare buttonText: string | undefined;
  declare items: readonly MenuItem[];
  declare disabledReason: string | undefined;
  declare emptyText: string | undefined;

  constructor() {
    super();
    this.open = false;
    this.items = [];
    this.buttonIcon = 'more';
  }

  override render(): TemplateResult {
    const disabled = this.disabledReason !== undefined;
    const id = `menu-${this.menuId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    return html`<div class="menu-wrap">
      <button
        type="button"
        class=${this.buttonText ? 'button secondary menu-button' : 'icon-button menu-button'}
        aria-haspopup="menu"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls=${id}
        aria-label=${this.label}
        title=${disabled ? `${this.label}: ${this.disabledReason}` : this.label}
        ?disabled=${disabled}
        @click=${this.toggle}
        @keydown=${this.onButtonKey}
      >
        ${icon(this.buttonIcon)}${this.buttonText ? html`<span>${this.buttonText}</span>` : nothing}
      </button>
      ${this.open && !disabled
        ? html`<div class="menu" role="menu" id=${id} aria-label=${this.label} @keydown=${this.onMenuKey}>
            ${this.items.length === 0 && this.emptyText ? html`<p class="menu-empty">${this.emptyText}</p>` : nothing}
            ${this.items.map(
              (item) => html`<button
                type="button"
                role="menuitem"
                class=${`menu-item ${item.className ?? ''}`}
                tabindex="-1"
                aria-disabled=${item.disabledReason ? 'true' : 'false'}
                title=${item.disabledReason ?? item.label}
                @click=${() => this.choose(item)}
              >
                ${item.icon ? icon(item.icon) : html`<span class="icon-space"></span>`}<span class="menu-label">${item.label}</span>
              </button>`,
            )}
          </div>`
        : nothing}
    </div>`;
  }

  protected override updated(changed: Map<string, unknown>): void {
    // Opened from the keyboard or by a click: the first item takes focus, as in VS Code's menus.
    if (changed.has('open') && this.open && changed.get('open') === false) {
      this.placeMenu();
      this.menuItems()[0]?.focus({ preventScroll: true });
    }
  }

  /** Below the button when it fits, else above it when there is more room there (a card at the bottom of a short panel). */
  private placeMenu(): void {
    const menu = this.querySelector<HTMLElement>('.menu');
    const button = this.querySelector<HTMLElement>('.menu-button');
    if (!menu || !button) return;
    menu.classList.remove('up');
    const below = window.innerHeight - button.getBoundingClientRect().bottom;
    const above = button.getBoundingClientRect().top;
    const height = menu.getBoundingClientRect().height + 4;
    if (height > below && above > below) menu.classList.add('up');
  }

  private menuItems(): HTMLElement[] {
    return [...this.querySelectorAll<HTMLElement>('[role=menuitem]')];
  }

  private toggle = (): void => {
    this.ctx.dispatch({ type: 'menu', menu: this.open ? undefined : this.menuId });
  };

  private close(refocus: boolean): void {
    this.ctx.dispatch({ type: 'menu', menu: undefined });
    if (refocus) this.querySelector<HTMLElement>('.menu-button')?.focus();
  }

  private choose(item: MenuItem): void {
    if (item.disabledReason) return;
    this.close(true);
    item.run();
  }

  private onButtonKey = (e: KeyboardEvent): void => {
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !this.open) {
      e.preventDefault();
      this.ctx.dispatch({ type: 'menu', menu: this.menuId });
    } else if (e.key === 'Escape' && this.open) {
      e.preventDefault();
      e.stopPropagation();
      this.close(true);
    }
  };

  private onMenuKey = (e: KeyboardEvent): void => {
    const items = this.menuItems();
    const at = items.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => items[(to + items.length) % items.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        move(at + 1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        move(at - 1);
        break;
      case 'Home':
        e.preventDefault();
        move(0);
        break;
      case 'End':
        e.preventDefault();
        move(items.length - 1);
        break;
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        this.close(true);
        break;
      case 'Tab':
        this.close(false);
        break;
    }
  };
}
customElements.define('flux-menu', FluxMenu);
