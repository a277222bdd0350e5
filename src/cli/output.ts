// What flux-docs prints: one JSON document on stdout with --json; on a terminal a progress bar
// (images done, failed, the estimate) on stderr; otherwise one plain line per image, as CI logs
// want. Everything printed passes through `redact` with the key, whatever it came from.
import { redact } from '../core/errors';
import { plainText } from '../core/safeText';
import type { SkippedReference } from './scan';

export interface Out {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly secret?: string;
}

export function line(out: Out, text: string, to: 'stdout' | 'stderr' = 'stdout'): void {
  out[to].write(`${redact(text, out.secret)}\n`);
}

export function json(out: Out, value: unknown): void {
  out.stdout.write(`${redact(JSON.stringify(value, null, 2), out.secret)}\n`);
}

export function formatUsd(usd: number): string {
  return `≈ $${usd.toFixed(2)}`;
}

/** Text from a document (a path, alt text) on one line, without controls that could rewrite the terminal. */
export function shown(text: string, max = 120): string {
  return plainText(text, max);
}

/** Why a reference (or a document) was left alone, in words. */
export function reasonText(s: Pick<SkippedReference, 'why' | 'detail'>): string {
  const why: Record<SkippedReference['why'], string> = {
    url: 'a URL, not a file in the repository',
    absolute: 'an absolute path; only paths relative to the document are generated',
    notImage: 'not a .png, .jpg, .jpeg or .webp file',
    outside: 'it climbs out of the repository',
    symlink: 'its folder is a symbolic link, which may lead out of the repository',
    noText: 'no alt text or caption to use as the prompt',
    unresolved: 'it names an attribute the document does not define, so its path is not known',
    unreadable: 'the document cannot be read',
    notUtf8: 'the document is not UTF-8 text',
    reader: s.detail ?? 'the reference cannot be read',
  };
  return why[s.why];
}

export function skipText(s: SkippedReference): string {
  return `${shown(s.document)}${s.reference ? `: ${shown(s.reference)}` : ''} (${reasonText(s)})`;
}

/** The bar on a terminal, redrawn in place; `log` prints a line above it. */
export class Progress {
  private done = 0;
  private failed = 0;
  private drawn = false;

  constructor(
    private readonly out: Out,
    private readonly total: number,
    private readonly estimate: number,
  ) {}

  log(text: string): void {
    this.clear();
    line(this.out, text, 'stderr');
    this.draw();
  }

  tick(failed: boolean): void {
    this.done++;
    if (failed) this.failed++;
    this.draw();
  }

  finish(): void {
    this.clear();
  }

  draw(): void {
    const width = Math.max(10, Math.min(30, (this.out.stderr.columns ?? 80) - 50));
    const filled = this.total ? Math.round((this.done / this.total) * width) : width;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    this.out.stderr.write(`\r${bar} ${this.done}/${this.total} images, ${this.failed} failed, ${formatUsd(this.estimate)}\x1b[K`);
    this.drawn = true;
  }

  private clear(): void {
    if (this.drawn) this.out.stderr.write('\r\x1b[K');
    this.drawn = false;
  }
}
