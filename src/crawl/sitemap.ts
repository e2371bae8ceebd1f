import { z } from 'zod';
import { childElements, childText, firstChild, streamXml, XmlSyntaxError, type StreamedXml, type XmlElement } from './xml.js';

/**
 * Parsing of sitemap documents (sitemaps.org protocol, including WordPress core's
 * wp-sitemap.xml, which is the same format, and the Google news and image extensions). Fetching,
 * gzip and nesting live in sitemap-fetch.ts; this module only turns text into data.
 */

const absoluteHttp = /^https?:\/\//i;
const absoluteUrl = z.string().regex(absoluteHttp, 'not an absolute http(s) URL');

export const sitemapEntrySchema = z.object({
  loc: absoluteUrl,
  lastmod: z.string().optional(),
  /** news:publication_date: a future date here is an embargo that the sitemap already leaks. */
  newsPublicationDate: z.string().optional(),
  newsTitle: z.string().optional(),
  /** image:image/image:loc: media the site publishes on purpose. */
  images: z.array(absoluteUrl),
});
export type SitemapEntry = z.infer<typeof sitemapEntrySchema>;

export const sitemapReferenceSchema = z.object({ loc: absoluteUrl, lastmod: z.string().optional() });
export type SitemapReference = z.infer<typeof sitemapReferenceSchema>;

export type SitemapDocument =
  | { kind: 'urlset'; entries: SitemapEntry[]; skipped: number; truncated: boolean }
  | { kind: 'index'; sitemaps: SitemapReference[]; skipped: number; truncated: boolean };

/**
 * Entries (or index references) read from one sitemap document by default: the protocol's own
 * maximum per file. A file that lists more is read up to the cap and marked truncated.
 */
export const defaultMaxSitemapDocumentEntries = 50_000;

export interface SitemapParseOptions {
  /** Stop reading after this many entries (or index references); `truncated` then says so. */
  maxEntries?: number;
}

export class SitemapParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SitemapParseError';
  }
}

/*
 * The schemas above define the shapes (and document them for consumers of the JSON output). The
 * per-entry checks below are written out by hand because a sitemap may hold 50,000 entries and
 * a schema parse per entry cost more than reading the XML itself; they check exactly what the
 * schemas say (loc and image locs absolute http(s), the rest optional strings).
 */

/**
 * Parses a urlset or a sitemapindex, one <url> or <sitemap> at a time (the document is never
 * held as a tree). Throws SitemapParseError when the document is not well-formed XML, up to the
 * point reading stopped, or its root is neither; single entries without a usable <loc> are
 * skipped and counted rather than failing the whole file. Reading stops at `maxEntries` kept
 * entries, and `truncated` says so.
 */
export function parseSitemap(xml: string, options: SitemapParseOptions = {}): SitemapDocument {
  const maxEntries = options.maxEntries ?? defaultMaxSitemapDocumentEntries;
  const entries: SitemapEntry[] = [];
  const sitemaps: SitemapReference[] = [];
  let skipped = 0;
  let kind: 'urlset' | 'index' | undefined;
  let streamed: StreamedXml;
  try {
    streamed = streamXml(xml, (element, root) => {
      kind ??= rootKind(root);
      // The cap is checked when one more element arrives, so "truncated" means one was left out.
      if (kind === 'urlset' && element.local === 'url') {
        if (entries.length >= maxEntries) return 'stop';
        const entry = readUrlElement(element);
        if (entry) entries.push(entry);
        else skipped++;
        return undefined;
      }
      if (kind === 'index' && element.local === 'sitemap') {
        if (sitemaps.length >= maxEntries) return 'stop';
        const reference = readSitemapElement(element);
        if (reference) sitemaps.push(reference);
        else skipped++;
        return undefined;
      }
      // A root that is not a sitemap: nothing in it is worth reading.
      return kind === undefined ? 'stop' : undefined;
    });
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new SitemapParseError(`malformed sitemap XML: ${error.message}`, { cause: error });
    throw error;
  }
  const root = streamed.root;
  const truncated = streamed.stopped && kind !== undefined;
  if (root.local === 'sitemapindex') return { kind: 'index', sitemaps, skipped, truncated };
  if (root.local === 'urlset') return { kind: 'urlset', entries, skipped, truncated };
  throw new SitemapParseError(`not a sitemap: the root element is <${root.name}>, expected <urlset> or <sitemapindex>`);
}

function rootKind(root: XmlElement): 'urlset' | 'index' | undefined {
  if (root.local === 'urlset') return 'urlset';
  if (root.local === 'sitemapindex') return 'index';
  return undefined;
}

function readSitemapElement(element: XmlElement): SitemapReference | undefined {
  const loc = childText(element, 'loc');
  if (loc === undefined || !absoluteHttp.test(loc)) return undefined;
  const lastmod = childText(element, 'lastmod');
  return lastmod === undefined ? { loc } : { loc, lastmod };
}

/** One <url>, or undefined when its <loc> is missing or not absolute http(s). */
function readUrlElement(element: XmlElement): SitemapEntry | undefined {
  const loc = childText(element, 'loc');
  if (loc === undefined || !absoluteHttp.test(loc)) return undefined;
  const entry: SitemapEntry = { loc, images: [] };
  const lastmod = childText(element, 'lastmod');
  if (lastmod !== undefined) entry.lastmod = lastmod;
  const news = firstChild(element, 'news');
  if (news) {
    const date = childText(news, 'publication_date');
    const title = childText(news, 'title');
    if (date !== undefined) entry.newsPublicationDate = date;
    if (title !== undefined) entry.newsTitle = title;
  }
  for (const image of childElements(element, 'image')) {
    const imageLoc = childText(image, 'loc');
    if (imageLoc !== undefined && absoluteHttp.test(imageLoc)) entry.images.push(imageLoc);
  }
  return entry;
}

/** True when the text is plausibly XML (guards against HTML pages answered for /sitemap.xml). */
export function looksLikeXml(body: string): boolean {
  const start = body.replace(/^\uFEFF/, '').trimStart().slice(0, 512).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return false;
  return start.startsWith('<?xml') || start.startsWith('<urlset') || start.startsWith('<sitemapindex') || start.startsWith('<');
}
