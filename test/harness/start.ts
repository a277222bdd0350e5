// `npm start`: code-server on 127.0.0.1 with the packaged extension installed (as a user gets
// it) and a copy of sample/ open, pointed at the local fake image service, until Ctrl+C.
//
//   npm start                 fake service (any key that starts with "sk-" is accepted)
//   npm start -- --real       no fake: flux.baseUrl stays at its default, use a real key
//   PORT=9000 npm start       fixed port (default 8080, or a free one when 8080 is taken)
import * as net from 'node:net';
import * as path from 'node:path';
import { FakeService } from '../fake/fakeService';
import { freePort, freshCopy, lockRun, repoRoot, runRoot, startCodeServer } from './codeServer';
import { packageExtension } from './vsix';

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function choosePort(): Promise<number> {
  const wanted = Number(process.env.PORT ?? 8080);
  return (await portIsFree(wanted)) ? wanted : freePort();
}

async function main(): Promise<void> {
  const real = process.argv.includes('--real');
  lockRun('start');
  const vsix = packageExtension(path.join(runRoot, 'flux-vscode-start.vsix'));
  const workspace = freshCopy(path.join(repoRoot, 'sample'), 'sample-ws');

  // ---- Hook: the fake image service. -------------------------------------------------------
  // Started here, in this process, and put into the user settings as flux.baseUrl so the
  // installed extension talks to it. Prompt directives such as [slow], [url] or [quota] pick
  // its behaviour (see test/fake/fakeService.ts).
  const fake = real ? undefined : await FakeService.start();
  const userSettings: Record<string, unknown> = fake ? { 'flux.baseUrl': fake.baseUrl } : {};
  // ---- End of hook. ------------------------------------------------------------------------

  const server = await startCodeServer({
    name: 'start',
    workspace,
    installVsix: vsix,
    userSettings,
    port: await choosePort(),
  });

  const lines = [
    '',
    `  Flux for VS Code is running: ${server.workbenchUrl}`,
    `  Workspace: ${path.relative(repoRoot, workspace)} (a fresh copy of sample/)`,
    fake
      ? `  Image service: fake at ${fake.baseUrl}; run "Flux: Set API Key" with any key that starts with sk-`
      : '  Image service: the real one (flux.baseUrl default); run "Flux: Set API Key" with your key',
    `  Logs: ${path.relative(repoRoot, server.dirs.logFile)}`,
    '  Press Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');

  const reason = await Promise.race([
    new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('stopping'));
      process.once('SIGTERM', () => resolve('stopping'));
    }),
    server.exited.then((code) => `code-server exited (${String(code)}); see ${server.dirs.logFile}`),
  ]);
  process.stdout.write(`\n${reason}\n`);
  await server.stop();
  await fake?.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`npm start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
