import type { Logger } from 'pino';
import { UsageError } from '../core/errors.js';
import { toolInfo } from '../core/version.js';
import { parseProxyUrl } from './proxy.js';

export interface TransportOptions {
  /** The scan target URL; its origin (scheme, host and port) is in scope. */
  target: string;
  /** Extra hosts the user allows: "host" (any port and scheme) or "host:port". */
  allowedHosts?: string[];
  /**
   * Hosts of the target's own site (same registrable domain, default ports) are in scope too:
   * its CMS API and media hosts. The user's headers still go to the target's origin only.
   * Default false (--scope strict); the scan turns it on by default (--scope site).
   */
  sameSite?: boolean;
  /** Requests in flight at once per origin. Default 4. */
  concurrencyPerHost?: number;
  /** Request starts per second per origin (retries count too). Default 10; 0 = unlimited. */
  rateLimitPerHost?: number;
  /**
   * The whole of one exchange (connect, headers and the full body) must end within this many
   * ms, whatever the server does: a body that trickles a byte at a time cannot hold a request
   * open past it. Default 10000.
   */
  timeoutMs?: number;
  /** Body bytes kept per response; the rest is never read. Default 5 MiB. */
  bodyCapBytes?: number;
  /** Redirects followed per request. Default 5. */
  maxRedirects?: number;
  /** Extra attempts after the first. Default 2. */
  retries?: number;
  /** Longest Retry-After wait honoured, in ms. Default 30000. */
  maxRetryAfterMs?: number;
  /** Base of the exponential backoff (with jitter) when there is no Retry-After. Default 250. */
  retryBaseDelayMs?: number;
  /** Default `draftleak/<version> (+<informationUri>)`. */
  userAgent?: string;
  /** The user's own headers (Cookie, Authorization...), sent to the target's origin only; never logged. */
  headers?: Record<string, string>;
  /**
   * Which requests carry the user's identity (their headers): discovery crawl requests, rule
   * probes, or both. Requests of other purposes are anonymous. Default 'all'.
   */
  authScope?: AuthScope;
  /** Requests sent per transport (one target) before every further one is refused. Default 10000. */
  maxRequests?: number;
  /**
   * Failures in a row (timeouts, resets, refused or unreadable answers) after which an origin is
   * no longer asked at all. Default 8; 0 = never give up on a host.
   */
  maxHostErrors?: number;
  /**
   * --verify-tokens: a request marked verifyToken may go to a token vendor's API host
   * (core/token-vendors), that request only. Default false.
   */
  verifyTokens?: boolean;
  /** Accept TLS certificates that do not verify (self-signed staging). Default false. */
  insecure?: boolean;
  /** Bodies at most this big are kept in the per-scan cache (bigger ones are shared in flight only). Default 256 KiB. */
  cacheEntryMaxBytes?: number;
  /** Body bytes the cache keeps in all; the least recently asked entries go first. Default 32 MiB. */
  cacheMaxBytes?: number;
  /** Answers the cache keeps in all, however small. Default 2,048. */
  cacheMaxEntries?: number;
  /**
   * --proxy: an http:// or https:// proxy that every connection is tunnelled through (HTTP
   * CONNECT); `user:password@` in it is sent as Proxy-Authorization to the proxy only, and never
   * logged or reported. The proxy is not in scope and changes nothing about what is probed.
   */
  proxy?: string;
  /** Receives a debug line per request: method, url, status, ms. Never header values. */
  logger?: Logger;
}

export const authScopes = ['crawl', 'rules', 'all'] as const;
export type AuthScope = (typeof authScopes)[number];

export type ResolvedTransportOptions = Required<Omit<TransportOptions, 'logger' | 'proxy'>> & {
  logger: Logger | undefined;
  proxy: URL | undefined;
};

export const defaultUserAgent = `${toolInfo.name}/${toolInfo.version} (+${toolInfo.informationUri})`;

/** Fills in defaults and refuses numbers that would make the transport unsafe or stuck. */
export function resolveTransportOptions(options: TransportOptions): ResolvedTransportOptions {
  const resolved: ResolvedTransportOptions = {
    target: options.target,
    allowedHosts: options.allowedHosts ?? [],
    sameSite: options.sameSite ?? false,
    concurrencyPerHost: options.concurrencyPerHost ?? 4,
    rateLimitPerHost: options.rateLimitPerHost ?? 10,
    timeoutMs: options.timeoutMs ?? 10_000,
    bodyCapBytes: options.bodyCapBytes ?? 5 * 1024 * 1024,
    maxRedirects: options.maxRedirects ?? 5,
    retries: options.retries ?? 2,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 250,
    userAgent: options.userAgent ?? defaultUserAgent,
    headers: options.headers ?? {},
    authScope: options.authScope ?? 'all',
    maxRequests: options.maxRequests ?? 10_000,
    maxHostErrors: options.maxHostErrors ?? 8,
    insecure: options.insecure ?? false,
    verifyTokens: options.verifyTokens ?? false,
    cacheEntryMaxBytes: options.cacheEntryMaxBytes ?? 256 * 1024,
    cacheMaxBytes: options.cacheMaxBytes ?? 32 * 1024 * 1024,
    cacheMaxEntries: options.cacheMaxEntries ?? 2048,
    logger: options.logger,
    proxy: options.proxy === undefined ? undefined : parseProxyUrl(options.proxy),
  };
  requireInteger('concurrencyPerHost', resolved.concurrencyPerHost, 1);
  requireNumber('rateLimitPerHost', resolved.rateLimitPerHost, 0);
  requireInteger('timeoutMs', resolved.timeoutMs, 1);
  requireInteger('bodyCapBytes', resolved.bodyCapBytes, 0);
  requireInteger('maxRedirects', resolved.maxRedirects, 0);
  requireInteger('retries', resolved.retries, 0);
  requireNumber('maxRetryAfterMs', resolved.maxRetryAfterMs, 0);
  requireNumber('retryBaseDelayMs', resolved.retryBaseDelayMs, 0);
  requireInteger('maxRequests', resolved.maxRequests, 1);
  requireInteger('maxHostErrors', resolved.maxHostErrors, 0);
  requireInteger('cacheEntryMaxBytes', resolved.cacheEntryMaxBytes, 0);
  requireInteger('cacheMaxBytes', resolved.cacheMaxBytes, 0);
  requireInteger('cacheMaxEntries', resolved.cacheMaxEntries, 0);
  if (!authScopes.includes(resolved.authScope)) throw new UsageError(`authScope must be one of ${authScopes.join(', ')}, got ${resolved.authScope}`);
  return resolved;
}

function requireNumber(name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new UsageError(`${name} must be a number >= ${min}, got ${value}`);
  }
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new UsageError(`${name} must be an integer >= ${min}, got ${value}`);
  }
}
