import type { ItemRoute, UnpublishedItem } from '../types.js';
import { InventoryHttpError } from '../inventory-client.js';
import type { AdapterContext, Inventory, InventoryAdapter } from './adapter.js';
import { appendAll } from '../../core/objects.js';

// WordPress REST API with an application password (Basic auth): /wp/v2/types lists every post
// type with its REST base; each type's collection takes status=draft,pending,private,future,trash
// with context=edit, which needs the edit_posts capability; attachments are listed by parent
// (the post they were uploaded to), with media_details holding every generated size and, since
// WordPress 6.0, each file's size in bytes.
// https://developer.wordpress.org/rest-api/reference/posts/#list-posts
// https://developer.wordpress.org/rest-api/reference/media/
// https://developer.wordpress.org/rest-api/reference/post-types/

const unpublishedStatuses = ['draft', 'pending', 'private', 'future', 'trash'];
// Types that are not content a visitor reads on their own URL (blocks, templates, menus...).
const skippedTypes = new Set(['attachment', 'nav_menu_item', 'wp_block', 'wp_template', 'wp_template_part', 'wp_navigation', 'wp_global_styles', 'wp_font_family', 'wp_font_face']);
const perPage = 100;
const parentsPerMediaRequest = 50;

interface PostType {
  slug: string;
  restBase: string;
  namespace: string;
  hierarchical: boolean;
}

interface UnpublishedPost {
  type: PostType;
  id: number;
  status: string;
  dateGmt?: string;
  modifiedGmt?: string;
  link?: string;
}

export const wordpressAdapter: InventoryAdapter = {
  cms: 'wordpress',
  apiPaths: ['/wp-json/'],
  async collect(context: AdapterContext): Promise<Inventory> {
    const notes: string[] = [];
    const api = await restApiBase(context);
    const types = await postTypes(context, api);
    const posts: UnpublishedPost[] = [];
    let incomplete: string | undefined;
    for (const type of types) {
      if (posts.length >= context.maxItems) break;
      try {
        for await (const page of pages(context, api(`/${type.namespace}/${type.restBase}`, { context: 'edit', status: unpublishedStatuses.join(','), _fields: 'id,status,date_gmt,modified_gmt,link' }))) {
          for (const raw of page) {
            const post = unpublishedPost(type, raw);
            if (post !== undefined) posts.push(post);
          }
          context.progress(`inventory: ${posts.length} unpublished item(s) so far (${type.slug})`);
          if (posts.length >= context.maxItems) break;
        }
      } catch (error) {
        if (!(error instanceof InventoryHttpError) || error.status === 401) throw error;
        // 403 on one type (its capability is not granted to this user) or 400 (a plugin's type
        // rejects a status): that type is not audited, and the report says so.
        notes.push(`inventory: ${type.slug} not listed (${error.message}); its unpublished items are not audited`);
        incomplete ??= `the inventory of ${type.slug} was refused`;
      }
    }
    if (posts.length >= context.maxItems) incomplete = `the inventory stopped at ${context.maxItems} unpublished items (--max-items)`;
    const items: UnpublishedItem[] = posts.slice(0, context.maxItems).map((post) => contentItem(context.origin, api, post));
    // The files count against --max-items too, as the other adapters' do: 5,000 drafts with 20
    // attachments each were 105,000 items.
    const room = context.maxItems - items.length;
    // One file past the room says there were more than it holds.
    const files = room > 0 ? await attachmentsOf(context, api, posts.slice(0, context.maxItems), room + 1) : [];
    if (files.length > room) incomplete ??= `the inventory stopped at ${context.maxItems} unpublished items and files (--max-items)`;
    appendAll(items, files.slice(0, room));
    return { items, notes, ...(incomplete === undefined ? {} : { incomplete }) };
  },
};

type ApiUrl = (route: string, query?: Record<string, string>) => string;

/** /wp-json/ when pretty permalinks route it, else ?rest_route= (the same API). */
async function restApiBase(context: AdapterContext): Promise<ApiUrl> {
  const pretty: ApiUrl = (route, query = {}) => `/wp-json${route}${queryString(query, '?')}`;
  const plain: ApiUrl = (route, query = {}) => `/?rest_route=${encodeURIComponent(route).replaceAll('%2F', '/')}${queryString(query, '&')}`;
  try {
    await context.client.getJson(pretty('/wp/v2/types', { context: 'edit' }));
    return pretty;
  } catch (error) {
    if (error instanceof InventoryHttpError && error.status === 404) {
      await context.client.getJson(plain('/wp/v2/types', { context: 'edit' }));
      return plain;
    }
    throw error;
  }
}

