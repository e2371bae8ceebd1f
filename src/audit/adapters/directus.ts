import type { ItemRoute, UnpublishedItem } from '../types.js';
import { InventoryHttpError } from '../inventory-client.js';
import type { AdapterContext, Inventory, InventoryAdapter } from './adapter.js';
import { addToGroup, appendAll } from '../../core/objects.js';

// Directus 11 REST API with a static token (Authorization: Bearer <token>). Directus has no
// publishing of its own: a collection is "publishable" by convention, through a status field.
// The app's "Status" preset (Settings > Data Model > new collection) makes a field with the
// choices published/draft/archived, default draft, and sets the collection's archive meta
// (directus_collections.archive_field = status, archive_value = archived, unarchive_value =
// draft). The adapter reads that meta and the field's choices from /collections and /fields:
// - the status field is the collection's archive_field, else a field named `status` with choices;
// - when "published" is one of its choices (and is neither the archive nor the unarchive value),
//   every item whose status is another value is unpublished (what a front end filtering on
//   status = published would not show);
// - otherwise the schema does not say which value is published: only items in the collection's
//   archive_value are audited (the one state the schema itself names), and a note says why.
// Files: file fields (many-to-one to directus_files) and many-to-many junctions to
// directus_files, from /relations; a file is reported only when every item that references it,
// in any collection, is one of the unpublished items found (proved by asking, for each
// reference, which items hold the file). Routes are Directus' own: it has no front end.
// https://docs.directus.io/reference/items.html
// https://docs.directus.io/reference/system/collections.html
// https://docs.directus.io/reference/system/fields.html
// https://docs.directus.io/reference/system/relations.html
// https://docs.directus.io/reference/files.html
// https://docs.directus.io/reference/authentication.html

const pageSize = 100;
const idsPerFilter = 50;
// Display only: the due date of an item whose status is literally "scheduled" (Directus has no
// scheduler; a Flow or a cron job flips the status on that date, by the project's convention).
const dueDateFields = ['publish_date', 'published_at', 'publish_at', 'date_published', 'publish_on', 'published_on', 'scheduled_at', 'scheduled_for', 'go_live'];

interface FieldInfo {
  field: string;
  type: string;
  special: string[];
  choices: string[] | undefined;
  primaryKey: boolean;
}

interface CollectionPlan {
  collection: string;
  singleton: boolean;
  primaryKey: string;
  statusField: string;
  /** Values that make an item unpublished, or a test of the value. */
  isUnpublished: (value: string) => boolean;
  /** The filter asked of Directus (the answer is checked again, item by item). */
  filter: Record<string, unknown>;
  /** m2o file fields of this collection. */
  fileFields: string[];
  dateUpdated?: string;
  dateCreated?: string;
  dueDate?: string;
}

/** Where files are referenced: a file field of a collection, or a junction row of an m2m. */
type FileReference =
  | { kind: 'field'; collection: string; primaryKey: string; field: string }
  | { kind: 'junction'; junction: string; primaryKey?: string; fileKey: string; parentKey: string; parent: string };

interface FoundItem {
  plan: CollectionPlan;
  id: string;
  status: string;
  date?: string;
  scheduledFor?: string;
}

