// Seeds the Payload lab through its REST API, creating only what is missing (looked up by title or
// filename), then writes $PAYLOAD_LAB_STATE/state.json with every id. Run by up.sh.
// The first user comes from POST /api/users/first-register; later runs log in for a JWT.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const base = process.env.PAYLOAD_LAB_URL ?? 'http://127.0.0.1:3030';
if (new URL(base).hostname !== '127.0.0.1') throw new Error(`the Payload lab only talks to 127.0.0.1, not ${base}`);
const stateDir = process.env.PAYLOAD_LAB_STATE;
const version = process.env.PAYLOAD_LAB_VERSION;
if (!stateDir || !version) throw new Error('run through up.sh (PAYLOAD_LAB_STATE, PAYLOAD_LAB_VERSION)');
const email = process.env.PAYLOAD_LAB_ADMIN_EMAIL ?? 'admin@example.com';
const password = process.env.PAYLOAD_LAB_ADMIN_PASSWORD ?? 'draftleak-lab-password';

let token;
async function api(method, urlPath, body) {
  const headers = token ? { authorization: `JWT ${token}` } : {};
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(new URL(urlPath, base), { method, headers, body: payload });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${urlPath}: ${response.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : {};
}

// --- the first user, then a JWT ------------------------------------------------------------------
const { initialized } = await api('GET', '/api/users/init');
if (!initialized) {
  console.error(`[seed] first-register ${email}`);
  await api('POST', '/api/users/first-register', { email, password });
}
token = (await api('POST', '/api/users/login', { email, password })).token;
if (!token) throw new Error('login gave no token');

// --- media ---------------------------------------------------------------------------------------
// A 1x1 PNG per file, with a different trailer each, so the uploads differ.
function png(variant) {
  const bytes = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  return Buffer.concat([bytes, Buffer.from(`\n${variant}`)]);
}
const mediaSpecs = {
  published: { alt: 'lab: cover of a published article', filename: 'published-cover.png' },
  draftOnly: { alt: 'lab: cover used only by a draft', filename: 'draft-only-secret.png' },
};
const media = {};
const mediaUrls = {};
for (const [key, spec] of Object.entries(mediaSpecs)) {
  let doc = (await api('GET', `/api/media?where[alt][equals]=${encodeURIComponent(spec.alt)}&limit=1&depth=0`)).docs[0];
  if (!doc) {
    console.error(`[seed] uploading ${spec.filename}`);
    const form = new FormData();
    form.append('file', new Blob([png(key)], { type: 'image/png' }), spec.filename);
    form.append('_payload', JSON.stringify({ alt: spec.alt }));
    doc = (await api('POST', '/api/media', form)).doc;
  }
  media[key] = doc.id;
  mediaUrls[key] = new URL(doc.url, base).href;
}

// --- articles ------------------------------------------------------------------------------------
const articleSpecs = [
  { title: 'Published one', _status: 'published', cover: media.published },
  { title: 'Published two', _status: 'published' },
  { title: 'Published three', _status: 'published' },
  { title: 'Draft one: spring launch (with a draft-only cover)', _status: 'draft', cover: media.draftOnly },
  { title: 'Draft two: unannounced merger', _status: 'draft', body: 'Not announced yet.' },
];
const articles = { published: [], draft: [] };
for (const spec of articleSpecs) {
  const query = `where[title][equals]=${encodeURIComponent(spec.title)}&draft=true&limit=1&depth=0`;
  let doc = (await api('GET', `/api/articles?${query}`)).docs[0];
  if (!doc) {
    console.error(`[seed] creating ${spec._status} article "${spec.title}"`);
    // A draft is saved with ?draft=true; without it Payload validates and saves a published doc.
    doc = (await api('POST', `/api/articles${spec._status === 'draft' ? '?draft=true' : ''}`, spec)).doc;
  }
  articles[spec._status].push(doc.id);
}

// --- the audit's API key ----------------------------------------------------------------------------
// A user of its own with an API key (users have useAPIKey), for `draftleak audit`: sent as
// "Authorization: users API-Key <key>". Payload never gives a key back (apiKey has read: false), so
// it is kept in state.json and made only when state.json has none (a new key replaces the old one).
const auditEmail = 'draftleak-audit@example.com';
let previous = {};
try {
  previous = JSON.parse(await readFile(path.join(stateDir, 'state.json'), 'utf8'));
} catch {
  // First run.
}
let inventory = previous.inventory;
const auditUser = (await api('GET', `/api/users?where[email][equals]=${encodeURIComponent(auditEmail)}&limit=1&depth=0`)).docs[0];
if (!inventory?.apiKey || !auditUser || auditUser.id !== inventory.userId) {
  const apiKey = randomUUID();
  const fields = { enableAPIKey: true, apiKey };
  const user = auditUser
    ? (await api('PATCH', `/api/users/${auditUser.id}`, fields)).doc
    : (await api('POST', '/api/users', { email: auditEmail, password: randomBytes(18).toString('base64url'), ...fields })).doc;
  console.error(`[seed] API key ${auditUser ? 'replaced' : 'made'} for ${auditEmail}`);
  inventory = { collection: 'users', userId: user.id, email: auditEmail, apiKey };
}

const state = {
  baseUrl: base,
  version,
  cms: 'payload',
  collection: 'articles',
  articles,
  media,
  mediaUrls,
  /** The audit's credential: Authorization: <collection> API-Key <apiKey>. */
  inventory,
};
await mkdir(stateDir, { recursive: true });
await writeFile(path.join(stateDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
// It holds the API key.
await chmod(path.join(stateDir, 'state.json'), 0o600);
console.error(`[seed] state written to ${path.join(stateDir, 'state.json')}`);
