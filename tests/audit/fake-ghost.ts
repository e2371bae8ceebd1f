import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

/**
 * A Ghost 5 site: the Admin API as a custom integration's key sees it (it verifies the JWT the
 * way Ghost does: HS256, kid = the key's id, aud /admin/, at most five minutes, signed with the
 * hex-decoded secret), and the front end. Deceptive on purpose:
 * - the posts and pages lists ignore the status filter and answer published items too;
 * - files of drafts are shared with a published post, a tag and the site's logo;
 * - a second draft page's preview answers another page's template;
 * - the scheduled post's PDF URL answers the theme's HTML page with status 200.
 */
export const fakeGhost = {
  keyId: '6571a3f2c9e8b40001a2b3c4',
  secret: '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
  get adminKey(): string {
    return `${this.keyId}:${this.secret}`;
  },
  draftBulk: 120,
  /** Every header name the Admin API received, lower case, to show what was sent. */
  adminHeaderNames: new Set<string>(),
  ids: { draft: '6571a3f2c9e8b40001a2b3d1', scheduled: '6571a3f2c9e8b40001a2b3d2', published: '6571a3f2c9e8b40001a2b3d3', draftPage: '6571a3f2c9e8b40001a2b3e1', otherPage: '6571a3f2c9e8b40001a2b3e2', publishedPage: '6571a3f2c9e8b40001a2b3e3' },
  uuids: { draftPage: '0b8c1c1e-3c55-4d5e-9a60-111111111111', otherPage: '0b8c1c1e-3c55-4d5e-9a60-222222222222', draft: '0b8c1c1e-3c55-4d5e-9a60-333333333333' },
};

const img = (name: string): string => `/content/images/2026/11/${name}`;
const png = (bytes: number): Buffer => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(bytes - 4, 5)]);

type Row = Record<string, unknown>;

function posts(origin: string): Row[] {
  const { ids, uuids } = fakeGhost;
  return [
    { id: ids.published, uuid: 'pub-uuid', slug: 'hello', status: 'published', url: `${origin}/hello/`, published_at: '2025-01-01T10:00:00.000Z', updated_at: '2025-01-01T10:00:00.000Z', feature_image: `${origin}${img('public.png')}`, html: `<p>Hi</p><img src="${origin}${img('shared.png')}">`, lexical: null, mobiledoc: null },
    {
      id: ids.draft,
      uuid: uuids.draft,
      slug: 'acquisition',
      status: 'draft',
      url: `${origin}/p/${uuids.draft}/`,
      published_at: null,
      updated_at: '2026-11-21T10:00:00.000Z',
      feature_image: `${origin}${img('draft-cover.png')}`,
      og_image: `${origin}${img('tag-cover.png')}`,
      html: `<p>Secret</p><figure class="kg-card kg-image-card"><img src="${origin}${img('draft-inline.png')}" srcset="${origin}/content/images/size/w600/2026/11/draft-inline.png 600w, ${origin}${img('draft-inline.png')} 1000w"></figure><img src="${origin}${img('shared.png')}"><img src="${origin}${img('logo.png')}">`,
      // An email-only card: in the lexical, not in the web html.
      lexical: JSON.stringify({ root: { children: [{ type: 'image', src: `__GHOST_URL__${img('draft-lexical-only.png')}`, visibility: { web: { nonMember: false } } }] } }),
      mobiledoc: null,
    },
    {
      id: ids.scheduled,
      uuid: 'sched-uuid',
      slug: 'launch',
      status: 'scheduled',
      url: `${origin}/p/sched-uuid/`,
      published_at: '2031-03-01T07:00:00.000Z',
      updated_at: '2026-11-20T10:00:00.000Z',
      feature_image: `${origin}${img('launch.png')}`,
      html: `<p>Embargo</p><a href="${origin}/content/files/2026/11/launch-deck.pdf">deck</a>`,
      lexical: null,
      mobiledoc: null,
    },
    ...Array.from({ length: fakeGhost.draftBulk }, (_, index) => ({ id: `6571a3f2c9e8b40001b${String(index).padStart(5, '0')}`, uuid: `bulk-${index}`, slug: `bulk-${index}`, status: 'draft', url: `${origin}/p/bulk-${index}/`, published_at: null, updated_at: '2026-10-01T00:00:00.000Z', feature_image: null, html: '<p>bulk</p>', lexical: null, mobiledoc: null })),
  ];
}

function pages(origin: string): Row[] {
  const { ids, uuids } = fakeGhost;
  return [
    { id: ids.publishedPage, uuid: 'about-uuid', slug: 'about', status: 'published', url: `${origin}/about/`, feature_image: null, html: '<p>About</p>', updated_at: '2025-01-01T10:00:00.000Z' },
    { id: ids.draftPage, uuid: uuids.draftPage, slug: 'secret-page', status: 'draft', url: `${origin}/p/${uuids.draftPage}/`, feature_image: null, html: '<p>Secret page</p>', updated_at: '2026-11-22T10:00:00.000Z' },
    { id: ids.otherPage, uuid: uuids.otherPage, slug: 'other-draft', status: 'draft', url: `${origin}/p/${uuids.otherPage}/`, feature_image: null, html: '<p>Other</p>', updated_at: '2026-11-22T10:00:00.000Z' },
  ];
}

export async function startFakeGhost(): Promise<LoopbackServer> {
  const server: LoopbackServer = await startLoopbackServer((req, res) => route(req, res, server.origin));
  return server;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-powered-by': 'Express' });
  res.end(JSON.stringify(body));
}

const unauthorized = (res: ServerResponse, message: string): void => json(res, 401, { errors: [{ message: 'Authorization failed', context: message, type: 'UnauthorizedError', code: null }] });