export const directusAdapter: InventoryAdapter = {
  cms: 'directus',
  apiPaths: ['/collections', '/fields', '/relations', '/items/', '/files'],
  async collect(context: AdapterContext): Promise<Inventory> {
    const notes: string[] = [];
    let incomplete: string | undefined;
    const collections = await listCollections(context);
    const fields = await listFields(context);
    const relations = await listRelations(context);
    const references = fileReferences(relations, fields);
    const plans: CollectionPlan[] = [];
    for (const meta of collections) {
      const plan = planCollection(meta, fields.get(meta.collection) ?? [], references, notes);
      if (plan !== undefined) plans.push(plan);
    }

    const found: FoundItem[] = [];
    const filesOf = new Map<string, Set<string>>(); // file id -> "collection:id" of unpublished items
    const unpublishedKeys = new Set<string>();
    for (const plan of plans) {
      if (found.length >= context.maxItems) break;
      const before = found.length;
      try {
        for await (const row of rows(context, plan.collection, plan.singleton, { filter: plan.filter, fields: planFields(plan), sort: plan.primaryKey })) {
          const item = foundItem(plan, row);
          if (item === undefined) continue;
          const key = `${plan.collection}:${item.id}`;
          if (unpublishedKeys.has(key)) continue;
          unpublishedKeys.add(key);
          found.push(item);
          for (const field of plan.fileFields) addFile(filesOf, row[field], key);
          if (found.length >= context.maxItems) break;
        }
      } catch (error) {
        if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
        notes.push(`inventory: ${plan.collection} not listed (${error.message}); its unpublished items are not audited`);
        incomplete ??= `the inventory of ${plan.collection} was refused`;
      }
      context.progress(`inventory: ${found.length} unpublished item(s) so far (${plan.collection})`);
      if (found.length > before) logCount(context, plan.collection, found.length - before);
    }
    if (found.length >= context.maxItems) incomplete = `the inventory stopped at ${context.maxItems} unpublished items (--max-items)`;

    // Files of unpublished items through many-to-many junctions (the junction rows by parent).
    const byCollection = new Map<string, string[]>();
    for (const item of found) addToGroup(byCollection, item.plan.collection, item.id);
    let filesIncomplete: string | undefined;
    for (const reference of references) {
      if (reference.kind !== 'junction') continue;
      const parents = byCollection.get(reference.parent);
      if (parents === undefined) continue;
      try {
        for (let start = 0; start < parents.length; start += idsPerFilter) {
          const chunk = parents.slice(start, start + idsPerFilter);
          const wanted = new Set(chunk);
          for await (const row of rows(context, reference.junction, false, { filter: { [reference.parentKey]: { _in: chunk } }, fields: [reference.parentKey, reference.fileKey], ...(reference.primaryKey === undefined ? {} : { sort: reference.primaryKey }) })) {
            const parent = scalar(row[reference.parentKey]);
            if (parent === undefined || !wanted.has(parent)) continue;
            addFile(filesOf, row[reference.fileKey], `${reference.parent}:${parent}`);
          }
        }
      } catch (error) {
        if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
        filesIncomplete ??= `the junction ${reference.junction} could not be read (${error.message})`;
      }
    }

    // A file stays only if no other item (published, in a collection without status, or not
    // found as unpublished) references it, by any file field or junction of any collection.
    const candidates = [...filesOf.keys()];
    const usedElsewhere = new Set<string>();
    for (let start = 0; start < candidates.length && filesIncomplete === undefined; start += idsPerFilter) {
      const chunk = candidates.slice(start, start + idsPerFilter);
      const wanted = new Set(chunk);
      for (const reference of references) {
        try {
          if (reference.kind === 'field') {
            for await (const row of rows(context, reference.collection, false, { filter: { [reference.field]: { _in: chunk } }, fields: [reference.primaryKey, reference.field], sort: reference.primaryKey })) {
              const file = scalar(row[reference.field]);
              const owner = scalar(row[reference.primaryKey]);
              if (file === undefined || !wanted.has(file)) continue;
              if (owner === undefined || !unpublishedKeys.has(`${reference.collection}:${owner}`)) usedElsewhere.add(file);
            }
          } else {
            for await (const row of rows(context, reference.junction, false, { filter: { [reference.fileKey]: { _in: chunk } }, fields: [reference.parentKey, reference.fileKey], ...(reference.primaryKey === undefined ? {} : { sort: reference.primaryKey }) })) {
              const file = scalar(row[reference.fileKey]);
              const owner = scalar(row[reference.parentKey]);
              if (file === undefined || !wanted.has(file)) continue;
              // A junction row without a parent links the file to nothing.
              if (owner !== undefined && !unpublishedKeys.has(`${reference.parent}:${owner}`)) usedElsewhere.add(file);
            }
          }
        } catch (error) {
          if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
          const where = reference.kind === 'field' ? `${reference.collection}.${reference.field}` : reference.junction;
          filesIncomplete ??= `${where} could not be read (${error.message}), so no file can be shown to be used by unpublished items only`;
        }
      }
    }
    const items: UnpublishedItem[] = found.map((item) => contentItem(context.origin, item));
    const foundByKey = new Map(found.map((item) => [`${item.plan.collection}:${item.id}`, item]));
    if (filesIncomplete !== undefined) {
      notes.push(`inventory: files not audited: ${filesIncomplete}`);
      incomplete ??= 'the files of unpublished items could not be listed';
    } else {
      const exclusive = candidates.filter((id) => !usedElsewhere.has(id));
      if (usedElsewhere.size > 0) notes.push(`inventory: ${usedElsewhere.size} file(s) of unpublished items are also used by published items (or items without a status) and are not audited as unpublished`);
      const room = Math.max(0, context.maxItems - items.length);
      if (exclusive.length > room) incomplete ??= `the inventory stopped at ${context.maxItems} unpublished items and files (--max-items)`;
      const files = await fileItems(context, exclusive.slice(0, room), filesOf, foundByKey);
      appendAll(items, files);
      context.progress(`inventory: ${files.length} file(s) used only by unpublished items`);
    }
    return { items, notes, ...(incomplete === undefined ? {} : { incomplete }) };
  },
};

