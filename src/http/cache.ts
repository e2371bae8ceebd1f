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
 * Answers asked once are kept this many at a time (the most recent), until asked again.
 * Held longer, every one of 20,000 distinct probe answers outlived V8's young generation and
 * was promoted and later marked: a cache of 2,048 such answers cost a probe scan 16-18% of its
 * time, and rules that ask the same URL ask it close together (the demo's full scan sent 0.8%
 * more requests with 64 kept than with 2,048).
 */
export const probationEntries = 64;

/** What an entry that was not kept holds instead of its answer; no map holds such an entry. */
const forgottenAnswer: Promise<HttpResponse> = Promise.reject(new Error('internal error: a response cache entry that was not kept was asked for'));
forgottenAnswer.catch(() => undefined);

interface Entry {
  pending: Promise<HttpResponse>;
  /** The bytes counted for it once settled and kept. */
  bytes: number;
  /** Asked again while in flight: protected as soon as it is kept (rules running together ask together). */
  shared: boolean;
}

/**
 * Per-scan response cache. Many rules probe the same URLs (the WordPress REST root, /feed), so
 * identical requests cost one network exchange. The promise is stored, not the result, so
 * concurrent identical requests share the one in flight. Failures are dropped: a timeout now
 * should not become a timeout for every later rule.
 *
 * Two segments (a segmented LRU): a settled answer waits in probation, the last
 * `probationEntries` of them; one asked again (in flight or settled) moves to the protected
 * segment. Both are bounded by size and by count together: a site answering megabytes per
 * response must not make the scanner hold every body it ever read. Past a budget, the oldest
 * answer asked once goes first (never the one just kept, while another can go), then the least
 * recently asked again. Big answers are read once and let go.
 */
export class ResponseCache {
  /** Each key is in one of these: in flight, settled and asked once, settled and asked again. */
  private readonly inFlight = new Map<string, Entry>();
  /** Settled and asked once, oldest first (Maps iterate in insertion order). */
  private readonly probation = new Map<string, Entry>();
  /** Settled and asked again, least recently asked first. */
  private readonly protectedEntries = new Map<string, Entry>();
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
    const flying = this.inFlight.get(key);
    if (flying !== undefined) flying.shared = true;
    const existing = flying ?? this.askedAgain(key);
    if (existing !== undefined) {
      const response = await existing.pending;
      this.hitCount += 1; // counted once answered: a shared failure saved nothing
      return { ...response, fromCache: true };
    }
    const entry: Entry = { pending: load(), bytes: 0, shared: false };
    this.inFlight.set(key, entry);
    let response: HttpResponse;
    try {
      response = await entry.pending;
    } finally {
      this.inFlight.delete(key);
    }
    // An answer not kept is let go by its entry too: made when the request started, the entry
    // may be in V8's old generation by now, dead but not yet collected, and holding the answer
    // would keep its body alive through every young collection until then (Exchanger.once).
    if (keep(response)) this.keep(key, entry, response);
    else entry.pending = forgottenAnswer;
    return response;
  }

  /** The settled answer for `key`, if kept, now protected and the last of them to be dropped. */
  private askedAgain(key: string): Entry | undefined {
    const entry = this.probation.get(key) ?? this.protectedEntries.get(key);
    if (entry === undefined) return undefined;
    this.probation.delete(key);
    this.protectedEntries.delete(key);
    this.protectedEntries.set(key, entry);
    return entry;
  }

  private keep(key: string, entry: Entry, response: HttpResponse): void {
    // A UTF-16 string costs about twice its UTF-8 bytes; the raw copy (binary answers) once more.
    const bodyBytes = response.bytes * (response.rawBody ? 3 : 2);
    if (bodyBytes > this.limits.entryMaxBytes * 2 || bodyBytes > this.limits.maxBytes) return;
    const bytes = bodyBytes + entryOverheadBytes;
    entry.bytes = bytes;
    this.keptBytes += bytes;
    (entry.shared ? this.protectedEntries : this.probation).set(key, entry);
    while (this.probation.size > probationEntries) this.dropOldest(this.probation, key);
    // Over the budgets: answers asked once go first, then the least recently asked again, and
    // the one just kept only when nothing else is left to drop.
    while (this.keptBytes > this.limits.maxBytes || this.probation.size + this.protectedEntries.size > this.limits.maxEntries) {
      if (!this.dropOldest(this.probation, key) && !this.dropOldest(this.protectedEntries, key) && !this.drop(key)) break;
    }
  }

  /** Drops the oldest entry of `segment` but `spare`; false when there is none. */
  private dropOldest(segment: Map<string, Entry>, spare: string): boolean {
    for (const key of segment.keys()) {
      if (key === spare) continue;
      return this.drop(key);
    }
    return false;
  }

  private drop(key: string): boolean {
    const entry = this.probation.get(key) ?? this.protectedEntries.get(key);
    if (entry === undefined) return false;
    this.probation.delete(key);
    this.protectedEntries.delete(key);
    this.keptBytes -= entry.bytes;
    return true;
  }
}

/**
 * Method, URL, body and the rule's headers: two rules asking the same URL with a different
 * Accept or Authorization header are different questions and may get different answers.
 */
export function cacheKey(method: string, url: string, body: string | undefined, headers: Record<string, string>): string {
  return cacheKeyWith(method, url, body, headersKey(headers));
}

/** The headers' part of a cache key: worked out once for headers many requests share. */
export function headersKey(headers: Record<string, string>): string {
  return JSON.stringify(Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A cache key from its headers' part (headersKey). The first part is a whole JSON array, so where it ends is never in doubt. */
export function cacheKeyWith(method: string, url: string, body: string | undefined, headersPart: string): string {
  return `${JSON.stringify([method, url, body ?? null])}${headersPart}`;
}
