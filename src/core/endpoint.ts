import { isIP } from 'node:net';
import { FluxError, text } from './errors';

/**
 * A service's root from its address setting (`setting` names it in the message): http or https,
 * no user name or password (the key has its own store), no query or fragment, and a trailing `/`
 * or `/v1` typed into the setting dropped (the root's path is then `/`).
 */
export function serviceRoot(baseUrl: string, setting: 'flux.baseUrl' | 'flux.bflBaseUrl'): URL {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new FluxError('invalidInput', text('The service address “{0}” is not a URL. Fix the setting {1}.', baseUrl, setting));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FluxError('invalidInput', text('The service address must start with https:// ({1} is “{0}”).', baseUrl, setting));
  }
  if (url.username || url.password) {
    throw new FluxError('invalidInput', 'The service address must not contain a user name or password. Put the key in “Flux: Set API Key”.');
  }
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

/** `${baseUrl}/v1/images/generations`, from `flux.baseUrl` (DMXAPI). */
export function generationsUrl(baseUrl: string): URL {
  const url = serviceRoot(baseUrl, 'flux.baseUrl');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/images/generations`;
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