function logCount(context: AdapterContext, collection: string, count: number): void {
  context.logger.debug({ collection, count }, 'directus inventory: unpublished items');
}

// --- schema -----------------------------------------------------------------------------------

interface CollectionMeta {
  collection: string;
  singleton: boolean;
  archiveField?: string;
  archiveValue?: string;
  unarchiveValue?: string;
}

function dataOf(json: unknown, what: string): unknown {
  if (json === null || typeof json !== 'object' || !('data' in json)) throw new InventoryHttpError(what, 200, `${what} did not answer a Directus document ({"data": ...})`);
  return (json as { data: unknown }).data;
}

function listOf(json: unknown, what: string): Array<Record<string, unknown>> {
  const data = dataOf(json, what);
  if (!Array.isArray(data)) throw new InventoryHttpError(what, 200, `${what} did not answer a list`);
  return data.filter((entry): entry is Record<string, unknown> => entry !== null && typeof entry === 'object' && !Array.isArray(entry));
}

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** A key or a file id as a string (numbers for integer keys); objects and null are not. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

async function listCollections(context: AdapterContext): Promise<CollectionMeta[]> {
  const { json } = await context.client.getJson('/collections');
  const out: CollectionMeta[] = [];
  for (const entry of listOf(json, '/collections')) {
    const collection = text(entry.collection);
    // System collections have their own endpoints and no status; a folder (schema null) has no table.
    if (collection === undefined || collection.startsWith('directus_') || entry.schema === null) continue;
    const meta = record(entry.meta);
    const archiveField = text(meta.archive_field);
    const archiveValue = meta.archive_value === null || meta.archive_value === undefined ? undefined : String(meta.archive_value);
    const unarchiveValue = meta.unarchive_value === null || meta.unarchive_value === undefined ? undefined : String(meta.unarchive_value);
    out.push({
      collection,
      singleton: meta.singleton === true,
      ...(archiveField === undefined ? {} : { archiveField }),
      ...(archiveValue === undefined ? {} : { archiveValue }),
      ...(unarchiveValue === undefined ? {} : { unarchiveValue }),
    });
  }
  return out;
}

