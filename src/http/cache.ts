import type { HttpResponse } from '../core/http-types.js';

export interface ResponseCacheLimits {
  /** Answers with a bigger body are shared while in flight, then forgotten. */
  entryMaxBytes: number;
  /** Body bytes kept in all; the least recently asked answers are dropped first. */
  maxBytes: number;
  /** Answers kept in all, however small: each one is also its headers, URLs and key. */
  maxEntries: number;
}

/** What an answer holds besides its body: its headers, its URLs, its key, the objects around them. */
const entryOverheadBytes = 1024;

/**
 * Per-scan response cache. Many rules probe the same URLs (the WordPress REST root, /feed), so
 * identical requests cost one network exchange. The promise is stored, not the result, so
 * concurrent identical requests share the one in flight. Failures are dropped: a timeout now
 * should not become a timeout for every later rule.
 *
 * It is bounded by size and by count: a site answering megabytes per response must not make
 * the scanner hold every body it ever read, and 20,000 small 404s (about 1.5 KB each with their
 * headers and keys) must not either: they held 30 MB to the end of a probe scan, and every one
 * outlived V8's young generation. Small answers (API roots, listings) are what rules ask twice,
 * and they are asked again while they are fresh: an answer asked again moves to the back of the
 * line. Big ones are read once and let go.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { pending: Promise<HttpResponse>; bytes: number }>();
  private keptBytes = 0;
  private hitCount = 0;

  constructor(private readonly limits: ResponseCacheLimits = { entryMaxBytes: 256 * 1024, maxBytes: 32 * 1024 * 1024, maxEntries: 2048 }) {}

  get hits(): number {
    return this.hitCount;
  }

  /** Bytes held by settled entries: their bodies, and about 1 KiB each for headers, URLs and key. */
  get bytes(): number {
    return this.keptBytes;
  }

  /**
   * The cached (or in-flight) answer for `key`, or the result of `load`, stored under `key`.
   * `keep` says whether a settled answer stays (default yes); in flight it is shared either way.
   */
  async getOrLoad(key: string, load: () => Promise<HttpResponse>, keep: (response: HttpResponse) => boolean = () => true): Promise<HttpResponse> {
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      // Asked again: the last to be dropped (a Map iterates in insertion order).
      if (existing.bytes > 0) {
        this.entries.delete(key);
        this.entries.set(key, existing);
      }
      const response = await existing.pending;
      this.hitCount += 1; // counted once answered: a shared failure saved nothing
      return { ...response, fromCache: true };
    }
    const entry = { pending: load(), bytes: 0 };
    this.entries.set(key, entry);
    let response: HttpResponse;
    try {
      response = await entry.pending;
    } catch (error) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
    if (keep(response)) this.keep(key, entry, response);
    else if (this.entries.get(key) === entry) this.entries.delete(key);
    return response;
  }

  private keep(key: string, entry: { bytes: number }, response: HttpResponse): void {
    if (this.entries.get(key) !== entry) return;
    // A UTF-16 string costs about twice its UTF-8 bytes; the raw copy (binary answers) once more.
    const bodyBytes = response.bytes * (response.rawBody ? 3 : 2);
    if (bodyBytes > this.limits.entryMaxBytes * 2 || bodyBytes > this.limits.maxBytes) {
      this.entries.delete(key);
      return;
    }
    // Never 0 once settled, even for an empty body: 0 is how an entry in flight is told apart.
    const bytes = bodyBytes + entryOverheadBytes;
    entry.bytes = bytes;
    this.keptBytes += bytes;
    // Maps iterate in insertion order: the first settled entries are the least recently asked.
    for (const [oldKey, old] of this.entries) {
      if (this.keptBytes <= this.limits.maxBytes && this.entries.size <= this.limits.maxEntries) break;
      if (old.bytes === 0) continue; // still in flight
      this.entries.delete(oldKey);
      this.keptBytes -= old.bytes;
    }
  }
}

/**
 * Method, URL, body and the rule's headers: two rules asking the same URL with a different
 * Accept or Authorization header are different questions and may get different answers.
 */
export function cacheKey(method: string, url: string, body: string | undefined, headers: Record<string, string>): string {
  const sortedHeaders = Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([method, url, body ?? null, sortedHeaders]);
}
