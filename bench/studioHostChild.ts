// Figure 5, host side, in a fresh Node process:
//   node out/bench/studioHostChild.js BUNDLE WEBVIEW_ORIGIN WORKSPACE STATE_JSON OUT_JSON
// Activates the production bundle through the `vscode` stand-in with the given workspace state
// (the Studio's history), runs `flux.openStudio`, plays the webview's `ready`, and prints
// into OUT_JSON the page HTML, the messages the host posted, and how long each step took.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as stub from './vscodeStub';

export interface StudioHostResult {
  readonly html: string;
  /** Every message the host posted after `ready`, in order. */
  readonly posted: unknown[];
  /** flux.openStudio until it returned (the panel's HTML is set by then). */
  readonly openMs: number;
  /** `ready` received until the host had posted `init`. */
  readonly initMs: number;
}

async function main(): Promise<void> {
  const [bundle, origin, workspace, stateFile, outFile] = process.argv.slice(2) as [string, string, string, string, string];
  stub.installVscodeStub(bundle);
  stub.stubState.webviewOrigin = origin;
  stub.stubState.workspaceFolder = workspace;
  const root = path.resolve(path.dirname(bundle), '..');
  const extension = createRequire(__filename)(bundle) as { activate(context: unknown): unknown };
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
  await extension.activate(stub.makeContext(root, 'sk-bench-0123456789abcdef', state));
  const t0 = performance.now();
  await stub.commands.executeCommand('flux.openStudio');
  const t1 = performance.now();
  const panel = stub.stubState.panels[0];
  if (!panel) throw new Error('flux.openStudio created no webview panel');
  const before = panel.posted.length;
  const t2 = performance.now();
  for (const listener of [...panel.receive]) await listener({ type: 'ready' });
  // The host may post asynchronously: wait until `init` is out (or give up after 5 s).
  const isInit = (m: { message: unknown }) => (m.message as { type?: string } | undefined)?.type === 'init';
  for (let waited = 0; !panel.posted.slice(before).some(isInit) && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
  const init = panel.posted.slice(before).find(isInit);
  const result: StudioHostResult = {
    html: panel.html,
    posted: panel.posted.slice(before).map((p) => p.message),
    openMs: t1 - t0,
    initMs: (init?.at ?? Number.NaN) - t2,
  };
  fs.writeFileSync(outFile, JSON.stringify(result));
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
