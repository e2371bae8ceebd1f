import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

/**
 * A Payload 3 REST API as a user's API key sees it (shapes of Payload 3.90: /api/access with
 * per-collection read, lists { docs, totalDocs, totalPages, page }, a 400 for _status on a
 * collection without drafts, the main row keeping the published version while ?draft=true reads
 * the latest draft, /versions with latest, uploads at /api/<slug>/file/<filename> populated at
 * depth 1, a global). The key is sent as "users API-Key <key>"; any other answer is anonymous.
 * Deceptive on purpose: the articles' draft list also returns a published article; the pages'
 * published query ignores the where and answers a mixed, incomplete page; the anonymous
 * ?draft=true read of the edited article answers its published version (same id, older date);
 * posts are readable by anyone (read: () => true), drafts included; a file of public-media
 * answers an HTML page, one size variant has another size.
 */
export const fakePayload = {
  apiKey: '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
  get authorization(): string {
    return `users API-Key ${this.apiKey}`;
  },
  draftProducts: 120,
};

const at = (minute: number): string => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;
type Doc = Record<string, unknown> & { id: number };

const png = (bytes: number): Buffer => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(bytes - 4, 7)]);

function upload(slug: string, id: number, filename: string, filesize: number, sizes: Record<string, { filename: string; filesize: number }> = {}): Doc {
  return {
    id,
    alt: null,
    updatedAt: at(1),
    createdAt: at(1),
    url: `/api/${slug}/file/${filename}`,
    thumbnailURL: null,
    filename,
    mimeType: 'image/png',
    filesize,
    width: 10,
    height: 10,
    sizes: Object.fromEntries(Object.entries(sizes).map(([name, size]) => [name, { url: `/api/${slug}/file/${size.filename}`, filename: size.filename, mimeType: 'image/png', filesize: size.filesize, width: 3, height: 2 }])),
  };
}

/** Upload collections: media keeps Payload's default access (anonymous 403), public-media is open. */
const uploads: Record<string, Doc[]> = {
  media: [
    upload('media', 1, 'published-cover.png', 80),
    upload('media', 2, 'draft-only.png', 80),
    upload('media', 3, 'pricing-old.png', 80),
    upload('media', 4, 'pricing-new.png', 80),
    upload('media', 5, 'shared-avatar.png', 80),
    upload('media', 6, 'site-logo.png', 80),
  ],
  'public-media': [
    upload('public-media', 10, 'launch-plan.png', 96, { card: { filename: 'launch-plan-300x200.png', filesize: 48 } }),
    upload('public-media', 11, 'post-photo.png', 64),
    upload('public-media', 12, 'memo.png', 64),
  ],
};
const media = (slug: string, id: number): Doc => uploads[slug]!.find((doc) => doc.id === id)!;

interface Entry {
  /** The main row: the published version, or a never-published draft. */
  main: Doc;
  /** The latest version when it is a draft saved after publishing. */
  draft?: Doc;
  versionId: number;
}

const entry = (main: Doc, versionId: number, draft?: Doc): Entry => ({ main, versionId, ...(draft === undefined ? {} : { draft }) });

