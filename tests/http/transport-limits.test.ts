import { execFileSync } from 'node:child_process';
import { createServer as createTlsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/core/errors.js';
import { createUndiciTransport, type TransportOptions, type UndiciTransport } from '../../src/http/index.js';
import { probationEntries } from '../../src/http/cache.js';
import { Cleanup, startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function server(handler: (req: IncomingMessage, res: ServerResponse) => void, port?: number): Promise<LoopbackServer> {
  return cleanup.add(await startLoopbackServer(handler, port === undefined ? {} : { port }));
}

function transportFor(target: string, options: Partial<TransportOptions> = {}): UndiciTransport {
  return cleanup.add(createUndiciTransport({ target, retryBaseDelayMs: 10, rateLimitPerHost: 0, ...options }));
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

/** Sends headers at once, then one body byte every `everyMs`, forever. */
function trickle(everyMs: number) {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const timer = setInterval(() => res.write('a'), everyMs);
    res.on('close', () => clearInterval(timer));
  };
}

describe('the total deadline of one exchange', () => {
  it('ends a body that trickles a byte every 100 ms, which an idle timeout never would', async () => {
    const site = await server(trickle(100));
    const transport = transportFor(site.origin, { timeoutMs: 600, retries: 0 });
    const error = await rejection(transport.send({ method: 'GET', url: `${site.origin}/slow` }));
    expect(error.code).toBe('DL_BODY_TIMEOUT');
    expect(error.message).toMatch(/600 ms/);
  });

  it('ends a server that never sends headers', async () => {
    const site = await server(() => undefined);
    const transport = transportFor(site.origin, { timeoutMs: 300, retries: 0 });
    const error = await rejection(transport.send({ method: 'GET', url: `${site.origin}/` }));
    expect(error.code).toBe('DL_HEADERS_TIMEOUT');
  });

  it('close() ends every exchange in flight with DL_ABORTED', async () => {
    const site = await server(trickle(50));
    const transport = transportFor(site.origin, { timeoutMs: 60_000 });
    const pending = [1, 2, 3].map((n) => rejection(transport.send({ method: 'GET', url: `${site.origin}/${n}` })));
    while (site.requests.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    await transport.close();
    const errors = await Promise.all(pending);
    expect(errors.map((error) => error.code)).toEqual(['DL_ABORTED', 'DL_ABORTED', 'DL_ABORTED']);
  });
});

describe('budgets', () => {
  it('gives up on a host after --max-host-errors failures in a row, without connecting again', async () => {
    const site = await server((req) => req.socket.destroy());
    const transport = transportFor(site.origin, { maxHostErrors: 3, retries: 0 });
    for (const n of [1, 2, 3]) expect((await rejection(transport.send({ method: 'GET', url: `${site.origin}/${n}` }))).code).toBe('DL_CONNECTION_FAILED');
    const connections = site.connections;
    const refused = await rejection(transport.send({ method: 'GET', url: `${site.origin}/4` }));
    expect(refused.code).toBe('DL_HOST_ERROR_BUDGET');
    expect(refused.message).toContain('--max-host-errors');
    expect(site.connections).toBe(connections);
    expect(transport.spentBudgets()).toEqual([expect.objectContaining({ flag: '--max-host-errors' })]);
  });

  it('an answer between failures resets the count', async () => {
    let n = 0;
    const site = await server((req, res) => {
      n += 1;
      if (n % 2 === 0) res.end('fine');
      else req.socket.destroy();
    });
    const transport = transportFor(site.origin, { maxHostErrors: 2, retries: 0 });
    for (let i = 0; i < 6; i += 1) await transport.send({ method: 'GET', url: `${site.origin}/${i}` }).catch(() => undefined);
    expect(transport.spentBudgets()).toEqual([]);
  });

  it('refuses requests past --max-requests and says so', async () => {
    const site = await server((_req, res) => res.end('ok'));
    const transport = transportFor(site.origin, { maxRequests: 2 });
    await transport.send({ method: 'GET', url: `${site.origin}/1` });
    await transport.send({ method: 'GET', url: `${site.origin}/2` });
    const refused = await rejection(transport.send({ method: 'GET', url: `${site.origin}/3` }));
    expect(refused.code).toBe('DL_REQUEST_BUDGET');
    expect(site.requests).toHaveLength(2);
    expect(transport.spentBudgets()).toEqual([expect.objectContaining({ flag: '--max-requests' })]);
  });
});

describe('bounded memory', () => {
  it('caches small answers but lets big bodies go once read', async () => {
    const site = await server((req, res) => res.end(req.url === '/big' ? 'x'.repeat(300 * 1024) : 'small'));
    const transport = transportFor(site.origin);
    await transport.send({ method: 'GET', url: `${site.origin}/small` });
    await transport.send({ method: 'GET', url: `${site.origin}/small` });
    await transport.send({ method: 'GET', url: `${site.origin}/big` });
    const second = await transport.send({ method: 'GET', url: `${site.origin}/big` });
    expect(second.body).toHaveLength(300 * 1024);
    expect(site.requests.map((request) => request.url)).toEqual(['/small', '/big', '/big']);
  });

  it('evicts the oldest answers past the cache budget', async () => {
    const site = await server((req, res) => res.end('y'.repeat(40 * 1024)));
    const transport = transportFor(site.origin, { cacheMaxBytes: 200 * 1024 });
    for (const n of [1, 2, 3, 4]) await transport.send({ method: 'GET', url: `${site.origin}/${n}` });
    await transport.send({ method: 'GET', url: `${site.origin}/1` }); // evicted: sent again
    await transport.send({ method: 'GET', url: `${site.origin}/4` }); // kept: from cache
    expect(site.requests.map((request) => request.url)).toEqual(['/1', '/2', '/3', '/4', '/1']);
  });

  it('keeps at most cacheMaxEntries answers, however small, and drops the least recently asked first', async () => {
    // Empty bodies: a 404 with nothing in it still holds its headers, URLs and key.
    const site = await server((_req, res) => res.end());
    const transport = transportFor(site.origin, { cacheMaxEntries: 3 });
    for (const n of [1, 2, 3]) await transport.send({ method: 'GET', url: `${site.origin}/${n}` });
    await transport.send({ method: 'GET', url: `${site.origin}/1` }); // from cache: /1 is now the most recently asked
    await transport.send({ method: 'GET', url: `${site.origin}/4` }); // a fourth: /2 goes
    await transport.send({ method: 'GET', url: `${site.origin}/1` }); // kept
    await transport.send({ method: 'GET', url: `${site.origin}/3` }); // kept
    await transport.send({ method: 'GET', url: `${site.origin}/2` }); // dropped: sent again
    expect(site.requests.map((request) => request.url)).toEqual(['/1', '/2', '/3', '/4', '/2']);
    expect(transport.stats().cacheHits).toBe(3);
  });
});

describe('answers asked once are kept briefly, answers asked again for long', () => {
  it(`keeps the last ${probationEntries} answers asked once, and one asked twice past them`, async () => {
    const site = await server((_req, res) => res.end('small'));
    const transport = transportFor(site.origin);
    const get = (path: string) => transport.send({ method: 'GET', url: `${site.origin}${path}` });
    await get('/once');
    await get('/twice');
    await get('/twice'); // asked again while kept: protected
    for (let n = 0; n < probationEntries; n += 1) await get(`/filler-${n}`);
    await get('/twice'); // still kept, past the answers asked once
    await get('/once'); // dropped with them: sent again
    await get(`/filler-${probationEntries - 1}`); // among the last ones: kept
    expect(site.requests.map((request) => request.url).filter((url) => !url?.startsWith('/filler'))).toEqual(['/once', '/twice', '/once']);
    expect(site.requests).toHaveLength(probationEntries + 3);
    expect(transport.stats().cacheHits).toBe(3);
  });

  it('an answer asked twice at once, both in flight, is protected too', async () => {
    const site = await server((_req, res) => setTimeout(() => res.end('slow'), 20));
    const transport = transportFor(site.origin);
    const get = (path: string) => transport.send({ method: 'GET', url: `${site.origin}${path}` });
    await Promise.all([get('/together'), get('/together')]);
    for (let n = 0; n < probationEntries; n += 1) await get(`/filler-${n}`);
    await get('/together');
    expect(site.requests.filter((request) => request.url === '/together')).toHaveLength(1);
  });

  it('keeps new answers once the protected ones fill the budget: the least recently asked again go', async () => {
    const site = await server((_req, res) => res.end());
    const transport = transportFor(site.origin, { cacheMaxEntries: 2 });
    for (const path of ['/a', '/a', '/b', '/b', '/c', '/c', '/c', '/d', '/d']) await transport.send({ method: 'GET', url: `${site.origin}${path}` });
    expect(site.requests.map((request) => request.url)).toEqual(['/a', '/b', '/c', '/d']);
    expect(transport.stats().cacheHits).toBe(5);
  });

  it('keeps new answers once protected ones fill the byte budget', async () => {
    const site = await server((_req, res) => res.end('z'.repeat(10 * 1024)));
    // Each answer counts 2 x 10 KiB + 1 KiB: ten fit in 220 KiB, not eleven.
    const transport = transportFor(site.origin, { cacheMaxBytes: 220 * 1024 });
    const get = (path: string) => transport.send({ method: 'GET', url: `${site.origin}${path}` });
    for (let n = 0; n < 10; n += 1) {
      await get(`/${n}`);
      await get(`/${n}`);
    }
    await get('/new');
    await get('/new');
    expect(site.requests.filter((request) => request.url === '/new')).toHaveLength(1);
    await get('/0'); // the least recently asked again: dropped for /new
    expect(site.requests.filter((request) => request.url === '/0')).toHaveLength(2);
  });
});

describe('no listener pile-up', () => {
  it('many concurrent requests add no abort listeners to a shared signal (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on('warning', onWarning);
    try {
      const site = await server((_req, res) => setTimeout(() => res.end('ok'), 20));
      const transport = transportFor(site.origin, { concurrencyPerHost: 16, rateLimitPerHost: 1000 });
      await Promise.all(Array.from({ length: 48 }, (_, n) => transport.send({ method: 'GET', url: `${site.origin}/${n}` })));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});

describe('the two identities', () => {
  const secret = { authorization: 'Bearer user-secret-token' };

  it('sends the user header to a target on its default port (http://127.0.0.1/, port 80)', async () => {
    const site = await server((req, res) => {
      if (req.url === '/hop') res.writeHead(302, { location: `${other.origin}/elsewhere` }).end();
      else res.end('ok');
    }, 80);
    const other = await server((_req, res) => res.end('other'));
    expect(site.origin).toBe('http://127.0.0.1');
    const transport = transportFor('http://127.0.0.1/', { headers: secret, allowedHosts: [`127.0.0.1:${other.port}`] });
    await transport.send({ method: 'GET', url: 'http://127.0.0.1/' });
    await transport.send({ method: 'GET', url: 'http://127.0.0.1:80/explicit' });
    await transport.send({ method: 'GET', url: 'http://127.0.0.1/hop' });
    await transport.send({ method: 'GET', url: `${other.origin}/asset` });
    expect(site.requests.map((request) => request.headers.authorization)).toEqual([secret.authorization, secret.authorization, secret.authorization]);
    // Neither the redirect hop nor the allowed host ever sees it.
    expect(other.requests.map((request) => [request.url, request.headers.authorization])).toEqual([
      ['/elsewhere', undefined],
      ['/asset', undefined],
    ]);
  });

  it('an anonymous request never carries the user identity, and --auth-scope limits it by purpose', async () => {
    const site = await server((_req, res) => res.end('ok'));
    const crawlOnly = transportFor(site.origin, { headers: secret, authScope: 'crawl' });
    await crawlOnly.send({ method: 'GET', url: `${site.origin}/crawl`, purpose: 'crawl' });
    await crawlOnly.send({ method: 'GET', url: `${site.origin}/rule`, purpose: 'rule' });
    await crawlOnly.send({ method: 'GET', url: `${site.origin}/anonymous-crawl`, purpose: 'crawl', identity: 'anonymous' });
    const seen = Object.fromEntries(site.requests.map((request) => [request.url, request.headers.authorization ?? null]));
    expect(seen).toEqual({ '/crawl': secret.authorization, '/rule': null, '/anonymous-crawl': null });
  });
});

describe('TLS', () => {
  async function selfSignedServer(): Promise<string> {
    const dir = await tempDir('tls');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const { readFileSync } = await import('node:fs');
    const tls = createTlsServer({ key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) }, (_req, res) => res.end('secure'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    cleanup.add({ close: () => new Promise<void>((resolve) => { tls.closeAllConnections(); tls.close(() => resolve()); }) });
    return `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  }

  it('refuses a self-signed certificate with DL_TLS_ERROR naming --insecure, and accepts it with insecure', async () => {
    const origin = await selfSignedServer();
    const strict = transportFor(origin);
    const error = await rejection(strict.send({ method: 'GET', url: `${origin}/` }));
    expect(error.code).toBe('DL_TLS_ERROR');
    expect(error.message).toContain('--insecure');
    const lenient = transportFor(origin, { insecure: true });
    expect((await lenient.send({ method: 'GET', url: `${origin}/` })).body).toBe('secure');
  });
});

describe('the response cache and the crawl', () => {
  it('keeps no crawled page past its exchange (read once), but small crawl answers and rule answers of any size', async () => {
    const page = `<html><body>${'x'.repeat(40 * 1024)}</body></html>`;
    const site = await server((req, res) => res.end(req.url === '/robots.txt' ? 'User-agent: *\n' : page));
    const transport = transportFor(site.origin, { rateLimitPerHost: 0 });
    const twice = async (url: string, purpose: 'crawl' | 'rule') => {
      await transport.send({ method: 'GET', url, purpose });
      return transport.send({ method: 'GET', url, purpose });
    };
    expect((await twice(`${site.origin}/big/`, 'crawl')).fromCache).toBeUndefined();
    expect((await twice(`${site.origin}/robots.txt`, 'crawl')).fromCache).toBe(true);
    expect((await twice(`${site.origin}/big-for-a-rule/`, 'rule')).fromCache).toBe(true);
    expect(site.requests.map((request) => request.url)).toEqual(['/big/', '/big/', '/robots.txt', '/big-for-a-rule/']);
  });
});
