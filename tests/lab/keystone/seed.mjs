// Seeds the Keystone lab through its GraphQL API, creating only what is missing (looked up by
// title), then writes $KEYSTONE_LAB_STATE/state.json with every id. Run by up.sh.
// The editor is made by keystone.ts (db.onConnect); this script signs in as the editor with
// authenticateUserWithPassword (@keystone-6/auth) and sends the session cookie it gets back.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const base = process.env.KEYSTONE_LAB_URL ?? 'http://127.0.0.1:3040';
if (new URL(base).hostname !== '127.0.0.1') throw new Error(`the Keystone lab only talks to 127.0.0.1, not ${base}`);
const stateDir = process.env.KEYSTONE_LAB_STATE;
const version = process.env.KEYSTONE_LAB_VERSION;
if (!stateDir || !version) throw new Error('run through up.sh (KEYSTONE_LAB_STATE, KEYSTONE_LAB_VERSION)');
const email = process.env.KEYSTONE_LAB_ADMIN_EMAIL ?? 'editor@example.com';
const password = process.env.KEYSTONE_LAB_ADMIN_PASSWORD ?? 'draftleak-lab-password';
const endpoint = new URL('/api/graphql', base);

let session;
async function gql(query, variables = {}) {
  // Apollo's CSRF prevention lets a JSON POST through; the session is Keystone's own cookie.
  const headers = { 'content-type': 'application/json' };
  if (session) headers.cookie = `keystonejs-session=${session}`;
  const response = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok || body.errors) throw new Error(`GraphQL ${response.status}: ${text.slice(0, 500)}`);
  return body.data;
}

// --- sign in -------------------------------------------------------------------------------------
const auth = await gql(
  `mutation ($email: String!, $password: String!) {
    authenticateUserWithPassword(email: $email, password: $password) {
      ... on UserAuthenticationWithPasswordSuccess { sessionToken item { id } }
      ... on UserAuthenticationWithPasswordFailure { message }
    }
  }`,
  { email, password },
);
session = auth.authenticateUserWithPassword.sessionToken;
if (!session) throw new Error(`sign-in failed: ${auth.authenticateUserWithPassword.message}`);

// --- posts ---------------------------------------------------------------------------------------
const day = 24 * 60 * 60 * 1000;
const postSpecs = [
  { title: 'Published one: welcome', status: 'published', publishDate: '2026-01-05T09:00:00.000Z', content: 'Hello, world.' },
  { title: 'Published two: release notes', status: 'published', publishDate: '2026-02-10T09:00:00.000Z', content: 'What changed.' },
  { title: 'Draft one: unannounced merger', status: 'draft', content: 'Not announced yet.' },
  // A draft with a publish date a year ahead: the editor's plan, not a published post.
  { title: 'Draft two: spring launch (scheduled)', status: 'draft', publishDate: new Date(Date.now() + 365 * day).toISOString(), content: 'Embargoed.' },
];
const posts = { published: [], draft: [] };
for (const spec of postSpecs) {
  const found = await gql('query ($title: String!) { posts(where: { title: { equals: $title } }, take: 1) { id } }', { title: spec.title });
  let id = found.posts[0]?.id;
  if (!id) {
    console.error(`[seed] creating ${spec.status} post "${spec.title}"`);
    id = (await gql('mutation ($data: PostCreateInput!) { createPost(data: $data) { id } }', { data: spec })).createPost.id;
  }
  posts[spec.status].push(id);
}

const state = {
  baseUrl: base,
  version,
  cms: 'keystone',
  graphql: endpoint.href,
  list: 'Post',
  posts,
};
await mkdir(stateDir, { recursive: true });
await writeFile(path.join(stateDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
console.error(`[seed] state written to ${path.join(stateDir, 'state.json')}`);
