import type { ItemRoute, UnpublishedItem } from '../types.js';
import { InventoryHttpError } from '../inventory-client.js';
import type { AdapterContext, Inventory, InventoryAdapter } from './adapter.js';
import { appendAll, groupBy } from '../../core/objects.js';

// Payload 3 REST API with an API key (Authorization: <auth-collection-slug> API-Key <key>, e.g.
// "users API-Key 1b2c..."; the collection needs auth.useAPIKey).
// Collections: GET /api/access names every collection and global with this user's permissions.
// Drafts: versions.drafts adds _status; ?draft=true&where[_status][equals]=draft reads the latest
// version of every document whose latest version is a draft. The main collection row keeps the
// published version (a draft saved after publishing only adds a version), so a draft document is
// unpublished when the main rows (no draft=true), asked for its id with _status published, do not
// have it; a document they have, whose draft is newer, has an unpublished edit ("modified").
// Versions: /api/<slug>/versions?where[latest][equals]=true gives each one's latest version id.
// Files: documents of upload collections (filename, mimeType, url) that the unpublished
// documents reference (read at depth 1), kept only when no published document of any readable
// collection or global references them (every one read at depth 1, published view).
// https://payloadcms.com/docs/versions/drafts
// https://payloadcms.com/docs/authentication/api-keys
// https://payloadcms.com/docs/rest-api/overview
// https://payloadcms.com/docs/upload/overview
// https://payloadcms.com/docs/access-control/overview

const cms = 'payload';
const pageSize = 100;
const idsPerQuery = 40;
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;
const slugPattern = /^[a-z0-9][a-z0-9_-]*$/i;
/** Payload's own collections: no content a visitor reads. */
const internalCollections = new Set(['payload-preferences', 'payload-migrations', 'payload-locked-documents', 'payload-jobs', 'payload-kv', 'payload-query-presets']);

interface Collection {
  slug: string;
  /** read is true for every document (not a where constraint). */
  fullRead: boolean;
}

interface DraftDoc {
  collection: string;
  id: string;
  status: 'draft' | 'modified';
  /** updatedAt of the latest (draft) version. */
  updatedAt?: string;
  versionId?: string;
}

interface UploadRef {
  url: string;
  id: string;
  mime?: string;
  bytes?: number;
  sizes: Array<{ url: string; mime?: string; bytes?: number }>;
  updatedAt?: string;
}

