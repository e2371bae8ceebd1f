import { z } from 'zod';
import { detached } from '../core/detach.js';
import { linkParts, normalizeUrl } from './normalize.js';
import { isPreviewUrl } from './preview-links.js';

/**
 * The published inventory: what the site publishes on purpose, from its sitemaps, feeds,
 * structured data and links. Rules use it as the "known public" side of a comparison: an item
 * reachable by id or slug that is in none of these lists is a candidate draft, scheduled post or
 * orphaned upload.
 */

export const inventorySources = ['sitemap', 'feed', 'link', 'jsonld'] as const;
export const inventorySourceSchema = z.enum(inventorySources);
export type InventorySource = z.infer<typeof inventorySourceSchema>;

export const inventoryEntrySchema = z.object({
  /** Normalised (see normalizeUrl). */
  url: z.string(),
  /** Where the URL was first seen. */
  source: inventorySourceSchema,
  /** Every source that listed it. */
  sources: z.array(inventorySourceSchema),
  /** Sitemap <lastmod>. */
  lastmod: z.string().optional(),
  /** Publication date: feed item date, news:publication_date, JSON-LD datePublished. */
  date: z.string().optional(),
  title: z.string().optional(),
});
export type InventoryEntry = z.infer<typeof inventoryEntrySchema>;

export interface InventoryInput {
  url: string;
  source: InventorySource;
  lastmod?: string;
  date?: string;
  title?: string;
}

export interface PublishedInventoryJson {
  entries: InventoryEntry[];
  slugs: string[];
  ids: string[];
  /** Preview-shaped URLs offered to the inventory and kept out of it. */
  previewLinks: string[];
}

/** Preview-shaped URLs kept aside, at most this many. */
const maxPreviewLinks = 500;

/**
 * Distinct published URLs kept. Past this, new URLs are counted in `dropped` instead: a sitemap
 * flood or a page of 100,000 links must not grow memory without bound (rules see at most a
 * thousand entries anyway).
 */
export const maxInventoryEntries = 100_000;
/** Distinct ids kept (feed guids, body classes); past this they are counted in `dropped`. */
const maxInventoryIds = 100_000;

/** Query parameters whose value is a CMS content id (WordPress ?p=, ?page_id=, ?attachment_id=...). */
const idParams = new Set(['p', 'page_id', 'post', 'attachment_id', 'id', 'post_id', 'nid']);
/** Path shapes that carry a numeric id: Drupal /node/123, generic /posts/123 (not /page/2: that is pagination). */
const idPathPattern = /\/(?:node|post|posts|article|articles|entry|entries|item|items|media|attachment)\/(\d+)(?:\/|$)/i;
/** WordPress body classes that name the current post: postid-123, page-id-2, attachmentid-15. */
const idBodyClass = /^(?:postid|page-id|attachmentid|post-id|parent-pageid)-(\d+)$/;

/** V8 copies a slice shorter than 13 characters anyway; a longer one is a view of its text. */
const flat = (value: string | undefined): string | undefined => (value === undefined || value.length < 13 ? value : detached(value));

/**
 * Distinct dates the inventory shares between its entries; past this many, each entry keeps its
 * own copy. Sitemaps repeat their dates: date-only lastmods, and the one build time a static site
 * generator writes on every page. 50,000 entries held 50,000 copies of one "2026-01-01", 1.6 MB.
 */
const maxSharedDates = 4096;

const digitOf = (source: InventorySource): number => inventorySources.indexOf(source) + 1;

function sourcesOf(digits: number): InventorySource[] {
  const sources: InventorySource[] = [];
  for (let rest = digits; rest > 0; rest = Math.floor(rest / 5)) sources.unshift(inventorySources[(rest % 5) - 1] as InventorySource);
  return sources;
}

function withSource(digits: number, source: InventorySource): number {
  for (let rest = digits; rest > 0; rest = Math.floor(rest / 5)) if (rest % 5 === digitOf(source)) return digits;
  return digits * 5 + digitOf(source);
}

/**
 * A column of optional values that takes no memory until a row has one, and then only up to the
 * last row that has: a site's sitemap may give no lastmod, and most URLs have no feed or JSON-LD
 * date or title (at 50,000 pages, two columns of nothing but undefined were 0.8 MB).
 */
class OptionalColumn {
  private values: Array<string | undefined> | undefined;

  get(row: number): string | undefined {
    return this.values?.[row];
  }

