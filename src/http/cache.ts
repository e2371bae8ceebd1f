import type { HttpResponse } from '../core/http-types.js';

/**
 * Per-scan response cache. Many rules probe the same URLs (the WordPress REST root, /feed), so
 * identical requests cost one network exchange. The promise is stored, not the result, so
 * concurrent identical requests share the one in flight. Failures are dropped: a timeout now
 * should not become a timeout for every later rule.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Promise<HttpResponse>>();
  private hitCount = 0;

  get hits(): number {
    return this.hitCount;
  }

  /** The cached (or in-flight) answer for `key`, or the result of `load`, stored under `key`. */
  async getOrLoad(key: string, load: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      const response = await existing;
      this.hitCount += 1; // counted once answered: a shared failure saved nothing
      return { ...response, fromCache: true };
    }
    const pending = load();
    this.entries.set(key, pending);
    try {
      return await pending;
    } catch (error) {
      this.entries.delete(key);
      throw error;
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
