import { z } from 'zod';
import { childElements, childText, firstChild, parseXml, XmlSyntaxError, type XmlElement } from './xml.js';

/**
 * RSS 2.0 (and 1.0), Atom and JSON Feed parsing. Feeds matter twice: their items are part of
 * what the site publishes on purpose, and their dates and ids (WordPress guids carry ?p=<id>)
 * let rules tell a published item from a leaked draft or a scheduled post served too early.
 */

export const feedItemSchema = z.object({
  url: z.string().optional(),
  /** guid (RSS), id (Atom), id (JSON Feed). */
  id: z.string().optional(),
  /** Publication date as ISO 8601 when it parses, otherwise as written. */
  date: z.string().optional(),
  updated: z.string().optional(),
  title: z.string().optional(),
});
export type FeedItem = z.infer<typeof feedItemSchema>;

export type FeedKind = 'rss' | 'atom' | 'json';
export interface Feed {
  kind: FeedKind;
  title?: string;
  items: FeedItem[];
}

export class FeedParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeedParseError';
  }
}

/** The JSON Feed 1.x fields draftleak uses; everything else is ignored. */
const jsonFeedSchema = z.object({
  version: z.string().regex(/jsonfeed\.org\/version\//),
  title: z.string().optional(),
  items: z.array(
    z.object({
      id: z.union([z.string(), z.number()]).optional(),
      url: z.string().optional(),
      external_url: z.string().optional(),
      title: z.string().optional(),
      date_published: z.string().optional(),
      date_modified: z.string().optional(),
    }),
  ),
});

/** Parses any of the three formats; throws FeedParseError when the body is none of them. */
export function parseFeed(body: string, feedUrl: string): Feed {
  const trimmed = body.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{')) return parseJsonFeed(trimmed, feedUrl);
  let root: XmlElement;
  try {
    root = parseXml(trimmed);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new FeedParseError(`malformed feed XML: ${error.message}`, { cause: error });
    throw error;
  }
  if (root.local === 'rss') {
    const channel = firstChild(root, 'channel');
    if (!channel) throw new FeedParseError('RSS feed without <channel>');
    return feed('rss', childText(channel, 'title'), childElements(channel, 'item').map((item) => rssItem(item, feedUrl)));
  }
  if (root.local === 'rdf') {
    const channel = firstChild(root, 'channel');
    return feed('rss', channel ? childText(channel, 'title') : undefined, childElements(root, 'item').map((item) => rssItem(item, feedUrl)));
  }
  if (root.local === 'feed') {
    return feed('atom', childText(root, 'title'), childElements(root, 'entry').map((entry) => atomEntry(entry, feedUrl)));
  }
  throw new FeedParseError(`not a feed: the root element is <${root.name}>`);
}

function feed(kind: FeedKind, title: string | undefined, items: FeedItem[]): Feed {
  const kept = items.filter((item) => item.url !== undefined || item.id !== undefined);
  return title === undefined ? { kind, items: kept } : { kind, title, items: kept };
}

function rssItem(item: XmlElement, feedUrl: string): FeedItem {
  const guidElement = firstChild(item, 'guid');
  const guid = childText(item, 'guid');
  // A guid is the item's permalink unless it says isPermaLink="false" (RSS 2.0 §guid).
  const guidIsLink = guidElement !== undefined && guidElement.attributes['isPermaLink']?.toLowerCase() !== 'false';
  const link = childText(item, 'link') ?? item.attributes['rdf:about'] ?? (guidIsLink ? guid : undefined);
  return clean({
    url: resolve(link, feedUrl),
    id: guid,
    date: isoDate(childText(item, 'pubdate') ?? childText(item, 'date')),
    title: childText(item, 'title'),
  });
}

function atomEntry(entry: XmlElement, feedUrl: string): FeedItem {
  const links = childElements(entry, 'link');
  // rel defaults to "alternate" in Atom (RFC 4287 §4.2.7.2).
  const alternate = links.find((link) => (link.attributes['rel'] ?? 'alternate') === 'alternate') ?? links[0];
  return clean({
    url: resolve(alternate?.attributes['href'], feedUrl),
    id: childText(entry, 'id'),
    date: isoDate(childText(entry, 'published') ?? childText(entry, 'issued')),
    updated: isoDate(childText(entry, 'updated') ?? childText(entry, 'modified')),
    title: childText(entry, 'title'),
  });
}

function parseJsonFeed(text: string, feedUrl: string): Feed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FeedParseError(`malformed JSON feed: ${(error as Error).message}`, { cause: error });
  }
  const parsed = jsonFeedSchema.safeParse(json);
  if (!parsed.success) throw new FeedParseError(`not a JSON Feed: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const items = parsed.data.items.map((item) =>
    clean({
      url: resolve(item.url ?? item.external_url, feedUrl),
      id: item.id === undefined ? undefined : String(item.id),
      date: isoDate(item.date_published),
      updated: isoDate(item.date_modified),
      title: item.title,
    }),
  );
  return feed('json', parsed.data.title, items);
}

/** ISO 8601 when Date can read it (RFC 822 and ISO both parse), otherwise the original text. */
export function isoDate(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? value.trim() : new Date(time).toISOString();
}

function resolve(value: string | undefined, base: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function clean(item: Record<string, string | undefined>): FeedItem {
  return feedItemSchema.parse(Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)));
}

/** The link types that announce a feed in <link rel="alternate" type="...">. */
export function isFeedLinkType(type: string | undefined, href: string): boolean {
  const lower = (type ?? '').toLowerCase().split(';')[0]?.trim() ?? '';
  if (lower === 'application/rss+xml' || lower === 'application/atom+xml' || lower === 'application/feed+json') return true;
  // Older JSON Feeds announce themselves as plain JSON; WordPress uses the same type for its REST
  // API links, so only accept it when the URL says "feed".
  return lower === 'application/json' && /feed[^/]*\.json$/i.test(new URL(href).pathname);
}
