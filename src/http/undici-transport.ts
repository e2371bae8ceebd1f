import type { Dispatcher } from 'undici';
import { ProbeError } from '../core/errors.js';
import type { HttpMethod, HttpRequest, HttpResponse, SpentBudget, Transport } from '../core/http-types.js';
import { redactUrl } from '../core/redact.js';
import { isTokenVendorHost } from '../core/token-vendors.js';
import { createDispatcher } from './dispatcher.js';
import { ResponseCache, cacheKeyWith, headersKey } from './cache.js';
import { HostHealth } from './host-health.js';
import { errorCode, failureKind, toProbeError } from './error-mapping.js';
import { buildRequestHeaders } from './headers.js';
import { exchangeOnWire, type WireAnswer } from './wire-exchange.js';
import { allowedMethod } from './method-policy.js';
import { resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from './options.js';
import { OriginThrottle } from './origin-throttle.js';
import { Waits } from './waits.js';
import { isRedirect, methodAfterRedirect } from './redirects.js';
import { backoffDelayMs, isRetryableStatus, retryDelayForStatus } from './retry.js';
import { createScope, isInScope, originKey, parseHttpUrl, type Scope } from './scope.js';

export interface UndiciTransport extends Transport {
  /**
   * Cancels every pending wait and exchange (they fail with DL_ABORTED) and closes every
   * connection. The transport is unusable after.
   */
  close(): Promise<void>;
  stats(): TransportStats;
  isInScope(url: string, request?: Pick<HttpRequest, 'verifyToken'>): boolean;
  /** The limits that refused requests so far (request budget, hosts given up on). */
  spentBudgets(): SpentBudget[];
}

export interface TransportStats {
  requestsSent: number;
  cacheHits: number;
  /** HTTP answers received, of any status. */
  answers: number;
  /**
   * Answers that show the site serving something: any status but the refusals a WAF or a gate
   * gives everything (401, 403, 407, 429, 503). Zero means nothing was really scanned.
   */
  usefulAnswers: number;
  /**
   * HTML pages answered to crawl requests so far: a live figure for a progress display (the
   * crawl's own count, in the report, is the exact one).
   */
  crawlPages: number;
}

const refusalStatuses = new Set([401, 403, 407, 429, 503]);

/** Header sets whose cache-key part is remembered (see keyOfHeaders), and the longest remembered. */
const maxHeadersKeys = 256;
const maxHeadersSignatureLength = 1024;

/**
 * The crawl reads each page once: a page's answer is not kept in the response cache past its
 * exchange (a 50,000-page crawl filled the cache's 32 MiB with pages nobody asked for again).
 * Small answers (robots.txt, a small home page, an API root the crawl found) are kept, since
 * rules do ask for those again.
 */
const crawlAnswerKeptBytes = 16 * 1024;
const keepCrawlAnswer = (response: HttpResponse): boolean => response.bytes <= crawlAnswerKeptBytes;

/** One request on the wire: the first one, or a redirect hop. */
interface Hop {
  url: URL;
  /** originKey(url), worked out once per hop (nextHop makes it for a redirect): the throttle and the error budget are kept per origin. */
  origin: string;
  method: HttpMethod;
  headers: Record<string, string>;
  /** The rule's own headers, to rebuild `headers` when a redirect changes the origin. */
  ruleHeaders: Record<string, string>;
  /** Whether the user's identity may travel with it (to the target's origin only). */
  withIdentity: boolean;
  body: string | undefined;
  /** Keep the raw bytes of the final answer. */
  binary: boolean;
  /** Body bytes read at most; the rest is never read. */
  bodyCapBytes: number;
}

/** The only code in draftleak that opens sockets. Every safety policy is enforced here. */
export function createUndiciTransport(options: TransportOptions): UndiciTransport {
  const settings = resolveTransportOptions(options);
  const scope = createScope(settings.target, settings.allowedHosts, { sameSite: settings.sameSite });
  // Our own Agent (or ProxyAgent with --proxy), never the global dispatcher: see dispatcher.ts.
  const agent = createDispatcher(settings);
  if (settings.proxy !== undefined) settings.logger?.debug({ proxy: settings.proxy.origin }, 'every connection is tunnelled through the proxy (CONNECT)');
  const throttle = new OriginThrottle(settings.concurrencyPerHost, settings.rateLimitPerHost);
  const cache = new ResponseCache({ entryMaxBytes: settings.cacheEntryMaxBytes, maxBytes: settings.cacheMaxBytes, maxEntries: settings.cacheMaxEntries });
  const health = new HostHealth(settings.maxHostErrors);
  // close() ends these (retry pauses, rate-limit turns) and the Exchanger's exchanges on the
  // wire: nothing per request in flight listens to a shared signal.
  const waits = new Waits();
  let closing = false;
  let requestBudgetSpent = 0;
  let answers = 0;
  let usefulAnswers = 0;
  let crawlPages = 0;
  const exchange = new Exchanger(agent, settings);
  let closed: Promise<void> = Promise.resolve();
  // A rule asks isInScope(url) and then sends that URL: the URL parsed for the first is used by
  // the second (one parse per probe instead of two), and when it was in scope (not only allowed
  // as a token's verification call) the scope is not asked again: the scope never changes and
  // isInScope is a function of the URL's text, matched exactly. Only the last one, taken once.
  let lastInScope: { url: string; parsed: URL; knownInScope: boolean } | undefined;
  const checkedRequestUrl = (raw: string): { url: URL; knownInScope: boolean } => {
    const last = lastInScope;
    lastInScope = undefined;
    if (last !== undefined && last.url === raw) return { url: last.parsed, knownInScope: last.knownInScope };
    return { url: parseHttpUrl(raw), knownInScope: false };
  };

  async function send(request: HttpRequest): Promise<HttpResponse> {
    try {
      if (closing) throw abortedError(request.url);
      // Taken first, so a request refused below does not leave it for the next one.
      const { url, knownInScope } = checkedRequestUrl(request.url);
      const method = allowedMethod(request, url);
      if (!knownInScope && !verificationAllowed(url, request)) assertInScope(url, scope, request.url);
      const body = method === 'POST' ? request.body : undefined;
      const withIdentity = carriesIdentity(request);
      const origin = originKey(url);
      const identity = identityApplies(origin, withIdentity);
      const headers = buildHeaders(request.headers, identity);
      const binary = request.binary === true;
      const bodyCapBytes = Math.min(settings.bodyCapBytes, request.maxBodyBytes ?? Number.POSITIVE_INFINITY);
      const first: Hop = { url, origin, method, headers, ruleHeaders: request.headers ?? {}, withIdentity, body, binary, bodyCapBytes };
      // The fragment never reaches the server, so "/a#x" and "/a" are the same request.
      const wireUrl = url.href.split('#')[0] ?? url.href;
      const key = `${cacheKeyWith(method, wireUrl, body, keyOfHeaders(request.headers, identity, headers))}${binary ? ':binary' : ''}:${bodyCapBytes}`;
      const guarded = request.allowRedirect;
      const response = await cache.getOrLoad(guarded ? `${key}:guarded` : key, () => followRedirects(request.url, first, guarded), request.purpose === 'crawl' ? keepCrawlAnswer : undefined);
      if (request.purpose === 'crawl' && /html/i.test(response.headers['content-type'] ?? '')) crawlPages += 1;
      // A cache hit may have been requested under an equivalent spelling of the URL.
      return response.requestedUrl === request.url ? response : { ...response, requestedUrl: request.url };
    } catch (error) {
      // Once the scan stops, whatever did not finish was cut short by us, not by the server.
      throw closing ? abortedError(request.url) : toProbeError(error, request.url, settings.proxy);
    }
  }

  // A token's one verification call may go to its vendor's API, nowhere else, and only when the
  // user asked for verification.
  function verificationAllowed(url: URL, request: Pick<HttpRequest, 'verifyToken'>): boolean {
    return request.verifyToken === true && settings.verifyTokens && isTokenVendorHost(url);
  }

  // The anonymous identity is the default of no request: a request carries the user's identity
  // unless it asks to be anonymous, and only when the user's --auth-scope covers its purpose.
  function carriesIdentity(request: HttpRequest): boolean {
    if (request.identity === 'anonymous') return false;
    const purpose = request.purpose ?? 'rule';
    return settings.authScope === 'all' || (settings.authScope === 'crawl' ? purpose === 'crawl' : purpose === 'rule');
  }

  // The user's own headers (cookies, tokens) go to the target's origin only, compared on
  // normalised origins (default ports included), never to an allowed asset host or a redirect
  // hop elsewhere, so their credentials stay where they belong.
  function headersFor(origin: string, ruleHeaders: Record<string, string> | undefined, withIdentity: boolean): Record<string, string> {
    return buildHeaders(ruleHeaders, identityApplies(origin, withIdentity));
  }

  /** Whether the user's identity goes to `origin`, an originKey. */
  function identityApplies(origin: string, withIdentity: boolean): boolean {
    return withIdentity && origin === scope.targetOrigin;
  }

  function buildHeaders(ruleHeaders: Record<string, string> | undefined, identity: boolean): Record<string, string> {
    return buildRequestHeaders(ruleHeaders, identity ? settings.headers : {}, settings.userAgent);
  }

  // The headers part of a request's cache key, sorted and serialised, was 1% of a probe's CPU
  // and 25 ms of a 5,000-page crawl: it is remembered per identity and the request's own headers,
  // of which a scan has a handful of sets (none for most probes, one `accept` per kind of crawl
  // fetch). buildHeaders' answer is a function of those two alone. The headers object itself is
  // still made per request: undici's ProxyAgent writes into it.
  const headersKeys = new Map<string, string>();
  function keyOfHeaders(ruleHeaders: Record<string, string> | undefined, identity: boolean, headers: Record<string, string>): string {
    let signature = identity ? '1' : '0';
    if (ruleHeaders !== undefined) {
      // Each name and value prefixed with its length, so no two header sets read the same.
      for (const name of Object.keys(ruleHeaders)) {
        const value = String(ruleHeaders[name]);
        signature += `${name.length}:${name}${value.length}:${value}`;
      }
    }
    if (signature.length > maxHeadersSignatureLength) return headersKey(headers);
    let key = headersKeys.get(signature);
    if (key === undefined) {
      key = headersKey(headers);
      if (headersKeys.size >= maxHeadersKeys) headersKeys.clear();
      headersKeys.set(signature, key);
    }
    return key;
  }

  async function followRedirects(
    requestedUrl: string,
    first: Hop,
    allowRedirect: ((url: string) => boolean) | undefined,
  ): Promise<HttpResponse> {
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
          { redirectTo: next.href },
        );
      }
      if (allowRedirect !== undefined && !allowRedirect(next.href)) {
        throw new ProbeError('DL_REDIRECT_REFUSED', hop.url.href, `${hop.url.href} redirects to ${next.href}, which the crawl's link policy refuses; not followed`);
      }
      if (redirects.length >= settings.maxRedirects) {
        throw new ProbeError(
          'DL_TOO_MANY_REDIRECTS',
          requestedUrl,
          `more than ${settings.maxRedirects} redirects starting at ${requestedUrl}`,
        );
      }
      hop = nextHop(hop, answer.status, next, headersFor);
      // Every hop passes the read-only policy, not only the first: a same-origin redirect to
      // "?query=mutation…" must not be followed.
      allowedMethod({ method: hop.method, url: hop.url.href, ...(hop.body === undefined ? {} : { body: hop.body }), readOnlyGraphql: hop.method === 'POST' }, hop.url);
      redirects.push(next.href);
    }
  }

  /** One hop, with retries on resets, a single retry on a timeout, and 429/503 backoff. */
  async function exchangeWithRetries(hop: Hop): Promise<WireAnswer> {
    const origin = hop.origin;
    let timeoutRetried = false;
    for (let attempt = 1; ; attempt += 1) {
      const retriesLeft = attempt <= settings.retries;
      let answer: WireAnswer;
      try {
        answer = await throttle.run(
          origin,
          () => {
            // Checked once a slot is held, so requests queued before a budget ran out stop too.
            refuseUnaffordable(hop);
            return exchange.once(hop, retriesLeft);
          },
          waits.sleep,
        );
      } catch (error) {
        if (closing || (error instanceof ProbeError && (error.code === 'DL_REQUEST_BUDGET' || error.code === 'DL_HOST_ERROR_BUDGET'))) throw error;
        const kind = failureKind(error);
        // A timeout says the server is slow, not flaky: one more try, not a pile of them.
        const retry = retriesLeft && (kind === 'reset' || (kind === 'timeout' && !timeoutRetried));
        if (!retry) {
          const failure = toProbeError(error, hop.url.href, settings.proxy);
          health.failed(origin, failure.code);
          throw failure;
        }
        if (kind === 'timeout') timeoutRetried = true;
        const delayMs = backoffDelayMs(attempt, settings.retryBaseDelayMs);
        logRetry(settings, hop, attempt, errorCode(error) ?? 'error', delayMs);
        await pause(delayMs, hop.url.href, waits.sleep);
        continue;
      }
      health.answered(origin);
      answers += 1;
      if (!refusalStatuses.has(answer.status)) usefulAnswers += 1;
      // After the last attempt a 429/503 is returned: it is the server's answer, not a failure.
      if (!(retriesLeft && isRetryableStatus(answer.status))) return answer;
      const delayMs = retryDelayForStatus(answer.headers['retry-after'], attempt, {
        baseMs: settings.retryBaseDelayMs,
        maxRetryAfterMs: settings.maxRetryAfterMs,
      });
      logRetry(settings, hop, attempt, String(answer.status), delayMs);
      await pause(delayMs, hop.url.href, waits.sleep);
    }
  }

  function refuseUnaffordable({ url, origin }: Hop): void {
    if (closing) throw abortedError(url.href);
    if (health.givenUp(origin)) {
      throw new ProbeError(
        'DL_HOST_ERROR_BUDGET',
        url.href,
        `not sent: ${url.host} failed ${settings.maxHostErrors} times in a row and is no longer probed (raise --max-host-errors)`,
      );
    }
    if (exchange.requestsSent >= settings.maxRequests) {
      requestBudgetSpent += 1;
      throw new ProbeError('DL_REQUEST_BUDGET', url.href, `not sent: the target's budget of ${settings.maxRequests} requests is spent (raise --max-requests)`);
    }
  }

  return {
    send,
    isInScope(url: string, request: Pick<HttpRequest, 'verifyToken'> = {}): boolean {
      try {
        const parsed = parseHttpUrl(url);
        const knownInScope = isInScope(parsed, scope);
        const allowed = knownInScope || verificationAllowed(parsed, request);
        if (allowed) lastInScope = { url, parsed, knownInScope };
        return allowed;
      } catch {
        return false;
      }
    },
    close() {
      // Idempotent: undici rejects a second close, and callers close from several places.
      if (!closing) {
        closing = true;
        const reason = abortedError('(in flight)');
        waits.endAll(reason);
        exchange.abortAll(reason);
        // destroy, not close: close would wait for bodies that may never end.
        closed = agent.destroy().catch(() => undefined);
      }
      return closed;
    },
    stats() {
      return { requestsSent: exchange.requestsSent, cacheHits: cache.hits, answers, usefulAnswers, crawlPages };
    },
    spentBudgets() {
      const spent: SpentBudget[] = health.givenUpOrigins().map(({ origin, lastCode }) => ({
        budget: 'host errors',
        flag: '--max-host-errors',
        detail: `${origin} failed ${settings.maxHostErrors} times in a row (last: ${lastCode}) and was not probed further`,
      }));
      if (requestBudgetSpent > 0) {
        spent.push({
          budget: 'requests',
          flag: '--max-requests',
          detail: `the budget of ${settings.maxRequests} requests was spent; ${requestBudgetSpent} request(s) were not sent`,
        });
      }
      return spent;
    },
  };
}

