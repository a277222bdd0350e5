// The fake service in its own process, so the server's work (building a 4 MB JSON answer) runs
// on its own core and never shares an event loop with a contender. Every request gets the SAME
// photographic 1024x1024 PNG, whatever size and seed it asked for: the Python reference asks
// for 16x9 and seed -1 and must still receive the same bytes as everyone else.
//   node out/bench/fakeProcess.js [delayMs]      (controlled over the IPC channel; see FakeControl)
import { createHash } from 'node:crypto';
import { FakeService } from '../test/fake/fakeService';
import { makePng } from '../test/fake/png';

export type FakeCommand = { cmd: 'shape'; shape: 'b64' | 'url' } | { cmd: 'stats' } | { cmd: 'reset' };

export interface FakeReady {
  readonly type: 'ready';
  readonly baseUrl: string;
  readonly otherHostBaseUrl: string;
  readonly imageBytes: number;
  readonly imageSha256: string;
  readonly width: number;
  readonly height: number;
}

export interface FakeStats {
  readonly maxConcurrent: number;
  readonly generationRequests: number;
  readonly fileRequests: number;
}

const BENCH_SEED = 4242;
const QUEUE_DEPTH = 256;

async function main(): Promise<void> {
  const delayMs = Number(process.argv[2] ?? 0);
  const image = makePng(1024, 1024, { seed: 7, style: 'photo' });
  const fake = await FakeService.start({ imageStyle: 'photo', delayMs, directives: false });
  let shape: 'b64' | 'url' = 'b64';
  const fill = (): void => {
    while (fake.pendingBehaviours < QUEUE_DEPTH) fake.enqueue({ kind: shape, image, seed: BENCH_SEED });
  };
  fill();
  // Keeps the queue full between commands; a request takes one behaviour.
  setInterval(fill, 20).unref();

  process.on('message', (raw: { id: number } & FakeCommand) => {
    let reply: unknown = {};
    if (raw.cmd === 'shape') {
      shape = raw.shape;
      fake.reset();
      fill();
    } else if (raw.cmd === 'reset') {
      fake.reset();
      fill();
    } else if (raw.cmd === 'stats') {
      reply = { maxConcurrent: fake.maxConcurrent, generationRequests: fake.generationRequests.length, fileRequests: fake.fileRequests.length } satisfies FakeStats;
    }
    process.send!({ id: raw.id, ...(reply as object) });
  });
  process.on('disconnect', () => {
    void fake.close().then(() => process.exit(0));
  });
  const ready: FakeReady = {
    type: 'ready',
    baseUrl: fake.baseUrl,
    otherHostBaseUrl: fake.otherHostBaseUrl,
    imageBytes: image.length,
    imageSha256: createHash('sha256').update(image).digest('hex'),
    width: 1024,
    height: 1024,
  };
  process.send!(ready);
}

if (require.main === module) void main();
