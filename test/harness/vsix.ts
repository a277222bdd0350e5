// Packages the built extension with vsce, as a user would get it. The extension bundles its
// dependencies with esbuild, so --no-dependencies; vsce needs no network for that.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './codeServer';

/**
 * The arguments of `npm run package` after `vsce package`. The repository URL is a placeholder
 * until the project is published, so README's relative links (the pictures) stay relative
 * (they work in VS Code's extension page, which reads them from the package).
 */
export const VSCE_PACKAGE_ARGS: readonly string[] = ['--no-dependencies', '--no-rewrite-relative-links'];

export function packageExtension(outFile: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main?: string };
  if (pkg.main && !fs.existsSync(path.join(repoRoot, pkg.main))) {
    throw new Error(`${pkg.main} is missing: build the extension first (node esbuild.js).`);
  }
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.rmSync(outFile, { force: true });
  const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
  const result = spawnSync(vsce, ['package', ...VSCE_PACKAGE_ARGS, '--out', outFile], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // no stdin: a question from vsce fails instead of hanging
    timeout: 120_000,
  });
  if (result.status !== 0 || !fs.existsSync(outFile)) {
    throw new Error(
      `vsce package failed (exit ${String(result.status ?? result.error?.message)}):\n${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
  }
  return outFile;
}