export const payloadAdapter: InventoryAdapter = {
  cms,
  apiPaths: ['/api/'],
  async collect(context: AdapterContext): Promise<Inventory> {
    const notes: string[] = [];
    let incomplete: string | undefined;
    const partial = (reason: string): void => {
      incomplete ??= reason;
    };
    const { collections, globals } = await access(context);
    const documents: DraftDoc[] = [];
    /** Collections without drafts (every document is published content). */
    const plain: string[] = [];
    let unlisted = 0;
    for (const collection of collections) {
      if (documents.length >= context.maxItems) break;
      try {
        const drafts = await draftsOf(context, collection.slug);
        if (drafts === undefined) {
          plain.push(collection.slug);
          continue;
        }
        if (drafts.length === 0) continue;
        appendAll(documents, await classify(context, collection.slug, drafts, notes, partial));
        context.progress(`inventory: ${documents.length} unpublished document(s) so far (${collection.slug})`);
      } catch (error) {
        if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
        unlisted += 1;
        notes.push(`inventory: ${collection.slug} not listed (${error.message}); its drafts are not audited`);
        partial(`the inventory of ${collection.slug} was refused`);
      }
    }
    if (documents.length >= context.maxItems) partial(`the inventory stopped at ${context.maxItems} unpublished items (--max-items)`);
    const kept = documents.slice(0, context.maxItems);
    await latestVersions(context, kept, notes);
    const items: UnpublishedItem[] = kept.map((document) => documentItem(context.origin, document));
    const narrowed = collections.filter((collection) => !collection.fullRead).map((collection) => collection.slug);
    if (kept.length > 0 && items.length < context.maxItems) {
      if (unlisted > 0 || narrowed.length > 0) {
        notes.push(`inventory: files not audited, since ${narrowed.length > 0 ? `the key reads only some documents of ${narrowed.join(', ')}` : 'a collection could not be listed'} (a file a published document there uses would look unpublished)`);
        partial('the files were not audited');
      } else {
        try {
          appendAll(items, await filesOf(context, kept, collections.map((collection) => collection.slug), globals, context.maxItems - items.length, partial));
        } catch (error) {
          if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
          notes.push(`inventory: the files of unpublished documents are not audited (${error.message})`);
          partial('the files were not audited');
        }
      }
    }
    notes.push(`inventory: ${collections.length} collection(s) read (${collections.length - plain.length} with drafts), ${globals.length} global(s)`);
    return { items, notes, ...(incomplete === undefined ? {} : { incomplete }) };
  },
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function docId(value: unknown): string | undefined {
  const id = typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'string' ? value : undefined;
  return id !== undefined && idPattern.test(id) ? id : undefined;
}

/** The collections and globals this key may read, from /api/access. */
async function access(context: AdapterContext): Promise<{ collections: Collection[]; globals: string[] }> {
  const { json } = await context.client.getJson('/api/access');
  if (!isObject(json) || !isObject(json.collections)) throw new InventoryHttpError('/api/access', 200, '/api/access did not answer Payload permissions');
  const readable = (permissions: unknown): 'all' | 'some' | 'none' => {
    const read = isObject(permissions) ? permissions.read : undefined;
    if (read === true) return 'all';
    if (isObject(read) && read.permission === true) return isObject(read.where) ? 'some' : 'all';
    return 'none';
  };
  const collections: Collection[] = [];
  for (const [slug, permissions] of Object.entries(json.collections)) {
    if (internalCollections.has(slug) || !slugPattern.test(slug)) continue;
    const read = readable(permissions);
    if (read !== 'none') collections.push({ slug, fullRead: read === 'all' });
  }
  const globals = isObject(json.globals) ? Object.entries(json.globals).filter(([slug, permissions]) => slugPattern.test(slug) && readable(permissions) !== 'none').map(([slug]) => slug) : [];
  // Payload answers /api/access to anyone; a key it did not accept reads nothing.
  if (collections.length === 0) throw new InventoryHttpError(new URL('/api/access', context.origin).href, 403, '/api/access grants this key read on no collection (the API key was not accepted, or its user may read nothing)');
  return { collections, globals };
}

function where(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join('&');
}

const inIds = (field: string, ids: string[]): Record<string, string> => Object.fromEntries(ids.map((id, index) => [`where[${field}][in][${index}]`, id]));

interface Page {
  docs: unknown[];
  totalDocs?: number;
  totalPages?: number;
}

function page(json: unknown, url: string): Page {
  if (!isObject(json) || !Array.isArray(json.docs)) throw new InventoryHttpError(url, 200, `${new URL(url, 'http://x').pathname} did not answer a Payload list ({ docs: [...] })`);
  return { docs: json.docs, ...(typeof json.totalDocs === 'number' ? { totalDocs: json.totalDocs } : {}), ...(typeof json.totalPages === 'number' ? { totalPages: json.totalPages } : {}) };
}

/** Every page of a list, deduplicated by id; stops when a page brings nothing new. */
async function* pages(context: AdapterContext, path: string, params: Record<string, string | number>): AsyncGenerator<Record<string, unknown>[]> {
  const seen = new Set<string>();
  for (let number = 1; ; number += 1) {
    const url = `${path}?${where({ ...params, limit: pageSize, page: number })}`;
    const { json } = await context.client.getJson(url);
    const answer = page(json, url);
    const fresh: Record<string, unknown>[] = [];
    for (const doc of answer.docs) {
      const id = isObject(doc) ? docId(doc.id) : undefined;
      if (id === undefined || !isObject(doc) || seen.has(id)) continue;
      seen.add(id);
      fresh.push(doc);
    }
    yield fresh;
    if (answer.docs.length === 0 || fresh.length === 0 || number >= (answer.totalPages ?? 1)) return;
  }
}

/** Latest versions that are drafts; undefined when the collection has no drafts (no _status). */
async function draftsOf(context: AdapterContext, slug: string): Promise<Array<{ id: string; updatedAt?: string }> | undefined> {
  const drafts: Array<{ id: string; updatedAt?: string }> = [];
  try {
    for await (const docs of pages(context, `/api/${slug}`, { draft: 'true', 'where[_status][equals]': 'draft', depth: 0 })) {
      for (const doc of docs) {
        // The document's own field decides: an answer that ignores the filter names nothing published.
        if (doc._status !== 'draft') continue;
        drafts.push({ id: docId(doc.id)!, ...(typeof doc.updatedAt === 'string' ? { updatedAt: doc.updatedAt } : {}) });
      }
    }
  } catch (error) {
    // 400 "The following path cannot be queried: _status": no drafts on this collection.
    if (error instanceof InventoryHttpError && error.status === 400) return undefined;
    throw error;
  }
  return drafts;
}

/**
 * Never published (or unpublished) when the main rows with _status published lack the id;
 * modified when they have it and the draft is newer. An answer counts only when complete
 * (totalDocs not above the docs given) and published throughout; else those ids are left out.
 */
async function classify(context: AdapterContext, slug: string, drafts: Array<{ id: string; updatedAt?: string }>, notes: string[], partial: (reason: string) => void): Promise<DraftDoc[]> {
  const published = new Map<string, string | undefined>();
  const unproven = new Set<string>();
  for (let start = 0; start < drafts.length; start += idsPerQuery) {
    const chunk = drafts.slice(start, start + idsPerQuery).map((draft) => draft.id);
    const url = `/api/${slug}?${where({ 'where[_status][equals]': 'published', ...inIds('id', chunk), depth: 0, limit: pageSize })}`;
    const { json } = await context.client.getJson(url);
    const answer = page(json, url);
    const docs = answer.docs.filter(isObject);
    if (answer.totalDocs === undefined || answer.totalDocs > answer.docs.length || docs.length !== answer.docs.length || docs.some((doc) => doc._status !== 'published' || docId(doc.id) === undefined)) {
      for (const id of chunk) unproven.add(id);
      continue;
    }
    for (const doc of docs) published.set(docId(doc.id)!, typeof doc.updatedAt === 'string' ? doc.updatedAt : undefined);
  }
  if (unproven.size > 0) {
    notes.push(`inventory: /api/${slug}?where[_status][equals]=published gave an incomplete or mixed answer for ${unproven.size} document(s); their publication state is not proven and they are not audited`);
    partial(`the published versions of ${slug} could not be read completely`);
  }
  const documents: DraftDoc[] = [];
  for (const draft of drafts) {
    if (unproven.has(draft.id)) continue;
    const date = draft.updatedAt === undefined ? {} : { updatedAt: draft.updatedAt };
    if (!published.has(draft.id)) {
      documents.push({ collection: slug, id: draft.id, status: 'draft', ...date });
      continue;
    }
    const live = published.get(draft.id);
    if (draft.updatedAt !== undefined && live !== undefined && Date.parse(draft.updatedAt) > Date.parse(live)) documents.push({ collection: slug, id: draft.id, status: 'modified', ...date });
  }
  return documents;
}

/** The latest version's id of each document (readVersions); none when the key may not read them. */
async function latestVersions(context: AdapterContext, documents: DraftDoc[], notes: string[]): Promise<void> {
  const bySlug = groupBy(documents, (document) => document.collection);
  for (const [slug, docs] of bySlug) {
    const byId = new Map(docs.map((document) => [document.id, document]));
    try {
      for (let start = 0; start < docs.length; start += idsPerQuery) {
        const chunk = docs.slice(start, start + idsPerQuery).map((document) => document.id);
        for await (const versions of pages(context, `/api/${slug}/versions`, { 'where[latest][equals]': 'true', ...inIds('parent', chunk), depth: 0 })) {
          for (const version of versions) {
            const parent = byId.get(docId(isObject(version.parent) ? version.parent.id : version.parent) ?? '');
            // The latest version of an unpublished document is a draft; another answer is not it.
            if (parent === undefined || version.latest !== true || !isObject(version.version) || version.version._status !== 'draft') continue;
            parent.versionId = docId(version.id);
          }
        }
      }
    } catch (error) {
      if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
      notes.push(`inventory: /api/${slug}/versions not listed (${error.message}); the version routes of its drafts are not checked`);
    }
  }
}

function itemType(document: DraftDoc): string {
  return document.collection;
}

/**
 * Payload has no front end of its own: the routes are the REST API's. A never-published
 * document is proven by its id (no published version has it), an edit by its draft's updatedAt
 * (the published version has the same id, an older date), a version by the version's id.
 */
function documentItem(origin: string, document: DraftDoc): UnpublishedItem {
  const base = `/api/${document.collection}`;
  const url = (path: string): string => new URL(path, origin).href;
  const routes: ItemRoute[] = [];
  if (document.status === 'draft') {
    routes.push({ kind: 'rest', url: url(`${base}/${document.id}`), proof: { kind: 'json-id', field: 'id', id: document.id } });
    routes.push({ kind: 'preview', url: url(`${base}/${document.id}?draft=true`), proof: { kind: 'json-id', field: 'id', id: document.id } });
    routes.push({ kind: 'id-query', url: url(`${base}?${where({ 'where[id][equals]': document.id, draft: 'true' })}`), proof: { kind: 'json-id', field: 'docs.0.id', id: document.id } });
  } else if (document.updatedAt !== undefined) {
    routes.push({ kind: 'preview', url: url(`${base}/${document.id}?draft=true`), proof: { kind: 'json-id', field: 'updatedAt', id: document.updatedAt } });
    routes.push({ kind: 'id-query', url: url(`${base}?${where({ 'where[id][equals]': document.id, draft: 'true' })}`), proof: { kind: 'json-id', field: 'docs.0.updatedAt', id: document.updatedAt } });
  }
  if (document.versionId !== undefined) routes.push({ kind: 'rest', url: url(`${base}/versions/${document.versionId}`), proof: { kind: 'json-id', field: 'id', id: document.versionId } });
  return {
    cms,
    kind: 'item',
    type: itemType(document),
    id: document.id,
    status: document.status,
    ...(document.updatedAt === undefined || Number.isNaN(Date.parse(document.updatedAt)) ? {} : { date: new Date(document.updatedAt).toISOString() }),
    routes,
  };
}

/** Upload documents anywhere below a document (not the document itself), keyed by URL. */
function uploadsIn(value: unknown, origin: string, found: Map<string, UploadRef>, depth = 0): void {
  if (depth > 40) return;
  if (Array.isArray(value)) {
    for (const entry of value) uploadsIn(entry, origin, found, depth + 1);
    return;
  }
  if (!isObject(value)) return;
  if (depth > 0) {
    const upload = uploadRef(value, origin);
    if (upload !== undefined && !found.has(upload.url)) found.set(upload.url, upload);
  }
  for (const entry of Object.values(value)) uploadsIn(entry, origin, found, depth + 1);
}

function absolute(url: unknown, origin: string): string | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  try {
    return new URL(url, origin).href;
  } catch {
    return undefined;
  }
}

