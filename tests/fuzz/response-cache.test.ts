import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../src/core/http-types.js';
import { ResponseCache } from '../../src/http/cache.js';
import { fuzzParameters } from './fuzz-settings.js';

// The cache decides which answers a rule gets without a request. Whatever the order of asks,
// failures, answers not to keep and budgets: an answer is the one its key loaded, the bytes held
// stay within the budget and never go negative, and an answer asked again right after it was
// kept comes from the cache unless it could not fit at all.
const answer = (key: string, bytes: number): HttpResponse => ({ requestedUrl: key, url: key, status: 200, statusText: 'OK', headers: {}, body: key.repeat(Math.ceil(bytes / key.length)).slice(0, bytes), truncated: false, bytes, redirects: [], durationMs: 0 });

const ask = fc.record({ key: fc.integer({ min: 0, max: 9 }).map((n) => `k${n}`), fails: fc.boolean(), keep: fc.boolean() });
const batch = fc.array(ask, { minLength: 1, maxLength: 4 });

describe('the response cache', () => {
  it('answers with what the key loaded and holds no more than its budgets, under any sequence of asks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 12 }), fc.dictionary(fc.constantFrom(...Array.from({ length: 10 }, (_, n) => `k${n}`)), fc.integer({ min: 0, max: 3000 })), async (batches, maxEntries, maxKiB, sizes) => {
        const limits = { entryMaxBytes: 2048, maxBytes: maxKiB * 1024, maxEntries };
        const cache = new ResponseCache(limits);
        const sizeOf = (key: string) => sizes[key] ?? 100;
        for (const asks of batches) {
          const results = await Promise.all(
            asks.map(({ key, fails, keep }) =>
              cache.getOrLoad(key, async () => (fails ? Promise.reject(new Error(`failed ${key}`)) : answer(key, sizeOf(key))), () => keep).then(
                (response) => ({ key, response }),
                (error: Error) => ({ key, error }),
              ),
            ),
          );
          for (const result of results) {
            if ('response' in result) expect(result.response.body).toBe(answer(result.key, sizeOf(result.key)).body);
            else expect(result.error.message).toBe(`failed ${result.key}`);
          }
          expect(cache.bytes).toBeGreaterThanOrEqual(0);
          expect(cache.bytes).toBeLessThanOrEqual(limits.maxBytes);
        }
        // Kept just now and small enough to fit: asked again, it is not loaded again.
        const key = 'k0';
        const fits = sizeOf(key) * 2 <= limits.entryMaxBytes * 2 && sizeOf(key) * 2 + 1024 <= limits.maxBytes;
        await cache.getOrLoad(key, async () => answer(key, sizeOf(key)), () => true).catch(() => undefined);
        let loadedAgain = false;
        await cache.getOrLoad(key, async () => {
          loadedAgain = true;
          return answer(key, sizeOf(key));
        });
        if (fits) expect(loadedAgain).toBe(false);
      }),
      fuzzParameters(300),
    );
  });
});
