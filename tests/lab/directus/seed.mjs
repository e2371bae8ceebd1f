// Seeds the Directus lab through its REST API, creating only what is missing (items and files are
// looked up by title), then writes $DIRECTUS_LAB_STATE/state.json with every id. Run by up.sh.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { api, baseUrl } from './api.mjs';

const stateDir = process.env.DIRECTUS_LAB_STATE;
const version = process.env.DIRECTUS_LAB_VERSION;
if (!stateDir || !version) throw new Error('run through up.sh (DIRECTUS_LAB_STATE, DIRECTUS_LAB_VERSION)');
const collection = 'article';

const day = 24 * 3600 * 1000;
const isoDay = (offsetDays) => new Date(Date.now() + offsetDays * day).toISOString().slice(0, 19);

// --- schema -------------------------------------------------------------------------------------
const fields = [
  { field: 'id', type: 'integer', meta: { hidden: true, readonly: true, interface: 'input' }, schema: { is_primary_key: true, has_auto_increment: true } },
  {
    field: 'status',
    type: 'string',
    meta: {
      interface: 'select-dropdown',
      display: 'labels',
      width: 'full',
      options: { choices: ['published', 'draft', 'scheduled', 'archived'].map((value) => ({ text: value, value })) },
    },
    schema: { default_value: 'draft', is_nullable: false },
  },
  { field: 'title', type: 'string', meta: { interface: 'input' }, schema: {} },
  { field: 'publish_date', type: 'timestamp', meta: { interface: 'datetime' }, schema: {} },
  { field: 'date_created', type: 'timestamp', meta: { special: ['date-created'], interface: 'datetime', readonly: true, hidden: true }, schema: {} },
  { field: 'date_updated', type: 'timestamp', meta: { special: ['date-updated'], interface: 'datetime', readonly: true, hidden: true }, schema: {} },
  { field: 'cover', type: 'uuid', meta: { special: ['file'], interface: 'file-image' }, schema: {} },
];

const existing = await api('GET', `/collections/${collection}`, undefined, { allow: [403, 404] });
if (existing.status) {
  console.error(`[seed] creating collection ${collection}`);
  await api('POST', '/collections', {
    collection,
    meta: { icon: 'article', note: 'draftleak lab', archive_field: 'status', archive_value: 'archived', unarchive_value: 'draft', sort_field: null },
    schema: {},
    fields,
  });
}
const haveFields = new Set((await api('GET', `/fields/${collection}`)).map((field) => field.field));
for (const field of fields) {
  if (!haveFields.has(field.field)) {
    console.error(`[seed] creating field ${collection}.${field.field}`);
    await api('POST', `/fields/${collection}`, field);
  }
}
const relations = await api('GET', `/relations/${collection}`);
if (!relations.some((relation) => relation.field === 'cover')) {
  console.error(`[seed] creating relation ${collection}.cover -> directus_files`);
  await api('POST', '/relations', { collection, field: 'cover', related_collection: 'directus_files', schema: { on_delete: 'SET NULL' } });
}

// --- files --------------------------------------------------------------------------------------
// A 1x1 PNG per file, with a different colour byte each, so the three uploads differ.
function png(variant) {
  const bytes = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  return Buffer.concat([bytes, Buffer.from(`\n${variant}`)]);
}
const fileSpecs = {
  published: { title: 'lab: cover of a published article', filename: 'published-cover.png' },
  draftOnly: { title: 'lab: cover used only by a draft', filename: 'draft-only-secret.png' },
  unattached: { title: 'lab: unattached upload', filename: 'unattached-upload.png' },
};
const files = {};
for (const [key, spec] of Object.entries(fileSpecs)) {
  const found = await api('GET', `/files?filter[title][_eq]=${encodeURIComponent(spec.title)}&fields=id&limit=1`);
  if (found[0]) {
    files[key] = found[0].id;
    continue;
  }
  console.error(`[seed] uploading ${spec.filename}`);
  const form = new FormData();
  // Directus reads the text fields before the file, so they must come first.
  form.append('title', spec.title);
  form.append('file', new Blob([png(key)], { type: 'image/png' }), spec.filename);
  files[key] = (await api('POST', '/files', form)).id;
}

