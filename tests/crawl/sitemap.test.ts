import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { crawl } from '../../src/crawl/crawl.js';
import { gunzipChunkBytes } from '../../src/crawl/sitemap-fetch.js';
import { parseSitemap, SitemapParseError } from '../../src/crawl/sitemap.js';
import { parseXml, XmlSyntaxError } from '../../src/crawl/xml.js';
import { Cleanup } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { html, startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const urlset = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">${body}</urlset>`;

describe('parseSitemap', () => {
  it('reads a urlset with lastmod, news and image extensions, entities and CDATA', () => {
    const document = parseSitemap(
      urlset(`
      <url><loc>https://example.com/a?x=1&amp;y=2</loc><lastmod>2026-11-01T10:00:00+00:00</lastmod>
        <image:image><image:loc>https://cdn.example.com/a.png</image:loc></image:image>
        <image:image><image:loc><![CDATA[https://cdn.example.com/b.png]]></image:loc></image:image>
      </url>
      <url><loc>https://example.com/news/embargo</loc>
        <news:news><news:publication><news:name>Ex</news:name><news:language>en</news:language></news:publication>
          <news:publication_date>2035-01-01T09:00:00Z</news:publication_date><news:title>Embargoed &#8211; story</news:title></news:news>
      </url>
      <url><loc>/relative-is-not-allowed</loc></url>
      <!-- a comment -->`),
    );
    expect(document).toEqual({
      kind: 'urlset',
      skipped: 1,
      truncated: false,
      entries: [
        { loc: 'https://example.com/a?x=1&y=2', lastmod: '2026-11-01T10:00:00+00:00', images: ['https://cdn.example.com/a.png', 'https://cdn.example.com/b.png'] },
        { loc: 'https://example.com/news/embargo', newsPublicationDate: '2035-01-01T09:00:00Z', newsTitle: 'Embargoed – story', images: [] },
      ],
    });
  });

  it('reads WordPress core wp-sitemap.xml (an index behind an XSL stylesheet instruction)', () => {
    const wpIndex = `<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="http://127.0.0.1:8081/wp-sitemap-index.xsl" ?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://127.0.0.1:8081/wp-sitemap-posts-post-1.xml</loc></sitemap><sitemap><loc>http://127.0.0.1:8081/wp-sitemap-users-1.xml</loc></sitemap></sitemapindex>`;
    expect(parseSitemap(wpIndex)).toEqual({
      kind: 'index',
      skipped: 0,
      truncated: false,
      sitemaps: [{ loc: 'http://127.0.0.1:8081/wp-sitemap-posts-post-1.xml' }, { loc: 'http://127.0.0.1:8081/wp-sitemap-users-1.xml' }],
    });
  });

  it.each([
    ['mismatched tags', urlset('<url><loc>https://example.com/</lo></url>'), /does not match/],
    ['a document cut inside a tag', urlset('<url><loc>https://example.com/</loc></url>').slice(0, -12), /unterminated closing tag/],
    ['a document cut between tags', urlset('<url><loc>https://example.com/</loc></url>').slice(0, -'</urlset>'.length), /<urlset> is never closed/],
    ['text after the root', `${urlset('')}garbage`, /text after the root/],
    ['an HTML page', '<!doctype html><html><body><p>hi</body></html>', /does not match|never closed/],
    ['another root element', '<rss version="2.0"><channel/></rss>', /not a sitemap/],
    ['an empty body', '', /no root element/],
  ])('refuses %s with a SitemapParseError', (_name, text, message) => {
    expect(() => parseSitemap(text)).toThrow(SitemapParseError);
    expect(() => parseSitemap(text)).toThrow(message);
  });

  it('refuses DTD entity declarations instead of expanding them', () => {
    const bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>';
    expect(() => parseXml(bomb)).toThrow(/declares entities/);
    expect(parseXml('<x>&b;</x>').children).toEqual(['&b;']);
    expect(() => parseXml('<a><b></a>')).toThrow(XmlSyntaxError);
  });
});

describe('sitemaps in the crawl', () => {
  const entries = (origin: string, names: string[]): string =>
    urlset(names.map((name, index) => `<url><loc>${origin}/${name}/</loc><lastmod>2026-0${index + 1}-15</lastmod></url>`).join(''));

  it('reads a gzip sitemap that expands into several output chunks whole', async () => {
    // Sitemaps this regular shrink far more than the 16 times gunzipChunkBytes allows for, so
    // the XML comes out of zlib in several chunks that must be joined in order.
    const names = Array.from({ length: 20_000 }, (_, n) => `post-${n}`);
    let compressed = 0;
    let expanded = 0;
    const site = cleanup.add(
      await startSite({
        '/': html('home', 'Home'),
        '/robots.txt': () => ({ type: 'text/plain', body: 'User-agent: *\nSitemap: /posts.xml.gz\n' }),
        '/posts.xml.gz': (_path, origin) => {
          const xml = urlset(names.map((name) => `<url><loc>${origin}/${name}/</loc><changefreq>weekly</changefreq><priority>0.5</priority></url>`).join(''));
          const body = gzipSync(xml, { level: 9 });
          compressed = body.length;
          expanded = Buffer.byteLength(xml);
          return { type: 'application/gzip', body };
        },
      }),
    );
    const result = await crawl({ target: site.origin, transport: new FetchTransport(site.origin), maxPages: 2 });
    expect(expanded).toBeGreaterThan(2 * gunzipChunkBytes(compressed));
    expect(result.failures).toEqual([]);
    const fromSitemap = result.inventory.entries().filter((entry) => entry.sources.includes('sitemap'));
    expect(fromSitemap.length).toBe(names.length);
    expect(fromSitemap[0]?.url).toBe(`${site.origin}/post-0/`);
    expect(fromSitemap.at(-1)?.url).toBe(`${site.origin}/post-19999/`);
  });

  it('follows an index to three gzip sitemaps, reads the two good ones and reports the malformed one', async () => {
    const site = cleanup.add(
      await startSite({
        '/': html('<a href="/about/">About</a><a href="/contact/">Contact</a>', 'Home'),
        '/about/': html('about', 'About'),
        '/contact/': html('contact', 'Contact'),
        '/sitemap_index.xml': (_path, origin) => ({
          type: 'application/xml',
          body: `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${['posts', 'pages', 'broken']
            .map((name) => `<sitemap><loc>${origin}/sitemaps/${name}.xml.gz</loc><lastmod>2026-11-01</lastmod></sitemap>`)
            .join('')}</sitemapindex>`,
        }),
        '/sitemaps/posts.xml.gz': (_path, origin) => ({ type: 'application/gzip', body: gzipSync(entries(origin, ['hello-world', 'second-post'])) }),
        '/sitemaps/pages.xml.gz': (_path, origin) => ({ type: 'application/x-gzip', body: gzipSync(entries(origin, ['about'])) }),
        '/sitemaps/broken.xml.gz': (_path, origin) => ({
          type: 'application/gzip',
          body: gzipSync(urlset(`<url><loc>${origin}/never-read/</loc></url><url><loc>${origin}/cut-off`)),
        }),
      }),
    );
    const transport = new FetchTransport(site.origin);

    const result = await crawl({ target: site.origin, transport });

    const o = site.origin;
    expect(result.sitemaps).toEqual([`${o}/sitemap_index.xml`, `${o}/sitemaps/posts.xml.gz`, `${o}/sitemaps/pages.xml.gz`]);
    const fromSitemaps = result.inventory
      .entries()
      .filter((entry) => entry.sources.includes('sitemap'))
      .map(({ url, lastmod }) => ({ url, lastmod }));
    expect(fromSitemaps).toEqual([
      { url: `${o}/hello-world/`, lastmod: '2026-01-15' },
      { url: `${o}/second-post/`, lastmod: '2026-02-15' },
      { url: `${o}/about/`, lastmod: '2026-01-15' },
    ]);
    expect(result.inventory.has(`${o}/never-read/`)).toBe(false);
    expect(result.failures).toEqual([
      { url: `${o}/sitemaps/broken.xml.gz`, code: 'DL_BAD_RESPONSE', message: 'malformed sitemap XML: closing tag </urlset> does not match <loc> (line 2)' },
    ]);
    // The crawl went on: the pages were still visited.
    const pages = result.pages.filter((page) => page.kind === 'page').map((page) => page.url);
    expect(pages).toEqual([`${o}/`, `${o}/about/`, `${o}/contact/`]);
    // Each sitemap URL at most once; the 404 guesses are no failures.
    const sitemapRequests = transport.sent.filter((line) => /sitemap/.test(line));
    expect(new Set(sitemapRequests).size).toBe(sitemapRequests.length);
    expect(sitemapRequests).toContain(`GET ${o}/sitemap.xml`);
    expect(sitemapRequests).toContain(`GET ${o}/wp-sitemap.xml`);
    // Decompressed sitemaps are kept for passive fingerprinting like any response.
    expect(result.responses.find((response) => response.requestedUrl === `${o}/sitemaps/posts.xml.gz`)?.body).toContain('hello-world');
  });

  it('records a failure for a gzip sitemap when the transport cannot give raw bytes', async () => {
    const site = cleanup.add(
      await startSite({
        '/robots.txt': { type: 'text/plain', body: 'Sitemap: /sitemap.xml.gz' },
        '/sitemap.xml.gz': (_path, origin) => ({ type: 'application/gzip', body: gzipSync(entries(origin, ['a'])) }),
        '/': html('home', 'Home'),
      }),
    );
    const result = await crawl({ target: site.origin, transport: new FetchTransport(site.origin, { raw: 'none' }) });
    expect(result.failures).toEqual([
      { url: `${site.origin}/sitemap.xml.gz`, code: 'DL_BAD_RESPONSE', message: 'gzip sitemap needs a transport that returns raw bytes (rawBody or sendRaw); it was not read' },
    ]);
    expect(result.pages.map((page) => page.url)).toContain(`${site.origin}/`);
  });

  it('reads gzip sitemaps through rawBody when the transport honours binary requests, one request each', async () => {
    const site = cleanup.add(
      await startSite({
        '/robots.txt': { type: 'text/plain', body: 'Sitemap: /sitemap-posts.xml.gz\nSitemap: /disguised.xml' },
        '/sitemap-posts.xml.gz': (_path, origin) => ({ type: 'application/gzip', body: gzipSync(entries(origin, ['by-name'])) }),
        '/disguised.xml': (_path, origin) => ({ type: 'application/octet-stream', body: gzipSync(entries(origin, ['by-magic'])) }),
        '/': html('home', 'Home'),
      }),
    );
    const o = site.origin;
    const transport = new FetchTransport(o, { raw: 'binary' });
    const result = await crawl({ target: o, transport });
    expect(result.failures).toEqual([]);
    expect(result.sitemaps).toEqual([`${o}/sitemap-posts.xml.gz`, `${o}/disguised.xml`]);
    expect(result.inventory.get(`${o}/by-name/`)?.lastmod).toBe('2026-01-15');
    expect(result.inventory.get(`${o}/by-magic/`)?.lastmod).toBe('2026-01-15');
    expect(site.requests.filter((request) => request.url === '/sitemap-posts.xml.gz')).toHaveLength(1);
    expect(site.requests.filter((request) => request.url === '/disguised.xml')).toHaveLength(1);
    const kept = result.responses.find((response) => response.requestedUrl === `${o}/sitemap-posts.xml.gz`);
    expect(kept?.body).toContain('by-name');
    expect(kept?.rawBody).toBeUndefined();
  });

  it('recognises a gzip body behind a .xml URL and re-reads it raw', async () => {
    const site = cleanup.add(
      await startSite({
        '/sitemap.xml': (_path, origin) => ({ type: 'application/octet-stream', body: gzipSync(entries(origin, ['gzipped'])) }),
        '/': html('home', 'Home'),
      }),
    );
    const result = await crawl({ target: site.origin, transport: new FetchTransport(site.origin), maxPages: 2 });
    expect(result.failures).toEqual([]);
    expect(result.inventory.get(`${site.origin}/gzipped/`)).toMatchObject({ source: 'sitemap', lastmod: '2026-01-15' });
  });

  it('reads wp-sitemap.xml and its nested sitemaps, and keeps news dates in the inventory', async () => {
    const site = cleanup.add(
      await startSite({
        '/wp-sitemap.xml': (_path, origin) => ({
          type: 'application/xml',
          body: `<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="${origin}/wp-sitemap-index.xsl" ?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${origin}/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>`,
        }),
        '/wp-sitemap-posts-post-1.xml': (_path, origin) => ({
          type: 'application/xml',
          body: urlset(
            `<url><loc>${origin}/embargoed/</loc><news:news><news:publication_date>2035-01-01T09:00:00Z</news:publication_date><news:title>Soon</news:title></news:news></url>`,
          ),
        }),
        '/': html('home', 'Home'),
      }),
    );
    const result = await crawl({ target: site.origin, transport: new FetchTransport(site.origin), maxPages: 2 });
    expect(result.sitemaps).toEqual([`${site.origin}/wp-sitemap.xml`, `${site.origin}/wp-sitemap-posts-post-1.xml`]);
    expect(result.inventory.get(`${site.origin}/embargoed/`)).toMatchObject({ date: '2035-01-01T09:00:00Z', title: 'Soon' });
    expect(result.inventory.hasSlug('embargoed')).toBe(true);
  });
});
