import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { crawl } from '../../src/crawl/crawl.js';
import { FeedParseError, parseFeed } from '../../src/crawl/feeds.js';
import { extractLinks, maxUrlsPerKind } from '../../src/crawl/html-links.js';
import { maxInventoryEntries, PublishedInventory } from '../../src/crawl/inventory.js';
import { normalizeUrl } from '../../src/crawl/normalize.js';
import { maxRobotsChars, maxRobotsRules, maxRobotsSitemaps, parseRobots, robotsRuleToUrl } from '../../src/crawl/robots.js';
import { scanSourceMap, SourceMapError } from '../../src/crawl/script-scan.js';
import { parseSitemap, SitemapParseError } from '../../src/crawl/sitemap.js';
import { maxJsonNesting, toResponseDocument } from '../../src/engine/response-document.js';
import { renderTemplate } from '../../src/engine/template.js';
import type { HttpResponse } from '../../src/core/http-types.js';
import { Cleanup } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { startSite } from './support/site.js';

/** Discovery parsers fed what a hostile or broken server sends. */

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const deepArray = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

function response(body: string): HttpResponse {
  return { requestedUrl: 'http://127.0.0.1/x', url: 'http://127.0.0.1/x', status: 200, statusText: 'OK', headers: {}, body, truncated: false, bytes: body.length, redirects: [], durationMs: 0 };
}

describe('a 10 MB robots.txt', () => {
  it('reads only the first maxRobotsChars and keeps bounded, de-duplicated lists', () => {
    const lines: string[] = ['User-agent: *'];
    let length = 0;
    for (let index = 0; length < 10 * 1024 * 1024; index++) {
      const group = `Disallow: /private-${index}/\nAllow: /open-${index}/\nSitemap: /sitemap-${index}.xml\n# a comment`;
      lines.push(group);
      length += group.length + 1;
    }
    const body = lines.join('\n');
    expect(body.length).toBeGreaterThan(10 * 1024 * 1024);
    const robots = parseRobots(body, 'https://example.com/robots.txt');
    expect(robots.disallow).toHaveLength(maxRobotsRules);
    expect(robots.allow).toHaveLength(maxRobotsRules);
    expect(robots.sitemaps).toHaveLength(maxRobotsSitemaps);
    expect(robots.disallow[0]).toBe('/private-0/');
    expect(robots.sitemaps[0]).toBe('https://example.com/sitemap-0.xml');
    expect(robots.truncated).toBe(true);
  });

  it('ignores what follows the size limit, even when it is the only rule', () => {
    const robots = parseRobots(`${'#'.repeat(maxRobotsChars)}\nDisallow: /late/`, 'https://example.com/robots.txt');
    expect(robots).toEqual({ allow: [], disallow: [], sitemaps: [], truncated: true });
  });

  it('is not marked truncated when it fits', () => {
    expect(parseRobots('Disallow: /a/\nDisallow: /a/', 'https://example.com/robots.txt')).toEqual({ allow: [], disallow: ['/a/'], sitemaps: [] });
  });
});

