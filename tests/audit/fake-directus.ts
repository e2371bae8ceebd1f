import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

/**
 * A Directus 11 REST API as a static token sees it (shapes of /collections, /fields, /relations,
 * /items and /files, errors as {"errors": [{"message", "extensions": {"code"}}]}), with the
 * Public policy of a site that made mistakes. Deceptive on purpose:
 * - /items/article and its junction article_files ignore every filter and answer all their rows,
 *   the published articles among them;
 * - the draft article 3 is "served" anonymously by a proxy that answers the published article 1;
 * - the archived article 6's cover URL answers an HTML page;
 * - the collection `page` has a status field without a "published" choice (live/hidden/archived);
 * - files are shared: with the published article 2 (gallery), with an author (no status).
 * The Public policy reads the draft article 5, the assets of the draft's and the scheduled
 * article's covers, and /files of the draft's cover; everything else is 403.
 */
export const fakeDirectus = {
  token: 'fake-directus-static-token-7f3a9c2e51d84b06',
  draftBulk: 120,
  files: {
    published: 'a1111111-1111-4111-8111-111111111111',
    shared: 'a2222222-2222-4222-8222-222222222222',
    draftOnly: 'a3333333-3333-4333-8333-333333333333',
    gallery: 'a4444444-4444-4444-8444-444444444444',
    scheduled: 'a5555555-5555-4555-8555-555555555555',
    author: 'a6666666-6666-4666-8666-666666666666',
    archived: 'a7777777-7777-4777-8777-777777777777',
    unattached: 'a8888888-8888-4888-8888-888888888888',
  },
};

const f = fakeDirectus.files;
const sizes: Record<string, number> = { [f.published]: 70, [f.shared]: 71, [f.draftOnly]: 72, [f.gallery]: 73, [f.scheduled]: 74, [f.author]: 75, [f.archived]: 76, [f.unattached]: 77 };
const png = (bytes: number): Buffer => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(bytes - 4, 9)]);

type Row = Record<string, unknown>;
const articles: Row[] = [
  { id: 1, status: 'published', title: 'Hello', cover: f.published, publish_date: '2025-01-01T10:00:00.000Z', date_updated: '2025-01-01T10:00:00.000Z' },
  { id: 2, status: 'published', title: 'Gallery', cover: null, publish_date: '2025-02-01T10:00:00.000Z', date_updated: null },
  { id: 3, status: 'draft', title: 'Spring launch', cover: f.draftOnly, publish_date: null, date_updated: '2026-11-21T10:00:00.000Z' },
  { id: 4, status: 'scheduled', title: 'Results', cover: f.scheduled, publish_date: '2031-03-01T07:00:00.000Z', date_updated: '2026-11-20T10:00:00.000Z' },
  { id: 5, status: 'draft', title: 'Merger', cover: f.author, publish_date: null, date_updated: null },
  { id: 6, status: 'archived', title: 'Old', cover: f.archived, publish_date: null, date_updated: null },
  ...Array.from({ length: fakeDirectus.draftBulk }, (_, index) => ({ id: 100 + index, status: 'draft', title: `Bulk ${index}`, cover: null, publish_date: null, date_updated: null })),
];
const articleFiles: Row[] = [
  { id: 1, article_id: 2, directus_files_id: f.shared },
  { id: 2, article_id: 3, directus_files_id: f.shared },
  { id: 3, article_id: 3, directus_files_id: f.gallery },
  // A junction row whose article was deleted: it links the file to nothing.
  { id: 4, article_id: null, directus_files_id: f.unattached },
];
const pages: Row[] = [
  { id: 'p-live', status: 'live' },
  { id: 'p-hidden', status: 'hidden' },
  { id: 'p-archived', status: 'archived' },
];
const authors: Row[] = [{ id: 1, name: 'Ann', photo: f.author }];
const files: Row[] = Object.entries(sizes).map(([id, size]) => ({
  id,
  type: 'image/png',
  // PostgreSQL answers the bigint filesize as a string.
  filesize: id === f.scheduled ? String(size) : size,
  filename_download: `${id.slice(0, 8)}.png`,
  uploaded_on: '2026-11-01T09:00:00.000Z',
  modified_on: null,
}));

const statusField = (choices: string[]): Row => ({ collection: '', field: 'status', type: 'string', meta: { interface: 'select-dropdown', options: { choices: choices.map((value) => ({ text: value, value })) } }, schema: { is_primary_key: false, default_value: 'draft' } });
const field = (collection: string, name: string, type: string, extra: { special?: string[]; pk?: boolean } = {}): Row => ({ collection, field: name, type, meta: { special: extra.special ?? null, interface: 'input', options: null }, schema: type === 'alias' ? null : { is_primary_key: extra.pk === true } });