async function listFields(context: AdapterContext): Promise<Map<string, FieldInfo[]>> {
  const { json } = await context.client.getJson('/fields');
  const out = new Map<string, FieldInfo[]>();
  for (const entry of listOf(json, '/fields')) {
    const collection = text(entry.collection);
    const field = text(entry.field);
    if (collection === undefined || field === undefined) continue;
    const meta = record(entry.meta);
    const special = Array.isArray(meta.special) ? meta.special.filter((value): value is string => typeof value === 'string') : typeof meta.special === 'string' ? meta.special.split(',') : [];
    const rawChoices = record(meta.options).choices;
    const choices = Array.isArray(rawChoices)
      ? rawChoices.map((choice) => (choice !== null && typeof choice === 'object' ? (choice as Record<string, unknown>).value : choice)).filter((value) => value !== null && value !== undefined).map(String)
      : undefined;
    const info: FieldInfo = { field, type: text(entry.type) ?? '', special, choices: choices !== undefined && choices.length > 0 ? choices : undefined, primaryKey: record(entry.schema).is_primary_key === true };
    out.set(collection, [...(out.get(collection) ?? []), info]);
  }
  return out;
}

async function listRelations(context: AdapterContext): Promise<Array<Record<string, unknown>>> {
  const { json } = await context.client.getJson('/relations');
  return listOf(json, '/relations');
}

/** File fields (m2o to directus_files) and m2m junctions to directus_files of user collections. */
function fileReferences(relations: Array<Record<string, unknown>>, fields: Map<string, FieldInfo[]>): FileReference[] {
  const out: FileReference[] = [];
  const primaryKey = (collection: string): string | undefined => fields.get(collection)?.find((field) => field.primaryKey)?.field;
  for (const relation of relations) {
    const collection = text(relation.collection);
    const field = text(relation.field);
    if (relation.related_collection !== 'directus_files' || collection === undefined || field === undefined || collection.startsWith('directus_')) continue;
    const junctionField = text(record(relation.meta).junction_field);
    if (junctionField === undefined) {
      const key = primaryKey(collection);
      if (key !== undefined) out.push({ kind: 'field', collection, primaryKey: key, field });
      continue;
    }
    // The other side of the junction: junction.<junctionField> -> the parent collection.
    const sibling = relations.find((other) => other.collection === collection && other.field === junctionField);
    const parent = text(sibling?.related_collection);
    if (parent === undefined || parent.startsWith('directus_')) continue;
    const key = primaryKey(collection);
    out.push({ kind: 'junction', junction: collection, ...(key === undefined ? {} : { primaryKey: key }), fileKey: field, parentKey: junctionField, parent });
  }
  return out;
}

function planCollection(meta: CollectionMeta, fields: FieldInfo[], references: FileReference[], notes: string[]): CollectionPlan | undefined {
  const primaryKey = fields.find((field) => field.primaryKey)?.field;
  if (primaryKey === undefined) return undefined;
  const byName = new Map(fields.map((field) => [field.field, field]));
  const archive = meta.archiveField === undefined ? undefined : byName.get(meta.archiveField);
  const named = byName.get('status');
  const status = archive ?? (named?.choices !== undefined ? named : undefined);
  if (status === undefined) return undefined; // No status: every item is as public as the collection.
  const choices = status.choices ?? [];
  const isArchiveField = archive !== undefined && archive === status;
  const archiveValue = isArchiveField ? meta.archiveValue : undefined;
  const unarchiveValue = isArchiveField ? meta.unarchiveValue : undefined;
  let isUnpublished: (value: string) => boolean;
  let filter: Record<string, unknown>;
  if (choices.includes('published') && archiveValue !== 'published' && unarchiveValue !== 'published') {
    isUnpublished = (value) => value !== 'published';
    filter = { [status.field]: { _neq: 'published' } };
  } else if (archiveValue !== undefined) {
    // The lower claim: the schema names no published value, only what "archived" is.
    notes.push(
      `inventory: ${meta.collection}: the status field ${status.field} has no "published" choice${choices.length > 0 ? ` (choices: ${choices.join(', ')})` : ''}, so the schema does not say which value is published; only items in its archive value "${archiveValue}" are audited as unpublished`,
    );
    isUnpublished = (value) => value === archiveValue;
    filter = { [status.field]: { _eq: archiveValue } };
  } else {
    notes.push(`inventory: ${meta.collection}: the status field ${status.field} has no "published" choice${choices.length > 0 ? ` (choices: ${choices.join(', ')})` : ''} and the collection no archive value, so the schema does not say which items are unpublished; not audited`);
    return undefined;
  }
  const fileFields = references.filter((reference): reference is Extract<FileReference, { kind: 'field' }> => reference.kind === 'field' && reference.collection === meta.collection).map((reference) => reference.field);
  const dateUpdated = fields.find((field) => field.special.includes('date-updated'))?.field;
  const dateCreated = fields.find((field) => field.special.includes('date-created'))?.field;
  const dueDate = dueDateFields.find((name) => ['timestamp', 'dateTime', 'date'].includes(byName.get(name)?.type ?? ''));
  return {
    collection: meta.collection,
    singleton: meta.singleton,
    primaryKey,
    statusField: status.field,
    isUnpublished,
    filter,
    fileFields,
    ...(dateUpdated === undefined ? {} : { dateUpdated }),
    ...(dateCreated === undefined ? {} : { dateCreated }),
    ...(dueDate === undefined ? {} : { dueDate }),
  };
}