describe('an HTML page with 100,000 links', () => {
  const links = (origin: string, count: number): string =>
    Array.from({ length: count }, (_, index) => `<a href="${origin}/post-${index}/">p</a><img src="/i/${index}.png"><meta property="og:image" content="/m/${index % 50}.png">`).join('\n');

  it('keeps at most maxUrlsPerKind per list and counts the rest', () => {
    const page = extractLinks(`<html><body>${links('https://example.com', 100_000)}</body></html>`, 'https://example.com/');
    expect(page.anchors).toHaveLength(maxUrlsPerKind);
    expect(page.media).toHaveLength(maxUrlsPerKind);
    // 50 distinct og:image values, de-duplicated by a Set rather than a scan per tag.
    expect(page.metaUrls).toHaveLength(50);
    expect(page.urlsDropped).toBe(2 * (100_000 - maxUrlsPerKind) + (100_000 - maxUrlsPerKind));
    expect(page.anchors[0]).toBe('https://example.com/post-0/');
  });

  it('crawls within its budgets: the page budget holds and the inventory stays bounded', async () => {
    const site = await startSite(
      { '/': (_path, origin) => ({ type: 'text/html', body: `<html><body>${links(origin, 100_000)}</body></html>` }) },
      // The linked posts exist (a 404 would take them back out of the published inventory).
      (path) => (path.startsWith('/post-') ? { type: 'text/html', body: '<html><body>A post</body></html>' } : undefined),
    );
    cleanup.add(site);
    const result = await crawl({ target: `${site.origin}/`, transport: new FetchTransport(site.origin), maxPages: 12, maxSitemaps: 0 });
    const htmlPages = result.pages.filter((page) => page.kind === 'page');
    expect(htmlPages.length).toBeGreaterThan(1);
    expect(htmlPages.length).toBeLessThanOrEqual(12);
    expect(result.inventory.size).toBeLessThanOrEqual(2 * maxUrlsPerKind + 50);
    expect(result.inventory.has(`${site.origin}/post-0/`)).toBe(true);
  });

  it('the inventory counts what it leaves out once full', () => {
    const inventory = new PublishedInventory(3);
    for (let index = 0; index < 5; index++) inventory.add({ url: `https://example.com/${index}`, source: 'link' });
    inventory.add({ url: 'https://example.com/0', source: 'sitemap' });
    expect(inventory.size).toBe(3);
    expect(inventory.dropped).toBe(2);
    expect(inventory.get('https://example.com/0')?.sources).toEqual(['link', 'sitemap']);
    expect(new PublishedInventory().maxEntries).toBe(maxInventoryEntries);
  });
});

describe('JSON nested 200,000 deep', () => {
  it('is not JSON to the rules, so no later walk can overflow the stack; the body stays', () => {
    for (const body of [deepArray(200_000), deepObject(200_000)]) {
      const document = toResponseDocument(response(body));
      expect(document.json).toBeNull();
      expect(document.body).toBe(body);
      // The renderer stringifies documents: it must not meet the deep value.
      expect(renderTemplate('{{json}}', document)).toBe('');
    }
  });

  it('still parses JSON nested up to maxJsonNesting, and brackets inside strings do not count', () => {
    expect(toResponseDocument(response(deepArray(maxJsonNesting))).json).not.toBeNull();
    expect(toResponseDocument(response(deepArray(maxJsonNesting + 1))).json).toBeNull();
    const quoted = `{"text":"${'['.repeat(5000)}\\"${'{'.repeat(5000)}","n":1}`;
    expect(toResponseDocument(response(quoted)).json).toMatchObject({ n: 1 });
  });

  it('is a parse error or an empty result for feeds, source maps and JSON-LD, never a stack overflow', () => {
    expect(() => parseFeed(`{"version":"https://jsonfeed.org/version/1.1","items":[],"x":${deepObject(200_000)}}`, 'https://example.com/feed.json')).not.toThrow();
    expect(() => parseFeed(`{"version":"https://jsonfeed.org/version/1.1","items":${deepArray(200_000)}}`, 'https://example.com/feed.json')).toThrow(FeedParseError);
    expect(scanSourceMap(`{"sources":[],"sections":[{"map":${deepObject(200_000)}}]}`).urls).toEqual([]);
    expect(() => scanSourceMap(deepArray(200_000))).toThrow(SourceMapError);
    const page = extractLinks(
      `<script type="application/ld+json">{"@type":"Article","url":"/a","image":${deepArray(100_000)},"x":${deepObject(100_000)}}</script>`,
      'https://example.com/',
    );
    expect(page.jsonLdErrors).toBe(0);
    expect(page.jsonLd).toEqual([{ types: ['Article'], url: 'https://example.com/a', images: [] }]);
  });
});

