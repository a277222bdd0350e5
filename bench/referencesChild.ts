// One FLUX.2 request with 8 references of 4 MB, in a fresh Node process so nothing else lives in
// its heap:
//   node --expose-gc out/bench/referencesChild.js BASE_URL dmxapi|bfl ours|floor REFS_DIR RUNS
// ours   reads the 8 files, then the provider (submit streamed from nativeBody, poll, download)
// floor  reads the 8 files, builds the whole JSON body in memory, then one bare undici POST with
//        the same headers to the same server (the time to the first byte of a body already held)
// For each run: the memory (memorySampler.ts, the files' reading included) and the time from the
// call to the server's first body byte. Prints one JSON line: ChildRun.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Agent, request } from 'undici';
import { providerFor } from '../src/core/providers';
import { nativeBody } from '../src/core/providers/native';
import { checkModelRequest } from '../src/core/models';
import type { ImageRequest, ProviderId } from '../src/core/providers/types';
import { measureMemory } from './memorySampler';
import type { MemoryRun } from './memorySampler';
import { now } from './referencesServer';

export const REFS_MODEL = 'flux-2-pro';

export interface ChildRun {
  readonly memory: MemoryRun[];
  /** ms from the call to the first body byte at the server, per run (warm-up excluded). */
  readonly ttfbMs: number[];
  /** The body's length as sent (content-length). */
  readonly bodyBytes: number;
}

async function main(): Promise<void> {
  const [baseUrl, provider, who, dir, runsText] = process.argv.slice(2) as [string, ProviderId, 'ours' | 'floor', string, string];
  const files = readdirSync(dir).sort().map((n) => path.join(dir, n));
  const dispatcher = new Agent();
  const settings = { baseUrl: provider === 'dmxapi' ? `${baseUrl}/v1` : baseUrl, apiKey: 'bench-key-refs', timeoutMs: 120_000, dispatcher, pollIntervalMs: 50 };
  const ttfb: number[] = [];
  let bodyBytes = 0;
  const once = async (): Promise<void> => {
    const references = await Promise.all(files.map(async (f) => ({ bytes: await readFile(f), name: path.basename(f), mime: 'image/png' })));
    const req: ImageRequest = { prompt: 'the dog from image 1 asleep in the garden of image 2', model: REFS_MODEL, size: '1x1', seed: 7, references };
    let t0: number;
    if (who === 'ours') {
      t0 = now();
      await providerFor(provider).generate(req, settings, {});
      bodyBytes = nativeBody(req, checkModelRequest(req, provider)).length;
    } else {
      const body = nativeBody(req, checkModelRequest(req, provider));
      const chunks: Buffer[] = [];
      for await (const c of body.stream()) chunks.push(c as Buffer);
      const whole = Buffer.concat(chunks);
      bodyBytes = whole.length;
      t0 = now();
      const url = provider === 'dmxapi' ? `${baseUrl}/flux/v1/${REFS_MODEL}` : `${baseUrl}/v1/${REFS_MODEL}`;
      const auth = provider === 'dmxapi' ? { authorization: `Bearer ${settings.apiKey}` } : { 'x-key': settings.apiKey };
      const r = await request(url, { method: 'POST', dispatcher, headers: { ...auth, 'content-type': 'application/json', accept: 'application/json', 'content-length': String(whole.length) }, body: whole });
      await r.body.arrayBuffer();
    }
    const last = (await (await request(`${baseUrl}/bench/last`, { dispatcher })).body.json()) as { firstByteAt: number };
    ttfb.push(last.firstByteAt - t0);
  };
  try {
    for (let i = 0; i < 2; i++) await once();
    ttfb.length = 0;
    const memory = await measureMemory(once, Number(runsText));
    process.stdout.write(`${JSON.stringify({ memory, ttfbMs: ttfb, bodyBytes } satisfies ChildRun)}\n`);
  } finally {
    await dispatcher.close();
  }
}

if (require.main === module) {
  void main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
