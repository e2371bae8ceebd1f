import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { crawl } from '../../src/crawl/crawl.js';
import { createUndiciTransport } from '../../src/http/index.js';
import { Cleanup } from '../support/loopback-server.js';
import { html, startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** The crawl against the project's real transport: raw bytes via `binary`, scope, no sendRaw. */
describe('crawl over the undici transport', () => {
  it('reads a gzip sitemap index and its gzip sitemaps through rawBody', async () => {
    const urlset = (origin: string, slug: string): string =>
      `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${origin}/${slug}/</loc><lastmod>2026-11-01</lastmod></url></urlset>`;
    const other = cleanup.add(await startSite({}, html('other', 'Other')));
    const site = cleanup.add(
      await startSite({
        '/robots.txt': { type: 'text/plain', body: 'Sitemap: /sitemap_index.xml.gz' },
        '/sitemap_index.xml.gz': (_path, origin) => ({
          type: 'application/gzip',
          body: gzipSync(
            `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${origin}/a.xml.gz</loc></sitemap><sitemap><loc>${origin}/b.xml.gz</loc></sitemap></sitemapindex>`,
          ),
        }),
        '/a.xml.gz': (_path, origin) => ({ type: 'application/gzip', body: gzipSync(urlset(origin, 'alpha')) }),
        '/b.xml.gz': { type: 'application/gzip', body: Buffer.from('<urlset><url>not gzip at all and not closed') },
        '/': html(`<a href="/alpha/">Alpha</a><img src="${other.origin}/i.png">`, 'Home'),
        '/alpha/': html('alpha', 'Alpha'),
      }),
    );
    const transport = cleanup.add(createUndiciTransport({ target: site.origin, rateLimitPerHost: 0, allowedHosts: [`127.0.0.1:${other.port}`] }));

    const result = await crawl({ target: site.origin, transport });

    expect(result.sitemaps).toEqual([`${site.origin}/sitemap_index.xml.gz`, `${site.origin}/a.xml.gz`]);
    expect(result.inventory.get(`${site.origin}/alpha/`)).toMatchObject({ source: 'sitemap', lastmod: '2026-11-01' });
    expect(result.failures).toEqual([{ url: `${site.origin}/b.xml.gz`, code: 'DL_BAD_RESPONSE', message: expect.stringMatching(/malformed sitemap XML/) }]);
    // Allowed by the transport's scope, yet never contacted: the crawl stays on the target's origin.
    expect(other.requests).toHaveLength(0);
    expect(result.assetHosts).toEqual([other.origin]);
  });
});
