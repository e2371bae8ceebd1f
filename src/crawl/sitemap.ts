import { z } from 'zod';
import { childElements, childText, firstChild, parseXml, XmlSyntaxError, type XmlElement } from './xml.js';

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
  | { kind: 'urlset'; entries: SitemapEntry[]; skipped: number }
  | { kind: 'index'; sitemaps: SitemapReference[]; skipped: number };

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
 * Parses a urlset or a sitemapindex. Throws SitemapParseError when the document is not
 * well-formed XML or its root is neither; single entries without a usable <loc> are skipped and
 * counted rather than failing the whole file.
 */
export function parseSitemap(xml: string): SitemapDocument {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new SitemapParseError(`malformed sitemap XML: ${error.message}`, { cause: error });
    throw error;
  }
  if (root.local === 'sitemapindex') {
    const sitemaps: SitemapReference[] = [];
    let skipped = 0;
    for (const element of childElements(root, 'sitemap')) {
      const loc = childText(element, 'loc');
      if (loc === undefined || !absoluteHttp.test(loc)) {
        skipped++;
        continue;
      }
      const lastmod = childText(element, 'lastmod');
      sitemaps.push(lastmod === undefined ? { loc } : { loc, lastmod });
    }
    return { kind: 'index', sitemaps, skipped };
  }
  if (root.local === 'urlset') {
    const entries: SitemapEntry[] = [];
    let skipped = 0;
    for (const element of childElements(root, 'url')) {
      const entry = readUrlElement(element);
      if (entry) entries.push(entry);
      else skipped++;
    }
    return { kind: 'urlset', entries, skipped };
  }
  throw new SitemapParseError(`not a sitemap: the root element is <${root.name}>, expected <urlset> or <sitemapindex>`);
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
