import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { describeDiscoveryCaps } from '../../src/crawl/cap-notes.js';
import { crawl } from '../../src/crawl/crawl.js';
import { FeedParseError, parseFeed } from '../../src/crawl/feeds.js';
import { CrawlFetcher } from '../../src/crawl/fetcher.js';
import { PublishedInventory } from '../../src/crawl/inventory.js';
import { maxSitemapEntries, readSitemaps } from '../../src/crawl/sitemap-fetch.js';
import { parseSitemap, SitemapParseError } from '../../src/crawl/sitemap.js';
import { parseXml, streamXml, textOf, XmlSyntaxError } from '../../src/crawl/xml.js';
import { Cleanup } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';
import { FetchTransport } from './support/fetch-transport.js';
import { startSite } from './support/site.js';

/** Sitemaps and feeds written to hurt the reader: floods, entity bombs, external entities. */

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function millionEntrySitemap(origin: string, count: number): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'];
  for (let index = 0; index < count; index++) parts.push(`<url><loc>${origin}/p/${index}</loc></url>`);
  parts.push('</urlset>');
  return parts.join('\n');
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>`;

describe('a sitemap of a million entries', () => {
  it('is read without overflowing the stack, up to the named cap, and the cap is reported', async () => {
    const count = 1_000_000;
    const site = await startSite({
      // Short locs keep the million entries under the 50 MB the protocol allows uncompressed.
      '/sitemap.xml.gz': { type: 'application/gzip', body: gzipSync(millionEntrySitemap('http://a.b', count)) },
    });
    cleanup.add(site);
    const fetcher = new CrawlFetcher(new FetchTransport(site.origin), site.origin, { maxPages: 10, maxFiles: 10, maxBytes: 20 * 1024 * 1024 });
    const result = await readSitemaps(fetcher, [{ url: `${site.origin}/sitemap.xml.gz`, declared: true }], { maxSitemaps: 5 });

    expect(fetcher.failures).toEqual([]);
    expect(result.entries).toHaveLength(maxSitemapEntries);
    expect(result.entries[0]?.loc).toBe('http://a.b/p/0');
    expect(result.entries.at(-1)?.loc).toBe(`http://a.b/p/${maxSitemapEntries - 1}`);
    expect(result.entryCap).toEqual({ cap: maxSitemapEntries, sitemap: `${site.origin}/sitemap.xml.gz` });
    expect(fetcher.failures).toEqual([]);
  });

  it('reaches the crawl result and the notes: the cap is named with the sitemap where reading stopped', async () => {
    const site = await startSite({
      '/sitemap.xml': (_path, origin) => ({ type: 'application/xml', body: millionEntrySitemap(origin, maxSitemapEntries + 10) }),
    });
    cleanup.add(site);
    const result = await crawl({ target: `${site.origin}/`, transport: new FetchTransport(site.origin), maxPages: 2 });
    expect(result.sitemapEntryCap).toEqual({ cap: maxSitemapEntries, sitemap: `${site.origin}/sitemap.xml` });
    expect(result.inventory.has(`${site.origin}/p/${maxSitemapEntries - 1}`)).toBe(true);
    expect(result.inventory.has(`${site.origin}/p/${maxSitemapEntries}`)).toBe(false);
    expect(describeDiscoveryCaps(result)).toEqual([
      `the sitemaps list more than ${maxSitemapEntries} entries (maxSitemapEntries); reading stopped in ${site.origin}/sitemap.xml, so the published inventory is incomplete`,
    ]);
  });

  it('notes a full inventory and a truncated robots.txt, and nothing when no cap cut anything', () => {
    const inventory = new PublishedInventory(1);
    expect(describeDiscoveryCaps({ inventory, robots: { allow: [], disallow: [], sitemaps: [] } })).toEqual([]);
    inventory.add({ url: 'https://example.com/a', source: 'link' });
    inventory.add({ url: 'https://example.com/b', source: 'link' });
    expect(describeDiscoveryCaps({ inventory, robots: { allow: [], disallow: [], sitemaps: [], truncated: true } })).toEqual([
      'the published inventory is full at 1 URLs (maxInventoryEntries); 1 more URLs and ids were not kept',
      'robots.txt is longer than 512000 characters or lists more than 1000 rules or 100 sitemaps; the rest was ignored',
    ]);
  });

  it('does not fetch further sitemaps once the cap is reached', async () => {
    const site = await startSite({
      '/sitemap_index.xml': (_path, origin) => ({
        type: 'application/xml',
        body: `<sitemapindex><sitemap><loc>${origin}/a.xml</loc></sitemap><sitemap><loc>${origin}/b.xml</loc></sitemap></sitemapindex>`,
      }),
      '/a.xml': (_path, origin) => ({ type: 'application/xml', body: millionEntrySitemap(origin, 30) }),
      '/b.xml': (_path, origin) => ({ type: 'application/xml', body: millionEntrySitemap(origin, 30) }),
    });
    cleanup.add(site);
    const transport = new FetchTransport(site.origin);
    const fetcher = new CrawlFetcher(transport, site.origin, { maxPages: 10, maxFiles: 10, maxBytes: 1024 * 1024 });
    const result = await readSitemaps(fetcher, [{ url: `${site.origin}/sitemap_index.xml`, declared: true }], { maxSitemaps: 5, maxEntries: 20 });

    expect(result.entries).toHaveLength(20);
    expect(result.entryCap).toEqual({ cap: 20, sitemap: `${site.origin}/a.xml` });
    expect(transport.sent).toEqual([`GET ${site.origin}/sitemap_index.xml`, `GET ${site.origin}/a.xml`]);
  });

  it('hands each sitemap\'s entries to a sink once it parsed, keeps none, and still caps them over all sitemaps', async () => {
    const site = await startSite({
      '/sitemap_index.xml': (_path, origin) => ({
        type: 'application/xml',
        body: `<sitemapindex><sitemap><loc>${origin}/a.xml</loc></sitemap><sitemap><loc>${origin}/b.xml</loc></sitemap><sitemap><loc>${origin}/c.xml</loc></sitemap></sitemapindex>`,
      }),
      '/a.xml': (_path, origin) => ({ type: 'application/xml', body: millionEntrySitemap(origin, 12) }),
      '/b.xml': (_path, origin) => ({ type: 'application/xml', body: millionEntrySitemap(`${origin}/b`, 12) }),
      '/c.xml': (_path, origin) => ({ type: 'application/xml', body: millionEntrySitemap(`${origin}/c`, 12) }),
    });
    cleanup.add(site);
    const transport = new FetchTransport(site.origin);
    const fetcher = new CrawlFetcher(transport, site.origin, { maxPages: 10, maxFiles: 10, maxBytes: 1024 * 1024 });
    const seen: string[] = [];
    const result = await readSitemaps(fetcher, [{ url: `${site.origin}/sitemap_index.xml`, declared: true }], { maxSitemaps: 5, maxEntries: 20 }, (entry) => seen.push(entry.loc));

    expect(result.entries).toEqual([]);
    expect(seen).toHaveLength(20);
    expect(seen[11]).toBe(`${site.origin}/p/11`);
    expect(seen[12]).toBe(`${site.origin}/b/p/0`);
    expect(seen.at(-1)).toBe(`${site.origin}/b/p/7`);
    expect(result.entryCap).toEqual({ cap: 20, sitemap: `${site.origin}/b.xml` });
    expect(transport.sent).toEqual([`GET ${site.origin}/sitemap_index.xml`, `GET ${site.origin}/a.xml`, `GET ${site.origin}/b.xml`]);
  });

  it('reports no cap when the last entry exactly fills it', () => {
    const document = parseSitemap(millionEntrySitemap('https://example.com', 3), { maxEntries: 3 });
    expect(document).toMatchObject({ kind: 'urlset', truncated: false });
    expect(parseSitemap(millionEntrySitemap('https://example.com', 4), { maxEntries: 3 })).toMatchObject({ kind: 'urlset', truncated: true });
  });

  it('queues no more index children than the sitemap budget can fetch, and summarises other origins', async () => {
    const children = Array.from({ length: 5000 }, (_, index) => `<sitemap><loc>https://elsewhere.example/${index}.xml</loc></sitemap>`).join('');
    const site = await startSite({ '/sitemap_index.xml': { type: 'application/xml', body: `<sitemapindex>${children}</sitemapindex>` } });
    cleanup.add(site);
    const fetcher = new CrawlFetcher(new FetchTransport(site.origin), site.origin, { maxPages: 10, maxFiles: 10, maxBytes: 1024 * 1024 });
    await readSitemaps(fetcher, [{ url: `${site.origin}/sitemap_index.xml`, declared: true }], { maxSitemaps: 5 });

    expect(fetcher.failures).toHaveLength(11);
    expect(fetcher.failures.at(-1)).toEqual({ url: site.origin, code: 'DL_OUT_OF_SCOPE', message: '4990 more sitemaps on other origins were not fetched' });
  });
});

