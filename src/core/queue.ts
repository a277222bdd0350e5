import { FluxError, text } from './errors';

/**
 * Runs tasks with at most `limit()` of them at once, in the order they came. The limit is read
 * each time a slot frees, so a changed setting applies to what waits. A task whose signal aborts
 * while it waits leaves the queue at once and never starts.
 */
export class RequestQueue {
  private running = 0;
  private readonly waiting: { start: () => void; signal?: AbortSignal; onAbort: () => void }[] = [];

  constructor(private readonly limit: () => number) {}

  get active(): number {
    return this.running;
  }

  get pending(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.running--;
      this.next();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelled());
    if (this.running < Math.max(1, this.limit()) && !this.waiting.length) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        signal,
        start: () => {
          signal?.removeEventListener('abort', entry.onAbort);
          this.running++;
          resolve();
        },
        onAbort: () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(cancelled());
        },
      };
      signal?.addEventListener('abort', entry.onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private next(): void {
    while (this.waiting.length && this.running < Math.max(1, this.limit())) this.waiting.shift()!.start();
  }
}

function cancelled(): FluxError {
  return new FluxError('cancelled', text('Cancelled. Nothing was saved.'));
}
