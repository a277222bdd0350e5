// Figure 4: activation cost (fresh Node processes with the `vscode` stand-in), the lazily
// loaded HTTP client, and the size of dist/ and of the .vsix.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ActivationRun } from './activationChild';
import { run } from './stats';
import { LANGUAGE_IDS } from '../src/core/documents/types';
import { VSCE_PACKAGE_ARGS } from '../test/harness/vsix';

/**
 * Runs the activation child for each bundle in turn, `rounds` times after two warm-ups (the
 * page cache then holds the files, as it does for a real start). Interleaved, so a noisy
 * moment hits every bundle alike. With `baseUrl`, each run also times two generate commands.
 */
export async function activationBench(bundles: readonly string[], rounds: number, baseUrl: string | undefined, log: (line: string) => void): Promise<ActivationRun[][]> {
  const child = path.join(__dirname, 'activationChild.js');
  const runs: ActivationRun[][] = bundles.map(() => []);
  for (let i = 0; i < rounds + 2; i++) {
    for (const [k, bundle] of bundles.entries()) {
      const r = await run(process.execPath, [child, bundle, ...(baseUrl ? [baseUrl] : [])]);
      if (r.code !== 0) throw new Error(`activation child failed for ${bundle}: ${r.stderr}`);
      if (i >= 2) runs[k]!.push(JSON.parse(r.stdout) as ActivationRun);
    }
  }
  for (const [k, bundle] of bundles.entries()) {
    const what = baseUrl ? (x: ActivationRun) => `${x.firstCommandMs!.toFixed(0)}/${x.secondCommandMs!.toFixed(0)}` : (x: ActivationRun) => (x.requireMs + x.activateMs).toFixed(1);
    log(`  ${baseUrl ? 'first/second generate' : 'activation'} ${bundle}: ${runs[k]!.map(what).join(' ')} ms`);
  }
  return runs;
}

/**
 * The floor for activation: the least an extension with these contributions does when it is
 * activated (each contributed command, a hover and a code action provider for the document
 * languages, the Studio's serializer, all doing nothing), as one small file beside the
 * project's `dist/`. Timed in the same processes and rounds as the real bundle, so the ratio
 * holds on a busy machine where the milliseconds do not.
 */
export function writeActivationFloor(root: string): string {
  const dir = path.join(root, '.bench-floor');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'extension.js');
  fs.writeFileSync(
    file,
    `"use strict";
const vscode = require("vscode");
exports.activate = function (context) {
  const contributes = context.extension.packageJSON.contributes || {};
  const none = () => undefined;
  for (const c of contributes.commands || []) context.subscriptions.push(vscode.commands.registerCommand(c.command, none));
  const selector = ${JSON.stringify(LANGUAGE_IDS.map((language) => ({ language })))};
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(selector, { provideHover: none }),
    vscode.languages.registerCodeActionsProvider(selector, { provideCodeActions: none }),
    vscode.window.registerWebviewPanelSerializer("flux.studio", { deserializeWebviewPanel: none }),
  );
  return {};
};
`,
  );
  return file;
}

export interface Sizes {
  readonly bundle: number;
  readonly distFiles: { name: string; bytes: number }[];
  readonly vsix?: number;
  readonly vsixFiles?: { name: string; bytes: number }[];
  readonly vsixError?: string;
}

export async function measureSizes(root: string, log: (line: string) => void): Promise<Sizes> {
  const dist = path.join(root, 'dist');
  const distFiles = fs.readdirSync(dist).map((name) => ({ name: `dist/${name}`, bytes: fs.statSync(path.join(dist, name)).size }));
  const bundle = fs.statSync(path.join(dist, 'extension.js')).size;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-bench-vsix-'));
  try {
    const vsix = path.join(tmp, 'flux-vscode.vsix');
    log(`  packaging the .vsix (vsce package ${VSCE_PACKAGE_ARGS.join(' ')})…`);
    const vsce = path.join(__dirname, '..', '..', 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
    const tail = (r: { stdout: string; stderr: string }) => (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ');
    const r = await run(vsce, ['package', ...VSCE_PACKAGE_ARGS, '--out', vsix], { cwd: root });
    if (r.code !== 0 || !fs.existsSync(vsix)) return { bundle, distFiles, vsixError: tail(r) };
    return { bundle, distFiles, vsix: fs.statSync(vsix).size, vsixFiles: zipEntries(fs.readFileSync(vsix)) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Names and uncompressed sizes from a zip's central directory (no unzip needed). */
export function zipEntries(zip: Buffer): { name: string; bytes: number }[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return [];
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: { name: string; bytes: number }[] = [];
  for (let i = 0; i < count && zip.readUInt32LE(at) === 0x02014b50; i++) {
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    out.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), bytes: size });
    at += 46 + nameLength + extra + comment;
  }
  return out;
}
