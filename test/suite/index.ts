// Entry point VS Code calls inside the extension host (extensionTestsPath = out/test/suite/index).
// Runs every out/test/suite/**/*.test.js with mocha; the runners (code-server or
// @vscode/test-electron) only need this `run()`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { timeHooks } from '../harness/hookTimes';
import { taggedLog } from './hostConsole';

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * Tests titled with a pass's tag ("@zh-cn": VS Code in Chinese; "@multi-root": two workspace
 * folders; "@untrusted": Restricted Mode) run only in the runner's pass of that name
 * (FLUX_TEST_PASS), every other test only in the plain pass. FLUX_TEST_GREP (a regular
 * expression) narrows any pass to matching titles.
 */
const PASS_TAGS = ['zh-cn', 'multi-root', 'untrusted'] as const;

function testFilter(grep: string | undefined, pass: string | undefined): RegExp {
  const only = pass && (PASS_TAGS as readonly string[]).includes(pass) ? `(?=.*@${pass}\\b)` : PASS_TAGS.map((t) => `(?!.*@${t}\\b)`).join('');
  return new RegExp(`^${only}${grep ? `(?=.*(?:${grep}))` : ''}`);
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: 60_000,
    grep: testFilter(process.env.FLUX_TEST_GREP, process.env.FLUX_TEST_PASS),
  });
  for (const file of findTests(__dirname)) mocha.addFile(file);
  // Reporters print through Base.consoleLog (console.log as it was when mocha loaded).
  const reporterLog = Mocha.reporters.Base.consoleLog;
  if (process.env.FLUX_TEST_RUNNER === 'code-server') Mocha.reporters.Base.consoleLog = taggedLog;
  try {
    await mocha.loadFilesAsync();
    await new Promise<void>((resolve, reject) => {
      const runner = mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} test${failures === 1 ? '' : 's'} failed.`));
        else resolve();
      });
      timeHooks(runner, (line) => Mocha.reporters.Base.consoleLog(line));
    });
  } finally {
    Mocha.reporters.Base.consoleLog = reporterLog;
  }
}