function planFields(plan: CollectionPlan): string[] {
  return [...new Set([plan.primaryKey, plan.statusField, ...plan.fileFields, plan.dateUpdated, plan.dateCreated, plan.dueDate].filter((field): field is string => field !== undefined))];
}

// --- items ------------------------------------------------------------------------------------

/**
 * Every row of a collection for a query, page by page (limit/page, sorted), until a short page;
 * a page that brings nothing new (a server that ignores the page) ends it too.
 */
async function* rows(context: AdapterContext, collection: string, singleton: boolean, query: { filter: Record<string, unknown>; fields: string[]; sort?: string }): AsyncGenerator<Record<string, unknown>> {
  const base = `/items/${encodeURIComponent(collection)}?filter=${encodeURIComponent(JSON.stringify(query.filter))}&fields=${query.fields.map(encodeURIComponent).join(',')}`;
  const seen = new Set<string>();
  for (let page = 1; ; page += 1) {
    const { json } = await context.client.getJson(singleton ? base : `${base}${query.sort === undefined ? '' : `&sort=${encodeURIComponent(query.sort)}`}&limit=${pageSize}&page=${page}`);
    const data = dataOf(json, `/items/${collection}`);
    // A singleton answers its one item as an object.
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      yield data as Record<string, unknown>;
      return;
    }
    const list = listOf(json, `/items/${collection}`);
    let fresh = 0;
    for (const row of list) {
      const signature = JSON.stringify(row);
      if (seen.has(signature)) continue;
      seen.add(signature);
      fresh += 1;
      yield row;
    }
    if (list.length < pageSize || fresh === 0) return;
  }
}

function foundItem(plan: CollectionPlan, row: Record<string, unknown>): FoundItem | undefined {
  const id = scalar(row[plan.primaryKey]);
  const raw = row[plan.statusField];
  // The query asked for unpublished items; an answer that ignores it is checked item by item.
  if (id === undefined || raw === null || raw === undefined || typeof raw === 'object') return undefined;
  const status = String(raw);
  if (!plan.isUnpublished(status)) return undefined;
  const date = isoDate(plan.dateUpdated === undefined ? undefined : row[plan.dateUpdated]) ?? isoDate(plan.dateCreated === undefined ? undefined : row[plan.dateCreated]);
  const scheduledFor = status === 'scheduled' && plan.dueDate !== undefined ? isoDate(row[plan.dueDate]) : undefined;
  return { plan, id, status, ...(date === undefined ? {} : { date }), ...(scheduledFor === undefined ? {} : { scheduledFor }) };
}

