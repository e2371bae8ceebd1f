import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/core/errors.js';
import { createUndiciTransport, type TransportOptions, type UndiciTransport } from '../../src/http/index.js';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';
import { Cleanup, startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * --proxy through a real CONNECT proxy on loopback: every exchange goes through a tunnel it
 * opened (the target's sockets all come from the proxy's own upstream ports), the proxy's
 * credentials go to the proxy only, and the proxy changes nothing about what is in scope.
 */

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface Target extends LoopbackServer {
  /** The client port of the socket each request arrived on. */
  remotePorts: number[];
}

async function target(): Promise<Target> {
  const remotePorts: number[] = [];
  const server = cleanup.add(
    await startLoopbackServer((req, res) => {
      remotePorts.push(req.socket.remotePort ?? -1);
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${req.url ?? ''}</p>`);
    }),
  );
  return Object.assign(server, { remotePorts });
}

async function proxy(options: { requireAuthorization?: string } = {}): Promise<ConnectProxy> {
  return cleanup.add(await startConnectProxy(options));
}

function transport(options: TransportOptions): UndiciTransport {
  return cleanup.add(createUndiciTransport({ retryBaseDelayMs: 10, rateLimitPerHost: 0, ...options }));
}

async function rejection(promise: Promise<unknown>): Promise<ProbeError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProbeError);
    return error as ProbeError;
  }
  throw new Error('expected the request to fail with a ProbeError');
}

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('--proxy: every connection is a CONNECT tunnel through the proxy', () => {
  it('reaches an http target only through the tunnels the proxy relayed; no request bypasses it', async () => {
    const site = await target();
    const relay = await proxy();
    const client = transport({ target: site.origin, proxy: relay.origin, concurrencyPerHost: 2 });
    const answers = await Promise.all(['/a', '/b', '/c', '/d', '/e'].map((path) => client.send({ method: 'GET', url: `${site.origin}${path}` })));
    expect(answers.map((answer) => [answer.status, answer.body])).toEqual(['/a', '/b', '/c', '/d', '/e'].map((path) => [200, `<p>${path}</p>`]));

    expect(site.requests.map((request) => request.url).sort()).toEqual(['/a', '/b', '/c', '/d', '/e']);
    // Every socket the target accepted is one the proxy opened for a CONNECT, and no other.
    const tunnels = relay.connects.filter((connect) => connect.opened);
    expect(tunnels.length).toBeGreaterThanOrEqual(1);
    expect(tunnels.length).toBeLessThanOrEqual(2); // --concurrency 2: at most two connections, reused
    expect(site.connections).toBe(tunnels.length);
    expect(relay.upstreamPorts.size).toBe(tunnels.length);
    for (const port of site.remotePorts) expect(relay.upstreamPorts.has(port)).toBe(true);
    expect(relay.connects.map((connect) => connect.authority)).toEqual(tunnels.map(() => `127.0.0.1:${site.port}`));
    // Tunnelled, not forwarded: the proxy never saw a plain request it could read or rewrite.
    expect(relay.plainRequests).toEqual([]);
    expect(client.stats().requestsSent).toBe(5);
  });

  it('sends user:password of the proxy URL as Proxy-Authorization to the proxy only, never to the target', async () => {
    const site = await target();
    const relay = await proxy({ requireAuthorization: basic('corp user:p@ss w0rd!') });
    const client = transport({ target: site.origin, proxy: `http://corp%20user:p%40ss%20w0rd!@127.0.0.1:${relay.port}`, headers: { Authorization: 'Bearer site-token' } });
    const answer = await client.send({ method: 'GET', url: `${site.origin}/` });
    expect(answer.status).toBe(200);
    expect(relay.connects[0]?.proxyAuthorization).toBe(basic('corp user:p@ss w0rd!'));
    expect(site.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    // The user's own identity still goes to the target's origin, through the tunnel.
    expect(site.requests[0]?.headers.authorization).toBe('Bearer site-token');
    expect(relay.connects.map((connect) => connect.proxyAuthorization)).not.toContain('Bearer site-token');
  });

  it('tunnels an https target: TLS runs end to end inside the tunnel', async () => {
    const dir = await tempDir('proxy-tls');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const seen: string[] = [];
    const tls = createTlsServer({ key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) }, (req, res) => {
      seen.push(req.url ?? '');
      res.end('secure');
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    cleanup.add({ close: () => new Promise<void>((resolve) => { tls.closeAllConnections(); tls.close(() => resolve()); }) });
    const origin = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    const relay = await proxy();
    // The self-signed certificate is refused inside the tunnel as it would be without a proxy ...
    const refused = await rejection(transport({ target: origin, proxy: relay.origin, retries: 0 }).send({ method: 'GET', url: `${origin}/` }));
    expect(refused.code).toBe('DL_TLS_ERROR');
    // ... and accepted with --insecure.
    const answer = await transport({ target: origin, proxy: relay.origin, insecure: true }).send({ method: 'GET', url: `${origin}/x` });
    expect([answer.status, answer.body]).toEqual([200, 'secure']);
    expect(seen).toEqual(['/x']);
    expect(relay.connects.map((connect) => connect.authority)).toEqual([`127.0.0.1:${new URL(origin).port}`, `127.0.0.1:${new URL(origin).port}`]);
  });
});

describe('--proxy does not change the scope', () => {
  it('the proxy is not in scope: a request to its own address is refused before any CONNECT, as any other host', async () => {
    const site = await target();
    const other = await target();
    const relay = await proxy();
    const client = transport({ target: site.origin, proxy: relay.origin });
    expect(client.isInScope(`${relay.origin}/`)).toBe(false);
    expect(client.isInScope(`${site.origin}/`)).toBe(true);
    expect((await rejection(client.send({ method: 'GET', url: `${relay.origin}/` }))).code).toBe('DL_OUT_OF_SCOPE');
    expect((await rejection(client.send({ method: 'GET', url: `${other.origin}/` }))).code).toBe('DL_OUT_OF_SCOPE');
    expect(relay.connects).toEqual([]);
    expect(relay.plainRequests).toEqual([]);
    expect(other.connections).toBe(0);
  });

  it('a redirect out of scope is still refused, and its host never gets a CONNECT', async () => {
    const other = await target();
    const redirecting = cleanup.add(await startLoopbackServer((_req, res) => res.writeHead(302, { location: `${other.origin}/elsewhere` }).end()));
    const relay = await proxy();
    const client = transport({ target: redirecting.origin, proxy: relay.origin });
    expect((await rejection(client.send({ method: 'GET', url: `${redirecting.origin}/` }))).code).toBe('DL_REDIRECT_OUT_OF_SCOPE');
    expect(relay.connects.map((connect) => connect.authority)).toEqual([`127.0.0.1:${redirecting.port}`]);
    expect(other.connections).toBe(0);
  });
});

describe('--proxy failures say it was the proxy, never with its credentials', () => {
  it('407 from the proxy: a connection failure naming the proxy and the status, with a hint', async () => {
    const site = await target();
    const relay = await proxy({ requireAuthorization: basic('user:right-password') });
    const client = transport({ target: site.origin, proxy: `http://user:wrong-password-123@127.0.0.1:${relay.port}` });
    const failure = await rejection(client.send({ method: 'GET', url: `${site.origin}/` }));
    expect(failure.code).toBe('DL_CONNECTION_FAILED');
    expect(failure.message).toBe(`the proxy ${relay.origin} refused to open a tunnel to 127.0.0.1:${site.port} (status 407): the proxy wants credentials; give them as --proxy http://user:password@host:port`);
    expect(JSON.stringify({ message: failure.message, url: failure.url })).not.toContain('wrong-password-123');
    expect(site.requests).toEqual([]);
  });

  it('a proxy that cannot reach the target (502) and a proxy that is not there are told apart', async () => {
    const site = await target();
    const relay = await proxy();
    const deadPort = site.port;
    await site.close();
    const unreachable = await rejection(transport({ target: `http://127.0.0.1:${deadPort}`, proxy: relay.origin, retries: 0 }).send({ method: 'GET', url: `http://127.0.0.1:${deadPort}/` }));
    expect(unreachable.message).toBe(`the proxy ${relay.origin} refused to open a tunnel to 127.0.0.1:${deadPort} (status 502)`);

    const proxyPort = relay.port;
    await relay.close();
    const live = await target();
    const noProxy = await rejection(transport({ target: live.origin, proxy: `http://u:hidden-pass-9@127.0.0.1:${proxyPort}`, retries: 0 }).send({ method: 'GET', url: `${live.origin}/` }));
    expect(noProxy.code).toBe('DL_CONNECTION_FAILED');
    expect(noProxy.message).toBe(`connection refused by the proxy http://127.0.0.1:${proxyPort} (for ${live.origin}/)`);
    expect(live.connections).toBe(0);
  });

  it('refuses a proxy URL that is not http(s) or carries a path, masking its credentials in the error', () => {
    expect(() => createUndiciTransport({ target: 'http://127.0.0.1/', proxy: 'socks5://127.0.0.1:1080' })).toThrow('--proxy must be an http:// or https:// proxy URL (HTTP CONNECT), got socks5://');
    expect(() => createUndiciTransport({ target: 'http://127.0.0.1/', proxy: 'http://me:sekret-pass@proxy.example:3128/path' })).toThrow(
      "--proxy http://REDACTED@proxy.example:3128/path: give only the proxy's scheme, host and port, no path or query",
    );
    expect(() => createUndiciTransport({ target: 'http://127.0.0.1/', proxy: 'not a url' })).toThrow('--proxy not a url is not a URL');
  });
});