describe('entity attacks', () => {
  it('refuses a billion-laughs document before expanding anything', () => {
    const started = process.memoryUsage().heapUsed;
    expect(() => parseSitemap(`${billionLaughs}<urlset><url><loc>https://example.com/&lol9;</loc></url></urlset>`)).toThrow(
      /malformed sitemap XML: the DOCTYPE declares entities .* nothing was expanded or read \(line 3\)/,
    );
    expect(() => parseXml(`${billionLaughs}<urlset><x>&lol9;</x></urlset>`)).toThrow(XmlSyntaxError);
    // A real expansion would be 3 GB; allow generous noise from the test runner.
    expect(process.memoryUsage().heapUsed - started).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses external entities (file or URL) without reading them, in sitemaps and feeds', async () => {
    const secretFile = path.join(await tempDir('xxe'), 'secret.txt');
    await writeFile(secretFile, 'TOP-SECRET-CONTENT');
    const doctype = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://${secretFile}"><!ENTITY web SYSTEM "http://127.0.0.1:9/x">]>`;
    const messages: string[] = [];
    try {
      parseSitemap(`${doctype}<urlset><url><loc>https://example.com/&xxe;</loc><lastmod>&web;</lastmod></url></urlset>`);
    } catch (error) {
      expect(error).toBeInstanceOf(SitemapParseError);
      messages.push((error as Error).message);
    }
    try {
      parseFeed(`${doctype}<rss><channel><title>&xxe;</title><item><link>https://example.com/a</link></item></channel></rss>`, 'https://example.com/feed');
    } catch (error) {
      expect(error).toBeInstanceOf(FeedParseError);
      messages.push((error as Error).message);
    }
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message).toContain('declares entities');
      expect(message).not.toContain('TOP-SECRET');
    }
  });

  it('still reads a document with a DOCTYPE that declares no entities, and leaves undeclared references as written', () => {
    const rss091 = '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">';
    expect(parseFeed(`${rss091}<rss><channel><title>T &nbsp; &xxe;</title><item><link>https://example.com/a</link></item></channel></rss>`, 'https://example.com/feed')).toEqual({
      kind: 'rss',
      title: 'T &nbsp; &xxe;',
      items: [{ url: 'https://example.com/a' }],
    });
    expect(parseSitemap('<!DOCTYPE urlset [ <!-- "]>" --> ]><urlset><url><loc>https://example.com/a</loc></url></urlset>')).toMatchObject({ entries: [{ loc: 'https://example.com/a' }] });
  });
});

describe('streamXml', () => {
  it('hands over each root child once and keeps none of them on the root', () => {
    const seen: string[] = [];
    const { root, stopped } = streamXml('<r>text<a>1</a><b/><c><d>2</d></c></r>', (child) => {
      seen.push(`${child.local}:${textOf(child)}`);
    });
    expect(seen).toEqual(['a:1', 'b:', 'c:2']);
    expect(root.children).toEqual([]);
    expect(stopped).toBe(false);
  });

  it('stops at once when asked, without looking at the rest', () => {
    const seen: string[] = [];
    const result = streamXml('<r><a/><b/><c></r', (child) => {
      seen.push(child.local);
      return child.local === 'b' ? 'stop' : undefined;
    });
    expect(seen).toEqual(['a', 'b']);
    expect(result.stopped).toBe(true);
  });
});