function abortedError(url: string): ProbeError {
  return new ProbeError('DL_ABORTED', url, `not completed: the scan was stopped before ${url} answered`);
}

/** Raised inside an exchange when its total deadline passes. */
class DeadlineExceeded extends Error {
  constructor(readonly phase: 'headers' | 'body') {
    super(`deadline exceeded while waiting for the ${phase}`);
  }
}

/** Performs single exchanges on the wire and counts them. */
class Exchanger {
  requestsSent = 0;
  /** How to end each exchange on the wire now: close() ends them all. */
  private readonly inFlight = new Set<(reason: unknown) => void>();

  constructor(
    private readonly agent: Dispatcher,
    private readonly settings: ResolvedTransportOptions,
  ) {}

  /** Ends every exchange on the wire with `reason` (the transport is closing). */
  abortAll(reason: unknown): void {
    for (const abort of this.inFlight) abort(reason);
  }

  /**
   * One exchange, ended by abortAll (the scan stopping) or by its own total deadline.
   * `retriesLeft` lets a 429/503 that will be retried skip reading a body nobody will see.
   */
  async once(hop: Hop, retriesLeft: boolean): Promise<WireAnswer> {
    const started = performance.now();
    this.requestsSent += 1;
    const exchange = exchangeOnWire(this.agent, {
      url: hop.url,
      method: hop.method,
      headers: hop.headers,
      body: hop.body,
      bodyCapBytes: hop.bodyCapBytes,
      binary: hop.binary,
      // Drained, not decoded: a redirect's body, and a 429/503 that will be retried.
      discardBody: (status, headers) => isRedirect(status, headers.location) || (retriesLeft && isRetryableStatus(status)),
    });
    // undici's headers and body timeouts are idle timeouts: a byte every few seconds resets
    // them. This deadline covers the whole exchange, so a trickling server cannot hold it.
    // The timer and abortAll reach the exchange through a box emptied when it ends. Objects made
    // when an exchange starts may reach V8's old generation before it ends, and dead old objects
    // stay until the next full collection while every young collection scans them as roots:
    // a closure still holding the exchange kept its answer's body alive and promoted, every
    // page of a crawl (BENCHMARKS.md, seventh session).
    const box: { exchange?: typeof exchange } = { exchange };
    const deadline = setTimeout(() => box.exchange?.abort(new DeadlineExceeded(box.exchange.phase())), this.settings.timeoutMs);
    const abort = (reason: unknown): void => box.exchange?.abort(reason);
    this.inFlight.add(abort);
    const logger = this.settings.logger;
    try {
      const answer = await exchange.answer;
      // Built only when it is written: the redacted URL costs a parse per request.
      if (logger?.isLevelEnabled('debug')) {
        logger.debug(
          { method: hop.method, url: redactUrl(hop.url.href), status: answer.status, ms: Math.round(performance.now() - started), bytes: answer.bytes, truncated: answer.truncated },
          'http exchange',
        );
      }
      return answer;
    } catch (caught) {
      const error = caught instanceof DeadlineExceeded ? deadlineError(caught.phase, hop.url.href, this.settings.timeoutMs) : caught;
      if (logger?.isLevelEnabled('debug')) {
        logger.debug({ method: hop.method, url: redactUrl(hop.url.href), error: errorCode(error) ?? 'error', ms: Math.round(performance.now() - started) }, 'http exchange failed');
      }
      throw error;
    } finally {
      clearTimeout(deadline);
      this.inFlight.delete(abort);
      box.exchange = undefined;
    }
  }
}

