// Entry point VS Code calls inside the extension host (extensionTestsPath = out/test/suite/index).
// Runs every out/test/suite/**/*.test.js with mocha; the runners (code-server or
// @vscode/test-electron) only need this `run()`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { taggedLog } from './hostConsole';

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * Tests titled "@zh-cn" need the host's display language to be Chinese: they run only in the
 * runner's zh-cn pass (FLUX_TEST_LOCALE=zh-cn), every other test only in the English one.
 * FLUX_TEST_GREP (a regular expression) narrows either to matching titles.
 */
function testFilter(grep: string | undefined, locale: string | undefined): RegExp {
  const pass = locale === 'zh-cn' ? '(?=.*@zh-cn)' : '(?!.*@zh-cn)';
  return new RegExp(`^${pass}${grep ? `(?=.*(?:${grep}))` : ''}`);
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: 60_000,
    grep: testFilter(process.env.FLUX_TEST_GREP, process.env.FLUX_TEST_LOCALE),
  });
  for (const file of findTests(__dirname)) mocha.addFile(file);
  // Reporters print through Base.consoleLog (console.log as it was when mocha loaded).
  const reporterLog = Mocha.reporters.Base.consoleLog;
  if (process.env.FLUX_TEST_RUNNER === 'code-server') Mocha.reporters.Base.consoleLog = taggedLog;
  try {
    await mocha.loadFilesAsync();
    await new Promise<void>((resolve, reject) => {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} test${failures === 1 ? '' : 's'} failed.`));
        else resolve();
      });
    });
  } finally {
    Mocha.reporters.Base.consoleLog = reporterLog;
  }
}
