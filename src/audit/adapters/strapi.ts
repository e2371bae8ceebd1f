import type { ItemRoute, UnpublishedItem } from '../types.js';
import { InventoryHttpError } from '../inventory-client.js';
import type { AdapterContext, Inventory, InventoryAdapter } from './adapter.js';
import { appendAll } from '../../core/objects.js';

// Strapi 5 content API with an API token (Authorization: Bearer <token>).
// Content types: the content-type builder's content API (GET /api/content-type-builder/content-
// types, scope plugin::content-type-builder.content-types.getContentTypes: a custom token may have
// it, a read-only token has only find/findOne scopes and gets 403); else the users-permissions
// role tree (GET /api/users-permissions/roles/:id, scope role.findOne, which a read-only token
// has), whose api::<name>.<singular> controllers name every content type, and the default route
// /api/<plural> with the plural Strapi's builder derives from the singular name.
// Drafts: every document has a draft version (status=draft, publishedAt null), published ones
// too; a document is unpublished when the status=published answer for its documentId is
// complete and does not have it. A published document whose draft was saved after the
// published version (updatedAt later: the content manager's "modified") has an unpublished
// edit, reported as such, proven by the draft row's own id.
// Files: /api/upload/files?populate=related lists each file with the rows that use it; a file
// used by a published document is related to that document's published row (publishedAt set),
// so a file whose every related row is a draft row of a document found unpublished above is used
// by unpublished content only. Strapi serves /uploads/ statically, with no access check.
// https://docs.strapi.io/cms/api/rest/status
// https://docs.strapi.io/cms/api/rest/upload
// https://docs.strapi.io/cms/features/api-tokens
// https://docs.strapi.io/cms/api/document#documentid

const cms = 'strapi';
const pageSize = 100;
const idsPerQuery = 40;
/** Strapi documentIds: 24 lowercase letters and digits; only such ids go into a URL. */
const documentIdPattern = /^[a-z0-9]{1,64}$/;
const localePattern = /^[A-Za-z0-9-]{1,35}$/;

interface ContentType {
  uid: string;
  /** The singular name, the report's type. */
  name: string;
  kind: 'collectionType' | 'singleType';
  /** /api/<plural> or /api/<singular>. */
  route: string;
  localized: boolean;
  /** True when the route was derived from the singular name (no content-type builder). */
  guessed: boolean;
}

interface Version {
  rowId: number;
  documentId: string;
  locale?: string;
  updatedAt?: string;
}

interface UnpublishedDocument {
  type: ContentType;
  draft: Version;
  /** draft: never published (or unpublished); modified: a published document's newer draft. */
  status: 'draft' | 'modified';
}