/** What Ghost's admin-api-key auth checks, in the same order. */
function verifyAdminToken(header: string | undefined): string | undefined {
  const match = /^Ghost (\S+)$/.exec(header ?? '');
  if (!match?.[1]) return 'Unable to parse the token';
  const [head, body, signature] = match[1].split('.');
  if (!head || !body || !signature) return 'Invalid token';
  const decoded = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  const header64 = decoded(head);
  const payload = decoded(body);
  if (header64.alg !== 'HS256' || header64.kid !== fakeGhost.keyId) return 'Unknown Admin API Key';
  const expected = createHmac('sha256', Buffer.from(fakeGhost.secret, 'hex')).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'Invalid token signature';
  const now = Math.floor(Date.now() / 1000);
  if (payload.aud !== '/admin/') return 'Invalid token audience';
  if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number' || payload.exp - payload.iat > 300 || payload.exp < now || payload.iat > now + 60) return 'Invalid token lifetime';
  return undefined;
}

function list(res: ServerResponse, url: URL, resource: string, all: Row[]): void {
  const limit = Number(url.searchParams.get('limit') ?? '15');
  const page = Number(url.searchParams.get('page') ?? '1');
  const pagesCount = Math.max(1, Math.ceil(all.length / limit));
  json(res, 200, { [resource]: all.slice((page - 1) * limit, page * limit), meta: { pagination: { page, limit, pages: pagesCount, total: all.length, next: page < pagesCount ? page + 1 : null, prev: page > 1 ? page - 1 : null } } });
}

const home = '<!doctype html><html><head><meta name="generator" content="Ghost 5.130"><title>Lab</title></head><body class="home-template">Home</body></html>';
const notFound = '<!doctype html><html><head><meta name="generator" content="Ghost 5.130"><title>Page not found</title></head><body class="error-template">404</body></html>';

function route(req: IncomingMessage, res: ServerResponse, origin: string): void {
  const url = new URL(req.url ?? '/', origin);
  const path = url.pathname;
  if (path.startsWith('/ghost/api/admin/')) {
    const rest = path.slice('/ghost/api/admin'.length);
    if (rest === '/site/') return json(res, 200, { site: { title: 'Lab', url: `${origin}/`, version: '5.130' } });
    if (req.headers.authorization === undefined) return json(res, 403, { errors: [{ message: 'Authorization failed', context: 'Unable to determine the authenticated user or integration.', type: 'NoPermissionError' }] });
    for (const name of Object.keys(req.headers)) fakeGhost.adminHeaderNames.add(name.toLowerCase());
    const problem = verifyAdminToken(req.headers.authorization);
    if (problem !== undefined) return unauthorized(res, problem);
    if (rest === '/posts/') return list(res, url, 'posts', posts(origin));
    if (rest === '/pages/') return list(res, url, 'pages', pages(origin));
    if (rest === '/tags/') return list(res, url, 'tags', [{ id: 't1', slug: 'news', feature_image: `${origin}${img('tag-cover.png')}` }]);
    if (rest === '/users/') return list(res, url, 'users', [{ id: 'u1', slug: 'owner', profile_image: null, cover_image: null }]);
    if (rest === '/newsletters/') return json(res, 403, { errors: [{ message: 'Permission error, cannot list newsletters.', type: 'NoPermissionError' }] });
    if (rest === '/settings/') return json(res, 200, { settings: [{ key: 'title', value: 'Lab' }, { key: 'logo', value: `${origin}${img('logo.png')}` }, { key: 'codeinjection_foot', value: '' }] });
    return json(res, 404, { errors: [{ message: 'Resource not found', type: 'NotFoundError' }] });
  }
  const image = new Map<string, number>([
    [img('draft-cover.png'), 64],
    [img('draft-inline.png'), 65],
    ['/content/images/size/w600/2026/11/draft-inline.png', 40],
    [img('launch.png'), 66],
    [img('public.png'), 67],
    [img('shared.png'), 68],
    [img('tag-cover.png'), 69],
    [img('logo.png'), 70],
  ]).get(path);
  if (image !== undefined) {
    res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=31536000' }).end(png(image));
    return;
  }
  // The draft page's preview, rendered to anyone with the link (Ghost's /p/<uuid>/ route).
  if (path === `/p/${fakeGhost.uuids.draftPage}/`) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><head><meta name="robots" content="noindex,nofollow"></head><body class="page-template page-secret-page">Secret page</body></html>');
    return;
  }
  // The draft post's preview, as Ghost renders it to anyone with the link: ghost_head's
  // canonical link is the /p/<uuid>/ URL and the page shows the draft's own cover.
  if (path === `/p/${fakeGhost.uuids.draft}/`) {
    const self = `http://${req.headers.host ?? ''}/p/${fakeGhost.uuids.draft}/`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><link rel="canonical" href="${self}"><meta name="robots" content="noindex,nofollow"></head><body class="post-template tag-news"><img src="${img('draft-cover.png')}">Acquisition</body></html>`);
    return;
  }
  // A bulk draft's preview URL answered by a page that echoes the URL in a canonical link but
  // shows none of the post's files and is the theme's catch-all: not this item.
  if (path === '/p/bulk-0/') {
    const self = `http://${req.headers.host ?? ''}/p/bulk-0/`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><link rel="canonical" href="${self}"></head><body class="home-template">Home</body></html>`);
    return;
  }
  // The other draft page's preview answers another page: not this item.
  if (path === `/p/${fakeGhost.uuids.otherPage}/`) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body class="page-template page-about">About</body></html>');
    return;
  }
  if (path === '/content/files/2026/11/launch-deck.pdf') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(notFound);
    return;
  }
  if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(home);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(notFound);
}
