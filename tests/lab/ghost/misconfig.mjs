// Named misconfigurations of the Ghost lab: on | off | status NAME. Called by misconfig.sh.
//
// Ghost has no access-control switch that exposes drafts (the Content API serves published posts
// only), so both toggles reproduce what editors really do with links and files:
//
// leaked-preview  Ghost's "Preview" / share link of a draft or scheduled post is /p/<uuid>/, and
//                 that route renders the unpublished post to anyone with no login (the uuid is
//                 the only secret). Editors paste these links where they should not: here, into
//                 the body of a published post ("review links for next week"), where every
//                 crawler finds them. `on` appends a paragraph with the preview links of the draft
//                 and the scheduled post to the published post state.leakHost; `off` puts the
//                 post's saved content (lexical) back.
//
// draft-images    Images uploaded in the editor are public at /content/images/YYYY/MM/<name> at
//                 once, whatever the post's state; only their URLs are unknown. Marketing builds
//                 a "coming soon" teaser in Settings > Code injection > Site footer and reuses the
//                 draft's cover and inline image by URL, so every page of the site now links the
//                 draft's files while the draft itself stays unpublished. `on` appends the teaser
//                 to codeinjection_foot; `off` restores the saved value (empty by default).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { api, baseUrl, readState, session, stateDir } from './admin.mjs';

const [action, name] = process.argv.slice(2);
const savedDir = path.join(stateDir, 'misconfig');
const savedFile = (toggle) => path.join(savedDir, `${toggle}.json`);

async function readSaved(toggle) {
  try {
    return JSON.parse(await readFile(savedFile(toggle), 'utf8'));
  } catch {
    return undefined;
  }
}
async function save(toggle, value) {
  await mkdir(savedDir, { recursive: true });
  await writeFile(savedFile(toggle), `${JSON.stringify(value, null, 2)}\n`);
}

const state = await readState();
const post = (key) => {
  const found = state.posts.find((entry) => entry.key === key);
  if (!found) throw new Error(`no post ${key} in state.json`);
  return found;
};
const leaked = [post('draft'), post('scheduled')];

async function readPost(id) {
  const { posts } = await api('GET', `/posts/${id}/?formats=html,lexical`);
  return posts[0];
}

const toggles = {
  'leaked-preview': {
    async status() {
      const host = await readPost(post(state.leakHost).id);
      return leaked.some((entry) => (host.html ?? '').includes(entry.previewUrl));
    },
    async on() {
      if (await this.status()) return;
      const host = await readPost(post(state.leakHost).id);
      if (!(await readSaved('leaked-preview'))) await save('leaked-preview', { id: host.id, lexical: host.lexical });
      const links = leaked.map((entry) => `<a href="${baseUrl}${entry.previewUrl}">${entry.title}</a>`).join(' and ');
      const html = `${host.html}<p>Review links for next week: ${links}.</p>`;
      await api('PUT', `/posts/${host.id}/?source=html`, { posts: [{ html, updated_at: host.updated_at }] });
    },
    async off() {
      const saved = await readSaved('leaked-preview');
      if (!saved) return;
      const host = await readPost(saved.id);
      await api('PUT', `/posts/${saved.id}/`, { posts: [{ lexical: saved.lexical, updated_at: host.updated_at }] });
      await rm(savedFile('leaked-preview'));
    },
  },
  'draft-images': {
    async status() {
      const value = await setting('codeinjection_foot');
      return post('draft').images.some((url) => (value ?? '').includes(url));
    },
    async on() {
      if (await this.status()) return;
      const value = await setting('codeinjection_foot');
      if (!(await readSaved('draft-images'))) await save('draft-images', { codeinjection_foot: value });
      const [cover, inline] = post('draft').images;
      const teaser = [
        '<!-- launch teaser (marketing): images reused from the announcement draft -->',
        '<div class="launch-teaser" style="text-align:center">',
        `  <img src="${cover}" alt="Something big is coming" width="64" height="40">`,
        inline ? `  <img src="${inline}" alt="" width="32" height="32">` : '',
        '</div>',
      ].filter(Boolean).join('\n');
      await api('PUT', '/settings/', { settings: [{ key: 'codeinjection_foot', value: `${value ?? ''}${teaser}` }] });
    },
    async off() {
      const saved = await readSaved('draft-images');
      if (!saved) return;
      await api('PUT', '/settings/', { settings: [{ key: 'codeinjection_foot', value: saved.codeinjection_foot }] });
      await rm(savedFile('draft-images'));
    },
  },
};

async function setting(key) {
  const { settings } = await api('GET', '/settings/');
  return settings.find((entry) => entry.key === key)?.value ?? null;
}

const toggle = toggles[name];
if (!toggle || !['on', 'off', 'status'].includes(action)) {
  console.error(`usage: misconfig.sh on|off|status ${Object.keys(toggles).join('|')}`);
  process.exit(2);
}
await session();
if (action === 'status') {
  console.log(`${name}: ${(await toggle.status()) ? 'on' : 'off'}`);
} else {
  await toggle[action]();
  console.error(`[lab] ghost: ${name} ${action}`);
}
