// What every component gets from the page: the strings, a way to change the state, and a way
// to ask the host. Passed down as a property, so components hold no module-level state.
import { LitElement } from 'lit';
import type { WebviewStrings, WebviewToHost } from '../src/studio/protocol';
import type { Action } from './store';

/** The host's strings, with English for the ones an older host does not send yet. */
export type Strings = Required<WebviewStrings>;

export function withFallbacks(s: WebviewStrings): Strings {
  return {
    editPrompt: 'Edit prompt',
    variations: 'Variations (new random seeds)',
    reproduce: 'Reproduce (same seed)',
    reproduceNoSeed: 'The seed of this image is not known, so it cannot be made again exactly.',
    moreActions: 'More actions',
    recentPrompts: 'Recent prompts',
    noRecentPrompts: 'Prompts you generate with appear here.',
    promptRequired: 'Write a prompt first.',
    seedFieldDisabled: 'Choose Fixed to enter a seed.',
    fileMissingAction: 'The file is missing: remove it from the history, or use Reproduce.',
    saveToAssets: 'Save to assets',
    draftNotInWorkspace: 'A draft is not in the workspace yet: Insert or Save to assets first.',
    draft: 'Draft',
    draftHint: 'Kept in the Studio’s drafts until you insert it or save it to the output folder.',
    editImage: 'Edit…',
    inputImage: 'Input image',
    chooseImage: 'Choose an image…',
    removeInput: 'Remove the input image',
    dropHint: 'Or drop an image from the Explorer here (hold Shift).',
    fromSource: 'from {0}',
    showSource: 'Show {0}, the image this one was made from',
    asInput: 'Keep the input image’s shape',
    generateEdit: 'Edit image',
    editInstruction: 'What should change?',
    leaveEdit: 'Stop editing',
    editedWith: 'Edit: {0}',
    editPlaceholder: 'For example: make it night; add a red umbrella',
    alreadySaved: 'Already in the workspace: {0}',
    ...s,
  };
}

export interface StudioContext {
  readonly S: Strings;
  readonly isMac: boolean;
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
