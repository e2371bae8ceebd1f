import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The built modules, as the program runs them (npm test builds first, as for tests/cli/bundle-loader).
const crawlUrl = new URL('../../dist/crawl/crawl.js', import.meta.url).href;
const transportUrl = new URL('../../dist/http/undici-transport.js', import.meta.url).href;

/**
 * A crawl of 300 linked pages on 127.0.0.1 in a process of its own (--expose-gc), then a full
 * collection with only the crawl's result held, and the classes still alive in a heap snapshot.
 */
const script = `
  import { createServer } from 'node:http';
  import { readFileSync, rmSync } from 'node:fs';
  import v8 from 'node:v8';
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
  globalThis.gc();
  globalThis.gc();
  const file = v8.writeHeapSnapshot();
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  const meta = snapshot.snapshot.meta;
  const width = meta.node_fields.length;
  const nameAt = meta.node_fields.indexOf('name');
  const typeAt = meta.node_fields.indexOf('type');
  const live = {};
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    if (meta.node_types[0][snapshot.nodes[i + typeAt]] !== 'object') continue;
    const name = snapshot.strings[snapshot.nodes[i + nameAt]];
    if (['CrawlFetcher', 'Frontier', 'UrlAdmission', 'PageRecords', 'PublishedInventory'].includes(name)) live[name] = (live[name] ?? 0) + 1;
  }
  console.log(JSON.stringify({ pages: result.pages.length, rowsRead: result.pages.filter((page) => page.kind === 'page').length, live }));
`;

describe('what a crawl\'s result keeps alive', () => {
  it('its page records and inventory, not the fetcher, the frontier or the admission sets the crawl worked with', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
    const seen = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { pages: number; rowsRead: number; live: Record<string, number> };
    // Past the 200 fingerprinted pages, so the rows are in use and are read back.
    expect(seen.rowsRead).toBe(300);
    expect(seen.live).toEqual({ PageRecords: 1, PublishedInventory: 1 });
  });
});
