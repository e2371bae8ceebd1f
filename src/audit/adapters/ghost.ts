import { createHmac } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import type { ItemRoute, UnpublishedItem } from '../types.js';
import { InventoryHttpError } from '../inventory-client.js';
import type { AdapterContext, Inventory, InventoryAdapter } from './adapter.js';

// Ghost 5 Admin API with a custom integration's Admin API key ("<24-hex id>:<64-hex secret>").
// The key is never sent: each request carries "Authorization: Ghost <jwt>", an HS256 token the
// adapter signs with node:crypto (header kid = the key's id, payload aud "/admin/", iat, exp five
// minutes later, the secret hex-decoded as the HMAC key), renewed before it expires.
// The user passes the key as the pseudo-header `Ghost-Admin-Api-Key: <id>:<secret>`; a ready
// `Authorization: Ghost <jwt>` is used as it is (it expires in five minutes).
// Inventory: posts and pages with filter=status:[draft,scheduled] (each answer checked again),
// paged by meta.pagination; their media (feature, og and twitter images, and every
// /content/images|media|files/ URL in the html, lexical and mobiledoc, size variants folded onto
// their original). A file is reported only when no published or sent post or page, no tag, no
// staff user and no site setting references it (all of them read, page by page).
// Routes: the Admin API single post or page (proof posts.0.id / pages.0.id); for pages also the
// preview /p/<uuid>/ and /<slug>/ (proof: Ghost's body class page-<slug>); each file URL and
// its size variants (Ghost records no size: the MIME type is the proof). Posts have no per-post
// marker in Ghost's themes (body class post-template, post_class tags only), so their preview
// and slug routes are proven by their canonical link and the post's own files.
// https://ghost.org/docs/admin-api/#token-authentication
// https://ghost.org/docs/admin-api/#posts
// https://ghost.org/docs/admin-api/#pages
// https://ghost.org/docs/content-api/#filtering
// https://ghost.org/docs/themes/helpers/body_class/

export const ghostKeyHeader = 'Ghost-Admin-Api-Key';
const admin = '/ghost/api/admin';
const pageSize = 100;
const tokenLifetimeSeconds = 300;
const keyPattern = /^([0-9a-f]{24}):([0-9a-f]{64})$/i;
const formats = 'html,lexical,mobiledoc';

interface GhostPost {
  resource: 'posts' | 'pages';
  id: string;
  uuid: string;
  slug: string;
  status: string;
  publishedAt?: string;
  updatedAt?: string;
  /**
   * The <title> Ghost renders for it (meta_title or title), HTML-escaped as Handlebars does: a
   * proof text only, held in memory for the anonymous check and never written anywhere.
   */
  titleHtml?: string;
  media: string[];
}

