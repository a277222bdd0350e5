// The contenders of the edit benchmark: an image file and an instruction in -> a new image on disk.
//   floor  read the file, one bare undici multipart POST of it (FormData + Blob) to
//          /v1/images/edits, the answer written to disk unparsed
//   ours   the extension's path minus the editor: stat + read, the 20 MB and type checks, SHA-256
//          (the recipe's source), the dmxapi provider with the service's own undici Agent, the
//          recipe embedded, pieces written to `.part` and renamed (node:fs/promises standing in
//          for workspace.fs)
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Agent, FormData, request } from 'undici';
import { checkEditImage, checkEditImageSize } from '../src/core/editInput';
import { candidateFileName } from '../src/core/naming';
import { providerFor } from '../src/core/providers';
import type { ImageRequest } from '../src/core/providers/types';
import { withRecipe } from '../src/core/recipe';
import { BENCH_KEY } from './pipeline';

export const INSTRUCTION = 'make the sky stormy';

export interface EditOutcome {
  readonly ms: number;
  readonly file: string;
}

/** One keep-alive Agent per contender, as the extension keeps one for its requests. */
const agents = { ours: new Agent(), floor: new Agent() };

export async function closeAgents(): Promise<void> {
  await Promise.all([agents.ours.close(), agents.floor.close()]);
}

export async function editOurs(baseUrl: string, input: string, dir: string): Promise<EditOutcome> {
  const t0 = performance.now();
  const name = path.basename(input);
  checkEditImageSize((await stat(input)).size, name);
  const bytes = await readFile(input);
  const type = checkEditImage(bytes, name);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const req: ImageRequest = { prompt: INSTRUCTION, model: 'flux-kontext-pro', size: undefined, seed: -1, image: { bytes, name, mime: type.mime } };
  const image = await providerFor('dmxapi').generate(req, { baseUrl, apiKey: BENCH_KEY, timeoutMs: 120_000, userAgent: 'flux-vscode-bench', dispatcher: agents.ours });
  const recipe = { v: 1 as const, prompt: INSTRUCTION, model: req.model, size: '1x1', seed: image.seed ?? null, provider: 'dmxapi' as const, created: new Date().toISOString(), source: { path: name, sha256 } };
  const pieces = (image.type.format === 'png' && withRecipe(image.bytes, recipe)) || [image.bytes];
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, candidateFileName(INSTRUCTION, new Date(), image.type.extension, 0));
  const part = path.join(dir, `.flux-${process.pid}.part`);
  const handle = await open(part, 'wx');
  try {
    await handle.writev(pieces.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  } finally {
    await handle.close();
  }
  await rename(part, file);
  return { ms: performance.now() - t0, file };
}

export async function editFloor(baseUrl: string, input: string, dir: string): Promise<EditOutcome> {
  const t0 = performance.now();
  const bytes = await readFile(input);
  const form = new FormData();
  form.append('image', new Blob([bytes], { type: 'image/png' }), path.basename(input));
  form.append('prompt', INSTRUCTION);
  form.append('model', 'flux-kontext-pro');
  form.append('n', '1');
  const res = await request(`${baseUrl}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${BENCH_KEY}`, accept: 'application/json' }, body: form, dispatcher: agents.floor });
  const chunks: Buffer[] = [];
  for await (const c of res.body as AsyncIterable<Buffer>) chunks.push(c);
  if (res.statusCode !== 200) throw new Error(`floor: status ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'floor-edit.json');
  await writeFile(file, Buffer.concat(chunks));
  return { ms: performance.now() - t0, file };
}