function queryString(query: Record<string, string>, lead: string): string {
  const text = new URLSearchParams(query).toString().replaceAll('%2C', ',');
  return text === '' ? '' : `${lead}${text}`;
}

async function postTypes(context: AdapterContext, api: ApiUrl): Promise<PostType[]> {
  const { json } = await context.client.getJson(api('/wp/v2/types', { context: 'edit' }));
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InventoryHttpError(api('/wp/v2/types'), 200, '/wp/v2/types did not answer an object of post types');
  const types: PostType[] = [];
  for (const [slug, value] of Object.entries(json as Record<string, unknown>)) {
    if (skippedTypes.has(slug) || value === null || typeof value !== 'object') continue;
    const type = value as Record<string, unknown>;
    // viewable (context=edit) is false for types with no public URL; those leak nothing by route.
    if (type.viewable === false || typeof type.rest_base !== 'string' || type.rest_base === '') continue;
    types.push({ slug, restBase: type.rest_base, namespace: typeof type.rest_namespace === 'string' ? type.rest_namespace : 'wp/v2', hierarchical: type.hierarchical === true });
  }
  return types;
}

/** Every page of a collection, following X-WP-TotalPages. */
async function* pages(context: AdapterContext, first: string): AsyncGenerator<unknown[]> {
  for (let page = 1; ; page += 1) {
    const url = `${first}&per_page=${perPage}&page=${page}`;
    const { json, headers } = await context.client.getJson(url);
    if (!Array.isArray(json)) throw new InventoryHttpError(url, 200, `${first} did not answer a list`);
    yield json;
    const total = Number(headers['x-wp-totalpages'] ?? '1');
    if (json.length < perPage || !Number.isFinite(total) || page >= total) return;
  }
}

function unpublishedPost(type: PostType, raw: unknown): UnpublishedPost | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const post = raw as Record<string, unknown>;
  const id = typeof post.id === 'number' ? post.id : Number(post.id);
  const status = typeof post.status === 'string' ? post.status : undefined;
  // The query asked for unpublished statuses; an answer that ignores it is not trusted.
  if (!Number.isInteger(id) || id <= 0 || status === undefined || !unpublishedStatuses.includes(status)) return undefined;
  return {
    type,
    id,
    status,
    ...(typeof post.date_gmt === 'string' ? { dateGmt: post.date_gmt } : {}),
    ...(typeof post.modified_gmt === 'string' ? { modifiedGmt: post.modified_gmt } : {}),
    ...(typeof post.link === 'string' ? { link: post.link } : {}),
  };
}

const utc = (gmt: string | undefined): string | undefined => (gmt === undefined ? undefined : gmt.endsWith('Z') ? gmt : `${gmt}Z`);

function contentItem(origin: string, api: ApiUrl, post: UnpublishedPost): UnpublishedItem {
  const id = String(post.id);
  const isPage = post.type.slug === 'page';
  const marker = isPage ? `page-id-${id}` : `postid-${id}`;
  const html = { kind: 'html-marker' as const, markers: [marker] };
  const routes: ItemRoute[] = [
    { kind: 'rest', url: new URL(api(`/${post.type.namespace}/${post.type.restBase}/${id}`), origin).href, proof: { kind: 'json-id', field: 'id', id } },
    { kind: 'id-query', url: new URL(isPage ? `/?page_id=${id}` : post.type.slug === 'post' ? `/?p=${id}` : `/?post_type=${encodeURIComponent(post.type.slug)}&p=${id}`, origin).href, proof: html },
    { kind: 'preview', url: new URL(isPage ? `/?page_id=${id}&preview=true` : `/?p=${id}&preview=true`, origin).href, proof: html },
  ];
  // A scheduled post already has its pretty permalink; a draft's link is the ?p= form above.
  if (post.link !== undefined && post.link !== '' && !routes.some((route) => route.url === post.link)) {
    try {
      const link = new URL(post.link, origin);
      if (link.origin === origin) routes.push({ kind: 'permalink', url: link.href, proof: html });
    } catch {
      // An unparsable link is no route.
    }
  }
  const scheduledFor = post.status === 'future' ? utc(post.dateGmt) : undefined;
  const date = utc(post.modifiedGmt) ?? utc(post.dateGmt);
  return {
    cms: 'wordpress',
    kind: 'item',
    type: post.type.slug,
    id,
    status: post.status,
    ...(scheduledFor === undefined ? {} : { scheduledFor }),
    ...(date === undefined ? {} : { date }),
    routes,
  };
}

