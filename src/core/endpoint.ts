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

/** True for plain-HTTP addresses that leave this machine (the key would travel unencrypted). */
export function isInsecureRemote(baseUrl: string): boolean {
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:') return false;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return !(host === 'localhost' || host === '::1' || /^127\./.test(host));
  } catch {
    return false;
  }
}
