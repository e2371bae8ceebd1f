import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed } from '../../src/crawl/feeds.js';
import { extractLinks, maxUrlsPerKind, parseSrcset } from '../../src/crawl/html-links.js';
import { maxRobotsRules, maxRobotsSitemaps, parseRobots, robotsRuleToUrl } from '../../src/crawl/robots.js';
import { scanScriptText, scanSourceMap, SourceMapError } from '../../src/crawl/script-scan.js';
import { parseSitemap, SitemapParseError } from '../../src/crawl/sitemap.js';
import { parseXml, XmlSyntaxError } from '../../src/crawl/xml.js';
import { toResponseDocument } from '../../src/engine/response-document.js';
import { anyText, fuzzParameters, textFrom } from './fuzz-settings.js';

/**
 * Generated input for every parser that reads what a server sent. The properties: no exception
 * other than the parser's own error type, and what comes out obeys the parser's contract
 * (absolute http(s) URLs, bounded lists).
 */

const isHttp = (url: string): boolean => /^https?:\/\//.test(url) && ['http:', 'https:'].includes(new URL(url).protocol);

function throwsOnly(run: () => unknown, type: new (...args: never[]) => Error): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof type)) throw error;
  }
}

const xmlPieces = [
  '<?xml version="1.0"?>', '<!DOCTYPE x [<!ENTITY a "b">]>', '<!ENTITY e SYSTEM "file:///etc/passwd">', '<!--', '-->', '<![CDATA[', ']]>',
  '<urlset>', '</urlset>', '<sitemapindex>', '</sitemapindex>', '<url>', '</url>', '<sitemap>', '</sitemap>', '<loc>', '</loc>', '<lastmod>', '</lastmod>',
  '<image:image>', '</image:image>', '<image:loc>', '</image:loc>', '<news:news>', '</news:news>', '<news:publication_date>', '</news:publication_date>',
  '<rss version="2.0">', '</rss>', '<channel>', '</channel>', '<item>', '</item>', '<link>', '</link>', '<guid isPermaLink="false">', '</guid>', '<title>', '</title>',
  '<pubDate>', '</pubDate>', '<feed xmlns="http://www.w3.org/2005/Atom">', '</feed>', '<entry>', '</entry>', '<link href="/a" rel="alternate"/>', '<id>', '</id>',
  '<rdf:RDF>', '</rdf:RDF>', 'https://example.com/a', 'http://127.0.0.1/b?x=1&amp;y=2', '/relative', '&amp;', '&lt;', '&#x41;', '&#1114112;', '&e;', '&a;',
  '2026-11-01T10:00:00Z', 'Tue, 01 Dec 2026 10:00:00 GMT', ' ', '\n', '<', '>', '/>', '"', "'", '=', '<a b="c" d=\'e\'>', '</a>',
];
const xmlLike = fc.oneof({ weight: 4, arbitrary: textFrom(xmlPieces, 60) }, { weight: 1, arbitrary: anyText(300) });

const htmlPieces = [
  '<!doctype html>', '<html>', '</html>', '<head>', '</head>', '<body class="postid-12 status-draft">', '</body>', '<base href="/sub/">', '<base href="http://%%%/">',
  '<a href="/p/1">', '<a href="http://%%%/x">', '<a href="javascript:alert(1)">', '<a href="//other.example/x">', '</a>', '<img src="/i.png" srcset="/a.png 1x, /b,c.png 2x">',
  '<img src="http://%%%/x.png">', '<source srcset=",,, ,">', '<link rel="alternate" type="application/rss+xml" href="/feed">', '<link rel="canonical" href="/c">',
  '<script src="/app.js">', '<script>', '</script>', '<script type="application/ld+json">', '{"@type":"Article","url":"/a","image":["/i.png",{"url":"/j.png"}]}',
  '{"@graph":[{"@id":"/#x","datePublished":"2030-01-01"}]}', '[[[[', ']]]]', '<meta property="og:image" content="/og.png">', '<meta http-equiv="refresh" content="0; url=/next">',
  '<meta name="generator" content="WordPress 6.4">', '<iframe src="/frame">', '<form action="/search">', '<title>', '</title>', '<!--', '-->', '&amp;', '&#0;', '"', "'", '=', ' ', '\n',
];
const htmlLike = fc.oneof({ weight: 4, arbitrary: textFrom(htmlPieces, 60) }, { weight: 1, arbitrary: anyText(400) });

describe('XML, sitemap and feed readers under generated input', () => {
  it('parseXml returns a root or throws XmlSyntaxError', () => {
    fc.assert(fc.property(xmlLike, (text) => throwsOnly(() => parseXml(text), XmlSyntaxError)), fuzzParameters(1500));
  });

  it('parseSitemap keeps only absolute http(s) locs and throws only SitemapParseError', () => {
    fc.assert(
      fc.property(xmlLike, fc.integer({ min: 0, max: 5 }), (text, maxEntries) => {
        try {
          const document = parseSitemap(text, { maxEntries });
          const locs = document.kind === 'urlset' ? document.entries.flatMap((entry) => [entry.loc, ...entry.images]) : document.sitemaps.map((ref) => ref.loc);
          expect(locs.every((loc) => /^https?:\/\//i.test(loc))).toBe(true);
          expect(document.kind === 'urlset' ? document.entries.length : document.sitemaps.length).toBeLessThanOrEqual(maxEntries);
        } catch (error) {
          if (!(error instanceof SitemapParseError)) throw error;
        }
      }),
      fuzzParameters(1500),
    );
  });

  it('parseFeed gives http(s) item URLs and throws only FeedParseError, for XML and JSON feeds', () => {
    const jsonFeed = fc
      .record({ version: fc.constantFrom('https://jsonfeed.org/version/1.1', 'x'), items: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }) })
      .map((value) => JSON.stringify(value));
    fc.assert(
      fc.property(fc.oneof(xmlLike, jsonFeed, fc.jsonValue().map((value) => JSON.stringify(value))), (text) => {
        try {
          const feed = parseFeed(text, 'https://example.com/feed/');
          expect(feed.items.every((item) => item.url === undefined || isHttp(item.url))).toBe(true);
        } catch (error) {
          if (!(error instanceof FeedParseError)) throw error;
        }
      }),
      fuzzParameters(1500),
    );
  });
});

