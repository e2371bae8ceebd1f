import { UsageError } from '../core/errors.js';
import { redactUrlMarked } from '../core/redact.js';

/** --proxy: the proxy's URL checked, its credentials split off, and how it is named in messages. */

/**
 * The proxy's address without its userinfo, and the userinfo as a Proxy-Authorization value: the
 * credentials then live in one header to the proxy only, never in a URL undici keeps or quotes.
 */
export function proxyEndpoint(proxy: URL): { uri: string; token?: string } {
  const bare = new URL(proxy.href);
  bare.username = '';
  bare.password = '';
  if (proxy.username === '' && proxy.password === '') return { uri: bare.href };
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  return { uri: bare.href, token: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/**
 * Checks a --proxy URL: http:// or https:// (undici tunnels through either), a host, and nothing
 * but a root path. The URL quoted in an error has its credentials masked.
 */
export function parseProxyUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--proxy ${redactUrlMarked(value)} is not a URL (give http://host:port, or http://user:password@host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--proxy must be an http:// or https:// proxy URL (HTTP CONNECT), got ${url.protocol}//`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new UsageError(`--proxy ${redactUrlMarked(value)}: give only the proxy's scheme, host and port, no path or query`);
  }
  return url;
}

/** How the proxy is named in messages and logs: its origin, never its credentials. */
export function proxyLabel(proxy: URL): string {
  return proxy.origin;
}