const collections: Record<string, Entry[]> = {
  articles: [
    entry({ id: 1, _status: 'published', updatedAt: at(1), cover: { relationTo: 'media', id: 1 } }, 101),
    // Published with media 3, then edited: the draft uses media 4.
    entry({ id: 2, _status: 'published', updatedAt: at(2), cover: { relationTo: 'media', id: 3 } }, 103, { id: 2, _status: 'draft', updatedAt: at(30), cover: { relationTo: 'media', id: 4 } }),
    // Never published: media 2 (default access), public-media 10 and 12 (open).
    entry({ id: 3, _status: 'draft', updatedAt: at(3), cover: { relationTo: 'media', id: 2 }, gallery: [{ image: { relationTo: 'public-media', id: 10 } }, { image: { relationTo: 'public-media', id: 12 } }] }, 104),
    // Never published, with the avatar an author (published content, no drafts) also uses.
    entry({ id: 4, _status: 'draft', updatedAt: at(4), cover: { relationTo: 'media', id: 5 } }, 105),
    // Never published, with the logo the settings global uses.
    entry({ id: 5, _status: 'draft', updatedAt: at(5), cover: { relationTo: 'media', id: 6 } }, 106),
  ],
  posts: [
    entry({ id: 1, _status: 'published', updatedAt: at(6) }, 201),
    entry({ id: 2, _status: 'draft', updatedAt: at(7), photo: { relationTo: 'public-media', id: 11 } }, 202),
  ],
  pages: [
    entry({ id: 1, _status: 'published', updatedAt: at(8) }, 301),
    entry({ id: 2, _status: 'published', updatedAt: at(8) }, 302),
    entry({ id: 3, _status: 'draft', updatedAt: at(9) }, 303),
  ],
  products: Array.from({ length: fakePayload.draftProducts }, (_, index) => entry({ id: 1000 + index, _status: 'draft', updatedAt: at(10) }, 2000 + index)),
};
/** No drafts: every document is published content. */
const plain: Record<string, Doc[]> = {
  authors: [{ id: 1, name: 'A', updatedAt: at(1), avatar: { relationTo: 'media', id: 5 } }],
  users: [{ id: 1, email: 'auditor@example.com', updatedAt: at(1) }],
};
const settings: Doc = { id: 1, _status: 'published', updatedAt: at(1), logo: { relationTo: 'media', id: 6 }, globalType: 'settings' };

/** depth 1: upload references become the upload documents. */
function populate(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return value.map((entry) => populate(entry, depth));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if (typeof object.relationTo === 'string' && typeof object.id === 'number' && Object.keys(object).length === 2) {
    return depth >= 1 ? media(object.relationTo, object.id) : object.id;
  }
  return Object.fromEntries(Object.entries(object).map(([key, entry]) => [key, populate(entry, depth)]));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-powered-by': 'Next.js, Payload' });
  res.end(JSON.stringify(body));
}

const forbidden = (res: ServerResponse): void => json(res, 403, { errors: [{ message: 'You are not allowed to perform this action.' }] });

function list(res: ServerResponse, url: URL, docs: Doc[], { mixed = false } = {}): void {
  const params = url.searchParams;
  const depth = Number(params.get('depth') ?? '2');
  let chosen = docs;
  if (!mixed) {
    const status = params.get('where[_status][equals]');
    if (status !== null) chosen = chosen.filter((doc) => doc._status === status);
    const ids = [...params.entries()].filter(([name]) => name.startsWith('where[id][in]') || name === 'where[id][equals]').map(([, value]) => Number(value));
    if (ids.length > 0) chosen = chosen.filter((doc) => ids.includes(doc.id));
    const parents = [...params.entries()].filter(([name]) => name.startsWith('where[parent][in]')).map(([, value]) => Number(value));
    if (parents.length > 0) chosen = chosen.filter((doc) => parents.includes(Number(doc.parent)));
  }
  const limit = mixed ? 1 : Number(params.get('limit') ?? '10');
  const page = Number(params.get('page') ?? '1');
  const totalPages = Math.max(1, Math.ceil(chosen.length / limit));
  json(res, 200, { docs: chosen.slice((page - 1) * limit, page * limit).map((doc) => populate(doc, depth)), totalDocs: chosen.length, limit, totalPages, page, pagingCounter: (page - 1) * limit + 1, hasPrevPage: page > 1, hasNextPage: page < totalPages, prevPage: null, nextPage: null });
}

export async function startFakePayload(): Promise<LoopbackServer> {
  const server: LoopbackServer = await startLoopbackServer((req, res) => route(req, res, server));
  return server;
}

const internal = { 'payload-preferences': { read: { permission: true, where: { 'user.value': { equals: 1 } } } }, 'payload-migrations': { read: true } };

