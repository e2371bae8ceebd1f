import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

/**
 * A Strapi 5 content API as an API token sees it (shapes of Strapi 5.54: flat rows with id,
 * documentId and publishedAt; a draft row per document, published ones included, and a
 * published row with another id; meta.pagination; /api/upload/files as a bare array with
 * populate=related rows carrying publishedAt; formats with sizeInBytes, the original without).
 * Two tokens: `custom` may read the content-type builder, `readOnly` gets 403 there and reads the
 * users-permissions role tree instead, like a real read-only token.
 * Deceptive on purpose: status=draft also returns a published row; the published query of one
 * content type (pages) ignores the documentId filter and answers an incomplete page;
 * the Public role may find events (drafts included), and the anonymous status=draft read of the
 * edited article answers its published version (same documentId, other id); one draft file's URL
 * answers the theme-less HTML error page with 200, one size variant 404.
 */
export const fakeStrapi = {
  customToken: 'c0ffee'.repeat(40),
  readOnlyToken: 'feed5'.repeat(50),
  draftProducts: 120,
};

const png = (bytes: number): Buffer => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(bytes - 4, 7)]);
const at = (minute: number): string => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;

interface Row {
  id: number;
  documentId: string;
  publishedAt: string | null;
  updatedAt: string;
}

/** Per content type: every row, draft and published. */
const articles: Row[] = [
  // Published, unchanged: the draft row has the published row's updatedAt.
  { id: 1, documentId: 'pub0welcome0000000000001', publishedAt: null, updatedAt: at(1) },
  { id: 2, documentId: 'pub0welcome0000000000001', publishedAt: at(1), updatedAt: at(1) },
  // Published, then edited: the draft row is newer (the content manager's "modified").
  { id: 3, documentId: 'pub0pricing0000000000002', publishedAt: null, updatedAt: at(30) },
  { id: 4, documentId: 'pub0pricing0000000000002', publishedAt: at(2), updatedAt: at(2) },
  // Never published.
  { id: 5, documentId: 'draft0launch000000000003', publishedAt: null, updatedAt: at(5) },
  { id: 6, documentId: 'draft0memo00000000000004', publishedAt: null, updatedAt: at(6) },
];
const products: Row[] = Array.from({ length: fakeStrapi.draftProducts }, (_, index) => ({ id: 100 + index, documentId: `draftproduct${String(index).padStart(12, '0')}`, publishedAt: null, updatedAt: at(10) }));
// Pages: two published, one never-published; the published query of this type ignores the
// documentId filter and cuts its page at one row, so absence from it proves nothing.
const pages: Row[] = [
  { id: 400, documentId: 'pub0page0000000000000001', publishedAt: null, updatedAt: at(3) },
  { id: 401, documentId: 'pub0page0000000000000001', publishedAt: at(3), updatedAt: at(3) },
  { id: 402, documentId: 'pub0page0000000000000002', publishedAt: null, updatedAt: at(3) },
  { id: 403, documentId: 'pub0page0000000000000002', publishedAt: at(3), updatedAt: at(3) },
  { id: 404, documentId: 'unproven0page00000000003', publishedAt: null, updatedAt: at(4) },
];
// Events: one published, one never-published; the Public role may read them (drafts too).
const events: Row[] = [
  { id: 300, documentId: 'pub0event000000000000001', publishedAt: null, updatedAt: at(3) },
  { id: 301, documentId: 'pub0event000000000000001', publishedAt: at(3), updatedAt: at(3) },
  { id: 302, documentId: 'draft0event0000000000002', publishedAt: null, updatedAt: at(4) },
];
// Single type "homepage": a draft only.
const homepage: Row[] = [{ id: 1, documentId: 'draft0homepage0000000001', publishedAt: null, updatedAt: at(8) }];

const collections: Record<string, Row[]> = { articles, products, events, pages };

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-powered-by': 'Strapi <strapi.io>' });
  res.end(JSON.stringify(body));
}

const error = (res: ServerResponse, status: number, name: string, message: string): void => json(res, status, { data: null, error: { status, name, message, details: {} } });

function rowOut(row: Row): Record<string, unknown> {
  return { id: row.id, documentId: row.documentId, updatedAt: row.updatedAt, publishedAt: row.publishedAt };
}

const contentTypes = [
  { uid: 'api::article.article', apiID: 'article', schema: { kind: 'collectionType', singularName: 'article', pluralName: 'articles', draftAndPublish: true, pluginOptions: {}, visible: true } },
  { uid: 'api::product.product', apiID: 'product', schema: { kind: 'collectionType', singularName: 'product', pluralName: 'products', draftAndPublish: true, pluginOptions: {}, visible: true } },
  { uid: 'api::event.event', apiID: 'event', schema: { kind: 'collectionType', singularName: 'event', pluralName: 'events', draftAndPublish: true, pluginOptions: {}, visible: true } },
  { uid: 'api::page.page', apiID: 'page', schema: { kind: 'collectionType', singularName: 'page', pluralName: 'pages', draftAndPublish: true, pluginOptions: {}, visible: true } },
  { uid: 'api::homepage.homepage', apiID: 'homepage', schema: { kind: 'singleType', singularName: 'homepage', pluralName: 'homepages', draftAndPublish: true, pluginOptions: {}, visible: true } },
  // No draft and publish: nothing to inventory.
  { uid: 'api::category.category', apiID: 'category', schema: { kind: 'collectionType', singularName: 'category', pluralName: 'categories', draftAndPublish: false, pluginOptions: {}, visible: true } },
  { uid: 'plugin::upload.file', plugin: 'upload', apiID: 'file', schema: { kind: 'collectionType', singularName: 'file', pluralName: 'files', draftAndPublish: false, visible: false } },
];

