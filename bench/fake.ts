// Starts bench/fakeProcess.js as a child and talks to it over IPC.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { FakeCommand, FakeReady, FakeStats } from './fakeProcess';

export class FakeControl {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: unknown) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly info: FakeReady,
  ) {
    child.on('message', (m: { id?: number }) => {
      if (m.id === undefined) return;
      const resolve = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      resolve?.(m);
    });
  }

  static start(delayMs = 0): Promise<FakeControl> {
    const child = fork(path.join(__dirname, 'fakeProcess.js'), [String(delayMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the fake service exited (${code}) before it was ready`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.once('message', (m: FakeReady) => {
        child.off('exit', onExit);
        resolve(new FakeControl(child, m));
      });
    });
  }

  get baseUrl(): string {
    return this.info.baseUrl;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  setShape(shape: 'b64' | 'url'): Promise<void> {
    return this.send({ cmd: 'shape', shape }).then(() => undefined);
  }

  reset(): Promise<void> {
    return this.send({ cmd: 'reset' }).then(() => undefined);
  }

  stats(): Promise<FakeStats> {
    return this.send({ cmd: 'stats' }) as Promise<FakeStats>;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.disconnect();
      setTimeout(() => this.child.kill(), 3000).unref();
    });
  }

  private send(command: FakeCommand): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, ...command });
    });
  }
}