  set(row: number, value: string | undefined): void {
    if (value === undefined) {
      if (this.values !== undefined && row < this.values.length) this.values[row] = undefined;
      return;
    }
    const values = (this.values ??= []);
    // Filled up to the row by pushes, so the array stays packed.
    while (values.length < row) values.push(undefined);
    values[row] = value;
  }

  /** Sets the row's value unless it has one. */
  fill(row: number, value: string | undefined): void {
    if (value !== undefined && this.get(row) === undefined) this.set(row, value);
  }
}

/**
 * The inventory's entries as columns: a row number per URL and an array per field, not an object
 * per entry. Objects of five fields held 1.5 MiB more at 50,000 entries than these columns did
 * (dense then, every column a slot per row).
 */
class EntryColumns {
  /** The row of each URL held, in the order the URLs came (a Map keeps insertion order). */
  readonly rowOf = new Map<string, number>();
  /**
   * The sources in the order they listed the URL (the first is `source`), one base-5 digit each
   * (index + 1): four sources are at most 5^4 - 1 = 624, and a Uint16Array holds that in 2 bytes.
   */
  private sources = new Uint16Array(256);
  /** The URL of each row: the copy sharedUrl gives out (a Map's lookup cannot give its key). */
  private readonly urls: Array<string | undefined> = [];
  private readonly lastmods = new OptionalColumn();
  private readonly dates = new OptionalColumn();
  private readonly titles = new OptionalColumn();

  add(url: string, sourceDigits: number, lastmod: string | undefined, date: string | undefined, title: string | undefined): void {
    const row = this.urls.length;
    if (row === this.sources.length) {
      const grown = new Uint16Array(row * 2);
      grown.set(this.sources);
      this.sources = grown;
    }
    this.rowOf.set(url, row);
    this.sources[row] = sourceDigits;
    this.urls.push(url);
    this.lastmods.set(row, lastmod);
    this.dates.set(row, date);
    this.titles.set(row, title);
  }

  /** Merges a later listing of the row's URL: its source, and the fields it had not had. */
  merge(row: number, source: InventorySource, lastmod: string | undefined, date: string | undefined, title: string | undefined): void {
    this.sources[row] = withSource(this.sources[row] as number, source);
    this.lastmods.fill(row, lastmod);
    this.dates.fill(row, date);
    this.titles.fill(row, title);
  }

  delete(url: string): boolean {
    const row = this.rowOf.get(url);
    if (row === undefined) return false;
    this.rowOf.delete(url);
    // The row stays, unused (rows are not reused); its URL and fields are let go.
    this.urls[row] = undefined;
    this.lastmods.set(row, undefined);
    this.dates.set(row, undefined);
    this.titles.set(row, undefined);
    return true;
  }

  /** The inventory's copy of a URL it holds. */
  held(url: string): string | undefined {
    const row = this.rowOf.get(url);
    return row === undefined ? undefined : this.urls[row];
  }

  /** An entry as readers see it: a copy, without its unset keys. */
  entry(url: string, row: number): InventoryEntry {
    const sources = sourcesOf(this.sources[row] as number);
    const listed: InventoryEntry = { url, source: sources[0] as InventorySource, sources };
    const lastmod = this.lastmods.get(row);
    const date = this.dates.get(row);
    const title = this.titles.get(row);
    if (lastmod !== undefined) listed.lastmod = lastmod;
    if (date !== undefined) listed.date = date;
    if (title !== undefined) listed.title = title;
    return listed;
  }
}

export class PublishedInventory {
  private readonly columns = new EntryColumns();
  /** The URLs held, in the order they came: the keys of the columns' rows. */
  private readonly byUrl = this.columns.rowOf;
  private readonly idSet = new Set<string>();
  private readonly previews = new Set<string>();
  private readonly dates = new Map<string, string>();
  /** Ids of withdrawn URLs that another URL may still give (see withdraw). */
  private readonly unsureIds = new Set<string>();
  /**
   * The slugs of the URLs held, worked out when asked and kept until the URLs change. Kept for
   * the whole crawl, as a set filled by add(), they were 2.9 MB at 50,000 URLs (the set's table
   * and a string per slug), for the first 1,000 of them that rules are shown at its end.
   */
  private slugsHeld: Set<string> | undefined;
  /** URLs and ids left out because the inventory was full. */
  dropped = 0;

  constructor(readonly maxEntries: number = maxInventoryEntries) {}