function uploadRef(doc: Record<string, unknown>, origin: string): UploadRef | undefined {
  const id = docId(doc.id);
  const url = absolute(doc.url, origin);
  if (id === undefined || url === undefined || typeof doc.filename !== 'string' || typeof doc.mimeType !== 'string') return undefined;
  const bytes = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);
  const sizes: UploadRef['sizes'] = [];
  if (isObject(doc.sizes)) {
    for (const size of Object.values(doc.sizes)) {
      const sizeUrl = isObject(size) ? absolute(size.url, origin) : undefined;
      if (sizeUrl === undefined || !isObject(size) || sizeUrl === url || sizes.some((entry) => entry.url === sizeUrl)) continue;
      const sizeBytes = bytes(size.filesize);
      sizes.push({ url: sizeUrl, ...(typeof size.mimeType === 'string' ? { mime: size.mimeType } : {}), ...(sizeBytes === undefined ? {} : { bytes: sizeBytes }) });
    }
  }
  const fileBytes = bytes(doc.filesize);
  return { url, id, mime: doc.mimeType, ...(fileBytes === undefined ? {} : { bytes: fileBytes }), sizes, ...(typeof doc.updatedAt === 'string' ? { updatedAt: doc.updatedAt } : {}) };
}

/**
 * Files the unpublished documents reference (their latest draft, depth 1) that no published
 * document references: every readable collection's published view (main rows without the
 * never-published drafts) and every readable global, depth 1.
 */
