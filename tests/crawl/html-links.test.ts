import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractLinks, parseSrcset } from '../../src/crawl/html-links.js';

const wordpressHome = readFileSync(new URL('./fixtures/wordpress-home.html', import.meta.url), 'utf8');
const o = 'http://127.0.0.1:8081';

describe('extractLinks on a WordPress home page', () => {
  const page = extractLinks(wordpressHome, `${o}/`);

  it('collects anchors (fragments dropped, mailto/javascript ignored, queries kept as written)', () => {
    expect(page.anchors).toEqual([
      `${o}/`,
      `${o}/sample-page/`,
      `${o}/author/admin/`,
      `${o}/wplab-published-1/`,
      `${o}/page/2/?utm_source=x`,
      'https://wordpress.org/',
    ]);
  });

  it('collects link tags with rel and type', () => {
    expect(page.linkTags.map(({ url, rel, type }) => [url, rel.join(' '), type ?? ''])).toEqual([
      ['http://fonts.googleapis.com/', 'dns-prefetch', ''], // protocol-relative, on an http page
      [`${o}/feed/`, 'alternate', 'application/rss+xml'],
      [`${o}/comments/feed/`, 'alternate', 'application/rss+xml'],
      [`${o}/wp-includes/css/dist/block-library/style.min.css?ver=6.1.9`, 'stylesheet', ''],
      ['https://fonts.googleapis.com/css2?family=Inter&display=swap', 'stylesheet', ''],
      [`${o}/wp-json/`, 'https://api.w.org/', ''],
      [`${o}/wp-json/wp/v2/pages/2`, 'alternate', 'application/json'],
      [`${o}/xmlrpc.php?rsd`, 'edituri', 'application/rsd+xml'],
      [`${o}/wp-includes/wlwmanifest.xml`, 'wlwmanifest', 'application/wlwmanifest+xml'],
      [`${o}/`, 'canonical', ''],
      [`${o}/?p=2`, 'shortlink', ''],
    ]);
    expect(page.linkTags[1]?.title).toBe('WPLab » Feed');
  });

  it('collects scripts, media (src, srcset with commas inside URLs, picture sources), iframes and forms', () => {
    expect(page.scripts).toEqual([`${o}/wp-includes/js/jquery/jquery.min.js?ver=3.6.1`, `${o}/wp-content/themes/twentytwentythree/assets/app.js?ver=1.0`]);
    expect(page.media).toEqual([
      `${o}/wp-content/uploads/2024/05/wplab-public-image.png`,
      `${o}/wp-content/uploads/2024/05/wplab-public-image-300x188.png`,
      'https://res.cloudinary.test/demo/image/upload/w_150,h_100/sample.jpg',
      `${o}/wp-content/uploads/2024/05/hero.avif`,
      `${o}/wp-content/uploads/2024/05/hero@2x.avif`,
      `${o}/wp-content/uploads/2024/05/hero.jpg`,
    ]);
    expect(page.iframes).toEqual(['https://www.youtube.com/embed/xyz?feature=oembed']);
    expect(page.forms).toEqual([`${o}/`]);
  });

  it('keeps meta tags by name and property, and resolves the URL-valued ones', () => {
    expect(page.title).toBe('WPLab – Just another WordPress site');
    expect(page.meta).toMatchObject({
      generator: 'WordPress 6.1.9',
      robots: 'max-image-preview:large',
      'og:url': `${o}/`,
      'og:image': 'https://cdn.wplab.test/og/share.png',
      'twitter:card': 'summary_large_image',
    });
    expect(page.metaUrls).toEqual([
      { name: 'og:url', url: `${o}/` },
      { name: 'og:image', url: 'https://cdn.wplab.test/og/share.png' },
      { name: 'twitter:image', url: `${o}/wp-content/uploads/2024/05/twitter.png` },
    ]);
  });

  it('parses JSON-LD graphs into nodes with url, @id, dates and images, and counts broken blocks', () => {
    expect(page.jsonLd).toEqual([
      { types: ['WebSite'], id: `${o}/#website`, url: `${o}/`, images: [] },
      {
        types: ['Article'],
        id: `${o}/wplab-published-1/#article`,
        headline: 'WPLab published one',
        datePublished: '2024-05-15T10:00:00+00:00',
        dateModified: '2024-05-16T10:00:00+00:00',
        images: [`${o}/wp-content/uploads/2024/05/wplab-public-image.png`],
      },
      { types: [], id: `${o}/wplab-published-1/`, images: [] },
      { types: ['Person'], id: `${o}/#/schema/person/1`, url: `${o}/author/admin/`, images: [] },
    ]);
    expect(page.jsonLdErrors).toBe(1);
  });

  it('keeps inline script text and body classes', () => {
    expect(page.inlineScripts).toHaveLength(2);
    expect(page.inlineScripts[0]).toContain('wpApiSettings');
    expect(page.inlineScriptsTruncated).toBe(false);
    expect(page.bodyClasses).toContain('postid-4');
  });
});

describe('extractLinks details', () => {
  it('resolves against <base href>, even for links written before it', () => {
    const page = extractLinks('<a href="early">x</a><base href="https://cdn.example.com/sub/"><a href="late">y</a><img src="/abs.png">', 'https://example.com/dir/page');
    expect(page.baseUrl).toBe('https://cdn.example.com/sub/');
    expect(page.anchors).toEqual(['https://cdn.example.com/sub/early', 'https://cdn.example.com/sub/late']);
    expect(page.media).toEqual(['https://cdn.example.com/abs.png']);
  });

  it('drops fragments, empty ones too', () => {
    const page = extractLinks('<a href="/a#top">x</a><a href="/b#">y</a><a href="#">z</a><a href="/c">w</a>', 'https://example.com/dir/page');
    expect(page.anchors).toEqual(['https://example.com/a', 'https://example.com/b', 'https://example.com/dir/page', 'https://example.com/c']);
  });

  it('caps inline script text per page', () => {
    const big = 'x'.repeat(200 * 1024);
    const page = extractLinks(`<script>${big}</script><script>${big}</script><script>${big}</script>`, 'https://example.com/');
    expect(page.inlineScripts.join('').length).toBe(256 * 1024);
    expect(page.inlineScriptsTruncated).toBe(true);
  });

  it('reads meta refresh targets and ignores non-script script types', () => {
    const page = extractLinks(
      '<meta http-equiv="refresh" content="0; url=/moved/"><script type="text/template"><a href="/nope"></a></script><script type="module">import "/x.js"</script>',
      'https://example.com/',
    );
    expect(page.metaUrls).toEqual([{ name: 'refresh', url: 'https://example.com/moved/' }]);
    expect(page.inlineScripts).toEqual(['import "/x.js"']);
  });

  it('parses srcset like the HTML spec (descriptors, commas inside URLs, trailing commas)', () => {
    expect(parseSrcset('a.png 1x, b.png 2x')).toEqual(['a.png', 'b.png']);
    expect(parseSrcset('/w_100,h_100/x.jpg 100w,/y.jpg 200w')).toEqual(['/w_100,h_100/x.jpg', '/y.jpg']);
    expect(parseSrcset('one.png, two.png 2x')).toEqual(['one.png', 'two.png']);
    // Without whitespace the comma belongs to the URL, as in the spec's own algorithm.
    expect(parseSrcset('one.png,two.png 2x')).toEqual(['one.png,two.png']);
    expect(parseSrcset('  ')).toEqual([]);
  });
});
