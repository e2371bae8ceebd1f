import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

/**
 * A WordPress REST API as an application password sees it (shapes of WordPress 6.x: /wp/v2/types
 * with rest_base and viewable, collections with X-WP-TotalPages, media with media_details sizes
 * and filesize), in front of a theme that answers every unknown path with its home page (200).
 * Deceptive on purpose: the posts list also returns a published post whatever status was asked,
 * the media list returns the published post's attachment whatever parent was asked, and one
 * draft's PDF URL answers with the theme's HTML page.
 */
export const fakeWordPress = {
  user: 'auditor',
  appPassword: 'abcd EFGH 1234 ijkl MNOP 5678',
  get authorization(): string {
    return `Basic ${Buffer.from(`${this.user}:${this.appPassword}`).toString('base64')}`;
  },
  draftProducts: 120,
};

const png = (bytes: number): Buffer => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(bytes - 4, 7)]);
const home = '<!doctype html><html><head><meta name="generator" content="WordPress 6.5.2"><link rel="https://api.w.org/" href="/wp-json/"><title>Lab site</title></head><body class="home blog">Welcome</body></html>';

/** `assetHost`: the home page loads an image from it, as from a CDN in front of the uploads. */
export async function startFakeWordPress(options: { assetHost?: string } = {}): Promise<LoopbackServer> {
  const server: LoopbackServer = await startLoopbackServer((req, res) => route(req, res, server, options.assetHost));
  return server;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

function route(req: IncomingMessage, res: ServerResponse, server: LoopbackServer, assetHost?: string): void {
  const url = new URL(req.url ?? '/', server.origin);
  const authorized = req.headers.authorization === fakeWordPress.authorization;
  const origin = server.origin;
  if (url.pathname.startsWith('/wp-json/')) {
    const rest = url.pathname.slice('/wp-json'.length);
    if (url.searchParams.get('context') === 'edit' && !authorized) {
      json(res, 401, { code: 'rest_forbidden_context', message: 'Sorry, you are not allowed to edit posts in this post type.', data: { status: 401 } });
      return;
    }
    if (rest === '/wp/v2/types') {
      json(res, 200, {
        post: { slug: 'post', rest_base: 'posts', rest_namespace: 'wp/v2', viewable: true, hierarchical: false },
        page: { slug: 'page', rest_base: 'pages', rest_namespace: 'wp/v2', viewable: true, hierarchical: true },
        attachment: { slug: 'attachment', rest_base: 'media', rest_namespace: 'wp/v2', viewable: true },
        wp_block: { slug: 'wp_block', rest_base: 'blocks', rest_namespace: 'wp/v2', viewable: false },
        product: { slug: 'product', rest_base: 'products', rest_namespace: 'wp/v2', viewable: true, hierarchical: false },
      });
      return;
    }
    if (rest === '/wp/v2/posts') {
      json(res, 200, [
        { id: 9, status: 'future', date_gmt: '2031-03-01T07:00:00', modified_gmt: '2026-11-20T10:00:00', link: `${origin}/2031/03/launch/` },
        { id: 7, status: 'draft', date_gmt: null, modified_gmt: '2026-11-21T10:00:00', link: `${origin}/?p=7` },
        // Published, returned although only unpublished statuses were asked for.
        { id: 4, status: 'publish', date_gmt: '2025-01-01T10:00:00', modified_gmt: '2025-01-01T10:00:00', link: `${origin}/hello/` },
      ], { 'x-wp-total': '3', 'x-wp-totalpages': '1' });
      return;
    }
    if (rest === '/wp/v2/pages') {
      json(res, 200, [], { 'x-wp-total': '0', 'x-wp-totalpages': '0' });
      return;
    }
    if (rest === '/wp/v2/products') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const perPage = Number(url.searchParams.get('per_page') ?? '10');
      const all = Array.from({ length: fakeWordPress.draftProducts }, (_, index) => ({ id: 100 + index, status: 'draft', date_gmt: null, modified_gmt: '2026-10-01T00:00:00', link: `${origin}/?post_type=product&p=${100 + index}` }));
      json(res, 200, all.slice((page - 1) * perPage, page * perPage), { 'x-wp-total': String(all.length), 'x-wp-totalpages': String(Math.ceil(all.length / perPage)) });
      return;
    }
    if (rest === '/wp/v2/media') {
      const upload = `${origin}/wp-content/uploads/2026/11`;
      json(res, 200, [
        { id: 13, post: 7, mime_type: 'image/png', source_url: `${upload}/draft-chart.png`, media_details: { filesize: 64, sizes: { thumbnail: { source_url: `${upload}/draft-chart-150x150.png`, filesize: 32, mime_type: 'image/png' }, full: { source_url: `${upload}/draft-chart.png` } } } },
        { id: 14, post: 7, mime_type: 'application/pdf', source_url: `${upload}/draft-memo.pdf`, media_details: { filesize: 500, sizes: {} } },
        { id: 16, post: 9, mime_type: 'image/png', source_url: `${upload}/launch-hero.png`, media_details: { filesize: 128, sizes: {} } },
        // Attached to the published post 4: not unpublished, must never be named.
        { id: 15, post: 4, mime_type: 'image/png', source_url: `${upload}/public.png`, media_details: { filesize: 64, sizes: {} } },
      ], { 'x-wp-total': '4', 'x-wp-totalpages': '1' });
      return;
    }
    const single = /^\/wp\/v2\/\w+\/\d+$/.exec(rest);
    if (single) {
      json(res, 401, { code: 'rest_forbidden', message: 'Sorry, you are not allowed to do that.', data: { status: 401 } });
      return;
    }
    json(res, 404, { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } });
    return;
  }
  if (url.pathname === '/wp-content/uploads/2026/11/draft-chart.png') {
    res.writeHead(200, { 'content-type': 'image/png' }).end(png(64));
    return;
  }
  if (url.pathname === '/wp-content/uploads/2026/11/draft-chart-150x150.png') {
    res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>Not found</title></html>');
    return;
  }
  if (url.pathname === '/wp-content/uploads/2026/11/public.png') {
    res.writeHead(200, { 'content-type': 'image/png' }).end(png(64));
    return;
  }
  if (url.pathname === '/wp-content/uploads/2026/11/launch-hero.png') {
    res.writeHead(403, { 'content-type': 'text/html' }).end('<html><title>Forbidden</title></html>');
    return;
  }
  // The scheduled post's permalink is served early (a page cache that stored the editor's view).
  if (url.pathname === '/2031/03/launch/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' }).end('<!doctype html><html><head><title>Launch</title></head><body class="post-template-default single single-post postid-9 single-format-standard">Launch</body></html>');
    return;
  }
  // Everything else, draft-memo.pdf and ?p= included: the theme's home page, status 200.
  const page = assetHost === undefined ? home : home.replace('Welcome', `Welcome<img src="${assetHost}/wp-content/uploads/2026/11/public.png">`);
  res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' }).end(page);
}
