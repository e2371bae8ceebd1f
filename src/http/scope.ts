import { getDomain } from 'tldts';
import { ProbeError, UsageError } from '../core/errors.js';

/**
 * What the scanner may talk to: the target's own origin, plus the hosts the user named. It is
 * checked before a socket opens, for the first request and for every redirect, so a probe can
 * never reach a third party the user did not ask for.
 */
export interface Scope {
  /** The target origin, e.g. "https://example.com:443" (port always explicit). */
  readonly targetOrigin: string;
  /** Hosts allowed on any scheme and port. */
  readonly anyPortHosts: ReadonlySet<string>;
  /** "host:port" pairs allowed on any scheme. */
  readonly hostPorts: ReadonlySet<string>;
  /**
   * The target's registrable domain ("example.co.uk" for www.example.co.uk, by the Public
   * Suffix List with its private section, so a.github.io and b.github.io are two sites), when
   * hosts of the same site are in scope: cms.example.co.uk, media.example.co.uk, on default
   * ports. Absent for --scope strict and for targets with no such domain (an IP, localhost).
   */
  readonly siteDomain?: string;
}

/** The registrable domain of a host name, or undefined (IP addresses, localhost, a bare suffix). */
export function registrableDomain(hostname: string): string | undefined {
  return getDomain(normalizeHost(hostname), { allowPrivateDomains: true }) ?? undefined;
}

const defaultPorts: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** Parses an absolute http(s) URL, or throws DL_INVALID_URL. */
export function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ProbeError('DL_INVALID_URL', url, `not a valid absolute URL: ${url}`, { cause: error });
  }
  if (!(parsed.protocol in defaultPorts)) {
    throw new ProbeError('DL_INVALID_URL', url, `only http: and https: URLs are allowed, got ${parsed.protocol}`);
  }
  return parsed;
}

export function createScope(target: string, allowedHosts: readonly string[] = [], options: { sameSite?: boolean } = {}): Scope {
  let targetUrl: URL;
  try {
    targetUrl = parseHttpUrl(target);
  } catch {
    throw new UsageError(`the target must be an absolute http(s) URL, got "${target}"`);
  }
  const anyPortHosts = new Set<string>();
  const hostPorts = new Set<string>();
  for (const entry of allowedHosts) {
    const { host, port } = parseAllowedHost(entry);
    if (port === undefined) anyPortHosts.add(host);
    else hostPorts.add(`${host}:${port}`);
  }
  const siteDomain = options.sameSite === true ? registrableDomain(targetUrl.hostname) : undefined;
  return { targetOrigin: originKey(targetUrl), anyPortHosts, hostPorts, ...(siteDomain === undefined ? {} : { siteDomain }) };
}

/** True when the URL is http(s) and its origin is the target or its host is allowed. */
export function isInScope(url: string | URL, scope: Scope): boolean {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? parseHttpUrl(url) : url;
  } catch {
    return false;
  }
  if (!(parsed.protocol in defaultPorts)) return false;
  const host = normalizeHost(parsed.hostname);
  return (
    originKey(parsed) === scope.targetOrigin ||
    scope.anyPortHosts.has(host) ||
    scope.hostPorts.has(`${host}:${effectivePort(parsed)}`) ||
    isSameSite(parsed, host, scope)
  );
}

// Another host of the target's own site, on a default port only: an explicit port is another
// service the user did not name.
function isSameSite(url: URL, host: string, scope: Scope): boolean {
  if (scope.siteDomain === undefined || url.port !== '') return false;
  return registrableDomain(host) === scope.siteDomain;
}

/** Scheme, host and explicit port: "http://h" and "http://h:80" are the same origin. */
export function originKey(url: URL): string {
  // Asked four times per request (scope, identity, throttle, budget): worked out once per
  // origin, for http(s) URLs only. Their origin serialises scheme, host and port, so the key is a
  // function of it; other schemes' is not ("blob:https://h/x" has the origin of https://h).
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return keyOf(url);
  const origin = url.origin;
  let key = originKeys.get(origin);
  if (key === undefined) {
    key = keyOf(url);
    if (originKeys.size >= 1024) originKeys.clear();
    originKeys.set(origin, key);
  }
  return key;
}

const originKeys = new Map<string, string>();

function keyOf(url: URL): string {
  return `${url.protocol}//${normalizeHost(url.hostname)}:${effectivePort(url)}`;
}

function effectivePort(url: URL): string {
  return url.port || defaultPorts[url.protocol] || '';
}

// "Example.com." and "example.com" name the same host; WHATWG URL lower-cases but keeps the dot.
function normalizeHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

/** Accepts "host", "host:port", "[v6]" and "[v6]:port"; anything else is a usage error. */
function parseAllowedHost(entry: string): { host: string; port: string | undefined } {
  const trimmed = entry.trim();
  if (trimmed.includes('*')) {
    throw new UsageError(`allowed host "${entry}": wildcards are not supported; name each host (and port) to allow`);
  }
  // A bare IPv6 address ("::1") has colons but no port; bracket it so URL can parse it.
  const authority = !trimmed.startsWith('[') && trimmed.split(':').length > 2 ? `[${trimmed}]` : trimmed;
  let parsed: URL | undefined;
  try {
    parsed = new URL(`http://${authority}`);
  } catch {
    parsed = undefined;
  }
  const valid =
    parsed !== undefined &&
    trimmed !== '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.pathname === '/' &&
    parsed.search === '' &&
    parsed.hash === '' &&
    !authority.includes('/');
  if (!valid || parsed === undefined) {
    throw new UsageError(`allowed host must be "host" or "host:port", got "${entry}"`);
  }
  // URL drops ":80" for http, so read the port from the text to keep "host:80" port-specific.
  const portMatch = /:(\d+)$/.exec(authority);
  return { host: normalizeHost(parsed.hostname), port: portMatch ? String(Number(portMatch[1])) : undefined };
}
