// VS Code patches Node's http/https and the global fetch for its proxy settings, but not a bundled
// undici: without a dispatcher from here, every request would go direct and fail behind a
// corporate proxy. This turns the settings (and the usual environment variables) into one.
import { Agent, EnvHttpProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { FluxError, text } from '../errors';

export interface ProxySettings {
  /** `http.proxy`, e.g. `http://user:pass@proxy.corp:8080`. */
  readonly proxy?: string;
  /** `http.noProxy`: host names, `.suffix` / `*.suffix`, `host:port`, `*`. */
  readonly noProxy?: readonly string[];
  /**
   * `http.proxyStrictSSL`; default true. False: neither the proxy's certificate nor the target's
   * (through CONNECT) is verified. Direct connections (no proxy, noProxy hosts) always verify,
   * as in VS Code's own requests.
   */
  readonly strictSSL?: boolean;
  /** `http.proxySupport`: `off` = no proxy at all; `on`, `fallback`, `override` = use one. */
  readonly support?: string;
  /** The process environment: `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (either case). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What a set of settings comes down to; equal plans give interchangeable dispatchers. */
interface ProxyPlan {
  readonly httpProxy: string;
  readonly httpsProxy: string;
  /** Comma-separated, as undici's EnvHttpProxyAgent takes it. */
  readonly noProxy: string;
  readonly strictSSL: boolean;
}

/**
 * Builds a new dispatcher for these settings, or returns undefined when requests go direct.
 * Throws a FluxError (`invalidInput`, credentials left out) when the proxy address is unusable.
 */
export function createProxyDispatcher(settings: ProxySettings): Dispatcher | undefined {
  const plan = proxyPlan(settings);
  return plan && dispatcherFor(plan);
}

/**
 * Keeps the dispatcher for the last settings it was asked about, so asking on every request is
 * cheap. A dispatcher replaced after a settings change is not closed here: a request (or a
 * polling loop) may still hold it, and its idle connections close by themselves.
 */
export class ProxyDispatchers {
  private last: { readonly key: string; readonly dispatcher: Dispatcher | undefined } | undefined;
  private direct: Dispatcher | undefined;

  get(settings: ProxySettings): Dispatcher | undefined {
    const plan = proxyPlan(settings);
    const key = JSON.stringify(plan ?? null);
    if (this.last?.key !== key) this.last = { key, dispatcher: plan && dispatcherFor(plan) };
    return this.last.dispatcher;
  }

  /**
   * The dispatcher a request must be given: the proxy's, or for a direct connection an Agent of
   * our own. Never undici's global dispatcher: in VS Code's extension host that is VS Code's
   * (another copy of undici, with its own proxy rules), which breaks our multipart bodies
   * ("Cannot read properties of null (reading 'byteLength')") and would make "direct" mean
   * whatever VS Code decides.
   */
  forRequest(settings: ProxySettings): Dispatcher {
    const dispatcher = this.get(settings);
    if (dispatcher) return dispatcher;
    this.direct ??= new Agent();
    return this.direct;
  }

  /** Closes the current dispatchers (waiting for their requests) and forgets them. */
  async dispose(): Promise<void> {
    const dispatchers = [this.last?.dispatcher, this.direct];
    this.last = undefined;
    this.direct = undefined;
    await Promise.all(dispatchers.map((d) => d?.close()));
  }
}

/** For logs and messages: the proxy's scheme, host and port, never its credentials. */
export function describeProxy(url: string): string {
  const raw = url.trim();
  // Everything up to the last `@` is (or may hold) credentials, even when the URL does not parse.
  const bare = raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1');
  try {
    const parsed = new URL(hasScheme(bare) ? bare : `http://${bare}`);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return bare;
  }
}

/**
 * True when an error (or a response, or anything with `statusCode`/`status`) means the proxy
 * asked for credentials: a 407 answer to a request or to a CONNECT.
 */
export function isProxyAuthError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const o = e as { statusCode?: unknown; status?: unknown; details?: { status?: unknown }; message?: unknown; errors?: unknown; cause?: unknown };
    if (o.statusCode === 407 || o.status === 407 || o.details?.status === 407) return true;
    // undici: "Proxy response (407) !== 200 when HTTP Tunneling", "Proxy Authentication Required (407)".
    if (typeof o.message === 'string' && /\b407\b/.test(o.message) && /proxy/i.test(o.message)) return true;
    if (Array.isArray(o.errors) && o.errors.some((inner) => isProxyAuthError(inner))) return true;
    e = o.cause;
  }
  return false;
}

function proxyPlan(settings: ProxySettings): ProxyPlan | undefined {
  if (settings.support?.trim().toLowerCase() === 'off') return undefined;
  const env = settings.env ?? {};
  const noProxy = [...(settings.noProxy ?? []), ...fromEnv(env, 'no_proxy').split(/[,\s]+/)].map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (noProxy.includes('*')) return undefined;
  const configured = settings.proxy?.trim();
  const httpProxy = configured || fromEnv(env, 'http_proxy');
  const httpsProxy = configured || fromEnv(env, 'https_proxy') || httpProxy;
  if (!httpProxy && !httpsProxy) return undefined;
  return {
    httpProxy: httpProxy && checkedUrl(httpProxy),
    httpsProxy: checkedUrl(httpsProxy),
    noProxy: [...new Set(noProxy)].join(','),
    strictSSL: settings.strictSSL !== false,
  };
}

function dispatcherFor(plan: ProxyPlan): Dispatcher {
  const tls = plan.strictSSL ? undefined : { rejectUnauthorized: false };
  // Empty strings, not undefined: undici would otherwise read process.env itself.
  return new EnvHttpProxyAgent({
    httpProxy: plan.httpProxy,
    httpsProxy: plan.httpsProxy,
    noProxy: plan.noProxy,
    // http targets in absolute form, as proxies expect; many refuse CONNECT to port 80.
    proxyTunnel: false,
    ...(tls ? { requestTls: tls, proxyTls: tls } : {}),
  });
}

/** The upper-case variable first, then the lower-case one, as VS Code reads them. */
function fromEnv(env: Readonly<Record<string, string | undefined>>, name: string): string {
  return env[name.toUpperCase()]?.trim() || env[name]?.trim() || '';
}

function hasScheme(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

/** The URL with a scheme (`proxy:8080` means http), or a FluxError that names it without credentials. */
function checkedUrl(url: string): string {
  const full = hasScheme(url) ? url : `http://${url}`;
  let parsed: URL | undefined;
  try {
    parsed = new URL(full);
  } catch {
    // The parser's error holds the input, credentials included: not rethrown.
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) {
    throw new FluxError(
      'invalidInput',
      text('The proxy address {0} cannot be used. Give it as http://host:port (or https://) in the http.proxy setting or HTTPS_PROXY, then try again.', describeProxy(url)),
    );
  }
  return full;
}
