// Outside text on its way to a person: a 45 MB error message redacted, shortened for display,
// and neutralised, against one native scan of the same string (the floor).
import { redact, redactForDisplay } from '../src/core/errors';
import { plainText } from '../src/core/safeText';
import { median } from './stats';

export interface TextBenchResult {
  readonly megabytes: number;
  readonly floor: number[];
  readonly redact: number[];
  readonly redactForDisplay: number[];
  readonly plainText: number[];
}

export function textBench(rounds: number): TextBenchResult {
  const key = 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
  const chunk = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251)).toString('base64');
  const filler = chunk.repeat(Math.ceil(22_500_000 / chunk.length)).slice(0, 22_500_000);
  const huge = `${filler} ${key} [Renew](command:x) ${filler} ${Buffer.from(`Bearer ${key}`).toString('base64')}.`;
  huge.charCodeAt(huge.length - 1); // flattens the string before timing
  const time = (f: () => unknown) => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };
  const r: TextBenchResult = { megabytes: huge.length / 1e6, floor: [], redact: [], redactForDisplay: [], plainText: [] };
  for (let i = 0; i < rounds; i++) {
    r.floor.push(time(() => huge.indexOf('no such text in there')));
    r.redact.push(time(() => redact(huge, key)));
    r.redactForDisplay.push(time(() => redactForDisplay(huge, key, 1000)));
    r.plainText.push(time(() => plainText(huge)));
  }
  return r;
}

export function textBenchMedians(r: TextBenchResult): Record<'floor' | 'redact' | 'redactForDisplay' | 'plainText', number> {
  return { floor: median(r.floor), redact: median(r.redact), redactForDisplay: median(r.redactForDisplay), plainText: median(r.plainText) };
}
