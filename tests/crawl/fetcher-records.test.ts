import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../src/core/http-types.js';
import { CrawlFetcher, fingerprintedPages } from '../../src/crawl/fetcher.js';
import { Frontier } from '../../src/crawl/frontier.js';
import { UrlAdmission } from '../../src/crawl/normalize.js';

const origin = 'http://127.0.0.1:9';

/** Answers every URL with a small page of its own, later requests sooner; a path with "fail" throws. */
let sent = 0;
const answering = {
  async send(request: HttpRequest): Promise<HttpResponse> {
    sent += 1;
    // The first requests answer last: records must follow the reservations, not the answers.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30 - sent / 8)));
    if (request.url.includes('fail')) throw new Error('connection reset');
    return { requestedUrl: request.url, url: request.url, status: 200, statusText: 'OK', headers: { 'content-type': 'text/html' }, body: `<p>${request.url}</p>`, truncated: false, bytes: 20, redirects: [], durationMs: 0 };
  },
};

describe('the crawl fetcher keeps one record per request, in the order they were reserved', () => {
  it('past the fingerprinted pages too, where no response is kept, and leaves out the requests that failed', async () => {
    const fetcher = new CrawlFetcher(answering, origin, { maxPages: 1000, maxFiles: 10, maxBytes: 1024 * 1024 });
    const count = fingerprintedPages + 5;
    const urls = Array.from({ length: count }, (_, n) => `${origin}/${n === fingerprintedPages + 2 ? 'fail' : `page-${n}`}`);
    // Reserved in this order, answered in any: the records follow the reservations.
    await Promise.all([fetcher.get(`${origin}/robots.txt`, 'robots'), ...urls.map((url, n) => fetcher.get(url, 'page', n % 3))]);
    const pages = fetcher.pages;
    expect(pages.map((page) => page.url)).toEqual([`${origin}/robots.txt`, ...urls.filter((url) => !url.endsWith('/fail'))]);
    expect(pages.at(-1)).toEqual({ url: urls.at(-1), kind: 'page', status: 200, contentType: 'text/html', depth: (count - 1) % 3, bytes: 20 });
    expect(fetcher.pageUrls()).toEqual(pages.map((page) => page.url));
    // Kept for fingerprinting: robots and the first fingerprintedPages pages, not the ones after.
    expect(fetcher.responses.map((response) => response.url)).toEqual([`${origin}/robots.txt`, ...urls.slice(0, fingerprintedPages)]);
    expect(fetcher.failures.map((failure) => failure.url)).toEqual([`${origin}/fail`]);
  });
});

describe('the frontier hands out waves by depth', () => {
  it('the lowest depth first, each in the order offered, the deeper ones kept for later', () => {
    const frontier = new Frontier(origin, new UrlAdmission(), 5);
    for (const [path, depth] of [['/a', 2], ['/b', 1], ['/c', 2], ['/d', 1], ['/e', 3]] as const) expect(frontier.offer(`${origin}${path}`, depth)).toBe('queued');
    expect(frontier.takeWave()).toEqual({ depth: 1, urls: [`${origin}/b`, `${origin}/d`] });
    expect(frontier.offer(`${origin}/f`, 2)).toBe('queued');
    expect(frontier.takeWave()).toEqual({ depth: 2, urls: [`${origin}/a`, `${origin}/c`, `${origin}/f`] });
    expect(frontier.takeWave()).toEqual({ depth: 3, urls: [`${origin}/e`] });
    expect(frontier.takeWave().urls).toEqual([]);
    expect(frontier.size).toBe(0);
  });

  it('queues and remembers what the shared-URL hook gives (the copy the inventory holds), and asks it once per new URL', () => {
    const asked: string[] = [];
    // A hook that gives a value told apart from its input shows that its value is what is kept.
    const frontier = new Frontier(origin, new UrlAdmission(), 5, undefined, (url) => {
      asked.push(url);
      return url.replace('/post/', '/post/?shared=1');
    });
    expect(frontier.offer(`${origin}/post/`, 1)).toBe('queued');
    expect(frontier.offer(`${origin}/post/?shared=1`, 1)).toBe('seen');
    expect(frontier.takeWave()).toEqual({ depth: 1, urls: [`${origin}/post/?shared=1`] });
    expect(asked).toEqual([`${origin}/post/`]);
  });
});
