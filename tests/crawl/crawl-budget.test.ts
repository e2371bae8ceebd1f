import { afterEach, describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/core/errors.js';
import { crawl } from '../../src/crawl/crawl.js';
import { Cleanup, type LoopbackServer } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { html, startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const pageCount = 2000;

/** Letter-only slugs, so that the per-pattern cap (which folds numbers) does not apply to them. */
function slug(index: number): string {
  let out = '';
  let rest = index;
  do {
    out = String.fromCharCode(97 + (rest % 26)) + out;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return `post-${out}`;
}

async function bigSite(other: LoopbackServer): Promise<LoopbackServer> {
  const pageLinks = (index: number): string =>
    Array.from({ length: 8 }, (_, k) => `<a href="/${slug((index * 8 + k + 1) % pageCount)}/">next ${k}</a>`).join('');
  const thirdParty = `<img src="${other.origin}/pixel.png"><a href="${other.origin}/partner/">Partner</a>`;
  const bySlug = new Map(Array.from({ length: pageCount }, (_, index) => [`/${slug(index)}/`, index]));
  return startSite(
    {
      '/': html(`${pageLinks(0)}<a href="/calendar?month=0">Calendar</a>${thirdParty}`, 'Home'),
    },
    (path) => {
      const index = bySlug.get(path);
      if (index !== undefined) return html(`${pageLinks(index)}${thirdParty}`, `Post ${index}`);
      const month = /^\/calendar\?month=(-?\d+)$/.exec(path);
      if (month) return html(`<a href="/calendar?month=${Number(month[1]) + 1}">next month</a>`, 'Calendar');
      return undefined;
    },
  );
}

describe('crawl budget on a large site', () => {
  it('stays within maxPages, never contacts another origin, and records it as asset host and external link', async () => {
    const other = cleanup.add(await startSite({}, html('third party', 'Other')));
    const site = cleanup.add(await bigSite(other));
    const transport = new FetchTransport(site.origin);

    const result = await crawl({ target: site.origin, transport, maxPages: 100 });

    // maxPages counts HTML pages only; robots and sitemaps have their own budget.
    expect(result.budget.pagesFetched).toBe(100);
    expect(result.pages.filter((page) => page.kind === 'page')).toHaveLength(100);
    expect(site.requests.length).toBe(100 + result.budget.filesFetched);
    expect(result.pages.length).toBe(site.requests.length);
    expect(result.budget.stoppedBy).toContain('pages');
    // The other server was never asked, not even through the transport's scope check.
    expect(other.requests).toHaveLength(0);
    expect(other.connections).toBe(0);
    expect(transport.attemptsFor(other.origin)).toBe(0);
    expect([...transport.attempts.keys()]).toEqual([site.origin]);
    expect(result.assetHosts).toEqual([other.origin]);
    expect(result.externalLinks).toEqual([`${other.origin}/partner/`]);
    // The calendar was cut by the query-variant cap, not by eating the budget.
    expect(site.requests.filter((request) => request.url.startsWith('/calendar?')).length).toBeLessThanOrEqual(5);
    expect(result.failures).toEqual([]);
  });

  it('reports depth as the reason when maxDepth left pages unvisited', async () => {
    const other = cleanup.add(await startSite({}, html('third party', 'Other')));
    const site = cleanup.add(await bigSite(other));
    const result = await crawl({ target: site.origin, transport: new FetchTransport(site.origin), maxDepth: 1, maxPages: 1000 });
    expect(result.budget.stoppedBy).toEqual(['depth']);
    expect(result.pages.filter((page) => page.kind === 'page').map((page) => page.depth)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(result.budget.skippedByDepth).toBeGreaterThan(0);
  });

  it('stops at the byte budget', async () => {
    const other = cleanup.add(await startSite({}, html('third party', 'Other')));
    const site = cleanup.add(await bigSite(other));
    const result = await crawl({ target: site.origin, transport: new FetchTransport(site.origin), maxBytes: 4000, concurrency: 1 });
    expect(result.budget.stoppedBy).toContain('bytes');
    // One response may cross the line; none is started after it.
    const lastBeforeLimit = result.budget.bytesFetched - (result.pages.at(-1)?.bytes ?? 0);
    expect(lastBeforeLimit).toBeLessThan(4000);
  });

  it('gives the same crawl twice (order does not depend on response timing)', async () => {
    const other = cleanup.add(await startSite({}, html('third party', 'Other')));
    const site = cleanup.add(await bigSite(other));
    const first = await crawl({ target: site.origin, transport: new FetchTransport(site.origin), maxPages: 60, concurrency: 8 });
    const second = await crawl({ target: site.origin, transport: new FetchTransport(site.origin), maxPages: 60, concurrency: 8 });
    expect(second.pages.map((page) => page.url)).toEqual(first.pages.map((page) => page.url));
  });

  it('gives HTML pages and discovery files separate budgets', async () => {
    const other = cleanup.add(await startSite({}, html('third party', 'Other')));
    const site = cleanup.add(await bigSite(other));
    const result = await crawl({ target: site.origin, transport: new FetchTransport(site.origin), maxPages: 30, maxDiscoveryFiles: 1 });
    // Spending the file budget on robots.txt leaves every page of the page budget to pages.
    expect(result.budget.filesFetched).toBe(1);
    expect(result.budget.pagesFetched).toBe(30);
    expect(result.budget.stoppedBy).toEqual(['files', 'pages']);
  });

  it('records transport failures and keeps going', async () => {
    const site = cleanup.add(await startSite({ '/': html('<a href="/a/">a</a><a href="/b/">b</a>', 'Home'), '/b/': html('b', 'B') }));
    const transport = new FetchTransport(site.origin);
    const send = transport.send.bind(transport);
    transport.send = async (request) => {
      if (request.url.endsWith('/a/')) throw new ProbeError('DL_HEADERS_TIMEOUT', request.url, 'no headers within 10000 ms');
      return send(request);
    };
    const result = await crawl({ target: site.origin, transport });
    expect(result.failures).toEqual([{ url: `${site.origin}/a/`, code: 'DL_HEADERS_TIMEOUT', message: 'no headers within 10000 ms' }]);
    expect(result.pages.map((page) => page.url)).toContain(`${site.origin}/b/`);
  });
});