export const strapiAdapter: InventoryAdapter = {
  cms,
  apiPaths: ['/api/'],
  async collect(context: AdapterContext): Promise<Inventory> {
    const notes: string[] = [];
    let incomplete: string | undefined;
    const partial = (reason: string): void => {
      incomplete ??= reason;
    };
    const types = await contentTypes(context, notes);
    const documents: UnpublishedDocument[] = [];
    let refusedTypes = 0;
    for (const type of types) {
      if (documents.length >= context.maxItems) break;
      try {
        const found = await unpublishedOf(context, type, notes, partial);
        appendAll(documents, found);
        context.progress(`inventory: ${documents.length} unpublished document(s) so far (${type.name})`);
      } catch (error) {
        if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
        refusedTypes += 1;
        notes.push(`inventory: ${type.route} not listed (${error.message})${type.guessed ? '; the route was derived from the type name: give the token the content-type builder\'s read (getContentTypes) to list the real routes' : ''}; its drafts are not audited`);
        partial(`the inventory of ${type.uid} was refused`);
      }
    }
    if (documents.length >= context.maxItems) partial(`the inventory stopped at ${context.maxItems} unpublished items (--max-items)`);
    const kept = documents.slice(0, context.maxItems);
    const items: UnpublishedItem[] = kept.map((document) => documentItem(context.origin, document));
    if (kept.length > 0 && items.length < context.maxItems) {
      if (refusedTypes > 0) {
        // A file a published row of an unlisted type uses would look draft-only: not claimed.
        notes.push('inventory: files not audited, since a content type could not be listed (a file it uses in a published entry would look unpublished)');
        partial('the files were not audited');
      } else {
        try {
          const files = await filesOf(context, kept, context.maxItems - items.length, notes, partial);
          appendAll(items, files);
        } catch (error) {
          if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
          notes.push(`inventory: /api/upload/files not listed (${error.message}); the files of unpublished documents are not audited (the token needs Upload find)`);
          partial('the media library was refused');
        }
      }
    }
    return { items, notes, ...(incomplete === undefined ? {} : { incomplete }) };
  },
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Content types with draft and publish, from the content-type builder, else the role tree. */
async function contentTypes(context: AdapterContext, notes: string[]): Promise<ContentType[]> {
  try {
    const { json } = await context.client.getJson('/api/content-type-builder/content-types');
    if (!isObject(json) || !Array.isArray(json.data)) throw new InventoryHttpError('/api/content-type-builder/content-types', 200, '/api/content-type-builder/content-types did not answer a list of content types');
    const types: ContentType[] = [];
    for (const entry of json.data) {
      if (!isObject(entry) || typeof entry.uid !== 'string' || !entry.uid.startsWith('api::') || !isObject(entry.schema)) continue;
      const schema = entry.schema;
      if (schema.draftAndPublish !== true) continue;
      const kind = schema.kind === 'singleType' ? 'singleType' : 'collectionType';
      const name = typeof schema.singularName === 'string' ? schema.singularName : '';
      const path = kind === 'singleType' ? name : typeof schema.pluralName === 'string' ? schema.pluralName : '';
      if (!/^[a-z0-9][a-z0-9-_]*$/i.test(path)) continue;
      const i18n = isObject(schema.pluginOptions) && isObject(schema.pluginOptions.i18n) ? schema.pluginOptions.i18n : {};
      types.push({ uid: entry.uid, name, kind, route: `/api/${path}`, localized: i18n.localized === true, guessed: false });
    }
    notes.push(`inventory: ${types.length} content type(s) with draft and publish (content-type builder)`);
    return types;
  } catch (error) {
    if (!(error instanceof InventoryHttpError) || error.status === 401 || error.status === 0) throw error;
    // 403: a read-only token (find/findOne scopes only); 404: the builder's content API is off.
  }
  return typesFromRoles(context, notes);
}

/** api::<name>.<singular> controllers of a users-permissions role; the route from the name. */
async function typesFromRoles(context: AdapterContext, notes: string[]): Promise<ContentType[]> {
  const { json: list } = await context.client.getJson('/api/users-permissions/roles');
  const roles = isObject(list) && Array.isArray(list.roles) ? list.roles : [];
  const first = roles.find((role): role is Record<string, unknown> => isObject(role) && Number.isInteger(role.id));
  if (first === undefined) throw new InventoryHttpError('/api/users-permissions/roles', 200, '/api/users-permissions/roles named no role');
  const { json } = await context.client.getJson(`/api/users-permissions/roles/${Number(first.id)}`);
  const permissions = isObject(json) && isObject(json.role) && isObject(json.role.permissions) ? json.role.permissions : {};
  const types: ContentType[] = [];
  for (const [api, value] of Object.entries(permissions)) {
    if (!api.startsWith('api::') || !isObject(value) || !isObject(value.controllers)) continue;
    for (const [controller, actions] of Object.entries(value.controllers)) {
      if (!isObject(actions) || !/^[a-z0-9][a-z0-9-_]*$/i.test(controller) || !('find' in actions)) continue;
      // A collection type's controller has findOne; a single type's has find, update, delete.
      const kind = 'findOne' in actions ? 'collectionType' : 'singleType';
      types.push({ uid: `${api}.${controller}`, name: controller, kind, route: `/api/${kind === 'singleType' ? controller : pluralize(controller)}`, localized: false, guessed: true });
    }
  }
  notes.push(`inventory: ${types.length} content type(s) from the users-permissions role tree (the content-type builder refused the token; routes derived from the type names, draft and publish not known: drafts proven by publishedAt)`);
  return types;
}

/** The plural Strapi's content-type builder proposes by default (English rules, like pluralize). */
export function pluralize(singular: string): string {
  const invariant = new Set(['news', 'series', 'species', 'information', 'equipment', 'media', 'data', 'feedback', 'software', 'music', 'content']);
  const lower = singular.toLowerCase();
  const last = lower.split(/[-_]/).pop() ?? lower;
  if (invariant.has(last)) return singular;
  const irregular: Record<string, string> = { person: 'people', child: 'children', man: 'men', woman: 'women', mouse: 'mice', goose: 'geese', foot: 'feet', tooth: 'teeth', index: 'indices', faq: 'faqs', quiz: 'quizzes' };
  const stem = singular.slice(0, singular.length - last.length);
  if (irregular[last] !== undefined) return `${stem}${irregular[last]}`;
  if (/[^aeiou]y$/.test(last)) return `${singular.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(last)) return `${singular}es`;
  if (/[^f]fe$/.test(last)) return `${singular.slice(0, -2)}ves`;
  if (/(?:[lr]|ea)f$/.test(last)) return `${singular.slice(0, -1)}ves`;
  return `${singular}s`;
}

function query(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&');
}

const versionFields = { 'fields[0]': 'updatedAt', 'fields[1]': 'publishedAt' };

/** A draft or published row as the content API gives it; undefined when it is not one. */
function version(raw: unknown, wanted: 'draft' | 'published'): Version | undefined {
  if (!isObject(raw)) return undefined;
  const { id, documentId, publishedAt, updatedAt, locale } = raw;
  if (typeof id !== 'number' || !Number.isInteger(id) || typeof documentId !== 'string' || !documentIdPattern.test(documentId)) return undefined;
  // The row's own field decides: a draft row has publishedAt null, a published row a date.
  if (!('publishedAt' in raw)) return undefined;
  if (wanted === 'draft' ? publishedAt !== null : typeof publishedAt !== 'string' || publishedAt === '') return undefined;
  return {
    rowId: id,
    documentId,
    ...(typeof locale === 'string' && localePattern.test(locale) ? { locale } : {}),
    ...(typeof updatedAt === 'string' ? { updatedAt } : {}),
  };
}

const key = (version: { documentId: string; locale?: string }): string => `${version.documentId}\u0000${version.locale ?? ''}`;

async function unpublishedOf(context: AdapterContext, type: ContentType, notes: string[], partial: (reason: string) => void): Promise<UnpublishedDocument[]> {
  const drafts = type.kind === 'singleType' ? await singleVersion(context, type, 'draft') : await draftVersions(context, type);
  if (drafts.length === 0) return [];
  const { published, unproven } =
    type.kind === 'singleType'
      ? { published: new Map((await singleVersion(context, type, 'published')).map((entry) => [key(entry), entry])), unproven: new Set<string>() }
      : await publishedVersions(context, type, drafts, notes, partial);
  const documents: UnpublishedDocument[] = [];
  for (const draft of drafts) {
    // Not proven either way: never claimed.
    if (unproven.has(draft.documentId)) continue;
    const live = published.get(key(draft));
    if (live === undefined) {
      documents.push({ type, draft, status: 'draft' });
    } else if (draft.updatedAt !== undefined && live.updatedAt !== undefined && Date.parse(draft.updatedAt) > Date.parse(live.updatedAt)) {
      // The content manager's "modified": the draft was saved after the version the public has.
      documents.push({ type, draft, status: 'modified' });
    }
  }
  return documents;
}

/** Every draft row of a collection type, page by page, deduplicated. */
async function draftVersions(context: AdapterContext, type: ContentType): Promise<Version[]> {
  const found = new Map<string, Version>();
  for (let page = 1; ; page += 1) {
    const url = `${type.route}?${query({ status: 'draft', ...versionFields, ...(type.localized ? { 'fields[2]': 'locale', locale: '*' } : {}), sort: 'id:asc', 'pagination[page]': page, 'pagination[pageSize]': pageSize })}`;
    const { json } = await context.client.getJson(url);
    if (!isObject(json) || !Array.isArray(json.data)) throw new InventoryHttpError(url, 200, `${type.route} did not answer a Strapi list ({ data: [...] })`);
    const before = found.size;
    for (const raw of json.data) {
      const draft = version(raw, 'draft');
      if (draft !== undefined && !found.has(key(draft))) found.set(key(draft), draft);
    }
    const pagination = isObject(json.meta) && isObject(json.meta.pagination) ? json.meta.pagination : {};
    const pageCount = typeof pagination.pageCount === 'number' ? pagination.pageCount : 1;
    // A server that ignores the page answers the same rows again: nothing new, stop.
    if (json.data.length === 0 || page >= pageCount || found.size === before) break;
  }
  return [...found.values()];
}

/**
 * The published rows of exactly these documents. An answer counts only when it is complete
 * (meta.pagination.total not above the rows given) and every row is published: otherwise a
 * document's absence proves nothing, and those documents are left out with a note.
 */
async function publishedVersions(context: AdapterContext, type: ContentType, drafts: Version[], notes: string[], partial: (reason: string) => void): Promise<{ published: Map<string, Version>; unproven: Set<string> }> {
  const published = new Map<string, Version>();
  const ids = [...new Set(drafts.map((draft) => draft.documentId))];
  const unproven = new Set<string>();
  for (let start = 0; start < ids.length; start += idsPerQuery) {
    const chunk = ids.slice(start, start + idsPerQuery);
    const filters = Object.fromEntries(chunk.map((id, index) => [`filters[documentId][$in][${index}]`, id]));
    const url = `${type.route}?${query({ status: 'published', ...versionFields, ...(type.localized ? { 'fields[2]': 'locale', locale: '*' } : {}), ...filters, 'pagination[page]': 1, 'pagination[pageSize]': pageSize })}`;
    const { json } = await context.client.getJson(url);
    const rows = isObject(json) && Array.isArray(json.data) ? json.data : undefined;
    const pagination = isObject(json) && isObject(json.meta) && isObject(json.meta.pagination) ? json.meta.pagination : {};
    const total = typeof pagination.total === 'number' ? pagination.total : undefined;
    const versions = (rows ?? []).map((raw) => version(raw, 'published'));
    if (rows === undefined || total === undefined || total > rows.length || versions.some((entry) => entry === undefined)) {
      for (const id of chunk) unproven.add(id);
      continue;
    }
    for (const entry of versions) if (entry !== undefined) published.set(key(entry), entry);
  }
  if (unproven.size > 0) {
    notes.push(`inventory: ${type.route}?status=published gave an incomplete or mixed answer for ${unproven.size} document(s); their publication state is not proven and they are not audited`);
    partial(`the published versions of ${type.uid} could not be read completely`);
  }
  return { published, unproven };
}

/** A single type's one document, draft or published; none (404) when it has no such version. */
async function singleVersion(context: AdapterContext, type: ContentType, status: 'draft' | 'published'): Promise<Version[]> {
  const url = `${type.route}?${query({ status, ...versionFields })}`;
  try {
    const { json } = await context.client.getJson(url);
    const entry = isObject(json) ? version(json.data, status) : undefined;
    return entry === undefined ? [] : [entry];
  } catch (error) {
    // Strapi answers 404 (NotFoundError) for a single type without that version.
    if (error instanceof InventoryHttpError && error.status === 404) return [];
    throw error;
  }
}

function itemId(version: Version): string {
  return version.locale === undefined ? version.documentId : `${version.documentId}@${version.locale}`;
}

/**
 * Strapi has no front end: the routes are the content API's. A never-published document is
 * proven by its documentId (no published version has it); an unpublished edit by the draft row's
 * own id (the published version has another id under the same documentId).
 */
function documentItem(origin: string, document: UnpublishedDocument): UnpublishedItem {
  const { type, draft, status } = document;
  const locale = draft.locale === undefined ? {} : { locale: draft.locale };
  const field = status === 'draft' ? 'documentId' : 'id';
  const id = status === 'draft' ? draft.documentId : String(draft.rowId);
  const url = (path: string, params: Record<string, string | number | undefined>): string => {
    const text = query(params);
    return new URL(`${path}${text === '' ? '' : `?${text}`}`, origin).href;
  };
  const routes: ItemRoute[] = [];
  if (type.kind === 'collectionType') {
    const single = `${type.route}/${draft.documentId}`;
    if (status === 'draft') routes.push({ kind: 'rest', url: url(single, locale), proof: { kind: 'json-id', field: `data.${field}`, id } });
    routes.push({ kind: 'preview', url: url(single, { status: 'draft', ...locale }), proof: { kind: 'json-id', field: `data.${field}`, id } });
    // find and findOne are separate permissions: the list, filtered to this document.
    routes.push({ kind: 'id-query', url: url(type.route, { status: 'draft', 'filters[documentId][$eq]': draft.documentId, ...locale }), proof: { kind: 'json-id', field: `data.0.${field}`, id } });
  } else {
    if (status === 'draft') routes.push({ kind: 'rest', url: url(type.route, locale), proof: { kind: 'json-id', field: `data.${field}`, id } });
    routes.push({ kind: 'preview', url: url(type.route, { status: 'draft', ...locale }), proof: { kind: 'json-id', field: `data.${field}`, id } });
  }
  return {
    cms,
    kind: 'item',
    type: type.name,
    id: itemId(draft),
    status,
    ...(draft.updatedAt === undefined ? {} : { date: new Date(draft.updatedAt).toISOString() }),
    routes,
  };
}

/**
 * Files whose every related row is a draft row of a document found unpublished: used by
 * unpublished content only. A row without publishedAt (a component, a type without draft and
 * publish, a row the sanitizer cut down), a published row, or a draft row of a document not
 * found unpublished means the file is used by published content: never claimed.
 */
async function filesOf(context: AdapterContext, documents: UnpublishedDocument[], room: number, notes: string[], partial: (reason: string) => void): Promise<UnpublishedItem[]> {
  const byRow = new Map<string, UnpublishedDocument>();
  for (const document of documents) byRow.set(key(document.draft), document);
  const files: UnpublishedItem[] = [];
  const seen = new Set<string>();
  let elsewhere = 0;
  for (let start = 0; ; ) {
    const url = `/api/upload/files?${query({ populate: 'related', sort: 'id:asc', 'pagination[start]': start, 'pagination[limit]': pageSize })}`;
    const { json } = await context.client.getJson(url);
    if (!Array.isArray(json)) throw new InventoryHttpError(url, 200, '/api/upload/files did not answer a list of files');
    let fresh = 0;
    for (const raw of json) {
      if (!isObject(raw) || typeof raw.id !== 'number' || seen.has(String(raw.id))) continue;
      seen.add(String(raw.id));
      fresh += 1;
      const parent = draftOnlyParent(raw, byRow);
      if (parent === undefined) continue;
      const file = fileItem(context.origin, raw, parent);
      if (file === undefined) continue;
      if (file.routes.some((route) => new URL(route.url).origin !== context.origin)) elsewhere += 1;
      files.push(file);
      if (files.length >= room) {
        partial(`the inventory stopped at ${context.maxItems} unpublished items (--max-items)`);
        return files;
      }
    }
    context.progress(`inventory: ${files.length} file(s) used only by unpublished documents so far`);
    // A server that ignores the offset answers the same files again: nothing new, stop.
    if (json.length === 0 || fresh === 0) break;
    start += json.length;
  }
  if (elsewhere > 0) notes.push(`inventory: ${elsewhere} file(s) of unpublished documents are held on another host (an upload provider); their URLs are outside the audited origin`);
  return files;
}

function draftOnlyParent(file: Record<string, unknown>, byRow: Map<string, UnpublishedDocument>): UnpublishedDocument | undefined {
  const related = file.related;
  if (!Array.isArray(related) || related.length === 0) return undefined;
  let parent: UnpublishedDocument | undefined;
  for (const row of related) {
    if (!isObject(row) || !('publishedAt' in row) || row.publishedAt !== null || typeof row.documentId !== 'string') return undefined;
    const locale = typeof row.locale === 'string' ? row.locale : undefined;
    const document = byRow.get(key({ documentId: row.documentId, ...(locale === undefined ? {} : { locale }) }));
    // A draft row of a document not found unpublished (published and unchanged, or not listed):
    // the file may be what published content shows; not claimed.
    if (document === undefined || (typeof row.id === 'number' && row.id !== document.draft.rowId)) return undefined;
    // A never-published parent outranks an edit for the report's wording.
    if (parent === undefined || (parent.status === 'modified' && document.status === 'draft')) parent = document;
  }
  return parent;
}

function fileItem(origin: string, file: Record<string, unknown>, parent: UnpublishedDocument): UnpublishedItem | undefined {
  const mime = typeof file.mime === 'string' ? file.mime : undefined;
  const routes: ItemRoute[] = [];
  const add = (kind: 'file' | 'size-variant', url: unknown, bytes: unknown, sizeMime: unknown): void => {
    if (typeof url !== 'string' || url === '') return;
    let absolute: string;
    try {
      absolute = new URL(url, origin).href;
    } catch {
      return;
    }
    if (routes.some((route) => route.url === absolute)) return;
    const fileMime = typeof sizeMime === 'string' ? sizeMime : mime;
    // sizeInBytes is exact (Strapi 5); size is in kilobytes, rounded: not a byte count.
    routes.push({ kind, url: absolute, proof: { kind: 'file', ...(typeof bytes === 'number' && Number.isInteger(bytes) && bytes > 0 ? { bytes } : {}), ...(fileMime === undefined ? {} : { mime: fileMime }) } });
  };
  add('file', file.url, file.sizeInBytes, mime);
  if (isObject(file.formats)) {
    for (const format of Object.values(file.formats)) {
      if (isObject(format)) add('size-variant', format.url, format.sizeInBytes, format.mime);
    }
  }
  if (routes.length === 0) return undefined;
  const date = typeof file.updatedAt === 'string' ? file.updatedAt : typeof file.createdAt === 'string' ? file.createdAt : undefined;
  return {
    cms,
    kind: 'file',
    type: 'file',
    id: String(file.id),
    status: `file of ${parent.status} ${parent.type.name}`,
    ...(date === undefined || Number.isNaN(Date.parse(date)) ? {} : { date: new Date(date).toISOString() }),
    parent: { type: parent.type.name, id: itemId(parent.draft), status: parent.status },
    routes,
  };
}
