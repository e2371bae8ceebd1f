import { z } from 'zod';
import { childElements, childText, firstChild, parseXml, XmlSyntaxError, type XmlElement } from './xml.js';

/**
 * Parsing of sitemap documents (sitemaps.org protocol, including WordPress core's
 * wp-sitemap.xml, which is the same format, and the Google news and image extensions). Fetching,
 * gzip and nesting live in sitemap-fetch.ts; this module only turns text into data.
 */

const absoluteUrl = z.string().refine((value) => /^https?:\/\//i.test(value), 'not an absolute http(s) URL');

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
      const parsed = sitemapReferenceSchema.safeParse(compact({ loc: childText(element, 'loc'), lastmod: childText(element, 'lastmod') }));
      if (parsed.success) sitemaps.push(parsed.data);
      else skipped++;
    }
    return { kind: 'index', sitemaps, skipped };
  }
  if (root.local === 'urlset') {
    const entries: SitemapEntry[] = [];
    let skipped = 0;
    for (const element of childElements(root, 'url')) {
      const parsed = sitemapEntrySchema.safeParse(readUrlElement(element));
      if (parsed.success) entries.push(parsed.data);
      else skipped++;
    }
    return { kind: 'urlset', entries, skipped };
  }
  throw new SitemapParseError(`not a sitemap: the root element is <${root.name}>, expected <urlset> or <sitemapindex>`);
}

function readUrlElement(element: XmlElement): Record<string, unknown> {
  const news = firstChild(element, 'news');
  const images = childElements(element, 'image')
    .map((image) => childText(image, 'loc'))
    .filter((loc): loc is string => loc !== undefined);
  return compact({
    loc: childText(element, 'loc'),
    lastmod: childText(element, 'lastmod'),
    newsPublicationDate: news ? childText(news, 'publication_date') : undefined,
    newsTitle: news ? childText(news, 'title') : undefined,
    images,
  });
}

/** True when the text is plausibly XML (guards against HTML pages answered for /sitemap.xml). */
export function looksLikeXml(body: string): boolean {
  const start = body.replace(/^\uFEFF/, '').trimStart().slice(0, 512).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return false;
  return start.startsWith('<?xml') || start.startsWith('<urlset') || start.startsWith('<sitemapindex') || start.startsWith('<');
}

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
