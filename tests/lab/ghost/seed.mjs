// Seeds the Ghost lab through the Admin API from a staff session and writes state.json.
// Idempotent: posts are found by slug, and only missing ones are created (with their images).
import { writeFile } from 'node:fs/promises';
import { api, baseUrl, ensureSetup, png, session, statePath, uploadImage, waitReady } from './admin.mjs';

const version = process.env.GHOST_LAB_VERSION;
if (!version) throw new Error('GHOST_LAB_VERSION is not set (run up.sh)');

const day = 24 * 60 * 60 * 1000;

/**
 * The seeded posts. `key` is how tests name them. The draft and the scheduled post each get a
 * feature image and an inline image uploaded through the images endpoint, which makes them public
 * at /content/images/YYYY/MM/ at once, whatever the post's state (cms-exposures.md §4).
 */
const seeds = [
  { key: 'published-1', slug: 'lab-spring-product-notes', title: 'Spring product notes', status: 'published', feature: ['published-spring-cover.png', [40, 160, 90]] },
  { key: 'published-2', slug: 'lab-team-update', title: 'Team update', status: 'published' },
  // The post an editor pastes the review links into (misconfig leaked-preview).
  { key: 'published-3', slug: 'lab-editorial-calendar', title: 'Editorial calendar', status: 'published' },
  {
    key: 'draft',
    slug: 'lab-acquisition-announcement',
    title: 'Acquisition announcement (draft)',
    status: 'draft',
    feature: ['draft-acquisition-cover.png', [200, 30, 30]],
    inline: ['draft-acquisition-term-sheet.png', [200, 120, 30]],
  },
  {
    key: 'scheduled',
    slug: 'lab-product-launch',
    title: 'Product launch (embargoed)',
    status: 'scheduled',
    feature: ['scheduled-launch-cover.png', [30, 30, 200]],
    inline: ['scheduled-launch-product-shot.png', [120, 30, 200]],
  },
];

const paragraphs = {
  'published-1': '<p>What shipped this spring, in short.</p>',
  'published-2': '<p>Who joined the team this quarter.</p>',
  'published-3': '<p>What we plan to write about next.</p>',
  draft: '<p>We are acquiring a company. Nobody outside may read this before the announcement.</p>',
  scheduled: '<p>The new product, under embargo until the launch date.</p>',
};

/** Image URLs of a post: its feature image and the inline images of its body (not size variants). */
function imagesOf(post) {
  const inline = [...(post.html ?? '').matchAll(/src="([^"]*\/content\/images\/(?!size\/)[^"]+)"/g)].map((match) => match[1]);
  return [...new Set([post.feature_image, ...inline].filter((url) => typeof url === 'string' && url.includes('/content/images/')))];
}

await waitReady();
if (await ensureSetup()) console.error('[lab] ghost: owner account created');
await session();

const slugs = seeds.map((seed) => seed.slug);
const fields = 'id,uuid,slug,title,status,url,feature_image,published_at,updated_at';
const found = await api('GET', `/posts/?filter=${encodeURIComponent(`slug:[${slugs.join(',')}]`)}&limit=all&formats=html&fields=${fields},html`);
const bySlug = new Map(found.posts.map((post) => [post.slug, post]));

const posts = [];
for (const seed of seeds) {
  let post = bySlug.get(seed.slug);
  if (!post) {
    const feature = seed.feature ? await uploadImage(seed.feature[0], png(64, 40, seed.feature[1])) : undefined;
    const inline = seed.inline ? await uploadImage(seed.inline[0], png(32, 32, seed.inline[1])) : undefined;
    const html = paragraphs[seed.key] + (inline ? `<figure class="kg-card kg-image-card"><img src="${inline}" class="kg-image" alt="" loading="lazy" width="32" height="32"></figure>` : '');
    const body = {
      title: seed.title,
      slug: seed.slug,
      status: seed.status,
      html,
      ...(feature ? { feature_image: feature } : {}),
      // A scheduled post needs a publication date in the future (Ghost wants it at least two
      // minutes ahead); 30 days keeps it scheduled for the whole life of the lab.
      ...(seed.status === 'scheduled' ? { published_at: new Date(Date.now() + 30 * day).toISOString() } : {}),
    };
    const created = await api('POST', `/posts/?source=html&formats=html`, { posts: [body] });
    post = created.posts[0];
    console.error(`[lab] ghost: created ${seed.status} post ${seed.slug} (${post.id})`);
  }
  if (post.status !== seed.status) throw new Error(`post ${seed.slug} is ${post.status}, expected ${seed.status}; run with RESET=1`);
  posts.push({
    key: seed.key,
    id: post.id,
    uuid: post.uuid,
    slug: post.slug,
    title: post.title,
    status: post.status,
    // The canonical URL of a published post; Ghost gives unpublished ones a /p/<uuid>/ URL here.
    url: post.status === 'published' ? post.url : null,
    publishedAt: post.published_at,
    previewUrl: `/p/${post.uuid}/`,
    images: imagesOf(post),
  });
}

// The custom integration draftleak audit uses (Settings > Integrations > Add custom integration):
// its Admin API key "<id>:<secret>" is the audit credential. Ghost has no read-only integration
// role; the key is dedicated, and revoked by deleting the integration.
const integrationName = 'draftleak audit';
const { integrations } = await api('GET', '/integrations/?include=api_keys&limit=all');
let integration = integrations.find((entry) => entry.name === integrationName);
if (!integration) {
  integration = (await api('POST', '/integrations/?include=api_keys', { integrations: [{ name: integrationName, description: 'Read-only inventory for draftleak audit' }] })).integrations[0];
  console.error(`[lab] ghost: created the integration "${integrationName}"`);
}
const adminKey = integration.api_keys.find((key) => key.type === 'admin');
if (!adminKey) throw new Error(`the integration "${integrationName}" has no admin key`);

const state = {
  baseUrl,
  version,
  adminUrl: `${baseUrl}/ghost/`,
  // The published post that misconfig leaked-preview pastes the review links into.
  leakHost: 'published-3',
  posts,
  // The custom integration's Admin API key, for draftleak audit (Ghost-Admin-Api-Key: <id>:<secret>).
  // The Admin API answers an admin key's secret already as "<id>:<secret>", as the UI shows it.
  auditAdminKey: adminKey.secret.includes(':') ? adminKey.secret : `${adminKey.id}:${adminKey.secret}`,
};
await writeFile(statePath, `${JSON.stringify(state, null, 2)}\n`);
console.error(`[lab] ghost: ${posts.length} posts seeded; state in ${statePath}`);
