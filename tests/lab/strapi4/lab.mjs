// The Strapi 4 lab's admin-API client, run by up.sh and misconfig.sh (never by hand-typed curl):
//   node lab.mjs seed                    registers the first admin and seeds content, writes state.json
//   node lab.mjs check                   exits 0 when state.json matches the running instance
//   node lab.mjs misconfig on|off|status NAME
// Talks to 127.0.0.1 only. Environment from up.sh / misconfig.sh: STRAPI_LAB_DIR,
// STRAPI_LAB_BASE_URL, LAB_ADMIN_EMAIL, LAB_ADMIN_PASSWORD.
//
// What differs from the Strapi 5 lab (../strapi/lab.mjs): an entry is one row with a numeric id,
// a draft is an entry whose publishedAt is null (no documentId, no draft/published pair), the
// content manager answers the entry itself rather than {data}, and publishing or unpublishing is
// an action on an existing entry.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const runDir = required('STRAPI_LAB_DIR');
const baseUrl = required('STRAPI_LAB_BASE_URL');
const email = required('LAB_ADMIN_EMAIL');
const password = required('LAB_ADMIN_PASSWORD');
const tokenFile = path.join(runDir, 'admin-token.json');
const articles = '/content-manager/collection-types/api::article.article';
/** Bump when the seed changes, so that up.sh reseeds instances made by an older seed. */
const seedVersion = 1;

/** The Public role's permissions each misconfiguration grants (users-permissions tree paths). */
const misconfigs = {
  // "Public > Article > find, findOne": the usual way to let a front end read a collection
  // without a token. Strapi 4 then serves drafts too, with ?publicationState=preview on find and
  // by id on findOne.
  'public-find': [['api::article', 'article', ['find', 'findOne']]],
  // "Public > Upload > find, findOne": ticked so a front end can list media; /api/upload/files
  // then lists every file, including those only drafts use.
  'public-upload': [['plugin::upload', 'content-api', ['find', 'findOne']]],
};

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through up.sh or misconfig.sh)`);
  return value;
}

function log(message) {
  process.stderr.write(`[lab strapi4] ${message}\n`);
}

async function request(method, route, { token, json, form } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  const response = await fetch(new URL(route, baseUrl), { method, headers, body });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: response.status, body: parsed, text };
}

async function ok(method, route, options) {
  const response = await request(method, route, options);
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${method} ${route}: ${response.status} ${response.text.slice(0, 300)}`);
  }
  return response.body;
}

function expiry(jwt) {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')).exp ?? 0;
  } catch {
    return 0;
  }
}

/**
 * An admin JWT. Pitfall: /admin/login is rate-limited (koa2-ratelimit: 5 per 5 minutes per email
 * and IP) and the lab tests toggle misconfigurations a dozen times, so the token is kept in the
 * lab folder and reused until it nearly expires.
 */
async function adminToken({ fresh = false } = {}) {
  if (!fresh) {
    try {
      const saved = JSON.parse(await readFile(tokenFile, 'utf8'));
      if (expiry(saved.token) - Date.now() / 1000 > 120) return saved.token;
    } catch {
      // None saved yet.
    }
  }
  const { data } = await ok('POST', '/admin/login', { json: { email, password } });
  await writeFile(tokenFile, JSON.stringify({ token: data.token }), { mode: 0o600 });
  return data.token;
}

