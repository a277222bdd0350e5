import * as vscode from 'vscode';

/**
 * The extension's one way to show an information, warning or error message. Production
 * behaviour is exactly vscode.window's; in ExtensionMode.Test every message is also recorded
 * (text, severity, buttons, modal, detail) so the integration suite can assert what a person
 * sees, in the language the host runs in.
 */
export type MessageSeverity = 'info' | 'warning' | 'error';

export interface ShownMessage {
  readonly severity: MessageSeverity;
  readonly text: string;
  readonly buttons: readonly string[];
  readonly modal: boolean;
  readonly detail?: string;
}

/** What tests read: the messages shown since the last clear(), oldest first. */
export interface MessageLog {
  readonly shown: readonly ShownMessage[];
  clear(): void;
}

let recording: ShownMessage[] | undefined;

/** Starts recording (test mode only); returns the log the testing API exposes. */
export function recordMessages(): MessageLog {
  const shown: ShownMessage[] = [];
  recording = shown;
  return {
    shown,
    clear: () => {
      shown.length = 0;
    },
  };
}

type Rest = [options: vscode.MessageOptions, ...items: string[]] | string[];

function show(severity: MessageSeverity, message: string, rest: Rest): Thenable<string | undefined> {
  const [first, ...others] = rest;
  const options = typeof first === 'object' && first !== null ? first : undefined;
  const items = (options ? others : rest) as string[];
  recording?.push({ severity, text: message, buttons: [...items], modal: Boolean(options?.modal), ...(options?.detail !== undefined ? { detail: options.detail } : {}) });
  const fn = severity === 'info' ? vscode.window.showInformationMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  return options ? fn(message, options, ...items) : fn(message, ...items);
}

export function showInformation(message: string, ...rest: Rest): Thenable<string | undefined> {
  return show('info', message, rest);
}

export function showWarning(message: string, ...rest: Rest): Thenable<string | undefined> {
  return show('warning', message, rest);
}

export function showError(message: string, ...rest: Rest): Thenable<string | undefined> {
  return show('error', message, rest);
}
