import { gunzipSync, gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/core/errors.js';
import type { HttpMethod } from '../../src/core/http-types.js';
import { toolInfo } from '../../src/core/version.js';
import { createUndiciTransport, type TransportOptions, type UndiciTransport } from '../../src/http/index.js';
import { Cleanup, startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function server(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  return cleanup.add(await startLoopbackServer(handler));
}

const answerOk = (_req: IncomingMessage, res: ServerResponse): void => {
  res.end('ok');
};

/** Fast defaults for tests: tiny backoff and no rate limit unless a test is about them. */
function transportFor(target: LoopbackServer, options: Partial<TransportOptions> = {}): UndiciTransport {
  return cleanup.add(
    createUndiciTransport({ target: target.origin, retryBaseDelayMs: 10, rateLimitPerHost: 0, ...options }),
  );
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

describe('requests', () => {
  it('sends GET with the draftleak User-Agent and the user headers, and shapes the response', async () => {
    const site = await server((_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Multi', ['one', 'two']);
      res.end('héllo');
    });
    const transport = transportFor(site, { headers: { Cookie: 'session=secret' } });

    const response = await transport.send({
      method: 'GET',
      url: `${site.origin}/page`,
      headers: { Accept: 'application/json', cookie: 'from-rule=1', 'User-Agent': 'not-draftleak' },
    });

    const seen = site.requests[0]?.headers;
    expect(seen?.['user-agent']).toBe(`draftleak/${toolInfo.version} (+${toolInfo.informationUri})`);
    expect(seen?.cookie).toBe('session=secret'); // the user's header wins over the rule's
    expect(seen?.accept).toBe('application/json');
    expect(response).toMatchObject({
      requestedUrl: `${site.origin}/page`,
      url: `${site.origin}/page`,
      status: 200,
      statusText: 'OK',
      body: 'héllo',
      bytes: 6,
      truncated: false,
      redirects: [],
    });
    expect(response.fromCache).toBeUndefined();
    expect(response.headers['set-cookie']).toBe('a=1\nb=2');
    expect(response.headers['x-multi']).toBe('one, two');
    expect(response.headers['content-length']).toBe('6');
  });

  it('keeps the raw bytes of a binary answer when asked, and only then', async () => {
    const gzipped = gzipSync('<urlset><url><loc>/a</loc></url></urlset>');
    const site = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip' }).end(gzipped);
    });
    const transport = transportFor(site);
    const raw = await transport.send({ method: 'GET', url: `${site.origin}/sitemap.xml.gz`, binary: true });
    expect(Buffer.from(raw.rawBody ?? new Uint8Array()).equals(gzipped)).toBe(true);
    expect(gunzipSync(raw.rawBody ?? new Uint8Array()).toString()).toContain('<loc>/a</loc>');
    const text = await transport.send({ method: 'GET', url: `${site.origin}/sitemap.xml.gz` });
    expect(text.rawBody).toBeUndefined();
    expect(text.fromCache).toBeUndefined(); // a text request is not answered from the binary entry
  });

  it('returns an empty body for HEAD', async () => {
    const site = await server(answerOk);
    const response = await transportFor(site).send({ method: 'HEAD', url: `${site.origin}/` });
    expect(response).toMatchObject({ status: 200, body: '', bytes: 0, truncated: false });
    expect(site.requests[0]?.method).toBe('HEAD');
  });

  it('keeps connections alive between requests', async () => {
    const site = await server(answerOk);
    const transport = transportFor(site);
    await transport.send({ method: 'GET', url: `${site.origin}/one` });
    // undici frees the socket a tick after the body ends; a request dispatched in that same
    // tick gets a second socket. Real probes are spaced by the rate limit anyway.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await transport.send({ method: 'GET', url: `${site.origin}/two` });
    expect(site.requests).toHaveLength(2);
    expect(site.connections).toBe(1);
  });

  it('logs method, url, status and duration, never header values', async () => {
    const site = await server(answerOk);
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const transport = transportFor(site, { logger, headers: { Authorization: 'Bearer top-secret-value' } });
    await transport.send({ method: 'GET', url: `${site.origin}/logged`, headers: { 'X-Rule': 'rule-header-value' } });

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({ method: 'GET', url: `${site.origin}/logged`, status: 200, ms: expect.any(Number) }),
    );
    expect(lines.join('')).not.toMatch(/top-secret-value|rule-header-value/);
  });

  it('refuses to send once closed', async () => {
    const site = await server(answerOk);
    const transport = transportFor(site);
    await transport.close();
    const error = await rejection(transport.send({ method: 'GET', url: `${site.origin}/` }));
    expect(error.code).toBe('DL_ABORTED');
    expect(site.connections).toBe(0);
  });
});

