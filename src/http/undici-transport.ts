import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { ProbeError } from '../core/errors.js';
import type { HttpMethod, HttpRequest, HttpResponse, Transport } from '../core/http-types.js';
import { redactUrl } from '../core/redact.js';
import { readCappedBody, type CappedBody } from './body.js';
import { ResponseCache, cacheKey } from './cache.js';
import { errorCode, failureKind, toProbeError } from './error-mapping.js';
import { buildRequestHeaders, normalizeResponseHeaders } from './headers.js';
import { allowedMethod } from './method-policy.js';
import { resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from './options.js';
import { OriginThrottle } from './origin-throttle.js';
import { isRedirect, methodAfterRedirect } from './redirects.js';
import { backoffDelayMs, isRetryableStatus, retryDelayForStatus } from './retry.js';
import { createScope, isInScope, originKey, parseHttpUrl, type Scope } from './scope.js';

export interface UndiciTransport extends Transport {
  /** Cancels pending waits and closes every connection. The transport is unusable after. */
  close(): Promise<void>;
  stats(): { requestsSent: number; cacheHits: number };
}

/** One request on the wire: the first one, or a redirect hop. */
interface Hop {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  /** The rule's own headers, to rebuild `headers` when a redirect changes the origin. */
  ruleHeaders: Record<string, string>;
  body: string | undefined;
  /** Keep the raw bytes of the final answer. */
  binary: boolean;
}

interface HopAnswer extends CappedBody {
  status: number;
  statusText: string;
  headers: Record<string, string>;
}

const emptyBody: CappedBody = { body: '', bytes: 0, truncated: false };

/** The only code in draftleak that opens sockets. Every safety policy is enforced here. */
export function createUndiciTransport(options: TransportOptions): UndiciTransport {
  const settings = resolveTransportOptions(options);
  const scope = createScope(settings.target, settings.allowedHosts);
  // Our own Agent, never the global dispatcher: its limits and timeouts are the scan's, and
  // nothing else in the process can change them. Redirects are not followed by undici (no
  // redirect interceptor is composed; undici 7 dropped the per-request maxRedirections option
  // and its types reject it), because every hop must pass the scope check first.
  const agent = new Agent({
    connections: settings.concurrencyPerHost,
    connect: { timeout: settings.timeoutMs },
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    keepAliveTimeout: 4_000, // undici's default, stated: sockets are reused between probes
  });
  const throttle = new OriginThrottle(settings.concurrencyPerHost, settings.rateLimitPerHost);
  const cache = new ResponseCache();
  const closing = new AbortController();
  const exchange = new Exchanger(agent, settings, closing.signal);
  let closed: Promise<void> = Promise.resolve();

  async function send(request: HttpRequest): Promise<HttpResponse> {
    try {
      if (closing.signal.aborted) throw new ProbeError('DL_CONNECTION_FAILED', request.url, 'the transport is closed');
      const method = allowedMethod(request);
      const url = parseHttpUrl(request.url);
      assertInScope(url, scope, request.url);
      const body = method === 'POST' ? request.body : undefined;
      const headers = headersFor(url, request.headers);
      const binary = request.binary === true;
      const first: Hop = { url, method, headers, ruleHeaders: request.headers ?? {}, body, binary };
      // The fragment never reaches the server, so "/a#x" and "/a" are the same request.
      const wireUrl = url.href.split('#')[0] ?? url.href;
      const key = cacheKey(method, wireUrl, body, headers) + (binary ? ':binary' : '');
      const response = await cache.getOrLoad(key, () =>
        followRedirects(request.url, first),
      );
      // A cache hit may have been requested under an equivalent spelling of the URL.
      return response.requestedUrl === request.url ? response : { ...response, requestedUrl: request.url };
    } catch (error) {
      throw toProbeError(error, request.url);
    }
  }

  // The user's own headers (cookies, tokens) go to the target's origin only, never to an
  // allowed asset host or a redirect hop elsewhere, so their credentials stay where they belong.
  function headersFor(url: URL, ruleHeaders: Record<string, string> | undefined): Record<string, string> {
    const userHeaders = url.origin === scope.targetOrigin ? settings.headers : {};
    return buildRequestHeaders(ruleHeaders, userHeaders, settings.userAgent);
  }

  async function followRedirects(requestedUrl: string, first: Hop): Promise<HttpResponse> {
    const started = performance.now();
    const redirects: string[] = [];
    let hop = first;
    for (;;) {
      const answer = await exchangeWithRetries(hop);
      const location = answer.headers.location;
      if (!isRedirect(answer.status, location)) {
        return {
          requestedUrl,
          url: hop.url.href,
          status: answer.status,
          statusText: answer.statusText,
          headers: answer.headers,
          body: answer.body,
          truncated: answer.truncated,
          bytes: answer.bytes,
          ...(answer.raw ? { rawBody: new Uint8Array(answer.raw) } : {}),
          redirects,
          durationMs: Math.round(performance.now() - started),
        };
      }
      const next = resolveLocation(location, hop.url);
      if (!isInScope(next, scope)) {
        throw new ProbeError(
          'DL_REDIRECT_OUT_OF_SCOPE',
          hop.url.href,
          `${hop.url.href} redirects to ${location}, which is out of scope; not followed`,
        );
      }
      if (redirects.length >= settings.maxRedirects) {
        throw new ProbeError(
          'DL_TOO_MANY_REDIRECTS',
          requestedUrl,
          `more than ${settings.maxRedirects} redirects starting at ${requestedUrl}`,
        );
      }
      hop = nextHop(hop, answer.status, next, headersFor(next, hop.ruleHeaders));
      redirects.push(next.href);
    }
  }

  /** One hop, with retries on resets, a single retry on a timeout, and 429/503 backoff. */
  async function exchangeWithRetries(hop: Hop): Promise<HopAnswer> {
    let timeoutRetried = false;
    for (let attempt = 1; ; attempt += 1) {
      const retriesLeft = attempt <= settings.retries;
      let answer: HopAnswer;
      try {
        answer = await throttle.run(originKey(hop.url), () => exchange.once(hop, retriesLeft), closing.signal);
      } catch (error) {
        const kind = failureKind(error);
        // A timeout says the server is slow, not flaky: one more try, not a pile of them.
        const retry = retriesLeft && (kind === 'reset' || (kind === 'timeout' && !timeoutRetried));
        if (!retry) throw toProbeError(error, hop.url.href);
        if (kind === 'timeout') timeoutRetried = true;
        const delayMs = backoffDelayMs(attempt, settings.retryBaseDelayMs);
        logRetry(settings, hop, attempt, errorCode(error) ?? 'error', delayMs);
        await pause(delayMs, hop.url.href, closing.signal);
        continue;
      }
      // After the last attempt a 429/503 is returned: it is the server's answer, not a failure.
      if (!(retriesLeft && isRetryableStatus(answer.status))) return answer;
      const delayMs = retryDelayForStatus(answer.headers['retry-after'], attempt, {
        baseMs: settings.retryBaseDelayMs,
        maxRetryAfterMs: settings.maxRetryAfterMs,
      });
      logRetry(settings, hop, attempt, String(answer.status), delayMs);
      await pause(delayMs, hop.url.href, closing.signal);
    }
  }

  return {
    send,
    isInScope(url: string): boolean {
      try {
        return isInScope(parseHttpUrl(url), scope);
      } catch {
        return false;
      }
    },
    close() {
      // Idempotent: undici rejects a second close, and callers close from several places.
      if (!closing.signal.aborted) {
        closing.abort();
        closed = agent.close();
      }
      return closed;
    },
    stats() {
      return { requestsSent: exchange.requestsSent, cacheHits: cache.hits };
    },
  };
}

/** Performs single exchanges on the wire and counts them. */
class Exchanger {
  requestsSent = 0;

  constructor(
    private readonly agent: Agent,
    private readonly settings: ResolvedTransportOptions,
    private readonly signal: AbortSignal,
  ) {}

  /** `retriesLeft` lets a 429/503 that will be retried skip reading a body nobody will see. */
  async once(hop: Hop, retriesLeft: boolean): Promise<HopAnswer> {
    const started = performance.now();
    this.requestsSent += 1;
    try {
      const response = await request(hop.url, {
        dispatcher: this.agent,
        method: hop.method,
        headers: hop.headers,
        body: hop.body,
        signal: this.signal,
      });
      const headers = normalizeResponseHeaders(response.headers);
      const discard =
        hop.method === 'HEAD' ||
        isRedirect(response.statusCode, headers.location) ||
        (retriesLeft && isRetryableStatus(response.statusCode));
      let content: CappedBody;
      if (discard) {
        // Drain (up to undici's small dump limit) so the connection can be reused; a failure
        // here does not matter, the status and headers are what we came for.
        await response.body.dump().catch(() => undefined);
        content = emptyBody;
      } else {
        content = await readCappedBody(response.body, this.settings.bodyCapBytes, hop.binary);
      }
      this.settings.logger?.debug(
        {
          method: hop.method,
          url: redactUrl(hop.url.href),
          status: response.statusCode,
          ms: Math.round(performance.now() - started),
          bytes: content.bytes,
          truncated: content.truncated,
        },
        'http exchange',
      );
      return { status: response.statusCode, statusText: response.statusText, headers, ...content };
    } catch (error) {
      this.settings.logger?.debug(
        {
          method: hop.method,
          url: redactUrl(hop.url.href),
          error: errorCode(error) ?? 'error',
          ms: Math.round(performance.now() - started),
        },
        'http exchange failed',
      );
      throw error;
    }
  }
}

function assertInScope(url: URL, scope: Scope, requestedUrl: string): void {
  if (!isInScope(url, scope)) {
    throw new ProbeError(
      'DL_OUT_OF_SCOPE',
      requestedUrl,
      `${url.host} is outside the scan scope (target ${scope.targetOrigin}); allow it explicitly to probe it`,
    );
  }
}

function resolveLocation(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch (error) {
    throw new ProbeError('DL_BAD_RESPONSE', base.href, `${base.href} redirects to an invalid Location: ${location}`, {
      cause: error,
    });
  }
}

function nextHop(previous: Hop, status: number, url: URL, headers: Record<string, string>): Hop {
  const method = methodAfterRedirect(status, previous.method);
  if (method === previous.method) return { ...previous, url, headers };
  // The body does not travel to the new method, and neither do the headers that describe it.
  const withoutBody = { ...headers };
  delete withoutBody['content-type'];
  return { url, method, headers: withoutBody, ruleHeaders: previous.ruleHeaders, body: undefined, binary: previous.binary };
}

async function pause(ms: number, url: string, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    throw new ProbeError('DL_CONNECTION_FAILED', url, 'the transport was closed while waiting to retry', {
      cause: error,
    });
  }
}

function logRetry(settings: ResolvedTransportOptions, hop: Hop, attempt: number, reason: string, delayMs: number): void {
  settings.logger?.debug(
    { method: hop.method, url: redactUrl(hop.url.href), attempt, reason, delayMs: Math.round(delayMs) },
    'http retry',
  );
}
