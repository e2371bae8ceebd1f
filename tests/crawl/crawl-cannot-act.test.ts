import { afterEach, describe, expect, it } from 'vitest';
import { crawl } from '../../src/crawl/crawl.js';
import { guessedSitemapPaths } from '../../src/crawl/sitemap-fetch.js';
import { createUndiciTransport } from '../../src/http/index.js';
import { Cleanup, type LoopbackServer } from '../support/loopback-server.js';
import { html, startSite } from './support/site.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const uuid = '0b5f3c1e-8d2a-4c7e-9f10-2a3b4c5d6e7f';

/**
 * Links a CMS renders for a logged-in user, written as they appear in HTML (&amp; included), plus
 * encoded and re-cased spellings of the same. Following any of them could act.
 */
const actingLinks = [
  // WordPress admin, nonces
  '/wp-admin/plugins.php?action=deactivate&amp;plugin=akismet%2Fakismet.php&amp;plugin_status=all&amp;paged=1&amp;s&amp;_wpnonce=0a1b2c3d4e',
  '/wp-admin/comment.php?action=spamcomment&amp;c=5&amp;_wpnonce=1f2e3d',
  '/wp-admin/update.php?action=upgrade-plugin&amp;plugin=hello.php&amp;_wpnonce=9a8b7c',
  '/wp-admin/post.php?post=41&amp;action=edit',
  '/wp-admin/post.php?post=41&amp;action=trash&amp;_wpnonce=5d5d5d',
  '/wp-login.php?action=logout&amp;_wpnonce=abcdef',
  '/?preview=true&amp;preview_id=41&amp;preview_nonce=9f8e7d',
  '/?doing_wp_cron=1700000000.1234',
  '/wp-cron.php',
  // operation parameters outside wp-admin
  '/?action=delete_all',
  '/tools/?Action=Delete_All',
  '/tools/?%61ction=delete_all',
  '/posts/5?_method=DELETE',
  // Drupal
  '/node/5/delete',
  '/node/5/edit',
  '/node/5/revisions/3/revert',
  '/fr/node/5/delete?destination=/admin/content',
  '/comment/9/approve?token=abc',
  '/user/logout?token=xyz',
  '/user/reset/1/1700000000/hash',
  '/admin/content',
  '/batch?op=start&amp;id=7',
  // Joomla
  '/index.php?option=com_users&amp;task=user.logout&amp;0123456789abcdef0123456789abcdef=1',
  '/index.php?option=com_content&amp;task=article.edit&amp;a_id=5',
  '/administrator/index.php?option=com_content',
  // Ghost
  '/ghost/#/editor/post/6523a1',
  '/ghost/api/admin/posts/?filter=status:draft',
  `/p/${uuid}/edit`,
  '/unsubscribe/?uuid=5f1c&amp;key=abc',
  // headless and generic APIs
  '/api/posts/5/unpublish',
  '/api/v1/posts/5/unpublish',
  '/api/v1/posts/5/publish',
  '/posts/delete/5',
  '/account/sign-out',
  '/entries/draft-post?token=craftpreview123',
  // encoded, re-cased and dotted spellings
  '/%77p-admin/',
  '/WP-ADMIN/',
  '/wp-admin%2Fpost.php?post=5',
  '/wp-admin/../wp-admin/index.php',
  '/blog/?%5Fwpnonce=abc',
  '/blog/?%255Fwpnonce=abc',
  '/x/%252e%252e/wp-admin/',
  '/node/6/%64elete',
  '/node/7/delete;jsessionid=1',
  '/umbraco./',
  '/Sitecore/Shell/',
];

/** Ordinary pages: the crawl must reach every one. */
const ordinaryPages = ['/', '/about/', '/blog/', '/blog/hello-world/', '/blog/remove-stains-from-carpet/', '/news/product-update-2026/', '/blog/tag/ghost/', '/wiki/Page?action=view'];
const ordinaryFiles = ['/robots.txt', ...guessedSitemapPaths, '/feed/', '/assets/app.js'];

const links = (paths: string[]): string => paths.map((path, index) => `<a href="${path}">link ${index}</a>`).join('\n');

/**
 * A site whose every page is full of acting links. An acting URL, if it were ever requested, would
 * answer with a page linking to further ordinary-looking pages, so one slip shows up twice.
 */