describe('scope and method policy', () => {
  it('refuses an out-of-scope URL without opening a connection', async () => {
    const site = await server(answerOk);
    const other = await server(answerOk);
    const transport = transportFor(site);

    const error = await rejection(transport.send({ method: 'GET', url: `${other.origin}/` }));
    expect(error.code).toBe('DL_OUT_OF_SCOPE');
    expect(error.url).toBe(`${other.origin}/`);
    // localhost and 127.0.0.1 are different hosts
    const byName = await rejection(transport.send({ method: 'GET', url: `http://localhost:${site.port}/` }));
    expect(byName.code).toBe('DL_OUT_OF_SCOPE');
    expect(other.connections).toBe(0);
    expect(site.connections).toBe(0);
  });

  it('refuses invalid URLs and non-http schemes', async () => {
    const site = await server(answerOk);
    const transport = transportFor(site);
    for (const url of ['not a url', '/relative', 'ftp://127.0.0.1/file', 'file:///etc/passwd']) {
      expect((await rejection(transport.send({ method: 'GET', url }))).code).toBe('DL_INVALID_URL');
    }
  });

  it('refuses POST without readOnlyGraphql, and PUT and DELETE, before connecting', async () => {
    const site = await server(answerOk);
    const transport = transportFor(site);
    const refused = [
      { method: 'POST' as const },
      { method: 'POST' as const, readOnlyGraphql: false },
      { method: 'PUT' as string as HttpMethod },
      { method: 'DELETE' as string as HttpMethod, readOnlyGraphql: true },
    ];
    for (const request of refused) {
      const error = await rejection(transport.send({ ...request, url: `${site.origin}/graphql`, body: '{}' }));
      expect(error.code).toBe('DL_METHOD_NOT_ALLOWED');
    }
    expect(site.connections).toBe(0);
  });

  it('sends POST for a read-only GraphQL query', async () => {
    const site = await server(answerOk);
    const query = JSON.stringify({ query: '{ posts { id } }' });
    const response = await transportFor(site).send({
      method: 'POST',
      url: `${site.origin}/graphql`,
      headers: { 'Content-Type': 'application/json' },
      body: query,
      readOnlyGraphql: true,
    });
    expect(response.status).toBe(200);
    expect(site.requests[0]).toMatchObject({ method: 'POST', body: query });
    expect(site.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('reaches an allowed host, given as host:port or as a bare host', async () => {
    const site = await server(answerOk);
    const other = await server(answerOk);
    for (const allowed of [`127.0.0.1:${other.port}`, '127.0.0.1']) {
      const transport = transportFor(site, { allowedHosts: [allowed] });
      expect((await transport.send({ method: 'GET', url: `${other.origin}/` })).status).toBe(200);
    }
    expect(other.requests).toHaveLength(2);
  });
  it("sends the user's headers to the target's origin only, not to allowed hosts or redirect hops there", async () => {
    const other = await server(answerOk);
    const site = await server((req, res) => {
      if (req.url === '/hop') res.writeHead(302, { Location: `${other.origin}/landed` }).end();
      else res.end('ok');
    });
    const transport = transportFor(site, {
      allowedHosts: [`127.0.0.1:${other.port}`],
      headers: { Authorization: 'Bearer user-own-token', Cookie: 'session=secret' },
    });
    await transport.send({ method: 'GET', url: `${site.origin}/page` });
    await transport.send({ method: 'GET', url: `${other.origin}/direct` });
    await transport.send({ method: 'GET', url: `${site.origin}/hop`, headers: { accept: 'text/html' } });
    expect(site.requests.map((request) => request.headers.authorization)).toEqual(['Bearer user-own-token', 'Bearer user-own-token']);
    expect(other.requests.map((request) => request.url)).toEqual(['/direct', '/landed']);
    for (const request of other.requests) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers.cookie).toBeUndefined();
    }
    expect(other.requests[1]?.headers.accept).toBe('text/html'); // the rule's own headers do follow
  });
});

describe('redirects', () => {
  it('follows redirects inside scope and records them', async () => {
    const site = await server((req, res) => {
      if (req.url === '/start') res.writeHead(302, { Location: '/middle' }).end();
      else if (req.url === '/middle') res.writeHead(301, { Location: `http://127.0.0.1:${port()}/final` }).end();
      else res.end(`at ${req.url}`);
    });
    const port = (): number => site.port;
    const response = await transportFor(site).send({ method: 'GET', url: `${site.origin}/start` });
    expect(response).toMatchObject({
      requestedUrl: `${site.origin}/start`,
      url: `${site.origin}/final`,
      redirects: [`${site.origin}/middle`, `${site.origin}/final`],
      status: 200,
      body: 'at /final',
    });
  });

  it('turns a POST into a GET on 303', async () => {
    const site = await server((req, res) => {
      if (req.url === '/graphql') res.writeHead(303, { Location: '/after' }).end();
      else res.end('after');
    });
    const response = await transportFor(site).send({
      method: 'POST',
      url: `${site.origin}/graphql`,
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ a }"}',
      readOnlyGraphql: true,
    });
    expect(response.body).toBe('after');
    expect(site.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/graphql', '{"query":"{ a }"}'],
      ['GET', '/after', ''],
    ]);
  });

  it('does not follow a redirect to another port, and never connects to it', async () => {
    const other = await server(answerOk);
    const site = await server((_req, res) => res.writeHead(302, { Location: `${other.origin}/elsewhere` }).end());
    const error = await rejection(transportFor(site).send({ method: 'GET', url: `${site.origin}/` }));
    expect(error.code).toBe('DL_REDIRECT_OUT_OF_SCOPE');
    expect(error.message).toContain(`${other.origin}/elsewhere`);
    expect(other.connections).toBe(0);
    expect(other.requests).toHaveLength(0);
  });

  it('follows a redirect to an allowed host', async () => {
    const other = await server((_req, res) => res.end('other'));
    const site = await server((_req, res) => res.writeHead(307, { Location: `${other.origin}/elsewhere` }).end());
    const transport = transportFor(site, { allowedHosts: [`127.0.0.1:${other.port}`] });
    const response = await transport.send({ method: 'GET', url: `${site.origin}/` });
    expect(response).toMatchObject({ url: `${other.origin}/elsewhere`, body: 'other' });
    expect(other.requests).toHaveLength(1);
  });

  it('stops after maxRedirects', async () => {
    const site = await server((req, res) => {
      const hop = Number(req.url?.split('/')[2] ?? 0);
      res.writeHead(302, { Location: `/loop/${hop + 1}` }).end();
    });
    const error = await rejection(transportFor(site, { maxRedirects: 3 }).send({ method: 'GET', url: `${site.origin}/loop/0` }));
    expect(error.code).toBe('DL_TOO_MANY_REDIRECTS');
    expect(site.requests).toHaveLength(4); // the first request plus three followed redirects
  });
});