export const ghostAdapter: InventoryAdapter = {
  cms: 'ghost',
  apiPaths: [`${admin}/`],
  // The key signs the JWT; it is never sent itself.
  consumesCredentials: [ghostKeyHeader],
  async collect(context: AdapterContext): Promise<Inventory> {
    const auth = authorizer(context);
    const get = (path: string) => context.client.getJson(path, { ...auth(), 'accept-version': 'v5.0' });
    const notes: string[] = [];
    let incomplete: string | undefined;

    const found: GhostPost[] = [];
    const foundIds = new Set<string>();
    for (const resource of ['posts', 'pages'] as const) {
      if (found.length >= context.maxItems) break;
      for await (const raw of browse(get, resource, `filter=${encodeURIComponent('status:[draft,scheduled]')}&formats=${formats}`)) {
        const post = ghostPost(resource, raw, context.origin);
        // The query asked for drafts and scheduled items; an answer that ignores it is checked.
        if (post === undefined || (post.status !== 'draft' && post.status !== 'scheduled')) continue;
        if (foundIds.has(post.id)) continue;
        foundIds.add(post.id);
        found.push(post);
        if (found.length >= context.maxItems) break;
      }
      context.progress(`inventory: ${found.length} unpublished post(s) and page(s) so far (${resource})`);
    }
    if (found.length >= context.maxItems) incomplete = `the inventory stopped at ${context.maxItems} unpublished items (--max-items)`;

    // Media of unpublished items, by original file URL, with the variants seen.
    // Parents in a Set: one cover image shared by 100,000 drafts was a list scan per draft.
    const media = new Map<string, { variants: Set<string>; parents: Set<GhostPost> }>();
    const offSite = new Set<string>();
    for (const post of found) {
      for (const url of post.media) {
        if (new URL(url).origin !== context.origin) {
          offSite.add(url);
          continue;
        }
        const original = originalOf(url);
        const entry = media.get(original) ?? { variants: new Set<string>(), parents: new Set<GhostPost>() };
        if (url !== original) entry.variants.add(url);
        entry.parents.add(post);
        media.set(original, entry);
      }
    }
    if (offSite.size > 0) notes.push(`inventory: ${offSite.size} media URL(s) of unpublished items are on another host (a storage adapter or CDN) and are not checked`);

    // Everything public that may reference the same files; what cannot be read is said.
    const usedByPublished = new Set<string>();
    const mark = (urls: string[]): void => {
      for (const url of urls) {
        const original = originalOf(url);
        if (media.has(original)) usedByPublished.add(original);
      }
    };
    if (media.size > 0) {
      for (const resource of ['posts', 'pages'] as const) {
        for await (const raw of browse(get, resource, `filter=${encodeURIComponent('status:[published,sent]')}&formats=${formats}`)) {
          const record = raw as Record<string, unknown>;
          // Only what the answer itself says is published or sent counts as public use; a
          // draft returned by a filter-ignoring answer is already in the inventory.
          if (record.status === 'draft' || record.status === 'scheduled') continue;
          mark(mediaOf(record, context.origin));
        }
      }
      for (const [resource, fields] of [
        ['tags', ['feature_image', 'og_image', 'twitter_image', 'codeinjection_head', 'codeinjection_foot']],
        ['users', ['profile_image', 'cover_image']],
        ['newsletters', ['header_image']],
      ] as const) {
        try {
          for await (const raw of browse(get, resource, '')) mark(mediaOf(raw as Record<string, unknown>, context.origin, fields));
        } catch (error) {
          if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
          notes.push(`inventory: ${resource} could not be read (${error.message}); a file they use could be named as a draft's`);
        }
      }
      try {
        const { json } = await get(`${admin}/settings/`);
        const settings = Array.isArray((json as { settings?: unknown }).settings) ? ((json as { settings: unknown[] }).settings as Array<Record<string, unknown>>) : [];
        mark(settings.flatMap((setting) => (typeof setting.value === 'string' ? urlsIn(setting.value, context.origin) : [])));
      } catch (error) {
        if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
        notes.push(`inventory: settings could not be read (${error.message}); a file the site's logo, icon, cover or code injection uses could be named as a draft's`);
      }
    }
    if (usedByPublished.size > 0) notes.push(`inventory: ${usedByPublished.size} file(s) of unpublished items are also used by published content and are not audited as unpublished`);

    const items: UnpublishedItem[] = found.map((post) => contentItem(context.origin, post));
    const files = [...media.entries()].filter(([original]) => !usedByPublished.has(original));
    const room = Math.max(0, context.maxItems - items.length);
    if (files.length > room) incomplete ??= `the inventory stopped at ${context.maxItems} unpublished items and files (--max-items)`;
    for (const [original, entry] of files.slice(0, room)) items.push(fileItem(original, entry.variants, [...entry.parents]));
    context.progress(`inventory: ${items.length - found.length} file(s) used only by unpublished items`);
    return { items, notes, ...(incomplete === undefined ? {} : { incomplete }) };
  },
};

// --- credentials --------------------------------------------------------------------------------

/**
 * The Authorization header for the next request: a JWT signed with the Admin API key (renewed a
 * minute before it expires), or nothing when the user gave a ready Authorization header, which
 * the inventory client sends itself.
 */
function authorizer(context: AdapterContext): () => Record<string, string> {
  const entries = Object.entries(context.credentials?.headers() ?? {});
  const key = entries.find(([name]) => name.toLowerCase() === ghostKeyHeader.toLowerCase())?.[1];
  if (key === undefined) {
    if (entries.some(([name, value]) => name.toLowerCase() === 'authorization' && /^Ghost\s+\S+/.test(value))) return () => ({});
    throw new UsageError(`a Ghost audit needs a custom integration's Admin API key: --inventory-auth "${ghostKeyHeader}: <id>:<secret>" (it is turned into a short-lived token, never sent)`);
  }
  const match = keyPattern.exec(key.trim());
  if (!match?.[1] || !match[2]) throw new UsageError(`${ghostKeyHeader}: expected "<24 hex id>:<64 hex secret>" (Ghost Admin > Settings > Integrations); the value given is not repeated here`);
  const id = match[1];
  const secret = Buffer.from(match[2], 'hex');
  let token: { value: string; renewAt: number } | undefined;
  return () => {
    const now = Date.now();
    if (token === undefined || now >= token.renewAt) {
      token = { value: adminJwt(id, secret, Math.floor(now / 1000)), renewAt: now + (tokenLifetimeSeconds - 60) * 1000 };
    }
    return { authorization: `Ghost ${token.value}` };
  };
}