const actions = (collection: boolean): Record<string, { enabled: boolean; policy: string }> =>
  Object.fromEntries((collection ? ['find', 'findOne', 'create', 'update', 'delete'] : ['find', 'update', 'delete']).map((name) => [name, { enabled: false, policy: '' }]));

const roleTree = {
  'api::article': { controllers: { article: actions(true) } },
  'api::product': { controllers: { product: actions(true) } },
  'api::event': { controllers: { event: actions(true) } },
  'api::page': { controllers: { page: actions(true) } },
  'api::homepage': { controllers: { homepage: actions(false) } },
  'plugin::upload': { controllers: { 'content-api': { find: { enabled: false, policy: '' }, findOne: { enabled: false, policy: '' } } } },
};

const related = (row: Row, type = 'api::article.article'): Record<string, unknown> => ({ ...rowOut(row), __type: type, locale: null });
const format = (url: string, sizeInBytes: number): Record<string, unknown> => ({ url, sizeInBytes, size: Math.round(sizeInBytes / 10.24) / 100, mime: 'image/png', width: 245, height: 153 });

const files = [
  // The published article's cover: its draft and its published row use it.
  { id: 1, documentId: 'filepublished00000000001', url: '/uploads/welcome_cover_14950b2be5.png', mime: 'image/png', size: 0.06, sizeInBytes: null, formats: {}, related: [related(articles[0]!), related(articles[1]!)] },
  // Only the never-published launch plan uses it: the file and two formats.
  {
    id: 2,
    documentId: 'filedraft000000000000002',
    url: '/uploads/launch_plan_1103ba9f23.png',
    mime: 'image/png',
    size: 0.06,
    sizeInBytes: null,
    formats: { thumbnail: format('/uploads/thumbnail_launch_plan_1103ba9f23.png', 40), small: format('/uploads/small_launch_plan_1103ba9f23.png', 50) },
    related: [related(articles[4]!)],
  },
  // The never-published memo's PDF; its URL answers an HTML page (200), not the file.
  { id: 3, documentId: 'filedraftpdf000000000003', url: '/uploads/memo_77aa.pdf', mime: 'application/pdf', size: 0.5, sizeInBytes: null, formats: null, related: [related(articles[5]!)] },
  // Added by the unpublished edit of the pricing article: only its draft row uses it.
  { id: 4, documentId: 'fileedit0000000000000004', url: '/uploads/new_prices_5e5e.png', mime: 'image/png', size: 0.06, sizeInBytes: null, formats: {}, related: [related(articles[2]!)] },
  // A draft uses it, and a component of published content (no publishedAt): not claimed.
  { id: 5, documentId: 'filecomponent00000000005', url: '/uploads/shared_logo_9a9a.png', mime: 'image/png', size: 0.06, sizeInBytes: null, formats: {}, related: [related(articles[4]!), { id: 9, __type: 'shared.media', __pivot: {} }] },
  // Used by the draft row of the published, unchanged welcome article only: not claimed.
  { id: 6, documentId: 'filewelcomedraft00000006', url: '/uploads/welcome_alt_1b1b.png', mime: 'image/png', size: 0.06, sizeInBytes: null, formats: {}, related: [related(articles[0]!)] },
  // Used by nothing.
  { id: 7, documentId: 'fileorphan00000000000007', url: '/uploads/orphan_2c2c.png', mime: 'image/png', size: 0.06, sizeInBytes: null, formats: {}, related: [] },
  // The never-published event's poster (a type the token can read; the public can too).
  { id: 8, documentId: 'fileevent000000000000008', url: '/uploads/event_poster_3d3d.png', mime: 'image/png', size: 0.06, sizeInBytes: null, formats: {}, related: [related(events[2]!, 'api::event.event')] },
];

export async function startFakeStrapi(): Promise<LoopbackServer> {
  const server: LoopbackServer = await startLoopbackServer((req, res) => route(req, res, server));
  return server;
}

type Who = 'custom' | 'readOnly' | 'public' | 'bad';

function who(req: IncomingMessage): Who {
  const header = req.headers.authorization;
  if (header === undefined) return 'public';
  if (header === `Bearer ${fakeStrapi.customToken}`) return 'custom';
  if (header === `Bearer ${fakeStrapi.readOnlyToken}`) return 'readOnly';
  return 'bad';
}

