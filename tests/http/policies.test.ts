import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { ProbeError, UsageError } from '../../src/core/errors.js';
import { exchangeOnWire } from '../../src/http/wire-exchange.js';
import { chunkDispatcher, readChunks, wireRequest } from '../support/chunk-dispatcher.js';
import { failureKind, toProbeError } from '../../src/http/error-mapping.js';
import { buildRequestHeaders, normalizeResponseHeaders } from '../../src/http/headers.js';
import { createScope, isInScope, parseRetryAfter } from '../../src/http/index.js';
import { backoffDelayMs } from '../../src/http/retry.js';

describe('isInScope', () => {
  const scope = createScope('http://127.0.0.1:8080/site/', ['cdn.example.com', 'api.example.com:8443', '[::1]:9000']);
  it.each([
    ['http://127.0.0.1:8080/anything?x=1', true],
    ['HTTP://127.0.0.1:8080/', true],
    ['http://127.0.0.1:8081/', false], // another port is another origin
    ['https://127.0.0.1:8080/', false], // another scheme is another origin
    ['http://localhost:8080/', false], // another name is another host
    ['http://cdn.example.com/', true], // bare host: any port and scheme
    ['https://CDN.example.com.:4443/', true],
    ['http://evil.cdn.example.com/', false],
    ['https://api.example.com:8443/', true], // host:port: that port only, any scheme
    ['https://api.example.com/', false],
    ['http://[::1]:9000/', true],
    ['http://[::1]:9001/', false],
    ['ftp://127.0.0.1:8080/', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isInScope(url, scope)).toBe(expected);
  });

  it('treats a default port as the same origin', () => {
    const https = createScope('https://example.com');
    expect(isInScope('https://example.com:443/x', https)).toBe(true);
    expect(isInScope('http://example.com/x', https)).toBe(false);
    expect(isInScope('http://example.com:443/', createScope('http://x.test', ['example.com:443']))).toBe(true);
    expect(isInScope('https://example.com/', createScope('http://x.test', ['example.com:80']))).toBe(false);
  });

  it('refuses a bad target or allowed host as a usage error', () => {
    expect(() => createScope('ftp://example.com')).toThrow(UsageError);
    expect(() => createScope('example.com')).toThrow(UsageError);
    for (const bad of ['', 'user@host', 'host/path', 'https://host', 'host:port']) {
      expect(() => createScope('http://example.com', [bad])).toThrow(UsageError);
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['1', 1000],
    [' 120 ', 120_000],
    ['Thu, 01 Jan 2026 00:00:05 GMT', 5000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s -> %s', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially and keeps half of it fixed under jitter', () => {
    expect([1, 2, 3].map((n) => backoffDelayMs(n, 100, () => 0))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((n) => backoffDelayMs(n, 100, () => 1))).toEqual([100, 200, 400]);
  });
});

describe('the body cap (wire-exchange)', () => {
  it('stops reading an endless body at the cap and closes the exchange', async () => {
    function* endless(): Generator<Buffer> {
      for (;;) yield Buffer.alloc(1000, 'x');
    }
    const { dispatcher, sent, aborted } = chunkDispatcher(endless());
    const result = await exchangeOnWire(dispatcher, wireRequest({ bodyCapBytes: 2500 })).answer;
    expect(result).toMatchObject({ bytes: 2500, truncated: true });
    expect(result.body).toHaveLength(2500);
    expect(aborted()).toBe(true);
    expect(sent()).toBe(3); // the chunk that crossed the cap is the last one read
  });

  it('does not cut a multi-byte character in half at the cap', async () => {
    const result = await readChunks([Buffer.from('aé€')], 4); // a(1) é(2) €(3)
    expect(result).toMatchObject({ body: 'aé', bytes: 4, truncated: true });
  });

  it('drains a body nobody reads (a redirect) without decoding it, and closes the exchange past 128 KiB', async () => {
    const small = chunkDispatcher([Buffer.from('moved')], { status: 302, headers: { location: '/x' } });
    const drained = await exchangeOnWire(small.dispatcher, wireRequest({ bodyCapBytes: 1000, discardBody: (status) => status === 302 })).answer;
    expect(drained).toMatchObject({ status: 302, body: '', bytes: 0, truncated: false, headers: { location: '/x' } });
    expect(small.aborted()).toBe(false);
    const big = chunkDispatcher(Array.from({ length: 200 }, () => Buffer.alloc(1024)), { status: 302, headers: { location: '/x' } });
    await exchangeOnWire(big.dispatcher, wireRequest({ bodyCapBytes: 1000, discardBody: () => true })).answer;
    expect(big.aborted()).toBe(true);
    expect(big.sent()).toBe(129);
  });
});

describe('toProbeError and failureKind', () => {
  it.each([
    [new undiciErrors.ConnectTimeoutError(), 'DL_CONNECT_TIMEOUT', 'timeout'],
    [new undiciErrors.HeadersTimeoutError(), 'DL_HEADERS_TIMEOUT', 'timeout'],
    [new undiciErrors.BodyTimeoutError(), 'DL_BODY_TIMEOUT', 'timeout'],
    [new undiciErrors.SocketError('other side closed'), 'DL_CONNECTION_FAILED', 'reset'],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'DL_CONNECTION_FAILED', 'reset'],
    [Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), 'DL_CONNECTION_FAILED', 'reset'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'DL_CONNECTION_FAILED', 'final'],
    [new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), 'DL_CONNECTION_FAILED', 'final'],
    [Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), 'DL_CONNECTION_FAILED', 'final'],
    [Object.assign(new Error('parse'), { code: 'HPE_INVALID_CONSTANT' }), 'DL_BAD_RESPONSE', 'final'],
    ['a string', 'DL_CONNECTION_FAILED', 'final'],
  ])('%s -> %s (%s)', (error, code, kind) => {
    const probeError = toProbeError(error, 'http://example.com/');
    expect(probeError).toBeInstanceOf(ProbeError);
    expect(probeError.code).toBe(code);
    expect(probeError.url).toBe('http://example.com/');
    expect(failureKind(error)).toBe(kind);
  });

  it('names a refused connection in the message', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toProbeError(refused, 'http://example.com/').message).toMatch(/connection refused/);
  });
});

describe('headers', () => {
  it('lets user headers beat rule headers, keeps our User-Agent, and drops transport-owned ones', () => {
    const headers = buildRequestHeaders(
      { Accept: 'text/html', Cookie: 'rule', Host: 'other-vhost', 'Transfer-Encoding': 'chunked', 'user-agent': 'x' },
      { cookie: 'user' },
      'draftleak/test',
    );
    expect(headers).toEqual({ accept: 'text/html', cookie: 'user', 'user-agent': 'draftleak/test' });
  });

  it('lower-cases response header names and joins repeats', () => {
    expect(
      normalizeResponseHeaders({ 'Content-Type': 'text/html', 'set-cookie': ['a=1', 'b=2'], Vary: ['Accept', 'Origin'] }),
    ).toEqual({ 'content-type': 'text/html', 'set-cookie': 'a=1\nb=2', vary: 'Accept, Origin' });
  });
});
