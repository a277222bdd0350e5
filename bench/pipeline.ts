// The contenders of the pipeline benchmark: prompt in -> image file on disk.
//   floor   bare undici request in this process, response bytes written to disk unparsed
//   ours    the extension's own path minus the editor: normalizeParams + generateImage (which
//           verifies the bytes are an image) + the file writer's steps (mkdir, probe a free
//           name, write `.part`, rename), with node:fs/promises standing in for workspace.fs
//   curl    curl saving the response to a file (url answers: a second curl for the image)
//   python  the reference client from the service's documentation (b64_json only)
import { mkdir, rename, stat, writeFile, readFile, readdir, rm } from 'node:fs/promises';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { request } from 'undici';
import type { GenerationParams } from '../src/core/params';
import { dmxapiProvider } from '../src/core/providers/dmxapi';
import type { ProviderCallOptions, ProviderImage, ProviderSettings } from '../src/core/providers/types';
import { candidateFileName } from '../src/core/naming';
import { normalizeParams } from '../src/core/params';
import { run } from './stats';

export type Shape = 'b64' | 'url';

export const BENCH_KEY = 'sk-bench-0123456789abcdef';
export const PROMPT = 'A red fox in fresh snow, morning light, watercolour';
/** What the extension sends by default (flux.model, flux.size, flux.seed). */
export const REQUEST_BODY = JSON.stringify({ prompt: PROMPT, model: 'flux-kontext-pro', size: '1x1', n: 1, seed: -1 });

export interface Outcome {
  readonly ms: number;
  /** The file the contender left; checked after the clock stops. */
  readonly file: string;
}

/** One image through the real provider, as the extension asks for it. */
export function generateImage(params: GenerationParams, settings: ProviderSettings, options: ProviderCallOptions = {}): Promise<ProviderImage> {
  return dmxapiProvider.generate(params, settings, options);
}

export function clientConfig(baseUrl: string): ProviderSettings {
  return { baseUrl, apiKey: BENCH_KEY, timeoutMs: 120_000, userAgent: 'flux-vscode-bench' };
}

/** The extension's path: ImageFiles.save without a document (mkdir, free name, .part, rename). */
export async function ours(baseUrl: string, dir: string): Promise<Outcome> {
  const t0 = performance.now();
  const params = normalizeParams({ prompt: PROMPT, model: 'flux-kontext-pro', size: '1x1', seed: -1 });
  const image = await generateImage(params, clientConfig(baseUrl));
  const file = await saveLikeTheExtension(dir, params.prompt, image.bytes, image.type.extension);
  return { ms: performance.now() - t0, file };
}

export async function saveLikeTheExtension(dir: string, prompt: string, bytes: Uint8Array, extension: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const date = new Date();
  let file: string | undefined;
  for (let n = 0; n < 100 && !file; n++) {
    const candidate = path.join(dir, candidateFileName(prompt, date, extension, n));
    if (!(await exists(candidate))) file = candidate;
  }
  if (!file) throw new Error('no free name');
  const part = path.join(dir, `.${path.basename(file)}.part`);
  await writeFile(part, bytes);
  await rename(part, file);
  return file;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function collect(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The floor: the same request and response bytes, no parsing, no decoding, one writeFile. */
export async function floor(baseUrl: string, dir: string, shape: Shape): Promise<Outcome> {
  const t0 = performance.now();
  const res = await request(`${baseUrl}/v1/images/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json', accept: 'application/json' },
    body: REQUEST_BODY,
  });
  let bytes = await collect(res.body as AsyncIterable<Buffer>);
  if (res.statusCode !== 200) throw new Error(`floor: status ${res.statusCode}`);
  if (shape === 'url') {
    // The answer is ~150 bytes; the image is what has to reach the disk.
    const url = (JSON.parse(bytes.toString('utf8')) as { data: { url: string }[] }).data[0]!.url;
    const img = await request(url);
    bytes = await collect(img.body as AsyncIterable<Buffer>);
  }
  const file = path.join(dir, `floor-${shape}.bin`);
  await writeFile(file, bytes);
  return { ms: performance.now() - t0, file };
}

/** curl -o: one process for b64_json; for url answers a second process downloads the image. */
export async function curl(baseUrl: string, dir: string, shape: Shape): Promise<Outcome> {
  const t0 = performance.now();
  const answer = path.join(dir, `curl-${shape}.json`);
  const r = await run('curl', ['-sS', '-o', answer, '-H', `Authorization: Bearer ${BENCH_KEY}`, '-H', 'Content-Type: application/json', '--data-binary', REQUEST_BODY, `${baseUrl}/v1/images/generations`]);
  if (r.code !== 0) throw new Error(`curl failed: ${r.stderr}`);
  if (shape === 'b64') return { ms: performance.now() - t0, file: answer };
  const url = (JSON.parse(fs.readFileSync(answer, 'utf8')) as { data: { url: string }[] }).data[0]!.url;
  const image = path.join(dir, 'curl-url.png');
  const r2 = await run('curl', ['-sS', '-o', image, url]);
  if (r2.code !== 0) throw new Error(`curl failed: ${r2.stderr}`);
  return { ms: performance.now() - t0, file: image };
}

/**
 * The Python client from the service's documentation, cut out of the doc text at run time and
 * changed only where it must be to reach the local fake: host and port, plain HTTP, the key.
 */
export function referenceScript(docText: string, baseUrl: string): string {
  const lines = docText.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === 'python');
  if (start < 0) throw new Error('no `python` code block in the API doc');
  // The block ends where the page's prose resumes: the "参考" (References) heading.
  let end = lines.findIndex((l, i) => i > start && /^参考\s*$/.test(l.trim()));
  if (end < 0) end = lines.length;
  let code = lines.slice(start + 1, end).join('\n').trimEnd() + '\n';
  const host = new URL(baseUrl).host;
  const edits: [RegExp, string][] = [
    [/^API_HOST = ".*"$/m, `API_HOST = "${host}"`],
    [/http\.client\.HTTPSConnection\(/, 'http.client.HTTPConnection('],
    [/^API_KEY = ".*"$/m, `API_KEY = "${BENCH_KEY}"`],
  ];
  for (const [pattern, replacement] of edits) {
    if ((code.match(new RegExp(pattern.source, pattern.flags + 'g')) ?? []).length !== 1) {
      throw new Error(`the reference script changed: ${pattern} does not match exactly once`);
    }
    code = code.replace(pattern, replacement);
  }
  return code;
}

/** Runs the reference script in `cwd` (it saves to ./output/); wall time of the process. */
export async function python(script: string, cwd: string): Promise<Outcome> {
  await rm(path.join(cwd, 'output'), { recursive: true, force: true });
  const r = await run('python3', [script], { cwd });
  if (r.code !== 0 || !/图片保存成功|saved/i.test(r.stdout)) throw new Error(`the reference script failed: ${r.stdout}${r.stderr}`);
  const files = await readdir(path.join(cwd, 'output'));
  return { ms: r.ms, file: path.join(cwd, 'output', files[0]!) };
}

/** Python's own start: the interpreter plus the script's imports, without any request. */
export async function pythonStartup(): Promise<number> {
  const r = await run('python3', ['-c', 'import base64, http.client, json, os, time']);
  return r.ms;
}

/** curl's own start, without any request. */
export async function curlStartup(): Promise<number> {
  const r = await run('curl', ['--version']);
  return r.ms;
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

export { readFile };