describe('percent-encoding and Unicode tricks in URLs', () => {
  it.each([
    ['dot segments cannot climb above the root', 'http://example.com/a/../../../etc/passwd', 'http://example.com/etc/passwd'],
    ['encoded dot segments are dot segments', 'http://example.com/%2e%2e/%2E%2e/x', 'http://example.com/x'],
    ['an encoded slash is not a separator', 'http://example.com/a/%2e%2e%2fb', 'http://example.com/a/%2e%2e%2fb'],
    ['backslashes are slashes in http(s)', 'http:\\\\example.com\\a\\..\\b', 'http://example.com/b'],
    ['a backslash cannot smuggle a host through userinfo', 'http://example.com\\@evil.example/', 'http://example.com/@evil.example/'],
    ['IDN hosts become punycode', 'http://bücher.example/ä?q=ü', 'http://xn--bcher-kva.example/%C3%A4?q=%C3%BC'],
    ['punycode stays punycode', 'http://xn--bcher-kva.example/', 'http://xn--bcher-kva.example/'],
    ['%00 stays encoded', 'http://example.com/%00x', 'http://example.com/%00x'],
    ['overlong UTF-8 stays encoded, not decoded to a dot', 'http://example.com/%c0%ae%c0%ae/', 'http://example.com/%c0%ae%c0%ae/'],
    ['credentials are dropped', 'http://user:pw@example.com:80/', 'http://example.com/'],
    ['an encoded tracking parameter is still tracking', 'http://example.com/?%75tm_source=x&p=1', 'http://example.com/?p=1'],
    ['a broken percent sequence in a name is kept as written', 'http://example.com/?b=1&a=%zz&%E0%A4%A=2', 'http://example.com/?%E0%A4%A=2&a=%zz&b=1'],
  ])('%s', (_name, input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
    expect(normalizeUrl(expected)).toBe(expected);
  });

  it.each(['http://%%%/x.png', 'http://exa mple.com/', 'http://[::1/', 'javascript:alert(1)', 'file:///etc/passwd', 'ftp://example.com/', '\u0000', 'http://'])(
    'refuses %j',
    (input) => {
      expect(normalizeUrl(input)).toBeUndefined();
    },
  );

  it('keeps an <img src="http://%%%/x.png"> out of a page without failing the page', () => {
    const page = extractLinks('<img src="http://%%%/x.png"><img src="/ok.png"><a href="http://%%%/">x</a>', 'https://example.com/');
    expect(page.media).toEqual(['https://example.com/ok.png']);
    expect(page.anchors).toEqual([]);
  });
});

describe('garbage bytes', () => {
  const garbage = [randomBytes(64 * 1024).toString('latin1'), randomBytes(64 * 1024).toString('utf8'), '\u0000'.repeat(10_000), '<'.repeat(50_000), '<a'.repeat(30_000), '<![CDATA['.repeat(5000), '&#x110000;&#99999999999;'.repeat(1000)];

  it.each(garbage.map((text, index) => [index, text] as const))('garbage #%i is a parse error or an empty result, never a crash', (_index, text) => {
    expect(() => extractLinks(text, 'https://example.com/')).not.toThrow();
    try {
      parseSitemap(text);
    } catch (error) {
      expect(error).toBeInstanceOf(SitemapParseError);
    }
    try {
      parseFeed(text, 'https://example.com/feed');
    } catch (error) {
      expect(error).toBeInstanceOf(FeedParseError);
    }
    const robots = parseRobots(text, 'https://example.com/robots.txt');
    expect(robots.disallow.length).toBeLessThanOrEqual(maxRobotsRules);
  });
});

describe('robots rules that look like other hosts', () => {
  it('keeps "//host/x" and "/\\\\host" on the site as paths', () => {
    expect(robotsRuleToUrl('//evil.example/x', 'https://example.com')).toBe('https://example.com//evil.example/x');
    expect(robotsRuleToUrl('/\\evil.example/x', 'https://example.com')).toBe('https://example.com//evil.example/x');
    expect(robotsRuleToUrl('/@evil.example/', 'https://example.com')).toBe('https://example.com/@evil.example/');
  });
});
