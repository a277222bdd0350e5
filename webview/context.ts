// What every component gets from the page: the strings, a way to change the state, and a way
// to ask the host. Passed down as a property, so components hold no module-level state.
import { LitElement } from 'lit';
import type { WebviewStrings, WebviewToHost } from '../src/studio/protocol';
import type { Action } from './store';

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

export function shorten(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