// --- articles -----------------------------------------------------------------------------------
const articleSpecs = [
  { title: 'Published one', status: 'published', publish_date: isoDay(-20), cover: files.published },
  { title: 'Published two', status: 'published', publish_date: isoDay(-10) },
  { title: 'Published three', status: 'published', publish_date: isoDay(-5) },
  { title: 'Draft one: spring launch (with a draft-only cover)', status: 'draft', cover: files.draftOnly },
  { title: 'Draft two: unannounced merger', status: 'draft' },
  // Directus has no item scheduler: "scheduled" is a status plus a future publish_date (a Flow
  // would flip it).
  { title: 'Scheduled one: embargoed results', status: 'scheduled', publish_date: isoDay(30) },
];
const present = await api('GET', `/items/${collection}?fields=id,title,status,publish_date&limit=-1`);
const articles = { published: [], draft: [], scheduled: [] };
const publishDates = {};
for (const spec of articleSpecs) {
  let item = present.find((entry) => entry.title === spec.title);
  if (!item) {
    console.error(`[seed] creating ${spec.status} article "${spec.title}"`);
    item = await api('POST', `/items/${collection}`, spec);
  }
  articles[spec.status].push(item.id);
  if (spec.status === 'scheduled') publishDates[item.id] = item.publish_date;
}

// --- a read-only audit account (draftleak audit) -------------------------------------------------
// What docs/audit.md tells an owner to make: a policy without app or admin access that may only
// read the content collections, their files and the schema (Directus 11 grants a token user the
// schema collections only through App Access, so they are listed explicitly), attached to a user
// whose static token is the audit credential.
const auditPolicyName = 'draftleak audit (read-only)';
const auditEmail = 'draftleak-audit@example.com';
const auditToken = 'draftleak-lab-audit-read-only-token';
let [auditPolicy] = await api('GET', `/policies?filter[name][_eq]=${encodeURIComponent(auditPolicyName)}&fields=id&limit=1`);
if (!auditPolicy) {
  console.error(`[seed] creating policy "${auditPolicyName}"`);
  auditPolicy = await api('POST', '/policies', { name: auditPolicyName, icon: 'visibility', description: 'Read-only inventory for draftleak audit', app_access: false, admin_access: false, enforce_tfa: false });
}
const auditReads = [collection, 'directus_files', 'directus_collections', 'directus_fields', 'directus_relations'];
const granted = new Set((await api('GET', `/permissions?filter[policy][_eq]=${auditPolicy.id}&filter[action][_eq]=read&fields=collection&limit=-1`)).map((permission) => permission.collection));
for (const name of auditReads) {
  if (granted.has(name)) continue;
  console.error(`[seed] audit policy: read ${name}`);
  await api('POST', '/permissions', { policy: auditPolicy.id, collection: name, action: 'read', permissions: null, validation: null, fields: ['*'] });
}
let [auditUser] = await api('GET', `/users?filter[email][_eq]=${encodeURIComponent(auditEmail)}&fields=id&limit=1`);
if (!auditUser) {
  console.error(`[seed] creating the audit user ${auditEmail}`);
  auditUser = await api('POST', '/users', { email: auditEmail, first_name: 'draftleak', last_name: 'audit', token: auditToken, status: 'active' });
}
const attached = await api('GET', `/access?filter[user][_eq]=${auditUser.id}&filter[policy][_eq]=${auditPolicy.id}&fields=id&limit=1`);
if (attached.length === 0) await api('POST', '/access', { user: auditUser.id, policy: auditPolicy.id });

const state = {
  baseUrl,
  version,
  cms: 'directus',
  collection,
  articles,
  scheduledPublishDates: publishDates,
  files,
  // The static token of the read-only audit user (Authorization: Bearer <token>).
  auditToken,
  assetUrls: Object.fromEntries(Object.entries(files).map(([key, id]) => [key, `${baseUrl}/assets/${id}`])),
};
await mkdir(stateDir, { recursive: true });
await writeFile(path.join(stateDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
console.error(`[seed] state written to ${path.join(stateDir, 'state.json')}`);