describe('body cap', () => {
  it('keeps only the cap, marks the body truncated and stops reading the rest', async () => {
    const total = 3 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let serverSide: { sent: number; finished: boolean } | undefined;
    let markClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    const site = await server((_req, res) => {
      let sent = 0;
      res.on('close', () => {
        serverSide = { sent, finished: res.writableFinished };
        markClosed();
      });
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': total });
      // Paced, so the kernel's socket buffers cannot swallow the whole body before the client
      // reacts: the early close is then visible to the server.
      const pump = (): void => {
        if (res.destroyed) return;
        if (sent >= total) {
          res.end();
          return;
        }
        res.write(chunk);
        sent += chunk.length;
        setTimeout(pump, 5);
      };
      pump();
    });

    const response = await transportFor(site, { bodyCapBytes: 64 * 1024 }).send({ method: 'GET', url: `${site.origin}/big` });
    expect(response).toMatchObject({ status: 200, truncated: true, bytes: 65536 });
    expect(response.body).toHaveLength(65536);
    await closed;
    expect(serverSide?.finished).toBe(false);
    expect(serverSide?.sent).toBeLessThan(total);
  });

  it('does not mark a body that fits exactly as truncated', async () => {
    const site = await server((_req, res) => res.end('hello'));
    const response = await transportFor(site, { bodyCapBytes: 5 }).send({ method: 'GET', url: `${site.origin}/` });
    expect(response).toMatchObject({ body: 'hello', bytes: 5, truncated: false });
  });
});

