// The FLUX.2 stand-in of the references benchmark (bench/referencesBench.ts): takes the native
// submit on both routes (DMXAPI `/flux/v1/<model>`, BFL `/v1/<model>`), records when the first
// body byte of each submit arrived (performance.timeOrigin + performance.now(), comparable across
// processes on one machine) and how many bytes came, answers with a task that is ready a set time
// after the submit, and serves a small PNG as the result.
//   GET /bench/last -> { firstByteAt, bytes } of the last submit
import * as http from 'node:http';
import { makePng } from '../test/fake/png';

export interface ReferencesServer {
  readonly baseUrl: string;
  /** The service's own time for the next tasks (ms from the end of the submit to Ready). */
  serviceMs: number;
  /** Polls each task received, by id. */
  readonly polls: Map<string, number>;
  close(): Promise<void>;
}

export const now = (): number => performance.timeOrigin + performance.now();

export async function startReferencesServer(): Promise<ReferencesServer> {
  const image = makePng(64, 64, { seed: 3, style: 'photo' });
  const tasks = new Map<string, number>();
  const polls = new Map<string, number>();
  let next = 0;
  let last = { firstByteAt: 0, bytes: 0 };
  const state = { serviceMs: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const submit = req.method === 'POST' && /^\/(flux\/)?v1\/flux-2-/.test(url.pathname);
    let firstByteAt = 0;
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      if (!firstByteAt) firstByteAt = now();
      bytes += c.length;
    });
    req.on('end', () => {
      if (submit) {
        last = { firstByteAt, bytes };
        const id = String(next++);
        tasks.set(id, Date.now() + state.serviceMs);
        polls.set(id, 0);
        const dmx = url.pathname.startsWith('/flux/');
        return json(dmx ? { id } : { id, polling_url: `http://127.0.0.1:${port}/v1/get_result?id=${id}` });
      }
      if (url.pathname === '/bench/last') return json(last);
      if (url.pathname.endsWith('/get_result')) {
        const id = url.searchParams.get('id') ?? '';
        const readyAt = tasks.get(id);
        if (readyAt === undefined) return json({ status: 'Task not found' });
        polls.set(id, polls.get(id)! + 1);
        if (Date.now() < readyAt) return json({ status: 'Pending' });
        return json({ status: 'Ready', result: { sample: `http://127.0.0.1:${port}/files/sample.png`, seed: 1 } });
      }
      if (url.pathname === '/files/sample.png') return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length }).end(image);
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    get serviceMs() {
      return state.serviceMs;
    },
    set serviceMs(v: number) {
      state.serviceMs = v;
    },
    polls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
