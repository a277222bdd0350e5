// Runs the fake service until SIGINT/SIGTERM, for trying the extension by hand or from scripts:
//   node out/test/fake/cli.js [--port N] [--photo] [--delay MS] [--shape b64|url|alternate]
// Prints exactly one line on stdout, `FAKE_SERVICE_URL=http://127.0.0.1:PORT`; the rest goes to stderr.
import { FakeService } from './fakeService';
import type { FakeServiceOptions } from './fakeService';

function parseArgs(argv: readonly string[]): FakeServiceOptions {
  let port: number | undefined;
  let delayMs: number | undefined;
  let photo = false;
  let shape: FakeServiceOptions['defaultShape'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--port') port = intArg(arg, value());
    else if (arg === '--delay') delayMs = intArg(arg, value());
    else if (arg === '--photo') photo = true;
    else if (arg === '--shape') {
      const v = value();
      if (v !== 'b64' && v !== 'url' && v !== 'alternate') throw new Error('--shape takes b64, url or alternate');
      shape = v;
    } else throw new Error(`unknown argument ${arg}`);
  }
  return { port, delayMs, imageStyle: photo ? 'photo' : 'gradient', defaultShape: shape };
}

function intArg(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} takes a non-negative integer, not ${text}`);
  return n;
}

async function main(): Promise<void> {
  let options: FakeServiceOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: node out/test/fake/cli.js [--port N] [--photo] [--delay MS] [--shape b64|url|alternate]\n`);
    process.exit(2);
  }
  const fake = await FakeService.start(options);
  process.stdout.write(`FAKE_SERVICE_URL=${fake.baseUrl}\n`);
  process.stderr.write(
    `fake image service: ${fake.baseUrl} (image URLs on ${fake.otherHostBaseUrl}); any key starting with sk- works.\n` +
      'Prompt directives: [url] [b64] [slow] [moderated] [quota] [429] [500] [garbage] [hang] [reset] [truncated] [expired] [huge]\n',
  );
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