describe('timeouts', () => {
  it('fails with DL_HEADERS_TIMEOUT when the server never answers, retrying only once', async () => {
    const site = await server(() => undefined); // accepts the request, never answers
    const error = await rejection(transportFor(site, { timeoutMs: 300 }).send({ method: 'GET', url: `${site.origin}/` }));
    expect(error.code).toBe('DL_HEADERS_TIMEOUT');
    expect(site.requests).toHaveLength(2); // retries: 2 by default, but a timeout is retried once
  });

  it('fails with DL_BODY_TIMEOUT when the body stalls', async () => {
    const site = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial'); // then nothing more
    });
    const error = await rejection(transportFor(site, { timeoutMs: 300 }).send({ method: 'GET', url: `${site.origin}/` }));
    expect(error.code).toBe('DL_BODY_TIMEOUT');
    expect(site.requests).toHaveLength(2);
  });
});

describe('retries', () => {
  /** Answers each request with the next entry; the last entry repeats. */
  function scripted(...steps: Array<(res: ServerResponse) => void>) {
    let index = 0;
    return (_req: IncomingMessage, res: ServerResponse): void => {
      const step = steps[Math.min(index, steps.length - 1)];
      index += 1;
      step?.(res);
    };
  }
  const tooMany = (headers: Record<string, string> = {}) => (res: ServerResponse) =>
    res.writeHead(429, headers).end('slow down');
  const success = (res: ServerResponse): void => {
    res.end('fine');
  };

  it('honours Retry-After in seconds', async () => {
    const site = await server(scripted(tooMany({ 'Retry-After': '1' }), success));
    const response = await transportFor(site).send({ method: 'GET', url: `${site.origin}/` });
    expect(response).toMatchObject({ status: 200, body: 'fine' });
    const [first, second] = site.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
  });

  it('caps a long Retry-After at maxRetryAfterMs', async () => {
    const site = await server(scripted(tooMany({ 'Retry-After': '30' }), success));
    const response = await transportFor(site, { maxRetryAfterMs: 200 }).send({ method: 'GET', url: `${site.origin}/` });
    expect(response.status).toBe(200);
    const [first, second] = site.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(150);
    expect(second!.at - first!.at).toBeLessThan(5000);
  });

  it('retries a 503 and returns the success', async () => {
    const site = await server(scripted((res) => res.writeHead(503).end('busy'), success));
    const transport = transportFor(site);
    const response = await transport.send({ method: 'GET', url: `${site.origin}/` });
    expect(response).toMatchObject({ status: 200, body: 'fine' });
    expect(site.requests).toHaveLength(2);
    expect(transport.stats().requestsSent).toBe(2);
  });

  it('returns the last 429 as an answer after retries + 1 attempts', async () => {
    const site = await server(scripted(tooMany()));
    const response = await transportFor(site, { retries: 2 }).send({ method: 'GET', url: `${site.origin}/` });
    expect(response).toMatchObject({ status: 429, body: 'slow down' });
    expect(site.requests).toHaveLength(3);
  });

  it('fails fast on a refused connection, without retrying', async () => {
    const closedServer = await startLoopbackServer(answerOk);
    await closedServer.close();
    const transport = cleanup.add(
      createUndiciTransport({ target: closedServer.origin, retryBaseDelayMs: 1000, rateLimitPerHost: 0 }),
    );
    const started = performance.now();
    const error = await rejection(transport.send({ method: 'GET', url: `${closedServer.origin}/` }));
    expect(error.code).toBe('DL_CONNECTION_FAILED');
    expect(error.message).toMatch(/connection refused/);
    expect(performance.now() - started).toBeLessThan(900); // a retry would wait >= 500 ms
    expect(transport.stats().requestsSent).toBe(1);
  });

  it('retries a connection reset and returns the success', async () => {
    let seen = 0;
    const site = await server((req, res) => {
      seen += 1;
      if (seen === 1) req.socket.destroy();
      else res.end('fine');
    });
    const response = await transportFor(site).send({ method: 'GET', url: `${site.origin}/` });
    expect(response).toMatchObject({ status: 200, body: 'fine' });
    expect(site.requests).toHaveLength(2);
  });

  it('fails with DL_CONNECTION_FAILED when resets continue past the last attempt', async () => {
    const site = await server((req) => req.socket.destroy());
    const error = await rejection(transportFor(site, { retries: 1 }).send({ method: 'GET', url: `${site.origin}/` }));
    expect(error.code).toBe('DL_CONNECTION_FAILED');
    expect(site.requests).toHaveLength(2);
  });
});