/** Attachments uploaded to unpublished items (post_parent), with every size WordPress made. */
/** The files attached to `posts`, at most `max`. */
async function attachmentsOf(context: AdapterContext, api: ApiUrl, posts: UnpublishedPost[], max: number): Promise<UnpublishedItem[]> {
  const parents = new Map(posts.map((post) => [post.id, post]));
  const ids = [...parents.keys()];
  const files: UnpublishedItem[] = [];
  // By attachment id: a site that ignores the parent filter answers every chunk with the same files.
  const seen = new Set<string>();
  for (let start = 0; start < ids.length; start += parentsPerMediaRequest) {
    const chunk = ids.slice(start, start + parentsPerMediaRequest);
    const first = api('/wp/v2/media', { context: 'edit', parent: chunk.join(','), _fields: 'id,post,source_url,mime_type,media_details,date_gmt,modified_gmt' });
    for await (const page of pages(context, first)) {
      for (const raw of page) {
        const file = attachment(context.origin, raw, parents);
        if (file !== undefined && !seen.has(file.id)) {
          seen.add(file.id);
          files.push(file);
          if (files.length >= max) return files;
        }
      }
      context.progress(`inventory: ${files.length} file(s) of unpublished items so far`);
    }
  }
  return files;
}

function attachment(origin: string, raw: unknown, parents: Map<number, UnpublishedPost>): UnpublishedItem | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const media = raw as Record<string, unknown>;
  const parent = parents.get(Number(media.post));
  if (parent === undefined || typeof media.source_url !== 'string') return undefined;
  const mime = typeof media.mime_type === 'string' ? media.mime_type : undefined;
  const details = media.media_details !== null && typeof media.media_details === 'object' ? (media.media_details as Record<string, unknown>) : {};
  const routes: ItemRoute[] = [];
  const add = (kind: 'file' | 'size-variant', url: unknown, bytes: unknown, sizeMime?: unknown): void => {
    if (typeof url !== 'string' || url === '') return;
    let absolute: string;
    try {
      absolute = new URL(url, origin).href;
    } catch {
      return;
    }
    if (routes.some((route) => route.url === absolute)) return;
    const fileMime = typeof sizeMime === 'string' ? sizeMime : mime;
    routes.push({ kind, url: absolute, proof: { kind: 'file', ...(typeof bytes === 'number' && Number.isInteger(bytes) && bytes > 0 ? { bytes } : {}), ...(fileMime === undefined ? {} : { mime: fileMime }) } });
  };
  add('file', media.source_url, details.filesize);
  const sizes = details.sizes !== null && typeof details.sizes === 'object' ? (details.sizes as Record<string, Record<string, unknown>>) : {};
  for (const size of Object.values(sizes)) {
    if (size !== null && typeof size === 'object') add('size-variant', size.source_url, size.filesize, size.mime_type);
  }
  // A big image is scaled on upload ("-scaled"); the original stays beside it under its own name.
  if (typeof details.original_image === 'string' && details.original_image !== '') {
    add('size-variant', new URL(details.original_image, new URL(media.source_url, origin)).href, undefined);
  }
  const scheduledFor = parent.status === 'future' ? utc(parent.dateGmt) : undefined;
  const date = utc(typeof media.modified_gmt === 'string' ? media.modified_gmt : undefined) ?? utc(typeof media.date_gmt === 'string' ? media.date_gmt : undefined);
  return {
    cms: 'wordpress',
    kind: 'file',
    type: 'attachment',
    id: String(media.id),
    status: `file of ${parent.status} ${parent.type.slug}`,
    ...(date === undefined ? {} : { date }),
    parent: { type: parent.type.slug, id: String(parent.id), status: parent.status, ...(scheduledFor === undefined ? {} : { scheduledFor }) },
    routes,
  };
}
