// The same integration suite in desktop VS Code through @vscode/test-electron, for machines
// that can download VS Code (a laptop, a public CI). The CI machines of this project cannot:
// there, `npm run test:integration` runs the suite in code-server instead.
//
// Environment:
//   VSCODE_TEST_VERSION   VS Code to download: 'stable' (default), 'insiders' or e.g. '1.100.3'
//   VSCODE_EXECUTABLE     use this VS Code instead of downloading one
import * as path from 'node:path';
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import { freshCopy, lockRun, repoRoot } from './codeServer';

async function main(): Promise<number> {
  lockRun('electron');
  const workspace = freshCopy(path.join(repoRoot, 'test', 'fixtures', 'workspace'), 'electron-ws');
  const version = process.env.VSCODE_TEST_VERSION ?? 'stable';
  const executable = process.env.VSCODE_EXECUTABLE;
  try {
    return await runTests({
      ...(executable ? { vscodeExecutablePath: executable } : { version }),
      cachePath: path.join(repoRoot, '.vscode-test'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'suite', 'index'),
      extensionTestsEnv: { FLUX_TEST_WORKSPACE: workspace, FLUX_TEST_RUNNER: 'electron' },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      timeout: 60_000,
    });
  } catch (err) {
    if (err instanceof TestRunFailedError) {
      process.stderr.write(`\nIntegration tests failed in VS Code (exit ${String(err.code ?? err.signal)}).\n`);
      return typeof err.code === 'number' && err.code !== 0 ? err.code : 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `\nCould not download or start VS Code ${executable ?? version} with @vscode/test-electron:\n  ${message}\n\n` +
        'This needs access to update.code.visualstudio.com (or VSCODE_EXECUTABLE pointing to an installed VS Code).\n' +
        'Without it, run the same suite in code-server: npm run test:integration\n',
    );
    return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`Electron run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