/** HS256 JWT as Ghost's Admin API verifies it: kid = key id, aud /admin/, at most 5 minutes. */
export function adminJwt(id: string, secret: Buffer, iat: number): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT', kid: id })}.${part({ iat, exp: iat + tokenLifetimeSeconds, aud: '/admin/' })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

// --- browsing -----------------------------------------------------------------------------------

type Get = (path: string) => ReturnType<AdapterContext['client']['getJson']>;

/** Every entry of an Admin API browse endpoint, page by page, following meta.pagination. */
async function* browse(get: Get, resource: string, query: string): AsyncGenerator<unknown> {
  const seen = new Set<string>();
  for (let page = 1; ; page += 1) {
    const path = `${admin}/${resource}/?${query === '' ? '' : `${query}&`}limit=${pageSize}&page=${page}`;
    const { json } = await get(path);
    const body = json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {};
    const list = body[resource];
    if (!Array.isArray(list)) throw new InventoryHttpError(path, 200, `${admin}/${resource}/ did not answer a list of ${resource}`);
    let fresh = 0;
    for (const entry of list) {
      const id = entry !== null && typeof entry === 'object' ? String((entry as Record<string, unknown>).id) : '';
      if (seen.has(id)) continue;
      seen.add(id);
      fresh += 1;
      yield entry;
    }
    const pagination = ((body.meta ?? {}) as { pagination?: { pages?: unknown; next?: unknown } }).pagination ?? {};
    const pages = typeof pagination.pages === 'number' ? pagination.pages : 1;
    // A page that brings nothing new (an answer that ignores the page) ends it too.
    if (list.length < pageSize || page >= pages || pagination.next === null || fresh === 0) return;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function ghostPost(resource: 'posts' | 'pages', raw: unknown, origin: string): GhostPost | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const post = raw as Record<string, unknown>;
  const id = text(post.id);
  const uuid = text(post.uuid);
  const slug = text(post.slug);
  const status = text(post.status);
  if (id === undefined || uuid === undefined || slug === undefined || status === undefined) return undefined;
  const publishedAt = text(post.published_at);
  const updatedAt = text(post.updated_at);
  const title = text(post.meta_title) ?? text(post.title);
  return {
    resource,
    id,
    uuid,
    slug,
    status,
    ...(publishedAt === undefined ? {} : { publishedAt }),
    ...(updatedAt === undefined ? {} : { updatedAt }),
    ...(title === undefined || title.trim().length < 4 ? {} : { titleHtml: `<title>${handlebarsEscape(title)}` }),
    media: mediaOf(post, origin),
  };
}

// Handlebars' escapeExpression, which Ghost's {{meta_title}} goes through.
function handlebarsEscape(value: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };
  return value.replace(/[&<>"'`=]/g, (character) => entities[character] ?? character);
}

const postMediaFields = ['feature_image', 'og_image', 'twitter_image', 'html', 'lexical', 'mobiledoc', 'codeinjection_head', 'codeinjection_foot'];

/** Every /content/images|media|files/ URL in these fields, absolute. */
function mediaOf(record: Record<string, unknown>, origin: string, fields: readonly string[] = postMediaFields): string[] {
  const urls = new Set<string>();
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string') for (const url of urlsIn(value, origin)) urls.add(url);
  }
  return [...urls];
}

const mediaUrl = /(?:https?:\/\/[^\s"'<>()\\,]*?|__GHOST_URL__)?\/content\/(?:images|media|files)\/[^\s"'<>()\\?#,]+/g;

function urlsIn(value: string, origin: string): string[] {
  const out: string[] = [];
  for (const [match] of value.matchAll(mediaUrl)) {
    // Lexical and mobiledoc store the site's own URLs as __GHOST_URL__/content/...
    const candidate = match.startsWith('__GHOST_URL__') ? `${origin}${match.slice('__GHOST_URL__'.length)}` : match;
    try {
      const url = new URL(candidate, origin);
      if (url.protocol === 'http:' || url.protocol === 'https:') out.push(url.href);
    } catch {
      // Not a URL.
    }
  }
  return out;
}

/** /content/images/size/w600/format/webp/2026/11/x.png -> /content/images/2026/11/x.png */
function originalOf(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = parsed.pathname.replace(/\/content\/images\/size\/w\d+(?:h\d+)?\/(?:format\/[a-z0-9]+\/)?/i, '/content/images/');
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

const mimeByExtension: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  svgz: 'image/svg+xml',
  ico: 'image/x-icon',
  heic: 'image/heic',
  mp4: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  pdf: 'application/pdf',
};

function mimeOf(url: string): string | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : mimeByExtension[extension];
}

function contentItem(origin: string, post: GhostPost): UnpublishedItem {
  const type = post.resource === 'posts' ? 'post' : 'page';
  const routes: ItemRoute[] = [{ kind: 'rest', url: new URL(`${admin}/${post.resource}/${post.id}/`, origin).href, proof: { kind: 'json-id', field: `${post.resource}.0.id`, id: post.id } }];
  const preview = new URL(`/p/${post.uuid}/`, origin).href;
  const permalink = new URL(`/${encodeURIComponent(post.slug)}/`, origin).href;
  if (post.resource === 'pages') {
    // Ghost's body_class gives a page "page-template page-<slug>", in its preview as well.
    const html = { kind: 'html-marker' as const, markers: [`page-${post.slug}`] };
    routes.push({ kind: 'preview', url: preview, proof: html, capability: true });
    routes.push({ kind: 'permalink', url: permalink, proof: html });
  } else {
    // A post page has no per-post class; ghost_head writes its canonical link (the /p/<uuid>/
    // URL in a preview, the permalink once published), and the page shows the post's own files.
    // (A catch-all that echoes the URL is the host's calibrated not-found page, judged first.)
    // One of the post's own files or its title must be there too: a page that merely echoes the
    // URL into a canonical link is not the post.
    const own = [...post.media.map((url) => new URL(url, origin).pathname), ...(post.titleHtml === undefined ? [] : [post.titleHtml])];
    const any = { any: own.length > 0 ? own : [`/p/${post.uuid}/ has no own text`] };
    routes.push({ kind: 'preview', url: preview, proof: { kind: 'html-text', all: [`<link rel="canonical" href="${preview}"`], ...any }, capability: true });
    routes.push({ kind: 'permalink', url: permalink, proof: { kind: 'html-text', all: [`<link rel="canonical" href="${permalink}"`], ...any } });
  }
  const scheduledFor = post.status === 'scheduled' ? iso(post.publishedAt) : undefined;
  const date = iso(post.updatedAt);
  return {
    cms: 'ghost',
    kind: 'item',
    type,
    id: post.id,
    status: post.status,
    ...(scheduledFor === undefined ? {} : { scheduledFor }),
    ...(date === undefined ? {} : { date }),
    routes,
  };
}

function iso(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A resized variant can be served in another format (/size/w600/format/webp/...). */
function variantProof(url: string, originalMime: string | undefined): ItemRoute['proof'] {
  const format = /\/format\/([a-z0-9]+)\//i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  const mime = (format === undefined ? undefined : mimeByExtension[format]) ?? originalMime;
  return { kind: 'file', ...(mime === undefined ? {} : { mime }) };
}

function fileItem(original: string, variants: Set<string>, parents: GhostPost[]): UnpublishedItem {
  // The parent named is the one that leaks most: a scheduled item first.
  const parent = parents.find((post) => post.status === 'scheduled') ?? parents[0]!;
  const mime = mimeOf(original);
  const proof = { kind: 'file' as const, ...(mime === undefined ? {} : { mime }) };
  const routes: ItemRoute[] = [{ kind: 'file', url: original, proof }, ...[...variants].sort().map((url) => ({ kind: 'size-variant' as const, url, proof: variantProof(url, mime) }))];
  const scheduledFor = parent.status === 'scheduled' ? iso(parent.publishedAt) : undefined;
  const type = parent.resource === 'posts' ? 'post' : 'page';
  return {
    cms: 'ghost',
    kind: 'file',
    type: new URL(original).pathname.includes('/content/images/') ? 'image' : new URL(original).pathname.includes('/content/media/') ? 'media' : 'file',
    // Ghost keeps no record of its uploads: a file is named by its path.
    id: new URL(original).pathname,
    status: `file of ${parent.status} ${type}`,
    parent: { type, id: parent.id, status: parent.status, ...(scheduledFor === undefined ? {} : { scheduledFor }) },
    routes,
  };
}