async function filesOf(context: AdapterContext, documents: DraftDoc[], slugs: string[], globals: string[], room: number, partial: (reason: string) => void): Promise<UnpublishedItem[]> {
  const candidates = new Map<string, { upload: UploadRef; parent: DraftDoc }>();
  const bySlug = groupBy(documents, (document) => document.collection);
  for (const [slug, docs] of bySlug) {
    const byId = new Map(docs.map((document) => [document.id, document]));
    for (let start = 0; start < docs.length; start += idsPerQuery) {
      const chunk = docs.slice(start, start + idsPerQuery).map((document) => document.id);
      for await (const page of pages(context, `/api/${slug}`, { draft: 'true', ...inIds('id', chunk), depth: 1 })) {
        for (const doc of page) {
          const parent = byId.get(docId(doc.id) ?? '');
          if (parent === undefined || doc._status !== 'draft') continue;
          const found = new Map<string, UploadRef>();
          uploadsIn(doc, context.origin, found);
          for (const upload of found.values()) {
            const known = candidates.get(upload.url);
            // A never-published parent outranks an edit for the report's wording.
            if (known === undefined || (known.parent.status === 'modified' && parent.status === 'draft')) candidates.set(upload.url, { upload, parent });
          }
        }
      }
    }
  }
  if (candidates.size === 0) return [];
  const used = new Map<string, UploadRef>();
  for (const slug of slugs) {
    for await (const page of pages(context, `/api/${slug}`, { depth: 1 })) {
      // The main rows: published documents, edited ones as published; a draft here is unpublished.
      for (const doc of page) if (doc._status !== 'draft') uploadsIn(doc, context.origin, used);
      context.progress(`inventory: reading what published documents of ${slug} use`);
    }
  }
  for (const slug of globals) {
    const { json } = await context.client.getJson(`/api/globals/${slug}?depth=1`);
    if (isObject(json) && json._status !== 'draft') uploadsIn(json, context.origin, used);
  }
  const files: UnpublishedItem[] = [];
  for (const { upload, parent } of candidates.values()) {
    if (used.has(upload.url)) continue;
    files.push(fileItem(upload, parent));
    if (files.length >= room) {
      partial(`the inventory stopped at ${context.maxItems} unpublished items (--max-items)`);
      break;
    }
  }
  return files;
}

function fileItem(upload: UploadRef, parent: DraftDoc): UnpublishedItem {
  // Payload serves an upload collection's files at /api/<slug>/file/<filename>.
  const slug = /\/api\/([^/]+)\/file\//.exec(new URL(upload.url).pathname)?.[1];
  const proof = (mime: string | undefined, bytes: number | undefined): ItemRoute['proof'] => ({ kind: 'file', ...(bytes === undefined ? {} : { bytes }), ...(mime === undefined ? {} : { mime }) });
  const routes: ItemRoute[] = [{ kind: 'file', url: upload.url, proof: proof(upload.mime, upload.bytes) }];
  for (const size of upload.sizes) routes.push({ kind: 'size-variant', url: size.url, proof: proof(size.mime ?? upload.mime, size.bytes) });
  return {
    cms,
    kind: 'file',
    type: slug === undefined ? 'upload' : decodeURIComponent(slug),
    id: upload.id,
    status: `file of ${parent.status} ${itemType(parent)}`,
    ...(upload.updatedAt === undefined || Number.isNaN(Date.parse(upload.updatedAt)) ? {} : { date: new Date(upload.updatedAt).toISOString() }),
    parent: { type: itemType(parent), id: parent.id, status: parent.status },
    routes,
  };
}
