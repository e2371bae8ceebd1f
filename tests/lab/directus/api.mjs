// A tiny client for the lab's own Directus, used by seed.mjs and misconfig.mjs. It talks to
// 127.0.0.1 only, with the static admin token that env.sh gives `directus bootstrap`.
const base = process.env.PUBLIC_URL ?? 'http://127.0.0.1:8055';
if (new URL(base).hostname !== '127.0.0.1') throw new Error(`the Directus lab only talks to 127.0.0.1, not ${base}`);
const token = process.env.ADMIN_TOKEN;
if (!token) throw new Error('ADMIN_TOKEN is not set (source tests/lab/directus/env.sh)');

export const baseUrl = base;

/** Calls the Directus REST API as the admin; returns `data`, or throws with Directus' errors. */
export async function api(method, path, body, { allow = [] } = {}) {
  const headers = { authorization: `Bearer ${token}` };
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(new URL(path, base), { method, headers, body: payload });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (allow.includes(response.status)) return { status: response.status, data: json.data };
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
  return json.data;
}

/** The id of the Public policy: the one attached to an access row with neither role nor user. */
export async function publicPolicyId() {
  const rows = await api('GET', '/access?filter[role][_null]=true&filter[user][_null]=true&fields=policy&limit=-1');
  const ids = [...new Set(rows.map((row) => row.policy).filter(Boolean))];
  if (ids.length !== 1) throw new Error(`expected exactly one public policy, found ${JSON.stringify(ids)}`);
  return ids[0];
}
