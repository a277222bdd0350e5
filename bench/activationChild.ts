// Figure 4, in a fresh Node process each time:
//   node out/bench/activationChild.js BUNDLE [BASE_URL]
// Installs the `vscode` stand-in, then times require(BUNDLE) and activate(context) apart, and
// records which Node built-ins and which of dist/'s bundles it pulled in, and whether undici ran (undici sets its
// global dispatcher, Symbol.for('undici.globalDispatcher.1'), when its module is evaluated).
// With BASE_URL, it then runs `flux.generateImage` twice against that service, timing the
// first (which loads the HTTP client) and the second. Prints one JSON line.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as stub from './vscodeStub';

export interface ActivationRun {
  readonly requireMs: number;
  readonly activateMs: number;
  readonly undiciAtActivation: boolean;
  readonly builtinsAtActivation: string[];
  /** The files of the bundle's folder loaded by then (dist/extension.js alone, when the features wait for their first use). */
  readonly bundlesAtActivation: string[];
  readonly commands: string[];
  readonly firstCommandMs?: number;
  readonly secondCommandMs?: number;
  readonly undiciAfterCommand?: boolean;
  readonly builtinsAfterCommand?: string[];
  readonly bundlesAfterCommand?: string[];
  readonly commandWrote?: boolean;
  readonly messages?: string[];
}

const UNDICI_MARK = Symbol.for('undici.globalDispatcher.1');

/** `dist/extension.js`, `dist/features.js`…: the loaded modules of the bundle's own folder. */
function loadedBundles(bundle: string): string[] {
  const dir = path.dirname(bundle);
  return Object.keys(require.cache)
    .filter((f) => path.dirname(f) === dir)
    .map((f) => `${path.basename(dir)}/${path.basename(f)}`)
    .sort();
}

async function main(): Promise<void> {
  const [bundle, baseUrl] = process.argv.slice(2) as [string, string | undefined];
  const root = path.resolve(path.dirname(bundle), '..');
  const { builtins } = stub.installVscodeStub(bundle);

  const t0 = performance.now();
  const extension = createRequire(__filename)(bundle) as { activate(context: unknown): unknown };
  const t1 = performance.now();
  const context = stub.makeContext(root, 'sk-bench-0123456789abcdef');
  await extension.activate(context);
  const t2 = performance.now();
  const result: ActivationRun = {
    requireMs: t1 - t0,
    activateMs: t2 - t1,
    undiciAtActivation: UNDICI_MARK in globalThis,
    builtinsAtActivation: [...builtins].sort(),
    bundlesAtActivation: loadedBundles(bundle),
    commands: [...stub.stubState.commands.keys()].sort(),
  };
  if (!baseUrl) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-bench-act-'));
  try {
    stub.stubState.workspaceFolder = workspace;
    stub.stubState.config['flux.baseUrl'] = baseUrl;
    const generate = () => stub.commands.executeCommand('flux.generateImage', { prompt: 'A lighthouse at dusk' });
    const c0 = performance.now();
    await generate();
    const c1 = performance.now();
    await generate();
    const c2 = performance.now();
    const written = fs.readdirSync(path.join(workspace, 'assets')).filter((f) => f.endsWith('.png'));
    process.stdout.write(
      `${JSON.stringify({
        ...result,
        firstCommandMs: c1 - c0,
        secondCommandMs: c2 - c1,
        undiciAfterCommand: UNDICI_MARK in globalThis,
        builtinsAfterCommand: [...builtins].sort(),
        bundlesAfterCommand: loadedBundles(bundle),
        commandWrote: written.length === 2,
        messages: stub.stubState.messages,
      } satisfies ActivationRun)}\n`,
    );
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
