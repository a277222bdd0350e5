/*
 * A real forward proxy on 127.0.0.1 for tests of the extension behind a corporate proxy.
 *
 * - Absolute-form requests (`GET http://host:port/path`) are forwarded; CONNECT opens a tunnel.
 * - With `auth`, a request without `Proxy-Authorization: Basic ...` or with other credentials
 *   gets 407 and a `Proxy-Authenticate` challenge, as a corporate proxy does.
 * - `hosts` maps names only the proxy can resolve (e.g. `flux-upstream.test` → 127.0.0.1), so a
 *   test reaching such a name proves the traffic went through the proxy.
 * - `requests` counts what was forwarded per target host (a CONNECT tunnel counts once, however
 *   many requests travel inside it).
 *
 * Written with node:http rather than the `proxy` package because that one resolves target names
 * with the system resolver only (no host map).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';

export interface ProxyOptions {
  /** Credentials the proxy demands (Basic); without them, anything goes. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Names only the proxy can resolve, to an IP address. */
  readonly hosts?: Readonly<Record<string, string>>;
}

export interface RunningProxy {
  /** `http://127.0.0.1:PORT`, without credentials. */
  readonly url: string;
  readonly port: number;
  /** Forwarded requests (absolute-form) and tunnels (CONNECT) per target host name, lower case. */
  readonly requests: ReadonlyMap<string, number>;
  /** All forwarded requests and tunnels. */
  total(): number;
  /** What was forwarded, in order: `GET http://host:port/path` or `CONNECT host:port`. */
  readonly log: readonly string[];
  /** Requests and CONNECTs answered 407. */
  readonly refused: number;
  /** The `Proxy-Authorization` header values received, in order (absent ones as ''). */
  readonly authorizations: readonly string[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authorization', 'proxy-authenticate', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export async function startProxy(options: ProxyOptions = {}): Promise<RunningProxy> {
  const requests = new Map<string, number>();
  const authorizations: string[] = [];
  const log: string[] = [];
  const sockets = new Set<Duplex>();
  let refused = 0;
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` : undefined;

  const authorized = (req: http.IncomingMessage): boolean => {
    const given = req.headers['proxy-authorization'] ?? '';
    authorizations.push(given);
    if (expected === undefined || given === expected) return true;
    refused++;
    return false;
  };
  const count = (host: string): void => {
    const name = host.toLowerCase();
    requests.set(name, (requests.get(name) ?? 0) + 1);
  };
  const address = (host: string): string => options.hosts?.[host.toLowerCase()] ?? host;

  const server = http.createServer((req, res) => {
    if (!authorized(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="fake proxy"', 'content-type': 'text/plain' });
      res.end('Proxy Authentication Required\n');
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form request expected\n');
      return;
    }
    if (target.protocol !== 'http:') {
      res.writeHead(400).end('only http: in absolute form; use CONNECT for https\n');
      return;
    }
    count(target.hostname);
    log.push(`${req.method} ${target.href}`);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    const upstream = http.request(
      { host: address(target.hostname), port: Number(target.port || 80), method: req.method, path: `${target.pathname}${target.search}`, headers },
      (answer) => {
        const back: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) back[name] = value;
        res.writeHead(answer.statusCode ?? 502, back);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('upstream unreachable\n');
      else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (!authorized(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="fake proxy"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url ?? '');
    if (!match) {
      client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const host = match[1]!.replace(/^\[|\]$/g, '');
    count(host);
    log.push(`CONNECT ${req.url}`);
    const upstream = net.connect(Number(match[2]), address(host));
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (upstream.connecting) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      else client.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    total: () => [...requests.values()].reduce((a, b) => a + b, 0),
    get refused() {
      return refused;
    },
    authorizations,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface SelfSignedCert {
  readonly key: string;
  readonly cert: string;
}

/**
 * A throwaway self-signed certificate for `names` (DNS names and IPs), made with the `openssl`
 * command (Node cannot write X.509 certificates by itself). Throws when openssl is missing.
 */
export function selfSignedCert(names: readonly string[]): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), 'flux-cert-'));
  try {
    const san = names.map((n) => (net.isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', `/CN=${names[0] ?? 'localhost'}`, '-addext', `subjectAltName=${san}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'pipe' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