describe('robots.txt under generated input', () => {
  const robotsPieces = ['User-agent: *', 'Disallow:', 'Allow:', 'Sitemap:', 'site-map:', ' /a', ' /b*', ' /$', ' http://%%%/', ' //x/y', ' https://example.com/s.xml', '#', '\n', '\r\n', '\r', ':', ' ', '*'];
  it('never throws, keeps bounded lists of absolute sitemaps, and rules map to same-origin URLs', () => {
    fc.assert(
      fc.property(fc.oneof(textFrom(robotsPieces, 80), anyText(400)), (text) => {
        const robots = parseRobots(text, 'https://example.com/robots.txt');
        expect(robots.allow.length).toBeLessThanOrEqual(maxRobotsRules);
        expect(robots.disallow.length).toBeLessThanOrEqual(maxRobotsRules);
        expect(robots.sitemaps.length).toBeLessThanOrEqual(maxRobotsSitemaps);
        expect(robots.sitemaps.every(isHttp)).toBe(true);
        for (const rule of [...robots.allow, ...robots.disallow]) {
          const url = robotsRuleToUrl(rule, 'https://example.com');
          // "//host/x" is a scheme-relative URL: the crawl must not take it as its own path.
          if (url !== undefined) expect(new URL(url).origin).toBe('https://example.com');
        }
      }),
      fuzzParameters(1500),
    );
  });
});

describe('HTML link extraction under generated input', () => {
  it('never throws; every URL it returns is absolute http(s), lists are bounded', () => {
    fc.assert(
      fc.property(htmlLike, (html) => {
        const page = extractLinks(html, 'https://example.com/dir/page');
        const urls = [...page.anchors, ...page.scripts, ...page.media, ...page.iframes, ...page.forms, ...page.linkTags.map((tag) => tag.url), ...page.metaUrls.map((meta) => meta.url)];
        expect(urls.every(isHttp)).toBe(true);
        expect(isHttp(page.baseUrl)).toBe(true);
        for (const list of [page.anchors, page.media, page.scripts]) expect(list.length).toBeLessThanOrEqual(maxUrlsPerKind);
        for (const node of page.jsonLd) if (node.url !== undefined) expect(isHttp(node.url)).toBe(true);
      }),
      fuzzParameters(1500),
    );
  });

  it('parseSrcset never throws and never returns empty candidates', () => {
    fc.assert(
      fc.property(fc.oneof(textFrom(['/a.png', ' 1x', ',', ' ', '(', ')', 'w_100,h_100', '2w', ', '], 30), anyText(100)), (srcset) => {
        expect(parseSrcset(srcset).every((url) => url !== '')).toBe(true);
      }),
      fuzzParameters(1000),
    );
  });
});

describe('script, source map and response JSON readers under generated input', () => {
  const jsPieces = ['https://', 'http://', 'api.sanity.io', 'abc.api.sanity.io', 'cdn.contentful.com', '"//', '//', '\\/', '\\u002F', '/*# sourceMappingURL=', '//# sourceMappingURL=', 'app.js.map', '*/', '"', "'", '`', '.', '-', 'x', '\n', ' '];
  it('scanScriptText never throws and returns http(s) URLs', () => {
    fc.assert(
      fc.property(fc.oneof(textFrom(jsPieces, 60), anyText(300)), (text) => {
        const scan = scanScriptText(text);
        expect(scan.urls.every((url) => /^https?:\/\//i.test(url))).toBe(true);
      }),
      fuzzParameters(1000),
    );
  });

  it('scanSourceMap reads a map or throws SourceMapError', () => {
    const mapLike = fc
      .record({ version: fc.constant(3), sources: fc.array(fc.oneof(fc.string(), fc.constant(null)), { maxLength: 3 }), sourcesContent: fc.anything(), sections: fc.anything() }, { requiredKeys: [] })
      .map((value) => JSON.stringify(value) ?? '');
    fc.assert(fc.property(fc.oneof(mapLike, anyText(200), fc.jsonValue().map((value) => JSON.stringify(value))), (text) => throwsOnly(() => scanSourceMap(text), SourceMapError)), fuzzParameters(1000));
  });

  it('toResponseDocument never throws and parses exactly the JSON bodies (within the nesting cap)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((value) => JSON.stringify(value)), anyText(200)), (body) => {
        const document = toResponseDocument({ requestedUrl: 'http://127.0.0.1/', url: 'http://127.0.0.1/', status: 200, statusText: 'OK', headers: {}, body, truncated: false, bytes: body.length, redirects: [], durationMs: 0 });
        const start = body.trimStart()[0];
        let expected: unknown = null;
        try {
          if (start === '{' || start === '[') expected = JSON.parse(body);
        } catch {
          expected = null;
        }
        expect(document.json).toEqual(expected);
      }),
      fuzzParameters(1000),
    );
  });
});
