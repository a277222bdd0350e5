// The linked save against the plain save of the same bytes, in the real extension host: starts
// the integration harness with bench/hostSaveSuite as its tests module and reads its figures.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makePng } from '../test/fake/png';
import { HOST_SAVE_SIZES } from './hostSaveSizes';
import { run } from './stats';

export interface HostSaveResult {
  readonly size: string;
  readonly bytes: number;
  readonly plain: readonly number[];
  readonly linked: readonly number[];
}

export async function hostSaveBench(root: string, log: (line: string) => void): Promise<{ results: HostSaveResult[]; unresponsive: number }> {
  const images = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-bench-images-'));
  for (const size of HOST_SAVE_SIZES) fs.writeFileSync(path.join(images, size.file), makePng(size.width, size.height, { style: 'photo', seed: 7 }));
  log('host save: starting code-server with the bench suite…');
  const result = await run(process.execPath, [path.join(root, 'out', 'test', 'harness', 'runIntegration.js')], {
    cwd: root,
    env: { ...process.env, FLUX_TESTS_MODULE: path.join('out', 'bench', 'hostSaveSuite'), FLUX_TEST_TIMEOUT_MS: '600000', FLUX_BENCH_IMAGES: images },
  }).finally(() => fs.rmSync(images, { recursive: true, force: true }));
  const results = [...result.stdout.matchAll(/hostSave:(\{.*\})/g)].map((m) => JSON.parse(m[1]!) as HostSaveResult);
  const unresponsive = Number(/Extension host unresponsive warnings: (\d+)/.exec(result.stdout)?.[1] ?? NaN);
  if (result.code !== 0 || results.length === 0) throw new Error(`the host save bench failed (exit ${result.code}):\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
  return { results, unresponsive };
}
