// Figure 1: pipeline time per image against the floor, curl and the Python reference.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FakeControl } from './fake';
import { curl, curlStartup, floor, ours, python, pythonStartup, referenceScript } from './pipeline';
import type { Outcome, Shape } from './pipeline';

export type Contender = 'floor' | 'ours' | 'curl' | 'python';

export interface PipelineResult {
  readonly shape: Shape;
  /** Per measured round, per contender, in ms. Python is absent for url answers. */
  readonly times: Record<Contender, number[]>;
  readonly pythonStartup: number[];
  readonly curlStartup: number[];
}

export interface PipelineOptions {
  readonly warmup: number;
  readonly rounds: number;
  readonly docPath: string;
  /** False when python3 or curl is not installed: that contender is left out. */
  readonly python: boolean;
  readonly curl: boolean;
  readonly log: (line: string) => void;
}

export async function pipelineBench(fake: FakeControl, shape: Shape, options: PipelineOptions): Promise<PipelineResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `flux-bench-${shape}-`));
  try {
    const script = path.join(dir, 'reference.py');
    if (options.python) await writeFile(script, referenceScript(await readFile(options.docPath, 'utf8'), fake.baseUrl));
    await fake.setShape(shape);
    // The documented script only saves b64_json answers: for url answers it has nothing to compare.
    const contenders: Contender[] = ['floor', 'ours'];
    if (options.curl) contenders.push('curl');
    if (options.python && shape === 'b64') contenders.push('python');
    const runOne = (c: Contender): Promise<Outcome> => {
      switch (c) {
        case 'floor':
          return floor(fake.baseUrl, dir, shape);
        case 'ours':
          return ours(fake.baseUrl, path.join(dir, 'assets'));
        case 'curl':
          return curl(fake.baseUrl, dir, shape);
        case 'python':
          return python(script, dir);
      }
    };
    const times: Record<Contender, number[]> = { floor: [], ours: [], curl: [], python: [] };
    const pyStart: number[] = [];
    const curlStart: number[] = [];
    for (let round = 0; round < options.warmup + options.rounds; round++) {
      const measured = round >= options.warmup;
      // Rotate the order each round, so no contender always runs right after the same one.
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
      for (const c of order) {
        const outcome = await runOne(c);
        await check(c, shape, outcome.file, fake);
        await rm(outcome.file, { force: true });
        if (measured) times[c].push(outcome.ms);
      }
      if (measured && contenders.includes('python')) pyStart.push(await pythonStartup());
      if (measured && options.curl) curlStart.push(await curlStartup());
      options.log(`  ${shape} round ${round + 1}/${options.warmup + options.rounds}${measured ? '' : ' (warm-up)'}: ${order.map((c) => `${c} ${times[c].at(-1)?.toFixed(1) ?? '-'}`).join(', ')}`);
    }
    return { shape, times, pythonStartup: pyStart, curlStartup: curlStart };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What each contender left must be what the service sent: the image itself, or its JSON answer. */
async function check(c: Contender, shape: Shape, file: string, fake: FakeControl): Promise<void> {
  const bytes = await readFile(file);
  const leftJson = shape === 'b64' && (c === 'floor' || c === 'curl');
  if (leftJson) {
    const answer = JSON.parse(bytes.toString('utf8')) as { data: { b64_json: string }[] };
    if (Buffer.from(answer.data[0]!.b64_json, 'base64').length !== fake.info.imageBytes) throw new Error(`${c}: the answer does not hold the image`);
    return;
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== fake.info.imageSha256) throw new Error(`${c} (${shape}): the file on disk is not the image the service sent (${bytes.length} bytes)`);
}
