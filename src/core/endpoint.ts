import { isIP } from 'node:net';
import { FluxError, text } from './errors';

/** `${baseUrl}/v1/images/generations`; a trailing `/v1` typed into the setting is tolerated. */
export function generationsUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new FluxError('invalidInput', text('The service address “{0}” is not a URL. Fix the setting flux.baseUrl.', baseUrl));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FluxError('invalidInput', text('The service address must start with https:// (flux.baseUrl is “{0}”).', baseUrl));
  }
  if (url.username || url.password) {
    throw new FluxError('invalidInput', 'The service address must not contain a user name or password. Put the key in “Flux: Set API Key”.');
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  url.pathname = `${path}/v1/images/generations`;
  url.search = '';
  url.hash = '';
  return url;
}

/**
 * True for this machine only: the name `localhost`, an IPv4 literal in 127.0.0.0/8, or `::1`.
 * A name that merely starts like one (`127.attacker.example`, `localhost.evil.example`) is a
 * remote host. `host` is a URL's hostname (IPv6 in brackets or not).
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost') return true;
  const family = isIP(h);
  if (family === 4) return h.startsWith('127.');
  if (family === 6) return h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h);
  return false;
}

/** True for plain-HTTP addresses that leave this machine (the key would travel unencrypted). */
export function isInsecureRemote(baseUrl: string): boolean {
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:') return false;
    return !isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}
