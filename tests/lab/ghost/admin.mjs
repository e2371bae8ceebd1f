// A tiny Admin API client for the lab's own Ghost, used by seed.mjs and misconfig.mjs. It talks to
// 127.0.0.1 only, from a staff session (cookie), because Ghost lets only staff sessions change
// settings (integration keys get 501 there; lab-node.md pitfall 4).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

export const baseUrl = process.env.GHOST_URL ?? 'http://127.0.0.1:2368';
if (new URL(baseUrl).hostname !== '127.0.0.1') throw new Error(`the Ghost lab only talks to 127.0.0.1, not ${baseUrl}`);
export const stateDir = process.env.GHOST_LAB_STATE ?? path.join(process.env.DRAFTLEAK_LAB_DIR ?? '/tmp/draftleak-lab', 'ghost');
export const statePath = path.join(stateDir, 'state.json');
const email = process.env.GHOST_OWNER_EMAIL ?? 'owner@example.com';
const password = process.env.GHOST_OWNER_PASSWORD ?? 'draftleak-lab-Owner-2368';
const cookieFile = path.join(stateDir, 'admin-session.cookie');
const admin = '/ghost/api/admin';

let cookie;

async function send(method, route, { body, form, withSession = true } = {}) {
  // Ghost checks Origin on cookie-authenticated writes (CSRF), so every call names the site.
  const headers = { origin: baseUrl, accept: 'application/json', 'accept-version': 'v5.130' };
  if (withSession && cookie) headers.cookie = cookie;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(new URL(`${admin}${route}`, baseUrl), { method, headers, body: payload, redirect: 'manual' });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (a boot page)
  }
  return { status: response.status, json, text, response };
}

/** Calls the Admin API as the owner; returns the JSON body, or throws with Ghost's errors. */
export async function api(method, route, body) {
  const result = await send(method, route, { body });
  if (result.status >= 300) throw new Error(`${method} ${route}: ${result.status} ${result.text.slice(0, 500)}`);
  return result.json;
}

/** Uploads an image through the Admin API images endpoint; returns its public URL. */
export async function uploadImage(name, png) {
  const form = new FormData();
  form.append('file', new Blob([png], { type: 'image/png' }), name);
  form.append('purpose', 'image');
  form.append('ref', name);
  const result = await send('POST', '/images/upload/', { form });
  if (result.status >= 300) throw new Error(`upload ${name}: ${result.status} ${result.text.slice(0, 500)}`);
  return result.json.images[0].url;
}

/** Waits until Ghost has booted (the HTTP server answers 503 while it migrates the database). */
export async function waitReady(seconds = 180) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const result = await send('GET', '/site/', { withSession: false });
      if (result.status === 200 && result.json?.site) return result.json.site;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`Ghost at ${baseUrl} did not become ready in ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Creates the owner on a fresh install (the setup step of the admin UI). Safe to call again. */
export async function ensureSetup() {
  const state = await send('GET', '/authentication/setup/', { withSession: false });
  if (state.json?.setup?.[0]?.status === true) return false;
  const result = await send('POST', '/authentication/setup/', {
    withSession: false,
    body: { setup: [{ name: 'Lab Owner', email, password, blogTitle: 'Ghost Lab' }] },
  });
  if (result.status >= 300) throw new Error(`setup: ${result.status} ${result.text.slice(0, 500)}`);
  return true;
}

/**
 * A staff session: the saved cookie when it still works, otherwise a password login (Ghost limits
 * logins per IP, so the lab logs in once and reuses the session).
 */
export async function session() {
  try {
    cookie = (await readFile(cookieFile, 'utf8')).trim();
  } catch {
    cookie = undefined;
  }
  if (cookie && (await send('GET', '/users/me/')).status === 200) return;
  cookie = undefined;
  const result = await send('POST', '/session/', { withSession: false, body: { username: email, password } });
  if (result.status >= 300) throw new Error(`login: ${result.status} ${result.text.slice(0, 500)}`);
  const sessionCookie = result.response.headers.getSetCookie().find((line) => line.startsWith('ghost-admin-api-session='));
  if (!sessionCookie) throw new Error('login: no ghost-admin-api-session cookie');
  cookie = sessionCookie.split(';')[0];
  const me = await send('GET', '/users/me/');
  if (me.status !== 200) throw new Error(`login: session not accepted (${me.status}); is security.staffDeviceVerification false?`);
  await mkdir(stateDir, { recursive: true });
  await writeFile(cookieFile, `${cookie}\n`, { mode: 0o600 });
}

export async function readState() {
  return JSON.parse(await readFile(statePath, 'utf8'));
}

// --- a small PNG, so uploads are real images ---------------------------------------------------------

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A solid-colour RGB PNG of width x height. */
export function png(width, height, [r, g, b]) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