/** ISO 8601 UTC; Directus' dateTime has no zone (stored as given), read as UTC. */
function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const withZone = /(Z|[+-]\d\d:?\d\d)$/.test(value) || /^\d{4}-\d\d-\d\d$/.test(value) ? value : `${value}Z`;
  const time = Date.parse(withZone);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function addFile(filesOf: Map<string, Set<string>>, value: unknown, owner: string): void {
  // A file field holds the file's id; with a nested fields query it would be the file object.
  const id = scalar(value) ?? scalar(record(value).id);
  if (id === undefined) return;
  const owners = filesOf.get(id) ?? new Set<string>();
  owners.add(owner);
  filesOf.set(id, owners);
}

function contentItem(origin: string, item: FoundItem): UnpublishedItem {
  const collection = encodeURIComponent(item.plan.collection);
  const url = item.plan.singleton ? `/items/${collection}` : `/items/${collection}/${encodeURIComponent(item.id)}`;
  return {
    cms: 'directus',
    kind: 'item',
    type: item.plan.collection,
    id: item.id,
    status: item.status,
    ...(item.scheduledFor === undefined ? {} : { scheduledFor: item.scheduledFor }),
    ...(item.date === undefined ? {} : { date: item.date }),
    routes: [{ kind: 'rest', url: new URL(url, origin).href, proof: { kind: 'json-id', field: `data.${item.plan.primaryKey}`, id: item.id } }],
  };
}

// --- files ------------------------------------------------------------------------------------

async function fileItems(context: AdapterContext, ids: string[], filesOf: Map<string, Set<string>>, found: Map<string, FoundItem>): Promise<UnpublishedItem[]> {
  const out: UnpublishedItem[] = [];
  const seen = new Set<string>();
  for (let start = 0; start < ids.length; start += idsPerFilter) {
    const chunk = ids.slice(start, start + idsPerFilter);
    const wanted = new Set(chunk);
    const query = `/files?filter=${encodeURIComponent(JSON.stringify({ id: { _in: chunk } }))}&fields=id,type,filesize,modified_on,uploaded_on&limit=${chunk.length}`;
    const { json } = await context.client.getJson(query);
    for (const file of listOf(json, '/files')) {
      const id = scalar(file.id);
      if (id === undefined || !wanted.has(id) || seen.has(id)) continue;
      seen.add(id);
      const owners = [...(filesOf.get(id) ?? [])].map((key) => found.get(key)).filter((item): item is FoundItem => item !== undefined);
      // The parent named is the one that leaks most: a scheduled item first, then the first found.
      const parent = owners.find((owner) => owner.status === 'scheduled') ?? owners[0];
      if (parent === undefined) continue;
      out.push(fileItem(context.origin, id, file, parent));
    }
  }
  return out;
}

function fileItem(origin: string, id: string, file: Record<string, unknown>, parent: FoundItem): UnpublishedItem {
  const mime = text(file.type);
  // filesize is a bigint column: a number on SQLite and MySQL, a string on PostgreSQL.
  const size = typeof file.filesize === 'number' ? file.filesize : typeof file.filesize === 'string' && /^\d+$/.test(file.filesize) ? Number(file.filesize) : undefined;
  const proof = { kind: 'file' as const, ...(size !== undefined && Number.isSafeInteger(size) && size > 0 ? { bytes: size } : {}), ...(mime === undefined ? {} : { mime }) };
  const asset = new URL(`/assets/${encodeURIComponent(id)}`, origin).href;
  const routes: ItemRoute[] = [
    { kind: 'file', url: asset, proof },
    { kind: 'file', url: `${asset}?download`, proof },
    { kind: 'rest', url: new URL(`/files/${encodeURIComponent(id)}`, origin).href, proof: { kind: 'json-id', field: 'data.id', id } },
  ];
  const date = isoDate(file.modified_on) ?? isoDate(file.uploaded_on);
  return {
    cms: 'directus',
    kind: 'file',
    type: 'directus_files',
    id,
    status: `file of ${parent.status} ${parent.plan.collection}`,
    ...(date === undefined ? {} : { date }),
    parent: { type: parent.plan.collection, id: parent.id, status: parent.status, ...(parent.scheduledFor === undefined ? {} : { scheduledFor: parent.scheduledFor }) },
    routes,
  };
}