describe('per-origin limits', () => {
  it('spaces request starts to the rate limit', async () => {
    const site = await server(answerOk);
    const transport = transportFor(site, { rateLimitPerHost: 5 });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => transport.send({ method: 'GET', url: `${site.origin}/r/${i}` })),
    );
    const times = site.requests.map((r) => r.at);
    // 10 starts at 5/s are 9 intervals of 200 ms = 1.8 s; a burst would take a few ms.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1600);
  });

  it('keeps at most concurrencyPerHost requests in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const site = await server((_req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.end('ok');
      }, 100);
    });
    const transport = transportFor(site, { concurrencyPerHost: 2 });
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => transport.send({ method: 'GET', url: `${site.origin}/c/${i}` })),
    );
    expect(site.requests).toHaveLength(6);
    expect(maxInFlight).toBe(2);
  });
});

describe('the URL checked for scope is the URL sent', () => {
  it('sends what send() was given, whatever isInScope() was asked last', async () => {
    const site = await server((req, res) => res.end(req.url));
    const transport = transportFor(site);
    expect(transport.isInScope(`${site.origin}/checked`)).toBe(true);
    expect((await transport.send({ method: 'GET', url: `${site.origin}/other` })).body).toBe('/other');
    expect(transport.isInScope(`${site.origin}/checked?a=1`)).toBe(true);
    expect((await transport.send({ method: 'GET', url: `${site.origin}/checked?a=1` })).body).toBe('/checked?a=1');
    // A URL that was refused is not remembered: its send is refused on its own parse.
    expect(transport.isInScope('http://elsewhere.invalid/x')).toBe(false);
    expect((await rejection(transport.send({ method: 'GET', url: 'http://elsewhere.invalid/x' }))).code).toBe('DL_OUT_OF_SCOPE');
    // An in-scope URL checked, then another URL sent: the verdict was the checked URL's, not this one's.
    expect(transport.isInScope(`${site.origin}/checked`)).toBe(true);
    expect((await rejection(transport.send({ method: 'GET', url: 'http://elsewhere.invalid/y' }))).code).toBe('DL_OUT_OF_SCOPE');
    expect(site.requests.map((request) => request.url)).toEqual(['/other', '/checked?a=1']);
  });
});

