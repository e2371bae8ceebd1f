import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { crawl } from '../../src/crawl/crawl.js';
import { idsFromUrl, PublishedInventory, slugOf } from '../../src/crawl/inventory.js';
import { Cleanup } from '../support/loopback-server.js';
import { FetchTransport } from './support/fetch-transport.js';
import { html, startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('PublishedInventory', () => {
  it('listed(max) gives the first max entries in the order they came, and the first max slugs and ids sorted', () => {
    const inventory = new PublishedInventory();
    for (const n of [5, 3, 9, 1, 7, 2]) inventory.add({ url: `https://h.example/post-${n}/?p=${n}`, source: n % 2 === 0 ? 'sitemap' : 'link' });
    inventory.add({ url: 'https://h.example/post-5/?p=5', source: 'feed' });
    inventory.add({ url: 'https://h.example/zz-dated/', source: 'sitemap', lastmod: '2024-05-02' });
    const listed = inventory.listed(3);
    // Strict: an unset lastmod, date or title is left out, not listed as undefined.
    expect(listed.entries).toStrictEqual([
      { url: 'https://h.example/post-5/?p=5', source: 'link', sources: ['link', 'feed'] },
      { url: 'https://h.example/post-3/?p=3', source: 'link', sources: ['link'] },
      { url: 'https://h.example/post-9/?p=9', source: 'link', sources: ['link'] },
    ]);
    expect(listed.slugs).toEqual(['post-1', 'post-2', 'post-3']);
    expect(listed.ids).toEqual(['1', '2', '3']);
    expect(inventory.toJSON().entries).toHaveLength(7);
    expect(inventory.toJSON().entries.at(-1)).toStrictEqual({ url: 'https://h.example/zz-dated/', source: 'sitemap', sources: ['sitemap'], lastmod: '2024-05-02' });
    // A copy: what a caller does with the list does not change the inventory.
    listed.entries[0]?.sources.push('jsonld');
    expect(inventory.get('https://h.example/post-5/?p=5')?.sources).toEqual(['link', 'feed']);
  });

  it('keeps every entry\'s own date, shared or not: repeated dates, more distinct ones than are shared, and one filled in later', () => {
    const inventory = new PublishedInventory();
    const dateOf = (n: number): string => (n % 3 === 0 ? '2026-01-01' : `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}.${String(n).padStart(6, '0')}Z`);
    for (let n = 0; n < 6000; n++) inventory.add({ url: `https://h.example/p-${n}/`, source: 'sitemap', lastmod: dateOf(n), ...(n % 5 === 0 ? { date: dateOf(n + 1) } : {}) });
    inventory.add({ url: 'https://h.example/late/', source: 'link' });
    inventory.add({ url: 'https://h.example/late/', source: 'feed', date: '2026-02-03', lastmod: '2026-01-01' });
    const entries = inventory.toJSON().entries;
    expect(entries).toHaveLength(6001);
    for (let n = 0; n < 6000; n++) {
      expect(entries[n]?.lastmod).toBe(dateOf(n));
      expect(entries[n]?.date).toBe(n % 5 === 0 ? dateOf(n + 1) : undefined);
    }
    expect(inventory.get('https://h.example/late/')).toStrictEqual({ url: 'https://h.example/late/', source: 'link', sources: ['link', 'feed'], lastmod: '2026-01-01', date: '2026-02-03' });
  });

  it('lists the sources of a URL once each, in the order they listed it', () => {
    const inventory = new PublishedInventory();
    for (const source of ['jsonld', 'feed', 'jsonld', 'sitemap', 'feed', 'link', 'sitemap'] as const) inventory.add({ url: 'https://h.example/a/', source });
    inventory.add({ url: 'https://h.example/b/', source: 'link' });
    expect(inventory.get('https://h.example/a/')).toStrictEqual({ url: 'https://h.example/a/', source: 'jsonld', sources: ['jsonld', 'feed', 'sitemap', 'link'] });
    expect(inventory.listed(10).entries.map((entry) => entry.sources)).toEqual([['jsonld', 'feed', 'sitemap', 'link'], ['link']]);
  });

  it('merges sources per normalised URL and derives slugs and ids', () => {
    const inventory = new PublishedInventory();
    inventory.add({ url: 'https://h.example/2024/05/My-Post.html#top', source: 'sitemap', lastmod: '2024-05-02' });
    inventory.add({ url: 'https://h.example/2024/05/My-Post.html?utm_source=feed', source: 'feed', date: '2024-05-01T00:00:00.000Z', title: 'My post' });
    inventory.add({ url: 'https://h.example/node/123', source: 'link' });
    inventory.add({ url: 'https://h.example/?p=77', source: 'jsonld' });
    inventory.add({ url: 'mailto:nobody@h.example', source: 'link' });
    inventory.addId('https://h.example/?p=9');
    inventory.addBodyClasses(['home', 'postid-4', 'page-id-2', 'status-publish']);

    expect(inventory.size).toBe(3);
    expect(inventory.get('https://h.example/2024/05/My-Post.html')).toEqual({
      url: 'https://h.example/2024/05/My-Post.html',
      source: 'sitemap',
      sources: ['sitemap', 'feed'],
      lastmod: '2024-05-02',
      date: '2024-05-01T00:00:00.000Z',
      title: 'My post',
    });
    expect(inventory.has('HTTPS://H.EXAMPLE/node/123#x')).toBe(true);
    expect(inventory.hasSlug('my-post')).toBe(true);
    expect(inventory.hasSlug('/my-post.html/')).toBe(true);
    expect(inventory.hasSlug('another')).toBe(false);
    for (const id of ['123', '77', '9', '4', '2', 'https://h.example/?p=9']) expect(inventory.hasId(id)).toBe(true);
    expect(inventory.hasId(5)).toBe(false);
    expect(JSON.parse(JSON.stringify(inventory))).toEqual({
      entries: inventory.entries(),
      slugs: ['123', 'my-post', 'my-post.html'],
      ids: ['123', '2', '4', '77', '9', 'https://h.example/?p=9'],
      previewLinks: [],
    });
  });

  it('reads a held URL\'s slug and ids off its text as a URL parse would, for any http(s) URL', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.constantFrom('', '/a-b.html', '/?p=12', '/node/7?x=%2F', '/caf%C3%A9/'), (base, tail) => {
        const inventory = new PublishedInventory();
        const url = `${base.replace(/[?#].*$/, '')}${tail}`;
        inventory.add({ url, source: 'link' });
        const held = inventory.entries()[0]?.url;
        if (held === undefined) return; // not http(s), or preview-shaped
        const slug = slugOf(held);
        const variants = slug === undefined ? [] : [...new Set([slug, slug.replace(/\.(html?|php|aspx?)$/, '')])];
        inventory.withdraw(held);
        inventory.add({ url: held, source: 'sitemap' });
        expect(inventory.listed(10).slugs).toEqual(variants.sort());
        expect(inventory.listed(10).ids).toEqual([...new Set(idsFromUrl(held))].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('reads ids and slugs from URL shapes, not from pagination', () => {
    expect(idsFromUrl('https://h/?page_id=2&attachment_id=15')).toEqual(['2', '15']);
    expect(idsFromUrl('https://h/page/2/')).toEqual([]);
    expect(idsFromUrl('not a url')).toEqual([]);
    expect(slugOf('https://h/')).toBeUndefined();
    expect(slugOf('https://h/caf%C3%A9/')).toBe('café');
  });
});

describe('the published inventory of a WordPress-like site', () => {
  it('combines sitemap, feed, links and JSON-LD, and sorts other hosts into assets and external links', async () => {
    const fixture = readFileSync(new URL('./fixtures/wordpress-home.html', import.meta.url), 'utf8');
    const site = cleanup.add(
      await startSite({
        '/': (_path, origin) => ({ type: 'text/html; charset=UTF-8', body: fixture.replaceAll('http://127.0.0.1:8081', origin).replaceAll('http:\\/\\/127.0.0.1:8081', origin.replaceAll('/', '\\/')) }),
        '/feed/': (_path, origin) => ({
          type: 'application/rss+xml',
          body: `<rss version="2.0"><channel><title>WPLab</title><item><title>One</title><link>${origin}/wplab-published-1/</link><pubDate>Wed, 15 May 2024 10:00:00 +0000</pubDate><guid isPermaLink="false">${origin}/?p=4</guid></item></channel></rss>`,
        }),
        '/comments/feed/': { type: 'application/rss+xml', body: '<rss version="2.0"><channel><title>Comments</title></channel></rss>' },
        '/wp-sitemap.xml': (_path, origin) => ({
          type: 'application/xml',
          body: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${origin}/wplab-published-1/</loc><lastmod>2024-05-16T10:00:00+00:00</lastmod></url><url><loc>${origin}/sample-page/</loc></url></urlset>`,
        }),
        '/sample-page/': html('sample', 'Sample Page'),
        '/wplab-published-1/': html('<p>one</p>', 'One'),
      }),
    );
    const o = site.origin;
    const transport = new FetchTransport(o);

    const result = await crawl({ target: `${o}/`, transport });
    const inventory = result.inventory;

    expect(result.meta['generator']).toBe('WordPress 6.1.9');
    expect(result.feeds).toEqual([`${o}/feed/`, `${o}/comments/feed/`]);
    expect(inventory.get(`${o}/wplab-published-1/`)).toEqual({
      url: `${o}/wplab-published-1/`,
      source: 'sitemap',
      sources: ['sitemap', 'link', 'jsonld', 'feed'],
      lastmod: '2024-05-16T10:00:00+00:00',
      date: '2024-05-15T10:00:00+00:00',
      title: 'WPLab published one',
    });
    expect(inventory.get(`${o}/author/admin/`)?.sources).toEqual(['link', 'jsonld']);
    expect(inventory.get(`${o}/wp-content/uploads/2024/05/wplab-public-image-300x188.png`)?.source).toBe('link');
    expect(inventory.has('https://res.cloudinary.test/demo/image/upload/w_150,h_100/sample.jpg')).toBe(true);
    expect(inventory.has(`${o}/wp-json/wp/v2/pages/2`)).toBe(false);
    for (const id of ['2', '4']) expect(inventory.hasId(id)).toBe(true); // shortlink ?p=2, body class postid-4, guid ?p=4
    expect(inventory.hasSlug('wplab-published-1')).toBe(true);

    expect(result.assetHosts).toEqual([
      'https://www.youtube.com', // iframe
      'https://res.cloudinary.test', // srcset
      'http://fonts.googleapis.com', // dns-prefetch
      'https://fonts.googleapis.com', // stylesheet
      'https://cdn.wplab.test', // og:image
    ]);
    expect(result.externalLinks).toEqual(['https://wordpress.org/']);
    expect(result.forms).toEqual([`${o}/`]);
    expect([...transport.attempts.keys()]).toEqual([o]);
    // Not pages: the REST alternate link, the RSD link, the stylesheet; files are not crawled either.
    for (const path of ['/wp-json/wp/v2/pages/2', '/xmlrpc.php?rsd', '/wp-content/uploads/2024/05/hero.jpg']) {
      expect(transport.sent).not.toContain(`GET ${o}${path}`);
    }
    // Same-origin scripts are fetched (404 here) and the inline wpApiSettings scanned.
    expect(transport.sent).toContain(`GET ${o}/wp-includes/js/jquery/jquery.min.js?ver=3.6.1`);
    expect(result.scriptUrls).toEqual([`${o}/wp-json/`, 'https://s.w.org/images/core/emoji/14.0.0/72x72/']);
  });
});

describe('preview links', () => {
  it('keeps leaked preview URLs out of the inventory and lists them apart', async () => {
    const uuid = '1225c695-cfb8-4ebb-aaaa-80da344efa6a';
    const site = cleanup.add(
      await startSite({
        '/': html(`<a href="/p/${uuid}/">Sneak peek</a><a href="/?p=7&preview=true">Draft</a><a href="/published/">Published</a>`, 'Home'),
        '/published/': html('published', 'Published'),
        '/sitemap.xml': (_path, origin) => ({
          type: 'application/xml',
          body: `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${origin}/?p=9&amp;_ppp=abc123</loc></url><url><loc>${origin}/published/</loc></url></urlset>`,
        }),
      }),
    );
    const o = site.origin;

    const result = await crawl({ target: o, transport: new FetchTransport(o) });

    expect(result.previewLinks).toEqual([`${o}/?_ppp=abc123&p=9`, `${o}/p/${uuid}/`, `${o}/?p=7&preview=true`]);
    expect(result.inventory.has(`${o}/p/${uuid}/`)).toBe(false);
    expect(result.inventory.hasId(7)).toBe(false);
    expect(result.inventory.has(`${o}/published/`)).toBe(true);
    expect(result.inventory.toJSON().previewLinks).toHaveLength(3);
  });
});

describe('links the site refuses to visitors', () => {
  it('a page linking a draft (/?p=7 answering 404) does not make it published: its id and URL leave the inventory', async () => {
    const site = cleanup.add(
      await startSite({
        // A theme that lists drafts on the home page; the drafts themselves answer 404.
        '/': html('<a href="/?p=7">Draft seven</a><a href="/?p=4">Hello</a><a href="/members/secret-post/">Members</a>', 'Home'),
        '/?p=4': html('<article class="post-4">Hello</article>', 'Hello'),
        '/?p=7': { status: 404, type: 'text/html', body: '<html><head><title>Page not found</title></head><body>Nothing here</body></html>' },
      }),
    );
    const o = site.origin;
    const result = await crawl({ target: o, transport: new FetchTransport(o) });
    expect(result.inventory.has(`${o}/?p=4`)).toBe(true);
    expect(result.inventory.hasId(4)).toBe(true);
    expect(result.inventory.has(`${o}/?p=7`)).toBe(false);
    expect(result.inventory.hasId(7)).toBe(false);
    expect(result.inventory.has(`${o}/members/secret-post/`)).toBe(false);
    expect(result.inventory.hasSlug('secret-post')).toBe(false);
  });

  it('withdraw keeps an id or slug another published URL still gives', () => {
    const inventory = new PublishedInventory();
    inventory.add({ url: 'https://h/?p=12', source: 'link' });
    inventory.add({ url: 'https://h/2024/05/launch/?p=12', source: 'sitemap' });
    inventory.add({ url: 'https://h/launch/', source: 'link' });
    inventory.add({ url: 'https://h/old/launch/', source: 'link' });
    inventory.withdraw('https://h/?p=12');
    inventory.withdraw('https://h/old/launch/');
    expect(inventory.hasId(12)).toBe(true);
    expect(inventory.hasSlug('launch')).toBe(true);
    expect(inventory.has('https://h/?p=12')).toBe(false);
  });

  it('a withdrawal makes room under the id cap before it is settled', () => {
    const inventory = new PublishedInventory();
    inventory.add({ url: 'https://h/?p=7', source: 'link' });
    for (let n = 1; n < 100_000; n++) inventory.addId(`guid-${n}`);
    inventory.withdraw('https://h/?p=7');
    inventory.add({ url: 'https://h/?p=8', source: 'link' });
    expect(inventory.hasId(8)).toBe(true);
    expect(inventory.hasId(7)).toBe(false);
    expect(inventory.dropped).toBe(0);
  });

  it('withdrawals settled on the next read answer as if each were settled at once, whatever comes between', () => {
    // The model settles each withdrawal on the spot, as the inventory once did (a pass over every
    // URL held per withdrawal); the inventory settles them on the next read.
    const urls = ['https://h/launch/', 'https://h/old/launch/', 'https://h/launch.html', 'https://h/?p=1', 'https://h/a/?p=1', 'https://h/node/2', 'https://h/b/?p=2'];
    const slugsAsked = ['launch', 'launch.html', 'a', 'b', '2'];
    const idsAsked = ['1', '2', '3'];
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), url: fc.constantFrom(...urls) }),
      fc.record({ kind: fc.constant('withdraw' as const), url: fc.constantFrom(...urls) }),
      fc.record({ kind: fc.constant('addId' as const), id: fc.constantFrom(...idsAsked) }),
      fc.record({ kind: fc.constant('read' as const) }),
    );
    const slugsOf = (url: string): string[] => {
      const slug = slugOf(url);
      return slug === undefined ? [] : [...new Set([slug, slug.replace(/\.html$/, '')])];
    };
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
        const inventory = new PublishedInventory();
        const held = new Set<string>();
        const slugs = new Set<string>();
        const ids = new Set<string>();
        const expectSame = (): void => {
          for (const slug of slugsAsked) expect(inventory.hasSlug(slug), `slug ${slug}`).toBe(slugs.has(slug));
          for (const id of idsAsked) expect(inventory.hasId(id), `id ${id}`).toBe(ids.has(id));
        };
        for (const operation of operations) {
          if (operation.kind === 'add') {
            inventory.add({ url: operation.url, source: 'link' });
            held.add(operation.url);
            for (const slug of slugsOf(operation.url)) slugs.add(slug);
            for (const id of idsFromUrl(operation.url)) ids.add(id);
          } else if (operation.kind === 'withdraw') {
            inventory.withdraw(operation.url);
            if (!held.delete(operation.url)) continue;
            for (const slug of slugsOf(operation.url)) if (![...held].some((other) => slugsOf(other).includes(slug))) slugs.delete(slug);
            for (const id of idsFromUrl(operation.url)) if (![...held].some((other) => idsFromUrl(other).includes(id))) ids.delete(id);
          } else if (operation.kind === 'addId') {
            inventory.addId(operation.id);
            ids.add(operation.id);
          } else {
            expectSame();
          }
        }
        expectSame();
        expect(inventory.listed(100).slugs).toEqual([...slugs].sort());
        expect(inventory.listed(100).ids).toEqual([...ids].sort());
      }),
      { numRuns: 300 },
    );
  });
});