async function actingSite(): Promise<LoopbackServer> {
  const page = (title: string, extra = ''): ReturnType<typeof html> => html(`${links(actingLinks)}${extra}`, title);
  return startSite(
    {
      '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\nDisallow: /staging/\n' },
      '/': page(
        'Home',
        `${links(['/about/', '/blog/'])}
         <link rel="alternate" type="application/rss+xml" href="/feed/">
         <link rel="alternate" type="application/rss+xml" href="/wp-admin/feed.php?_wpnonce=1">
         <script src="/assets/app.js"></script>
         <script src="/wp-admin/load-scripts.php?c=1&amp;load%5B%5D=jquery"></script>
         <link rel="modulepreload" href="/admin/chunk.js">
         <link rel="canonical" href="/?action=delete_all">
         <meta http-equiv="refresh" content="30; url=/user/logout">
         <iframe src="/wp-admin/admin-ajax.php?action=heartbeat"></iframe>
         <script type="application/ld+json">{"@type":"BlogPosting","url":"/node/8/delete","headline":"x"}</script>`,
      ),
      '/about/': page('About', links(['/blog/hello-world/'])),
      '/blog/': page('Blog', links(['/blog/hello-world/', '/blog/remove-stains-from-carpet/', '/news/product-update-2026/', '/blog/tag/ghost/', '/wiki/Page?action=view'])),
      '/blog/hello-world/': page('Hello'),
      '/blog/remove-stains-from-carpet/': page('Stains'),
      '/news/product-update-2026/': page('Update'),
      '/blog/tag/ghost/': page('Tag'),
      '/wiki/Page': page('Wiki'),
      '/feed/': { type: 'application/rss+xml', body: '<rss version="2.0"><channel><title>t</title><item><link>/blog/hello-world/</link></item></channel></rss>' },
      '/assets/app.js': { type: 'application/javascript', body: 'console.log(1)' },
    },
    () => html(links(['/acted-1/', '/acted-2/']), 'Acted'),
  );
}

describe('a crawl that cannot act', () => {
  it('requests none of the acting links of a site full of them, with the user credentials in play, and crawls the ordinary pages', async () => {
    const site = cleanup.add(await actingSite());
    const transport = cleanup.add(
      createUndiciTransport({ target: site.origin, rateLimitPerHost: 0, headers: { cookie: 'wordpress_logged_in_abc=editor' }, authScope: 'all' }),
    );

    const result = await crawl({ target: `${site.origin}/`, transport, maxDepth: 5 });

    const requested = site.requests.map((request) => request.url);
    // Counted by the server: nothing outside the ordinary pages and discovery files was asked for.
    const allowed = new Set([...ordinaryPages, ...ordinaryFiles]);
    expect(requested.filter((url) => !allowed.has(url))).toEqual([]);
    expect(site.requests.every((request) => request.method === 'GET')).toBe(true);
    // Every ordinary page was reached, each once.
    for (const path of ordinaryPages) expect(requested.filter((url) => url === path), path).toHaveLength(1);
    expect(requested).toContain('/feed/');
    expect(requested).toContain('/assets/app.js');
    // The crawl says how many it refused: every acting anchor (each normalises to a distinct URL)
    // and, from the home page's tags, the admin feed, the two admin scripts, the meta refresh, the
    // iframe and the JSON-LD url (the canonical link repeats an anchor).
    expect(result.budget.skippedByPolicy).toBe(actingLinks.length + 6);
    // Refused links are not published; preview-shaped ones are set aside for the preview rules.
    expect(result.inventory.entries().filter((entry) => /admin|delete|logout|edit|nonce|token|action=(?!view)/i.test(entry.url))).toEqual([]);
    expect(result.inventory.hasId('41')).toBe(false);
    expect(result.inventory.hasId('5')).toBe(false);
    expect(result.previewLinks).toEqual(
      expect.arrayContaining([`${site.origin}/?preview=true&preview_id=41&preview_nonce=9f8e7d`, `${site.origin}/entries/draft-post?token=craftpreview123`]),
    );
  });

  it('keeps robots.txt Allow and Disallow paths as signals and never fetches them', async () => {
    const site = cleanup.add(
      await startSite({
        '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nDisallow: /staging/\nDisallow: /drafts/\nAllow: /wp-admin/admin-ajax.php\n' },
        '/': html(links(['/about/']), 'Home'),
        '/about/': html('about', 'About'),
      }),
    );
    const transport = cleanup.add(createUndiciTransport({ target: site.origin, rateLimitPerHost: 0 }));

    const result = await crawl({ target: site.origin, transport });

    expect(result.robotsUrls).toEqual([`${site.origin}/staging/`, `${site.origin}/drafts/`, `${site.origin}/wp-admin/admin-ajax.php`]);
    const requested = site.requests.map((request) => request.url);
    expect(requested).toEqual(expect.arrayContaining(['/robots.txt', '/', '/about/']));
    for (const path of ['/staging/', '/drafts/', '/wp-admin/admin-ajax.php']) expect(requested).not.toContain(path);
  });

  it('a same-origin redirect into an acting URL is not followed, and a sitemap child or feed that is one is not fetched', async () => {
    const site = cleanup.add(
      await startSite({
        '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nSitemap: /wp-admin/sitemap.xml?_wpnonce=1\n' },
        '/': html(links(['/go/', '/about/']), 'Home'),
        '/about/': html('about', 'About'),
        '/go/': { status: 302, type: 'text/html', body: '', headers: { location: '/wp-admin/?action=delete_all' } },
      }),
    );
    const transport = cleanup.add(createUndiciTransport({ target: site.origin, rateLimitPerHost: 0 }));

    const result = await crawl({ target: site.origin, transport });

    const requested = site.requests.map((request) => request.url);
    expect(requested).toContain('/go/');
    expect(requested).toContain('/about/');
    expect(requested.filter((url) => url.startsWith('/wp-admin'))).toEqual([]);
    expect(result.failures).toContainEqual(expect.objectContaining({ code: 'DL_REDIRECT_REFUSED', url: `${site.origin}/go/` }));
  });
});
