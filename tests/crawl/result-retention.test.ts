import { describe, expect, it } from 'vitest';
import { afterCollection } from '../support/after-collection.js';

// The built modules, as the program runs them (npm test builds first, as for tests/cli/bundle-loader).
const crawlUrl = new URL('../../dist/crawl/crawl.js', import.meta.url).href;
const transportUrl = new URL('../../dist/http/undici-transport.js', import.meta.url).href;
const inventoryUrl = new URL('../../dist/crawl/inventory.js', import.meta.url).href;

describe('what a crawl\'s result keeps alive', () => {
  it('its page records and inventory, not the fetcher, the frontier or the admission sets the crawl worked with', async () => {
    // 300 linked pages on 127.0.0.1, past the 200 fingerprinted ones, so the rows are in use.
    const { kept, counts } = await afterCollection(
      `
      import { createServer } from 'node:http';
      const { crawl } = await import(${JSON.stringify(crawlUrl)});
      const { createUndiciTransport } = await import(${JSON.stringify(transportUrl)});
      const server = createServer((request, response) => {
        const n = Number(/\\/p-(\\d+)\\//.exec(request.url)?.[1] ?? 0);
        const links = [1, 2, 3].map((step) => '<a href="/p-' + ((n * 3 + step) % 300) + '/">next</a>').join('');
        response.writeHead(request.url === '/robots.txt' || request.url.includes('sitemap') ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>' + links + '</body></html>');
      });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const target = 'http://127.0.0.1:' + server.address().port + '/';
      const transport = createUndiciTransport({ target, rateLimitPerHost: 0 });
      const result = await crawl({ target, transport, maxPages: 300, maxDepth: 10 });
      await transport.close();
      server.close();
      kept = { result, rowsRead: result.pages.filter((page) => page.kind === 'page').length };
      `,
      "(type, name) => type === 'object' && ['CrawlFetcher', 'Frontier', 'UrlAdmission', 'PageRecords', 'PublishedInventory'].includes(name)",
    );
    expect(kept.rowsRead).toBe(300);
    expect(counts).toEqual({ PageRecords: 1, PublishedInventory: 1 });
  });
});

describe('what the published inventory keeps of its dates', () => {
  // Each date is cut from a text of its own, as a sitemap's are, so each is a string of its own
  // until the inventory shares it; the snapshot counts the strings of that value left alive.
  it('one string for a date 5,000 entries give', async () => {
    const { kept, counts } = await afterCollection(
      `
      const { PublishedInventory } = await import(${JSON.stringify(inventoryUrl)});
      const inventory = new PublishedInventory();
      for (let n = 0; n < 5000; n++) {
        const text = '<lastmod>' + '2026-01-0' + '1</lastmod><!-- ' + n + ' -->';
        inventory.add({ url: 'https://h.example/p-' + n + '/', source: 'sitemap', lastmod: text.slice(9, 19) });
      }
      kept = { inventory, entries: inventory.toJSON().entries.length, last: inventory.get('https://h.example/p-4999/').lastmod };
      `,
      "(type, name) => /string/.test(type) && name === '2026-01-01'",
    );
    expect(kept.entries).toBe(5000);
    expect(kept.last).toBe('2026-01-01');
    // One shared copy and what the last moments left uncollected; 5,001 before the sharing.
    expect(counts['2026-01-01']).toBeLessThanOrEqual(10);
  });
});

describe('what the published inventory keeps of its URLs', () => {
  // The crawl queues a sitemap's URLs again as it meets their links; sharedUrl gives the queue the
  // inventory's copy instead of a second one (2.8 MB at 50,000 pages).
  it('one string for a URL the inventory holds and the queue asks for again', async () => {
    const { kept, counts } = await afterCollection(
      `
      const { PublishedInventory } = await import(${JSON.stringify(inventoryUrl)});
      const inventory = new PublishedInventory();
      for (let n = 0; n < 5000; n++) inventory.add({ url: 'https://h.example/p-' + n + '/', source: 'sitemap' });
      inventory.withdraw('https://h.example/p-7/');
      // Fresh copies, as a page's links are: built, not the literals above.
      const queued = [];
      for (let n = 0; n < 5000; n++) queued.push(inventory.sharedUrl(['https:', '', 'h.example', 'p-' + n, ''].join('/')));
      // Past the 2,048 links normalize.ts remembers, which hold copies of their own.
      for (let n = 0; n < 2100; n++) inventory.has('https://other.example/x-' + n + '/');
      kept = { inventory, queued, same: queued[4321] === 'https://h.example/p-4321/' };
      `,
      "(type, name) => /string/.test(type) && (name === 'https://h.example/p-4321/' || name === 'https://h.example/p-7/')",
    );
    expect(kept.same).toBe(true);
    expect((kept.queued as string[]).length).toBe(5000);
    // Each count includes the literal in this test's source: 2 is one copy for the inventory and
    // the queue together (3 when the queue keeps its own).
    expect(counts['https://h.example/p-4321/']).toBe(2);
    // Withdrawn: the queue's own copy, the inventory's let go.
    expect(counts['https://h.example/p-7/']).toBe(2);
  });
});