/** Calls the admin API, logging in again once if the saved token was refused. */
async function admin(method, route, options = {}) {
  let token = await adminToken();
  let response = await request(method, route, { ...options, token });
  if (response.status === 401) {
    token = await adminToken({ fresh: true });
    response = await request(method, route, { ...options, token });
  }
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${method} ${route}: ${response.status} ${response.text.slice(0, 300)}`);
  }
  return response.body;
}

/** A solid-colour RGB PNG, large enough that Strapi also writes its thumbnail/small/medium formats. */
function png(width, height, [r, g, b]) {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x += 1) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function upload(name, colour) {
  const form = new FormData();
  form.append('files', new Blob([png(800, 500, colour)], { type: 'image/png' }), name);
  const [file] = await admin('POST', '/upload', { form });
  return { id: file.id, name: file.name, hash: file.hash, url: file.url, absoluteUrl: new URL(file.url, baseUrl).href };
}

function summary(entry) {
  return { id: entry.id, slug: entry.slug, title: entry.title, publishedAt: entry.publishedAt ?? null };
}

/** Saves a new entry: with draft and publish on, the content manager creates it as a draft. */
async function createDraft(fields) {
  const entry = await admin('POST', articles, { json: fields });
  if (entry.publishedAt !== null) throw new Error(`a new entry was not a draft: ${JSON.stringify(summary(entry))}`);
  return entry;
}

/** "Save", then "Publish", as in the admin panel. */
async function createPublished(fields) {
  const draft = await createDraft(fields);
  return admin('POST', `${articles}/${draft.id}/actions/publish`);
}

async function publicRole() {
  const { roles } = await admin('GET', '/users-permissions/roles');
  const role = roles.find((entry) => entry.type === 'public');
  if (!role) throw new Error('no Public role');
  const { role: full } = await admin('GET', `/users-permissions/roles/${role.id}`);
  return full;
}

function enabledActions(role) {
  const enabled = [];
  for (const [api, { controllers }] of Object.entries(role.permissions)) {
    for (const [controller, actions] of Object.entries(controllers)) {
      for (const [action, { enabled: on }] of Object.entries(actions)) if (on) enabled.push(`${api}.${controller}.${action}`);
    }
  }
  return enabled.sort();
}

async function seed() {
  const init = await ok('GET', '/admin/init');
  if (init.data.hasAdmin) throw new Error('Strapi already has an admin; up.sh resets the database before seeding');
  // The first admin, as the "Create your first administrator" form does.
  const registered = await ok('POST', '/admin/register-admin', { json: { email, password, firstname: 'Lab', lastname: 'Admin' } });
  await writeFile(tokenFile, JSON.stringify({ token: registered.data.token }), { mode: 0o600 });
  log('first admin registered');

  const publishedCover = await upload('welcome-cover.png', [40, 110, 200]);
  const draftOnlyCover = await upload('draft-only-launch-plan.png', [200, 60, 40]);
  log(`uploads ${publishedCover.url}, ${draftOnlyCover.url} (draft only)`);

  // Ids are sequential: drafts are made between published entries and above the highest one, as
  // on a real site, so a rule that looks for the ids missing from the published list meets both.
  const welcome = await createPublished({ title: 'Welcome to the lab', slug: 'welcome-to-the-lab', body: 'Published since day one.', cover: publishedCover.id });
  const launch = await createDraft({ title: 'Launch plan (embargoed)', slug: 'launch-plan-embargoed', body: 'Not public until launch day.', cover: draftOnlyCover.id });
  const hours = await createPublished({ title: 'Opening hours', slug: 'opening-hours', body: 'Monday to Friday, 9 to 5.' });
  // Published, then taken back to draft ("Unpublish"): publishedAt is null again.
  const pricingPublished = await createPublished({ title: 'Old pricing (withdrawn)', slug: 'old-pricing-withdrawn', body: 'Prices that no longer apply.' });
  const pricing = await admin('POST', `${articles}/${pricingPublished.id}/actions/unpublish`);
  if (pricing.publishedAt !== null) throw new Error('unpublish left publishedAt set');
  const contact = await createPublished({ title: 'Contact', slug: 'contact', body: 'How to reach us.' });
  const acquisition = await createDraft({ title: 'Acquisition announcement', slug: 'acquisition-announcement', body: 'Draft press release.' });

  const published = [welcome, hours, contact];
  const neverPublished = [launch, acquisition];
  log(`articles: ${published.length} published, ${neverPublished.length} never published, 1 unpublished`);

  const role = await publicRole();
  const defaults = enabledActions(role);
  await writeFile(path.join(runDir, 'public-role.default.json'), `${JSON.stringify(defaults, null, 2)}\n`);

  const pkg = JSON.parse(await readFile(path.join(here, 'app/node_modules/@strapi/strapi/package.json'), 'utf8'));
  const state = {
    baseUrl,
    version: pkg.version,
    seedVersion,
    admin: { email },
    publicRoleId: role.id,
    articles: {
      published: published.map(summary),
      neverPublished: neverPublished.map(summary),
      unpublished: summary(pricing),
    },
    /** Every entry whose publishedAt is null: the never-published drafts and the unpublished one. */
    unpublishedIds: [...neverPublished, pricing].map((entry) => entry.id).sort((a, b) => a - b),
    publishedIds: published.map((entry) => entry.id),
    uploads: {
      published: { ...publishedCover, usedBy: welcome.id },
      draftOnly: { ...draftOnlyCover, usedBy: launch.id },
    },
  };
  await writeFile(path.join(runDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  log(`state written to ${path.join(runDir, 'state.json')}`);
}

/** Exit 0 when state.json describes the running instance: same seed, same Strapi, admin present. */
async function check() {
  const pkg = JSON.parse(await readFile(path.join(here, 'app/node_modules/@strapi/strapi/package.json'), 'utf8'));
  let state;
  try {
    state = JSON.parse(await readFile(path.join(runDir, 'state.json'), 'utf8'));
  } catch {
    throw new Error('no state.json yet');
  }
  if (state.seedVersion !== seedVersion || state.version !== pkg.version || state.baseUrl !== baseUrl) {
    throw new Error(`state.json is from another seed or Strapi version (${state.version}, seed ${state.seedVersion})`);
  }
  const init = await ok('GET', '/admin/init');
  if (!init.data.hasAdmin) throw new Error('the database has no admin (it was wiped?)');
}

async function misconfig(action, name) {
  const grants = misconfigs[name];
  if (!grants || !['on', 'off', 'status'].includes(action)) {
    throw new Error(`usage: misconfig.sh on|off|status NAME (NAME: ${Object.keys(misconfigs).join(', ')})`);
  }
  const role = await publicRole();
  const keys = grants.flatMap(([api, controller, actions]) => actions.map((entry) => `${api}.${controller}.${entry}`));
  const enabled = new Set(enabledActions(role));
  if (action === 'status') {
    console.log(keys.every((key) => enabled.has(key)) ? 'on' : 'off');
    return;
  }
  // `off` puts each toggled action back as it was in the default Public role (saved at seed time).
  const defaults = new Set(JSON.parse(await readFile(path.join(runDir, 'public-role.default.json'), 'utf8')));
  for (const [api, controller, actions] of grants) {
    const entries = role.permissions[api]?.controllers?.[controller];
    if (!entries) throw new Error(`the Public role has no ${api}.${controller}`);
    for (const entry of actions) {
      if (!entries[entry]) throw new Error(`the Public role has no action ${api}.${controller}.${entry}`);
      entries[entry].enabled = action === 'on' ? true : defaults.has(`${api}.${controller}.${entry}`);
    }
  }
  // The users-permissions admin endpoint takes the whole tree: what is not enabled in it is removed.
  await admin('PUT', `/users-permissions/roles/${role.id}`, {
    json: { name: role.name, description: role.description, type: role.type, permissions: role.permissions },
  });
  const after = new Set(enabledActions(await publicRole()));
  const wrong = keys.filter((key) => after.has(key) !== (action === 'on' || defaults.has(key)));
  if (wrong.length > 0) throw new Error(`misconfig ${action} ${name} did not take: ${wrong.join(', ')}`);
  log(`${name} ${action}`);
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'seed') await seed();
  else if (command === 'check') await check();
  else if (command === 'misconfig') await misconfig(args[0], args[1]);
  else throw new Error('usage: node lab.mjs seed | check | misconfig on|off|status NAME');
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
