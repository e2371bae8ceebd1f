import { afterEach, describe, expect, it } from 'vitest';
import { crawl } from '../../src/crawl/crawl.js';
import { FeedParseError, parseFeed } from '../../src/crawl/feeds.js';
import { Cleanup } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const rss = (origin: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>WPLab</title><link>${origin}</link><generator>https://wordpress.org/?v=6.1.9</generator>
  <item><title>WPLab published one</title><link>${origin}/wplab-published-1/</link>
    <dc:creator><![CDATA[admin]]></dc:creator><pubDate>Wed, 15 May 2024 10:00:00 +0000</pubDate>
    <guid isPermaLink="false">${origin}/?p=4</guid><content:encoded><![CDATA[<p>Marker</p>]]></content:encoded></item>
  <item><title>WPLab scheduled</title><link>${origin}/wplab-scheduled/</link>
    <pubDate>Mon, 01 Jan 2035 09:00:00 +0000</pubDate><guid isPermaLink="false">${origin}/?p=9</guid></item>
</channel></rss>`;

const atom = (origin: string): string => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Ghost blog</title><id>${origin}/</id>
  <entry><title>Atom post</title><link rel="alternate" type="text/html" href="${origin}/atom-post/"/><link rel="edit" href="${origin}/edit/1"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id><published>2026-03-01T12:00:00+01:00</published><updated>2026-03-02T08:00:00Z</updated></entry>
  <entry><title>Relative</title><link href="/relative-post/"/><id>tag:example.com,2026:post-2</id><updated>2026-04-01T00:00:00Z</updated></entry>
</feed>`;

const jsonFeed = (origin: string): string =>
  JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'JSON',
    items: [
      { id: '2347259', url: `${origin}/json-post/`, title: 'JSON post', date_published: '2026-05-05T05:05:05-05:00' },
      { id: 42, external_url: 'https://elsewhere.example/x', date_modified: '2026-06-01T00:00:00Z' },
    ],
  });

describe('parseFeed', () => {
  const o = 'https://example.com';

  it('reads RSS 2.0 items with ISO dates and guids', () => {
    expect(parseFeed(rss(o), `${o}/feed/`)).toEqual({
      kind: 'rss',
      title: 'WPLab',
      items: [
        { url: `${o}/wplab-published-1/`, id: `${o}/?p=4`, date: '2024-05-15T10:00:00.000Z', title: 'WPLab published one' },
        { url: `${o}/wplab-scheduled/`, id: `${o}/?p=9`, date: '2035-01-01T09:00:00.000Z', title: 'WPLab scheduled' },
      ],
    });
  });

  it('reads Atom entries: the alternate link, ids, published and updated, relative links resolved', () => {
    expect(parseFeed(atom(o), `${o}/rss/`).items).toEqual([
      {
        url: `${o}/atom-post/`,
        id: 'urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a',
        date: '2026-03-01T11:00:00.000Z',
        updated: '2026-03-02T08:00:00.000Z',
        title: 'Atom post',
      },
      { url: `${o}/relative-post/`, id: 'tag:example.com,2026:post-2', updated: '2026-04-01T00:00:00.000Z', title: 'Relative' },
    ]);
  });

  it('reads JSON Feed items', () => {
    expect(parseFeed(jsonFeed(o), `${o}/feed.json`)).toEqual({
      kind: 'json',
      title: 'JSON',
      items: [
        { url: `${o}/json-post/`, id: '2347259', date: '2026-05-05T10:05:05.000Z', title: 'JSON post' },
        { url: 'https://elsewhere.example/x', id: '42', updated: '2026-06-01T00:00:00.000Z' },
      ],
    });
  });

  it.each([
    ['broken XML', '<rss><channel><item></channel></rss>'],
    ['broken JSON', '{"version": '],
    ['JSON that is no feed', '{"hello": "world"}'],
    ['a sitemap', '<urlset><url><loc>https://example.com/</loc></url></urlset>'],
  ])('refuses %s', (_name, body) => {
    expect(() => parseFeed(body, `${o}/feed/`)).toThrow(FeedParseError);
  });
});

describe('feeds in the crawl', () => {
  it('fetches the feeds a page announces and puts their items in the inventory with dates and ids', async () => {
    const site = cleanup.add(
      await startSite({
        '/': (_path, origin) => ({
          type: 'text/html',
          body: `<html><head><title>Home</title>
            <link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">
            <link rel="alternate" type="application/atom+xml" href="${origin}/atom.xml">
            <link rel="alternate" type="application/feed+json" href="/feed.json">
            <link rel="alternate" type="application/rss+xml" href="/broken-feed/">
            <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">
          </head><body>home</body></html>`,
        }),
        '/feed/': (_path, origin) => ({ type: 'application/rss+xml; charset=UTF-8', body: rss(origin) }),
        '/atom.xml': (_path, origin) => ({ type: 'application/atom+xml', body: atom(origin) }),
        '/feed.json': (_path, origin) => ({ type: 'application/feed+json', body: jsonFeed(origin) }),
        '/broken-feed/': { type: 'application/rss+xml', body: '<rss><channel><item><title>x</title></channel>' },
      }),
    );
    const o = site.origin;
    const transport = new FetchTransport(o);

    const result = await crawl({ target: o, transport });

    expect(result.feeds).toEqual([`${o}/feed/`, `${o}/atom.xml`, `${o}/feed.json`]);
    expect(result.failures).toEqual([{ url: `${o}/broken-feed/`, code: 'DL_BAD_RESPONSE', message: expect.stringMatching(/^malformed feed XML/) }]);
    const fromFeeds = result.inventory
      .entries()
      .filter((entry) => entry.source === 'feed')
      .map(({ url, date }) => ({ url, date }));
    expect(fromFeeds).toEqual([
      { url: `${o}/wplab-published-1/`, date: '2024-05-15T10:00:00.000Z' },
      { url: `${o}/wplab-scheduled/`, date: '2035-01-01T09:00:00.000Z' },
      { url: `${o}/atom-post/`, date: '2026-03-01T11:00:00.000Z' },
      { url: `${o}/relative-post/`, date: undefined },
      { url: `${o}/json-post/`, date: '2026-05-05T10:05:05.000Z' },
      { url: 'https://elsewhere.example/x', date: undefined },
    ]);
    // guid ?p=9 gives the id 9; slugs come from the item URLs.
    expect(result.inventory.hasId(9)).toBe(true);
    expect(result.inventory.hasId(`${o}/?p=4`)).toBe(true);
    expect(result.inventory.hasId('2347259')).toBe(true);
    expect(result.inventory.hasSlug('wplab-scheduled')).toBe(true);
    // The WordPress REST alternate link is not a feed and is not fetched.
    expect(transport.sent).not.toContain(`GET ${o}/wp-json/wp/v2/pages/2`);
    expect(transport.attemptsFor('https://elsewhere.example')).toBe(0);
  });
});