describe('response cache', () => {
  it('answers an identical request from the cache', async () => {
    const site = await server(answerOk);
    const transport = transportFor(site);
    const first = await transport.send({ method: 'GET', url: `${site.origin}/same` });
    const second = await transport.send({ method: 'GET', url: `${site.origin}/same` });
    expect(site.requests).toHaveLength(1);
    expect(first.fromCache).toBeUndefined();
    expect(second).toMatchObject({ fromCache: true, body: 'ok', status: 200 });
    expect(transport.stats()).toMatchObject({ requestsSent: 1, cacheHits: 1, answers: 1, usefulAnswers: 1 });
  });

  it('shares one in-flight request between concurrent identical requests', async () => {
    const site = await server((_req, res) => setTimeout(() => res.end('ok'), 50));
    const transport = transportFor(site);
    const responses = await Promise.all(
      [1, 2, 3].map(() => transport.send({ method: 'GET', url: `${site.origin}/same` })),
    );
    expect(site.requests).toHaveLength(1);
    expect(responses.filter((r) => r.fromCache === true)).toHaveLength(2);
    expect(transport.stats().cacheHits).toBe(2);
  });

  it('keys on method, body and rule headers', async () => {
    const site = await server(answerOk);
    const transport = transportFor(site);
    const url = `${site.origin}/same`;
    await transport.send({ method: 'GET', url });
    await transport.send({ method: 'HEAD', url });
    await transport.send({ method: 'GET', url, headers: { Authorization: 'Bearer found-token' } });
    await transport.send({ method: 'POST', url, body: '{"query":"{a}"}', readOnlyGraphql: true });
    await transport.send({ method: 'POST', url, body: '{"query":"{b}"}', readOnlyGraphql: true });
    expect(site.requests).toHaveLength(5);
  });

  it('keys on the rule headers exactly: sets that join to the same text are different requests, and the same set in any order is one', async () => {
    const site = await server(answerOk);
    const transport = transportFor(site);
    const url = `${site.origin}/same`;
    const sets: Array<Record<string, string>> = [
      { a: 'x', b: 'y' },
      // What { a: 'x', b: 'y' } reads as when names and values are joined without their lengths.
      { a: 'xby' },
      { a: 'xb:y' },
      { ab: 'xy' },
      { a: 'xb', b: 'y' },
    ];
    for (const headers of sets) await transport.send({ method: 'GET', url, headers });
    expect(site.requests).toHaveLength(5);
    await transport.send({ method: 'GET', url, headers: { b: 'y', a: 'x' } });
    await transport.send({ method: 'GET', url, headers: { ab: 'xy' } });
    expect(site.requests).toHaveLength(5);
    expect(transport.stats().cacheHits).toBe(2);
  });

  it('does not cache failures', async () => {
    let seen = 0;
    const site = await server((req, res) => {
      seen += 1;
      if (seen === 1) req.socket.destroy();
      else res.end('fine');
    });
    const transport = transportFor(site, { retries: 0 });
    expect((await rejection(transport.send({ method: 'GET', url: `${site.origin}/` }))).code).toBe('DL_CONNECTION_FAILED');
    expect((await transport.send({ method: 'GET', url: `${site.origin}/` })).body).toBe('fine');
    expect(site.requests).toHaveLength(2);
  });
});
