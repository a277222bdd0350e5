// Runs inside the real extension host (code-server), started by bench/hostSaveBench.ts through
// the integration harness (FLUX_TESTS_MODULE=out/bench/hostSaveSuite). Measures the image store
// and the link inserter directly: a plain save (temporary file, checked, renamed) against a
// linked save (the same, with the rename and the link in one WorkspaceEdit) of the same bytes.
// Prints one JSON line tagged `hostSave:` per figure.
import * as vscode from 'vscode';
import type { TestingApi } from '../src/extension';
import { taggedLog } from '../test/suite/hostConsole';
import { HOST_SAVE_SIZES } from './hostSaveSizes';


export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<{ testing?: TestingApi }>('flux-vscode.flux-vscode');
  const api = (await ext?.activate())?.testing;
  if (!api) throw new Error('the extension exposes its testing hook only in test mode');
  const { files, links, places: tracker } = api.services;
  const root = vscode.workspace.workspaceFolders![0]!.uri;
  const folder = vscode.Uri.joinPath(root, 'bench-assets');
  const images = process.env.FLUX_BENCH_IMAGES;
  if (!images) throw new Error('FLUX_BENCH_IMAGES is not set');
  // Warm the host first (the first editor, VS Code's own extensions starting), then measure.
  const warm = vscode.Uri.joinPath(root, 'warm-up.md');
  await vscode.workspace.fs.writeFile(warm, Buffer.from('warm up\n'));
  await vscode.window.showTextDocument(warm);
  await new Promise((r) => setTimeout(r, 3000));
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  taggedLog('measuring:start');
  for (const size of HOST_SAVE_SIZES) {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(`${images}/${size.file}`));
    const plain: number[] = [];
    const linked: number[] = [];
    for (let round = 0; round < size.rounds + 1; round++) {
      // Alternating, so drift in the machine's load falls on both alike; round 0 warms up.
      const t0 = performance.now();
      await files.saveAlone({ bytes, extension: '.png', prompt: 'plain save' }, folder);
      const t1 = performance.now();
      const uri = vscode.Uri.joinPath(root, `bench-${round}.md`);
      await vscode.workspace.fs.writeFile(uri, Buffer.from('A sentence about the harbour.\n'));
      const editor = await vscode.window.showTextDocument(uri);
      const places = tracker.scope();
      const anchor = places.at(editor.document, editor.document.lineAt(0).range.end);
      const t2 = performance.now();
      const reservation = await files.reserve(folder, 'linked save', '.png');
      const temp = await files.writeTemp(folder, bytes);
      const outcome = await links.insert({ document: editor.document, anchor, mode: 'afterBlock', link: `![x](bench-assets/${reservation.uri.path.split('/').pop()})`, file: { temp, target: reservation.uri } });
      reservation.release();
      const t3 = performance.now();
      places.dispose();
      if (!outcome.linked) throw new Error(`the link was not placed (${outcome.reason})`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      if (round > 0) {
        plain.push(t1 - t0);
        linked.push(t3 - t2);
      }
    }
    taggedLog(`hostSave:${JSON.stringify({ size: size.name, bytes: bytes.length, plain, linked })}`);
  }
  await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false });
}
