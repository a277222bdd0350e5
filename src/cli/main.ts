// The `flux-docs` executable: wires run() to the process. Ctrl+C stops new requests and aborts
// those in flight; the run then removes its temporary files and exits 130. A second Ctrl+C
// removes them at once and exits.
import { redact } from '../core/errors';
import { EXIT_INTERRUPTED } from './args';
import { run } from './run';

const interrupt = new AbortController();
let temps: { removeAllNow(): void } | undefined;
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) {
    temps?.removeAllNow();
    process.exit(EXIT_INTERRUPTED);
  }
  process.stderr.write('\nflux-docs: stopping (Ctrl+C again to stop at once)…\n');
  interrupt.abort();
});
process.on('exit', () => temps?.removeAllNow());

run({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  interrupt: interrupt.signal,
  onTemps: (t) => (temps = t),
}).then(
  // Exit at once: stdout and stderr are synchronous for files and pipes on POSIX, and a socket
  // left to close by itself must not keep a CI job waiting.
  (code) => process.exit(code),
  (err: unknown) => {
    // A bug of ours: its stack, with nothing secret in it, and exit 2 is not claimed for it.
    let said = err instanceof Error ? (err.stack ?? err.message) : String(err);
    for (const key of [process.env.FLUX_API_KEY, process.env.BFL_API_KEY]) said = redact(said, key);
    process.stderr.write(`flux-docs: internal error: ${said}\n`);
    process.exit(70);
  },
);