  /**
   * Adds a URL (normalised; ignored when not http(s)) with its dates, and derives its ids.
   * A preview-shaped URL (Ghost /p/<uuid>/, ?preview=true, ?_ppp=...) is not published on
   * purpose even when a page links to it: it is set aside in previewLinks() instead.
   */
  add(input: InventoryInput): void {
    const parts = linkParts(input.url);
    if (parts === undefined) return;
    const url = parts.href;
    if (isPreviewUrl(url)) {
      if (this.previews.size < maxPreviewLinks) this.previews.add(url);
      return;
    }
    const row = this.byUrl.get(url);
    if (row !== undefined) {
      this.columns.merge(row, input.source, this.sharedDate(input.lastmod), this.sharedDate(input.date), flat(input.title));
      return;
    }
    if (this.byUrl.size >= this.maxEntries) {
      this.dropped++;
      return;
    }
    // Dates and titles are flat copies: a value sliced from a sitemap or feed text (a lastmod
    // with a time is 25 characters, past V8's 13 for a slice) would keep that whole text alive.
    this.columns.add(url, digitOf(input.source), this.sharedDate(input.lastmod), this.sharedDate(input.date), flat(input.title));
    this.slugsHeld = undefined;
    // From the parse linkParts made: a sitemap of 50,000 entries was three URL parses each.
    for (const id of idsOf(parts.pathname, parts.search)) this.addKnownId(id);
  }

  /** The inventory's one copy of a date (a flat one: never a view of the text it came from). */
  private sharedDate(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    const shared = this.dates.get(value);
    if (shared !== undefined) return shared;
    const copy = flat(value) as string;
    if (this.dates.size < maxSharedDates) this.dates.set(copy, copy);
    return copy;
  }

  /** Adds an id seen elsewhere: a feed guid (and the numeric id inside it), a body class, a JSON Feed id. */
  addId(id: string): void {
    const trimmed = id.trim();
    if (trimmed === '') return;
    this.addKnownId(trimmed);
    for (const numeric of idsFromUrl(trimmed)) this.addKnownId(numeric);
  }

  private addKnownId(id: string): void {
    // Given again, not by a URL: settle() would not see it in the URLs it reads.
    this.unsureIds.delete(id);
    if (this.idSet.has(id)) return;
    // A withdrawal not yet settled may have made room: settled first, only at the cap.
    if (this.idSet.size >= maxInventoryIds && this.unsureIds.size > 0) this.settle();
    if (this.idSet.size >= maxInventoryIds) this.dropped++;
    else this.idSet.add(id);
  }

  /** Adds the ids that WordPress body classes name (postid-123 -> "123"). */
  addBodyClasses(classes: string[]): void {
    for (const token of classes) {
      const id = idBodyClass.exec(token)?.[1];
      if (id) this.addKnownId(id);
    }
  }

  /**
   * Takes back a URL the site refuses to visitors (the crawl fetched it: 401, 403, 404 or 410):
   * a page that links a draft (`/?p=7`, answering 404) does not make the draft published, so its
   * URL, and the slug and ids only it gave, leave the inventory. Rules then probe it as they
   * probe any id or slug the site does not publish.
   *
   * Slugs are worked out from the URLs held when asked. Whether another URL still gives an id is
   * settled on the next read, in one pass over the URLs held for every withdrawal since: checked
   * here, each withdrawal was a pass of its own, and a sitemap of 50,000 URLs listing 5,000
   * deleted posts took minutes (32 ms each).
   */
  withdraw(url: string): void {
    const normalized = normalizeUrl(url);
    if (normalized === undefined || !this.columns.delete(normalized)) return;
    this.slugsHeld = undefined;
    const { pathname, search } = pathAndQuery(normalized);
    for (const id of idsOf(pathname, search)) this.unsureIds.add(id);
  }

  /** Drops the withdrawn URLs' ids that no URL still held gives (see withdraw). */
  private settle(): void {
    if (this.unsureIds.size === 0) return;
    for (const url of this.byUrl.keys()) {
      const { pathname, search } = pathAndQuery(url);
      for (const id of idsOf(pathname, search)) this.unsureIds.delete(id);
      if (this.unsureIds.size === 0) break;
    }
    for (const id of this.unsureIds) this.idSet.delete(id);
    this.unsureIds.clear();
  }

  /** The slugs (and their variants) of the URLs held. */
  private slugs(): Set<string> {
    if (this.slugsHeld !== undefined) return this.slugsHeld;
    const slugs = new Set<string>();
    for (const url of this.byUrl.keys()) {
      const slug = slugOfPath(pathAndQuery(url).pathname);
      if (slug) for (const variant of slugVariants(slug)) slugs.add(variant);
    }
    this.slugsHeld = slugs;
    return slugs;
  }