/** A deadline failure keeps undici's timeout code, so retries and reports treat it as a timeout. */
function deadlineError(phase: 'headers' | 'body', url: string, timeoutMs: number): Error {
  const code = phase === 'headers' ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_BODY_TIMEOUT';
  return Object.assign(new Error(`no complete ${phase === 'headers' ? 'response headers' : 'response body'} within ${timeoutMs} ms`), { code });
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

/** The hop a redirect to `url` makes: its own origin key, and the headers for that origin. */
function nextHop(
  previous: Hop,
  status: number,
  url: URL,
  headersFor: (origin: string, ruleHeaders: Record<string, string>, withIdentity: boolean) => Record<string, string>,
): Hop {
  const origin = originKey(url);
  const headers = headersFor(origin, previous.ruleHeaders, previous.withIdentity);
  const method = methodAfterRedirect(status, previous.method);
  if (method === previous.method) return { ...previous, url, origin, headers };
  // The body does not travel to the new method, and neither do the headers that describe it.
  const withoutBody = { ...headers };
  delete withoutBody['content-type'];
  return { ...previous, url, origin, method, headers: withoutBody, body: undefined };
}

async function pause(ms: number, url: string, sleep: (ms: number) => Promise<void>): Promise<void> {
  try {
    await sleep(ms);
  } catch (error) {
    throw new ProbeError('DL_ABORTED', url, 'not completed: the scan was stopped while waiting to retry', { cause: error });
  }
}

function logRetry(settings: ResolvedTransportOptions, hop: Hop, attempt: number, reason: string, delayMs: number): void {
  settings.logger?.debug(
    { method: hop.method, url: redactUrl(hop.url.href), attempt, reason, delayMs: Math.round(delayMs) },
    'http retry',
  );
}
