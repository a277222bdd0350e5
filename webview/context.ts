// What every component gets from the page: the strings, a way to change the state, and a way
// to ask the host. Passed down as a property, so components hold no module-level state.
import { LitElement } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { WebviewStrings, WebviewToHost } from '../src/studio/protocol';
import type { Action, State } from './store';

/** The host's strings, in the person's language (the host and this page ship together). */
export type Strings = WebviewStrings;

export interface StudioContext {
  readonly S: Strings;
  readonly isMac: boolean;
  /** The model list's groups by family; models in none are listed after them. */
  readonly modelGroups?: readonly { readonly label: string; readonly models: readonly string[] }[];
  readonly dispatch: (action: Action) => void;
  readonly post: (message: WebviewToHost) => void;
  /** Sends the form's request, or shows why it cannot go. */
  readonly generate: () => void;
  /** Focus goes to the prompt, with the cursor at its end, and the form scrolls into view. */
  readonly focusPrompt: () => void;
}

/**
 * Components render into the light DOM: the page's one stylesheet (media/studio.css, allowed
 * by the CSP's style-src) styles them, and tests and assistive tech see one plain tree.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}

/** A component of the Studio: it is handed the page's context and renders in the light DOM. */
export class StudioElement extends LightElement {
  static override properties: PropertyDeclarations = {
    ctx: { attribute: false },
  };

  declare ctx: StudioContext;
}

/** A component that renders from the whole state (the page, the form and the form's parts). */
export class StateElement extends StudioElement {
  static override properties: PropertyDeclarations = {
    state: { attribute: false },
  };

  declare state: State;
}

export function shorten(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
