import { request } from 'undici';
import { FluxError, text } from '../errors';
import { readBody } from './body';
import type { Call } from './call';
import { errorOutcome } from './errors';
import { isLocalHost } from '../net/address';

const MAX_REDIRECTS = 5;

export interface DownloadOptions {
  /** The address the image URL came from: relative URLs resolve against it, and https there forbids http here. */
  readonly base: URL;
  /**
   * Sent only when the image is on `base`'s own origin and at the first hop (some gateways
   * serve results behind the key). Omit to never send credentials.
   */
  readonly sameOriginHeaders?: Record<string, string>;
  /** The attempt number for the log line. */
  readonly attempt: number;
}

/**
 * Downloads an image URL a service returned, at once (such URLs expire), within the call's time
 * limit and size limit. Follows a few redirects, never with credentials.
 */
export async function downloadImage(call: Call, rawUrl: string, options: DownloadOptions): Promise<Uint8Array> {
  const t0 = performance.now();
  try {
    const bytes = await fetchImage(call, rawUrl, options);
    call.log({ phase: 'download', attempt: options.attempt, status: 200, durationMs: performance.now() - t0, bytes: bytes.length, outcome: 'ok' });
    return bytes;
  } catch (err) {
    call.log({ phase: 'download', attempt: options.attempt, status: undefined, durationMs: performance.now() - t0, bytes: 0, outcome: errorOutcome(err) });
    return call.fail(err);
  }
}

async function fetchImage(call: Call, rawUrl: string, options: DownloadOptions): Promise<Uint8Array> {
  const { base } = options;
  let url: URL;
  try {
    url = new URL(rawUrl, base);
  } catch {
    throw new FluxError('malformed', 'The service sent an image address that is not a URL.');
  }
  let from = base;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new FluxError('download', text('The image address uses {0}, which is not downloaded. Nothing was saved.', url.protocol));
    }
    if ((base.protocol === 'https:' || from.protocol === 'https:') && url.protocol === 'http:') {
      throw new FluxError('download', text('The service is on https but its image address is plain http ({0}); it was not downloaded. Nothing was saved.', url.host));
    }
    await refuseLocal(call, url, base);
    const withKey = hop === 0 && url.origin === base.origin && options.sameOriginHeaders;
    const res = await request(url, {
      method: 'GET',
      headers: { 'user-agent': call.userAgent, ...(withKey ? options.sameOriginHeaders : {}) },
      signal: call.signal,
      dispatcher: call.dispatcher,
      ...call.phaseTimeouts(),
    });
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      await res.body.dump();
      if (hop >= MAX_REDIRECTS) throw new FluxError('download', 'The image address redirected too many times. Nothing was saved; try again.');
      from = url;
      url = new URL(String(res.headers.location), url);
      continue;
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new FluxError('download', text('Downloading the image from {0} failed. Its address may have expired; generate again.', url.host), { status: res.statusCode });
    }
    return readBody(res, call.maxBytes, 'image');
  }
}

/**
 * A returned image URL must not make this machine fetch a loopback, private or link-local
 * address (a service could otherwise probe the person's network), unless the service itself is
 * on such an address (a local gateway, the tests). Checked before connecting, at every hop; a
 * host name is resolved first (a pre-check: a DNS answer that changes between the check and the
 * connection is not caught).
 */
async function refuseLocal(call: Call, url: URL, base: URL): Promise<void> {
  const lookup = call.settings.lookup;
  const resolves = (host: string): Promise<boolean | undefined> => isLocalHost(host, lookup).catch(() => undefined);
  if (await resolves(base.hostname)) return;
  // Unresolvable (undefined): the download itself reports it.
  const local = await resolves(url.hostname);
  if (local) {
    throw new FluxError('download', text('The image address points into your own machine or local network ({0}); it was not downloaded. Nothing was saved.', url.host));
  }
}