const collections: Row[] = [
  { collection: 'directus_users', meta: { system: true }, schema: { name: 'directus_users' } },
  { collection: 'article', meta: { singleton: false, archive_field: 'status', archive_value: 'archived', unarchive_value: 'draft' }, schema: { name: 'article' } },
  { collection: 'article_files', meta: { hidden: true, archive_field: null }, schema: { name: 'article_files' } },
  { collection: 'page', meta: { singleton: false, archive_field: 'status', archive_value: 'archived', unarchive_value: 'hidden' }, schema: { name: 'page' } },
  { collection: 'author', meta: null, schema: { name: 'author' } },
  // A folder (collection group): no table.
  { collection: 'content', meta: { collection: 'content' }, schema: null },
];
const fields: Row[] = [
  field('article', 'id', 'integer', { pk: true }),
  { ...statusField(['published', 'draft', 'scheduled', 'archived']), collection: 'article' },
  field('article', 'title', 'string'),
  field('article', 'cover', 'uuid', { special: ['file'] }),
  field('article', 'gallery', 'alias', { special: ['files'] }),
  field('article', 'publish_date', 'timestamp'),
  field('article', 'date_updated', 'timestamp', { special: ['date-updated'] }),
  field('article_files', 'id', 'integer', { pk: true }),
  field('article_files', 'article_id', 'integer'),
  field('article_files', 'directus_files_id', 'uuid'),
  field('page', 'id', 'string', { pk: true }),
  { ...statusField(['live', 'hidden', 'archived']), collection: 'page' },
  field('author', 'id', 'integer', { pk: true }),
  field('author', 'name', 'string'),
  field('author', 'photo', 'uuid', { special: ['file'] }),
  field('directus_users', 'avatar', 'uuid', { special: ['file'] }),
];
const relations: Row[] = [
  { collection: 'article', field: 'cover', related_collection: 'directus_files', meta: { one_field: null, junction_field: null }, schema: {} },
  { collection: 'article_files', field: 'directus_files_id', related_collection: 'directus_files', meta: { one_field: null, junction_field: 'article_id' }, schema: {} },
  { collection: 'article_files', field: 'article_id', related_collection: 'article', meta: { one_field: 'gallery', junction_field: 'directus_files_id' }, schema: {} },
  { collection: 'author', field: 'photo', related_collection: 'directus_files', meta: null, schema: {} },
  { collection: 'directus_users', field: 'avatar', related_collection: 'directus_files', meta: null, schema: null },
];

export async function startFakeDirectus(): Promise<LoopbackServer> {
  return startLoopbackServer((req, res) => route(req, res));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-powered-by': 'Directus' });
  res.end(JSON.stringify(body));
}
const forbidden = (res: ServerResponse): void => json(res, 403, { errors: [{ message: "You don't have permission to access this.", extensions: { code: 'FORBIDDEN' } }] });

/** _eq, _neq and _in of a Directus filter on top-level fields (what the adapter asks). */
function matches(row: Row, filter: Record<string, Record<string, unknown>>): boolean {
  return Object.entries(filter).every(([name, test]) => {
    const value = row[name];
    if ('_eq' in test) return String(value) === String(test._eq);
    if ('_neq' in test) return value !== null && value !== undefined && String(value) !== String(test._neq);
    if ('_in' in test) return Array.isArray(test._in) && test._in.map(String).includes(String(value));
    return true;
  });
}

function list(res: ServerResponse, url: URL, all: Row[], honest: boolean): void {
  const filter = JSON.parse(url.searchParams.get('filter') ?? '{}') as Record<string, Record<string, unknown>>;
  const chosen = honest ? all.filter((row) => matches(row, filter)) : all;
  const limit = Number(url.searchParams.get('limit') ?? '100');
  const page = Number(url.searchParams.get('page') ?? '1');
  const wanted = (url.searchParams.get('fields') ?? '*').split(',');
  const slice = chosen.slice((page - 1) * limit, page * limit).map((row) => (wanted.includes('*') ? row : Object.fromEntries(wanted.filter((name) => name in row).map((name) => [name, row[name]]))));
  json(res, 200, { data: slice });
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://fake');
  const auth = req.headers.authorization;
  if (auth !== undefined && auth !== `Bearer ${fakeDirectus.token}`) {
    json(res, 401, { errors: [{ message: 'Invalid user credentials.', extensions: { code: 'INVALID_CREDENTIALS' } }] });
    return;
  }
  const admin = auth !== undefined;
  const path = url.pathname;
  if (path === '/server/ping') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': 'Directus' }).end('pong');
    return;
  }
  if (admin) {
    if (path === '/collections') return json(res, 200, { data: collections });
    if (path === '/fields') return json(res, 200, { data: fields });
    if (path === '/relations') return json(res, 200, { data: relations });
    if (path === '/items/article') return list(res, url, articles, false);
    if (path === '/items/article_files') return list(res, url, articleFiles, false);
    if (path === '/items/page') return list(res, url, pages, true);
    if (path === '/items/author') return list(res, url, authors, true);
    if (path === '/files') return list(res, url, files, true);
  }
  // The anonymous side: the Public policy of this site.
  if (path === '/items/article/5') return json(res, 200, { data: { id: 5, status: 'draft', title: 'Merger' } });
  if (path === '/items/article/3') return json(res, 200, { data: { id: 1, status: 'published', title: 'Hello' } });
  const asset = /^\/assets\/([0-9a-f-]{36})$/.exec(path);
  if (asset?.[1] !== undefined) {
    const id = asset[1];
    if (id === f.draftOnly || id === f.scheduled || id === f.published) {
      res.writeHead(200, { 'content-type': 'image/png', ...(url.searchParams.has('download') ? { 'content-disposition': 'attachment; filename="x.png"' } : {}) }).end(png(sizes[id] ?? 10));
      return;
    }
    if (id === f.archived) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><head><title>Directus</title></head><body>app</body></html>');
      return;
    }
    return forbidden(res);
  }
  if (path === `/files/${f.draftOnly}`) return json(res, 200, { data: { id: f.draftOnly, type: 'image/png' } });
  if (path.startsWith('/items/') || path.startsWith('/files') || path.startsWith('/collections') || path.startsWith('/fields') || path.startsWith('/relations')) return forbidden(res);
  json(res, 404, { errors: [{ message: `Route ${path} doesn't exist.`, extensions: { path, code: 'ROUTE_NOT_FOUND' } }] });
}
