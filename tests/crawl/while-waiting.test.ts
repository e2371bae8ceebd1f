import { afterEach, describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../src/core/http-types.js';
import { crawl } from '../../src/crawl/crawl.js';
import { Cleanup } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { html, startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

// Discovery uses the crawl's waits to judge fingerprint signals (CrawlOptions.whileWaiting), and
// is told each response kept for fingerprinting (onKept). Neither may change what is crawled.
describe('work done while the crawl waits for pages', () => {
  it('is called while pages are awaited, stops when it says it is done, and changes nothing crawled', async () => {
    const pages = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`/post-${index}/`, html(`<a href="/post-${index + 1}/">next</a>`, `Post ${index}`)]));
    const site = cleanup.add(
      await startSite({ '/': html(Array.from({ length: 30 }, (_, index) => `<a href="/post-${index}/">p${index}</a>`).join(''), 'Home'), ...pages }),
    );
    const plain = await crawl({ target: site.origin, transport: new FetchTransport(site.origin), maxPages: 31, concurrency: 4 });

    let calls = 0;
    let work = 5;
    const kept: HttpResponse[] = [];
    const helped = await crawl({
      target: site.origin,
      transport: new FetchTransport(site.origin),
      maxPages: 31,
      concurrency: 4,
      onKept: (response) => kept.push(response),
      whileWaiting: () => {
        calls += 1;
        work -= 1;
        return work > 0;
      },
    });
    expect(helped.pages.map((page) => page.url)).toEqual(plain.pages.map((page) => page.url));
    expect(helped.inventory.size).toBe(plain.inventory.size);
    // Called, and not again once it said it was done (each wait asks once more, then awaits).
    expect(calls).toBeGreaterThanOrEqual(5);
    expect(work).toBeLessThan(0);
    // Every response kept for fingerprinting was told, and only those (told as they came, kept
    // in the order they were asked for).
    const byUrl = (responses: HttpResponse[]) => [...responses].sort((a, b) => (a.requestedUrl < b.requestedUrl ? -1 : a.requestedUrl > b.requestedUrl ? 1 : 0));
    expect(byUrl(kept)).toEqual(byUrl(helped.responses));
  });
});