function route(req: IncomingMessage, res: ServerResponse, server: LoopbackServer): void {
  const url = new URL(req.url ?? '/', server.origin);
  const user = req.headers.authorization === fakePayload.authorization;
  const params = url.searchParams;
  const draft = params.get('draft') === 'true';
  const path = url.pathname;
  if (path === '/api/access') {
    const read = (open: boolean): Record<string, unknown> => ({ create: user, read: open || user, update: user, delete: user });
    if (!user) return json(res, 200, { canAccessAdmin: false, collections: { users: { fields: {} } }, globals: {} });
    return json(res, 200, {
      canAccessAdmin: true,
      collections: { articles: { ...read(false), readVersions: true }, posts: read(true), pages: read(false), products: read(false), authors: read(false), media: read(false), 'public-media': read(true), users: read(false), ...internal },
      globals: { settings: { read: true } },
    });
  }
  if (path === '/api/globals/settings') return user ? json(res, 200, populate(settings, Number(params.get('depth') ?? '2'))) : forbidden(res);
  const file = /^\/api\/(media|public-media)\/file\/([^/]+)$/.exec(path);
  if (file) {
    const slug = file[1]!;
    if (slug === 'media' && !user) return forbidden(res);
    if (file[2] === 'memo.png') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body>Payload</body></html>');
      return;
    }
    for (const doc of uploads[slug]!) {
      if (doc.filename === file[2]) return void res.writeHead(200, { 'content-type': 'image/png' }).end(png(doc.filesize as number));
      // A size variant that is not the size recorded.
      for (const size of Object.values(doc.sizes as Record<string, { filename: string; filesize: number }>)) if (size.filename === file[2]) return void res.writeHead(200, { 'content-type': 'image/png' }).end(png(size.filesize + 10));
    }
    return json(res, 404, { errors: [{ message: 'Not Found' }] });
  }
  const match = /^\/api\/([a-z-]+)(?:\/(versions))?(?:\/(\d+))?$/.exec(path);
  if (!match) return json(res, 404, { errors: [{ message: 'Route not found' }] });
  const [, slug, versions, id] = match;
  const open = slug === 'posts' || slug === 'public-media';
  const noDrafts = (): void => json(res, 400, { errors: [{ name: 'QueryError', data: [{ path: '_status' }], message: 'The following path cannot be queried: _status' }] });
  if (slug! in uploads) {
    if (!user && !open) return forbidden(res);
    if (params.get('where[_status][equals]') !== null) return noDrafts();
    return id === undefined ? list(res, url, uploads[slug!]!) : json(res, 200, media(slug!, Number(id)));
  }
  if (slug! in plain) {
    if (!user) return forbidden(res);
    if (params.get('where[_status][equals]') !== null) return noDrafts();
    return list(res, url, plain[slug!]!);
  }
  const entries = collections[slug!];
  if (entries === undefined) return json(res, 404, { errors: [{ message: 'Route not found' }] });
  if (versions !== undefined) {
    if (!user) return forbidden(res);
    const docs: Doc[] = entries.map((entry) => ({ id: entry.versionId, parent: entry.main.id, latest: true, version: entry.draft ?? entry.main, updatedAt: (entry.draft ?? entry.main).updatedAt }));
    return id === undefined ? list(res, url, docs) : json(res, 200, docs.find((doc) => doc.id === Number(id)));
  }
  if (!user && !open) {
    // An access rule `_status equals published` for visitors: the edit's draft URL serves the published version.
    if (slug === 'articles' && id === '2') return json(res, 200, entries[1]!.main);
    return forbidden(res);
  }
  const view = (entry: Entry): Doc => (draft && entry.draft !== undefined ? entry.draft : entry.main);
  if (id !== undefined) {
    const found = entries.find((entry) => entry.main.id === Number(id));
    return found === undefined ? json(res, 404, { errors: [{ message: 'Not Found' }] }) : json(res, 200, populate(view(found), Number(params.get('depth') ?? '2')));
  }
  let docs = entries.map(view);
  // With draft=true the status filter applies to the latest version; deceptive: the articles' draft
  // list also carries a published article.
  if (draft && slug === 'articles' && params.get('where[_status][equals]') === 'draft') docs = [...docs.filter((doc) => doc._status === 'draft'), entries[0]!.main];
  const mixed = slug === 'pages' && params.get('where[_status][equals]') === 'published';
  if (slug === 'articles' && draft && params.get('where[_status][equals]') === 'draft') {
    const limit = Number(params.get('limit') ?? '10');
    return json(res, 200, { docs: docs.slice(0, limit), totalDocs: docs.length, limit, totalPages: 1, page: 1 });
  }
  return list(res, url, docs, { mixed });
}
