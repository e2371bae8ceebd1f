import { afterEach, describe, expect, it } from 'vitest';
import { crawl } from '../../src/crawl/crawl.js';
import { parseRobots, robotsRuleToUrl } from '../../src/crawl/robots.js';
import { Cleanup } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { html, startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const robotsTxt = [
  '# robots for example',
  'User-agent: *',
  'Disallow: /wp-admin/',
  'Allow: /wp-admin/admin-ajax.php',
  'Disallow:            # empty: allows everything, not a path',
  '',
  'User-agent: Googlebot-News',
  'Disallow: /preview/',
  'Disallow: /*?preview=true',
  'disallow: /drafts*',
  'Disallow: /wp-admin/  # repeated in another group',
  '',
  'Sitemap: /custom-sitemap.xml',
  'SITEMAP: https://example.com/news-sitemap.xml',
  'Crawl-delay: 5',
].join('\r\n');

describe('parseRobots', () => {
  it('merges every group, keeps rules as written, resolves sitemaps and drops empty Disallow lines', () => {
    expect(parseRobots(robotsTxt, 'https://example.com/robots.txt')).toEqual({
      allow: ['/wp-admin/admin-ajax.php'],
      disallow: ['/wp-admin/', '/preview/', '/*?preview=true', '/drafts*'],
      sitemaps: ['https://example.com/custom-sitemap.xml', 'https://example.com/news-sitemap.xml'],
    });
  });

  it('turns rules into fetchable URLs, cutting wildcards and dropping rules that name no page', () => {
    const origin = 'https://example.com';
    expect(robotsRuleToUrl('/wp-admin/', origin)).toBe('https://example.com/wp-admin/');
    expect(robotsRuleToUrl('/drafts*', origin)).toBe('https://example.com/drafts');
    expect(robotsRuleToUrl('/p/$', origin)).toBe('https://example.com/p/');
    expect(robotsRuleToUrl('/*?preview=true', origin)).toBeUndefined();
    expect(robotsRuleToUrl('/', origin)).toBeUndefined();
    expect(robotsRuleToUrl('*.pdf', origin)).toBeUndefined();
  });
});

describe('robots.txt in the crawl', () => {
  it('reads the declared sitemap and keeps the Disallow/Allow paths as signals, never fetching them', async () => {
    const site = cleanup.add(
      await startSite({
        '/robots.txt': { type: 'text/plain', body: robotsTxt },
        '/': html('<a href="/about/">About</a>', 'Home'),
        '/about/': html('about', 'About'),
        '/preview/': html('<a href="/preview/draft-7/">Draft seven</a>', 'Previews'),
        '/preview/draft-7/': html('secret draft', 'Draft'),
        '/wp-admin/': html('login', 'Log in'),
        '/custom-sitemap.xml': (_path, origin) => ({
          type: 'application/xml',
          body: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${origin}/about/</loc><lastmod>2024-05-01</lastmod></url></urlset>`,
        }),
      }),
    );
    const transport = new FetchTransport(site.origin);

    const result = await crawl({ target: `${site.origin}/`, transport });

    expect(result.robots.disallow).toContain('/preview/');
    expect(result.robotsUrls).toEqual([
      `${site.origin}/wp-admin/`,
      `${site.origin}/preview/`,
      `${site.origin}/drafts`,
      `${site.origin}/wp-admin/admin-ajax.php`,
    ]);
    expect(result.sitemaps).toEqual([`${site.origin}/custom-sitemap.xml`]);
    expect(result.inventory.get(`${site.origin}/about/`)).toMatchObject({ source: 'sitemap', sources: ['sitemap', 'link'], lastmod: '2024-05-01' });
    const fetched = result.pages.map((page) => page.url);
    // robots.txt paths are for rules that say what they expect; the crawl does not visit them.
    const requested = site.requests.map((request) => request.url);
    for (const path of ['/wp-admin/', '/preview/', '/preview/draft-7/', '/drafts', '/wp-admin/admin-ajax.php']) {
      expect(requested).not.toContain(path);
    }
    expect(requested).toContain('/about/');
    // news-sitemap.xml is on another origin: reported, never requested.
    expect(transport.attemptsFor('https://example.com')).toBe(0);
    expect(result.failures).toContainEqual(expect.objectContaining({ url: 'https://example.com/news-sitemap.xml', code: 'DL_OUT_OF_SCOPE' }));
    // robots.txt first, then the sitemaps, then pages.
    expect(fetched.slice(0, 2)).toEqual([`${site.origin}/robots.txt`, `${site.origin}/custom-sitemap.xml`]);
  });

  it('ignores an HTML page answered for /robots.txt by a catch-all site', async () => {
    const site = cleanup.add(await startSite({}, html('Disallow: /nothing/', 'Home')));
    const result = await crawl({ target: site.origin, transport: new FetchTransport(site.origin), maxPages: 10 });
    expect(result.robots).toEqual({ allow: [], disallow: [], sitemaps: [] });
  });
});
