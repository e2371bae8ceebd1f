import type { Logger } from 'pino';
import { DraftleakError, ProbeError } from '../core/errors.js';
import type { HttpResponse } from '../core/http-types.js';
import { createUndiciTransport, type UndiciTransport } from '../http/index.js';
import type { InventoryCredentials } from './credentials.js';

/**
 * The only holder of the owner's credentials. It builds its own transport (own connections, own
 * cache) from them, so nothing it fetches can be answered to an anonymous probe from a shared
 * cache, and the anonymous verifier's transport is built without any: the two identities are
 * apart by construction. It sends GET only, to the target's origin only, and only to the read
 * API paths the adapter declares (a WordPress adapter cannot send the credentials to /wp-admin/).
 */
export interface InventoryClient {
  /** GETs a JSON document of the CMS's read API. Non-2xx answers throw InventoryHttpError. */
  getJson(path: string, headers?: Record<string, string>): Promise<JsonAnswer>;
  requestsSent(): number;
  close(): Promise<void>;
}

export interface JsonAnswer {
  url: string;
  status: number;
  headers: Record<string, string>;
  json: unknown;
}

/** The inventory API answered, but not with what was asked (401, 403, 404, not JSON). */
export class InventoryHttpError extends DraftleakError {
  readonly status: number;
  readonly url: string;
  constructor(url: string, status: number, message: string) {
    super('DL_INVENTORY_HTTP', message);
    this.status = status;
    this.url = url;
  }
}

export interface InventoryClientOptions {
  target: string;
  credentials: InventoryCredentials;
  /** Path prefixes of the CMS's read API the credentials may be sent to, e.g. "/wp-json/". */
  apiPaths: readonly string[];
  /** Credential names the adapter consumes itself: never sent as headers. */
  withhold?: readonly string[];
  timeoutMs: number;
  rateLimitPerHost: number;
  concurrencyPerHost: number;
  maxRequests: number;
  insecure: boolean;
  userAgent?: string;
  /** --proxy: the inventory's connections are tunnelled through it too. */
  proxy?: string;
  logger: Logger;
}

export function createInventoryClient(options: InventoryClientOptions): InventoryClient {
  const origin = new URL(options.target).origin;
  const withheld = new Set((options.withhold ?? []).map((name) => name.toLowerCase()));
  const sent = Object.fromEntries(Object.entries(options.credentials.headers()).filter(([name]) => !withheld.has(name.toLowerCase())));
  const transport: UndiciTransport = createUndiciTransport({
    target: origin,
    headers: sent,
    authScope: 'all',
    timeoutMs: options.timeoutMs,
    rateLimitPerHost: options.rateLimitPerHost,
    concurrencyPerHost: options.concurrencyPerHost,
    maxRequests: options.maxRequests,
    insecure: options.insecure,
    // An inventory page can be big (100 posts with their fields); nothing is cached between
    // identities anyway, and every page is asked once.
    cacheEntryMaxBytes: 0,
    ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
    ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
    logger: options.logger,
  });
  const allowed = (url: URL): boolean => {
    if (url.origin !== origin) return false;
    if (options.apiPaths.some((prefix) => url.pathname.startsWith(prefix))) return true;
    // WordPress without pretty permalinks: /?rest_route=/wp/v2/... is the same API.
    return url.pathname === '/' && (url.searchParams.get('rest_route') ?? '').startsWith('/');
  };
  return {
    async getJson(path, headers = {}) {
      const url = new URL(path, origin);
      if (!allowed(url)) {
        throw new InventoryHttpError(url.href, 0, `the inventory credentials are only sent to ${options.apiPaths.join(', ')} on ${origin}; refused ${url.pathname}`);
      }
      let response: HttpResponse;
      try {
        response = await transport.send({ method: 'GET', url: url.href, headers: { accept: 'application/json', ...headers }, identity: 'user', purpose: 'rule' });
      } catch (error) {
        if (error instanceof ProbeError) throw new InventoryHttpError(url.href, 0, `${error.code}: ${error.message}`);
        throw error;
      }
      if (response.status < 200 || response.status > 299) {
        throw new InventoryHttpError(url.href, response.status, `${url.pathname}${url.search} answered ${response.status} ${response.statusText}`.trim());
      }
      try {
        return { url: response.url, status: response.status, headers: response.headers, json: JSON.parse(response.body) as unknown };
      } catch {
        throw new InventoryHttpError(url.href, response.status, `${url.pathname} did not answer JSON (${response.headers['content-type'] ?? 'no content type'})`);
      }
    },
    requestsSent: () => transport.stats().requestsSent,
    close: () => transport.close(),
  };
}
