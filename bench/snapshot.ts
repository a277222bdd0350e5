// A private copy of the project, built for production, for the activation, size and Studio
// figures: what they measure cannot change under the benchmark's feet when someone rebuilds
// dist/ (a development build is twice the size) while it runs, and packaging never writes
// into the working tree. The copy is the working tree minus what git and .vscodeignore never
// ship from a fresh checkout (node_modules, .git, out, dist, media/build, test runners' caches).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from './stats';

const SKIP = new Set(['node_modules', '.git', 'out', 'dist', '.vscode-test', 'test-artifacts', '.run']);

export interface Snapshot {
  readonly dir: string;
  readonly bundle: string;
  dispose(): void;
}

export async function makeSnapshot(root: string, log: (line: string) => void): Promise<Snapshot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-bench-snapshot-'));
  fs.cpSync(root, dir, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(root, src);
      if (!rel) return true;
      const top = rel.split(path.sep)[0]!;
      return !SKIP.has(top) && rel !== path.join('media', 'build') && !rel.endsWith('.vsix');
    },
  });
  // Building needs esbuild and undici; the link goes again before packaging.
  const modules = path.join(dir, 'node_modules');
  fs.symlinkSync(path.join(root, 'node_modules'), modules, 'dir');
  log(`  snapshot: building for production in ${dir}`);
  const r = await run(process.execPath, ['esbuild.js', '--production'], { cwd: dir });
  const bundle = path.join(dir, 'dist', 'extension.js');
  if (r.code !== 0 || !fs.existsSync(bundle)) throw new Error(`the production build failed: ${r.stderr || r.stdout}`);
  return {
    dir,
    bundle,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