  /**
   * The inventory's own copy of a normalised URL it holds, else `normalized` itself: the crawl
   * queues the sitemap's URLs again as it meets their links, and two copies of each were 2.8 MB
   * at 50,000 pages.
   */
  sharedUrl(normalized: string): string {
    return this.columns.held(normalized) ?? normalized;
  }

  has(url: string): boolean {
    const normalized = normalizeUrl(url);
    return normalized !== undefined && this.byUrl.has(normalized);
  }

  hasSlug(slug: string): boolean {
    return this.slugs().has(slug.toLowerCase().replace(/^\/+|\/+$/g, ''));
  }

  hasId(id: string | number): boolean {
    this.settle();
    return this.idSet.has(String(id).trim());
  }

  /** A copy of the entry for `url`, as listed() gives it. */
  get(url: string): InventoryEntry | undefined {
    const normalized = normalizeUrl(url);
    const row = normalized === undefined ? undefined : this.byUrl.get(normalized);
    return row === undefined ? undefined : this.columns.entry(normalized as string, row);
  }

  get size(): number {
    return this.byUrl.size;
  }

  entries(): InventoryEntry[] {
    return [...this.byUrl].map(([url, row]) => this.columns.entry(url, row));
  }

  /** Preview-shaped URLs that sitemaps, feeds or pages pointed at (leaked previews). */
  previewLinks(): string[] {
    return [...this.previews];
  }

  /**
   * At most `max` of each list, as toJSON gives them (entries in insertion order, slugs and ids
   * sorted), without copying every entry first: at 50,000 pages the full copy was a peak of its
   * own at the end of the crawl, for the 1,000 that rules are shown.
   */
  listed(max: number): PublishedInventoryJson {
    this.settle();
    const entries: InventoryEntry[] = [];
    for (const [url, row] of this.byUrl) {
      if (entries.length >= max) break;
      entries.push(this.columns.entry(url, row));
    }
    return {
      entries,
      slugs: [...this.slugs()].sort().slice(0, max),
      ids: [...this.idSet].sort().slice(0, max),
      previewLinks: this.previewLinks().slice(0, max),
    };
  }

  toJSON(): PublishedInventoryJson {
    return this.listed(Number.POSITIVE_INFINITY);
  }

}

/**
 * The path and query of a URL the inventory holds, read off its text: normalised, it is the
 * origin, the path and the query, in that order (no user info, no fragment), so no parse is
 * needed (50,000 of them were 50 ms at the end of a crawl).
 */
function pathAndQuery(normalized: string): { pathname: string; search: string } {
  const pathStart = normalized.indexOf('/', normalized.indexOf('//') + 2);
  if (pathStart < 0) return { pathname: '/', search: '' };
  const queryStart = normalized.indexOf('?', pathStart);
  return queryStart < 0 ? { pathname: normalized.slice(pathStart), search: '' } : { pathname: normalized.slice(pathStart, queryStart), search: normalized.slice(queryStart) };
}

/** The last non-empty path segment, decoded and lower-cased; undefined for the root. */
export function slugOf(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  return slugOfPath(pathname);
}

/** slugOf for a URL's path. */
function slugOfPath(pathname: string): string | undefined {
  const segments = pathname.split('/').filter((segment) => segment !== '');
  const last = segments[segments.length - 1];
  if (last === undefined) return undefined;
  try {
    return decodeURIComponent(last).toLowerCase();
  } catch {
    return last.toLowerCase();
  }
}

/** "my-post.html" is also known as "my-post", the slug a CMS would store. */
function slugVariants(slug: string): string[] {
  const bare = slug.replace(/\.(html?|php|aspx?)$/, '');
  return bare === slug ? [slug] : [slug, bare];
}

/** Numeric content ids a URL carries in its query (?p=123) or path (/node/123). */
export function idsFromUrl(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  return idsOf(url.pathname, url.search);
}

/** idsFromUrl for a URL's path and query (`?a=1`, or '' for none). */
function idsOf(pathname: string, search: string): string[] {
  const ids: string[] = [];
  if (search !== '') {
    for (const [name, param] of new URLSearchParams(search)) {
      if (idParams.has(name.toLowerCase()) && /^\d+$/.test(param)) ids.push(param);
    }
  }
  const fromPath = idPathPattern.exec(pathname)?.[1];
  if (fromPath) ids.push(fromPath);
  return ids;
}
