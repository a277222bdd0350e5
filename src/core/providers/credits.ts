// What the provider says is left on the account, where it tells: BFL's `GET /v1/credits` (x-key),
// in credits of one US cent. The same transport rules as every request (no redirect with the key,
// bounded answers, the key redacted from any error).
import { FluxError } from '../errors';
import { Call, guarded } from '../http/call';
import { bflBaseUrl, bflError } from './bfl';
import type { ProviderCallOptions, ProviderSettings } from './types';

/** BFL's remaining credits in US dollars. */
export async function bflCreditsUsd(settings: ProviderSettings, options: ProviderCallOptions = {}): Promise<number> {
  return guarded(settings.apiKey, async () => {
    const base = bflBaseUrl(settings.baseUrl);
    const root = base.pathname.replace(/\/+$/, '');
    const call = new Call({ settings, options, subject: { model: 'credits', size: '', seed: -1 }, setting: 'flux.bflBaseUrl', host: base.host });
    const answer = await call.send({
      url: new URL(`${root}/v1/credits`, base),
      method: 'GET',
      phase: 'credits',
      headers: { 'x-key': settings.apiKey, accept: 'application/json' },
      classify: (status, body, headers) => bflError(status, body, headers, settings.apiKey),
    });
    let credits: unknown;
    try {
      credits = (JSON.parse(answer.body.toString('utf8')) as { credits?: unknown }).credits;
    } catch {
      credits = undefined;
    }
    call.log({ phase: 'credits', attempt: answer.attempt, status: answer.status, durationMs: answer.durationMs, bytes: answer.body.length, outcome: typeof credits === 'number' ? 'ok' : 'malformed' });
    if (typeof credits !== 'number' || !Number.isFinite(credits) || credits < 0) throw new FluxError('malformed', 'Black Forest Labs answered the credits question without a number.');
    return credits / 100;
  });
}
