// Marks mocha's reporter output while the suite runs under code-server. There the workbench
// forwards the extension host's console and its own log through one channel
// (codeAutomationLog) with nothing to tell them apart, and VS Code locks the host's console
// methods (non-configurable properties), so the tag goes on the reporter's lines instead.
import { format } from 'node:util';

export const HOST_CONSOLE_TAG = '\u2063flux-test\u2063';

/** A console.log for mocha's reporters that prefixes each (preformatted) line with the tag. */
export function taggedLog(...args: unknown[]): void {
  // One string: the workbench drops messages whose first argument is not a string.
  console.log(`${HOST_CONSOLE_TAG}${format(...args)}`);
}