function list(res: ServerResponse, url: URL, rows: Row[], ignoreFilters = false): void {
  const params = url.searchParams;
  const status = params.get('status') ?? 'published';
  let chosen = rows.filter((row) => (status === 'draft' ? row.publishedAt === null : row.publishedAt !== null));
  // Deceptive: the draft answer also carries a published row.
  if (status === 'draft') chosen = [...chosen, ...rows.filter((row) => row.publishedAt !== null).slice(0, 1)];
  const wanted = [...params.entries()].filter(([name]) => name.startsWith('filters[documentId][$in]') || name === 'filters[documentId][$eq]').map(([, value]) => value);
  if (wanted.length > 0 && !ignoreFilters) chosen = chosen.filter((row) => wanted.includes(row.documentId));
  const pageSize = Number(params.get('pagination[pageSize]') ?? '25');
  const page = Number(params.get('pagination[page]') ?? '1');
  const total = chosen.length;
  // Deceptive: a filter-ignoring answer that also cuts its page at one row.
  const size = ignoreFilters ? 1 : pageSize;
  json(res, 200, { data: chosen.slice((page - 1) * size, page * size).map(rowOut), meta: { pagination: { page, pageSize: size, pageCount: Math.ceil(total / size), total } } });
}

function route(req: IncomingMessage, res: ServerResponse, server: LoopbackServer): void {
  const url = new URL(req.url ?? '/', server.origin);
  const caller = who(req);
  if (url.pathname === '/_health') {
    res.writeHead(204, { strapi: 'You are so French!', 'x-powered-by': 'Strapi <strapi.io>' }).end();
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    if (caller === 'bad') return error(res, 401, 'UnauthorizedError', 'Missing or invalid credentials');
    const path = url.pathname.slice('/api'.length);
    if (path === '/content-type-builder/content-types') {
      if (caller !== 'custom') return error(res, 403, 'ForbiddenError', 'Forbidden');
      return json(res, 200, { data: contentTypes });
    }
    if (path === '/users-permissions/roles') {
      if (caller === 'public') return error(res, 403, 'ForbiddenError', 'Forbidden');
      return json(res, 200, { roles: [{ id: 1, name: 'Authenticated', type: 'authenticated' }, { id: 2, name: 'Public', type: 'public' }] });
    }
    if (path === '/users-permissions/roles/1') {
      if (caller === 'public') return error(res, 403, 'ForbiddenError', 'Forbidden');
      return json(res, 200, { role: { id: 1, name: 'Authenticated', type: 'authenticated', permissions: roleTree } });
    }
    if (path === '/upload/files') {
      if (caller === 'public') return error(res, 403, 'ForbiddenError', 'Forbidden');
      const start = Number(url.searchParams.get('pagination[start]') ?? '0');
      const limit = Number(url.searchParams.get('pagination[limit]') ?? '100');
      // Deceptive: every page cut at 3 files, whatever the limit asked.
      return json(res, 200, files.slice(start, start + Math.min(limit, 3)));
    }
    if (path === '/homepage') {
      if (caller === 'public') return error(res, 403, 'ForbiddenError', 'Forbidden');
      const status = url.searchParams.get('status') ?? 'published';
      const row = homepage.find((entry) => (status === 'draft' ? entry.publishedAt === null : entry.publishedAt !== null));
      return row === undefined ? error(res, 404, 'NotFoundError', 'Not Found') : json(res, 200, { data: rowOut(row), meta: {} });
    }
    const collection = /^\/(articles|products|events|pages)(?:\/([a-z0-9]+))?$/.exec(path);
    if (collection) {
      const name = collection[1]!;
      const rows = collections[name]!;
      // The Public role may find and findOne events: drafts too, with status=draft.
      if (caller === 'public' && name !== 'events') {
        // The edited article's status=draft read answers its published version (a proxy rule).
        if (name === 'articles' && collection[2] === 'pub0pricing0000000000002') return json(res, 200, { data: rowOut(articles[3]!), meta: {} });
        return error(res, 403, 'ForbiddenError', 'Forbidden');
      }
      if (collection[2] !== undefined) {
        const status = url.searchParams.get('status') ?? 'published';
        const row = rows.find((entry) => entry.documentId === collection[2] && (status === 'draft' ? entry.publishedAt === null : entry.publishedAt !== null));
        return row === undefined ? error(res, 404, 'NotFoundError', 'Not Found') : json(res, 200, { data: rowOut(row), meta: {} });
      }
      return list(res, url, rows, name === 'pages' && url.searchParams.get('status') === 'published');
    }
    return error(res, 404, 'NotFoundError', 'Not Found');
  }
  const file = /^\/uploads\/(.+)$/.exec(url.pathname);
  if (file) {
    const name = file[1]!;
    if (name === 'memo_77aa.pdf') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body>Not Found</body></html>');
      return;
    }
    if (name === 'small_launch_plan_1103ba9f23.png') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const known = new Set(files.flatMap((entry) => [entry.url, ...Object.values((entry.formats ?? {}) as Record<string, { url: string }>).map((size) => size.url)]));
    if (known.has(url.pathname)) {
      res.writeHead(200, { 'content-type': 'image/png' }).end(png(name.startsWith('thumbnail_') ? 40 : 64));
      return;
    }
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
}
