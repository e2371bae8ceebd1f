import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { Parser } from 'htmlparser2';
import { FastTokenizer } from './fast-tokenizer.js';
import { z } from 'zod';

/**
 * Link extraction from one HTML page with htmlparser2's streaming Parser: no DOM is built, which
 * makes it about 8x cheaper than cheerio.load (shared/research/deps.md §3). Discovery parses every
 * crawled page, so this is the crawl's hot path; cheerio stays reserved for rules that need
 * selectors. extractLinks is synchronous so it can be benchmarked on its own.
 */

export interface LinkTag {
  url: string;
  /** rel tokens, lower-cased. */
  rel: string[];
  type?: string;
  title?: string;
}

export interface JsonLdNode {
  types: string[];
  /** url, resolved. */
  url?: string;
  /** @id as written (often a URL with a fragment, sometimes a blank node id). */
  id?: string;
  datePublished?: string;
  dateModified?: string;
  headline?: string;
  images: string[];
}

export interface ExtractedPage {
  /** The URL relative links resolve against: <base href> when present, else the page URL. */
  baseUrl: string;
  title?: string;
  /** a[href], area[href]. */
  anchors: string[];
  /** link[href] with its rel and type (stylesheets, feeds, canonical, preload...). */
  linkTags: LinkTag[];
  /** script[src]. */
  scripts: string[];
  /** img[src|srcset], source[src|srcset], video/audio/track/embed[src], video[poster], object[data]. */
  media: string[];
  /** iframe[src], frame[src]. */
  iframes: string[];
  /** form[action] (a form without action posts to the page itself and adds nothing). */
  forms: string[];
  /** Every <meta> with a name, property, http-equiv or itemprop: key lower-cased -> content (first wins). */
  meta: Record<string, string>;
  /** Meta values that are URLs (og:url, og:image, twitter:image, refresh...), resolved. */
  metaUrls: Array<{ name: string; url: string }>;
  jsonLd: JsonLdNode[];
  /** JSON-LD blocks that were not valid JSON. */
  jsonLdErrors: number;
  /** Inline script text (not JSON-LD), for token and host scanning; capped per page. */
  inlineScripts: string[];
  inlineScriptsTruncated: boolean;
  /** <body class> tokens (WordPress writes postid-123, page-id-2, status-draft...). */
  bodyClasses: string[];
  /** URLs (and <meta> tags) left out because a list reached maxUrlsPerKind; absent when none were. */
  urlsDropped?: number;
}

/**
 * URL-bearing attributes kept per page and per list (anchors, media, link tags...). A page with
 * 100,000 links is a trap, not a table of contents; the crawl's own budgets decide the rest.
 */
export const maxUrlsPerKind = 10_000;

/** Inline script text kept per page; bundles are scanned separately and in full. */
export const inlineScriptCapChars = 256 * 1024;
const jsonLdCapChars = 1024 * 1024;

const metaUrlNames = new Set([
  'og:url',
  'og:image',
  'og:image:url',
  'og:image:secure_url',
  'og:video',
  'og:video:url',
  'og:audio',
  'twitter:image',
  'twitter:image:src',
  'twitter:player',
  'msapplication-tileimage',
  'thumbnail',
  'image',
]);

const nonScriptTypes = /^(application\/ld\+json|text\/(css|html|template|x-template)|text\/x-handlebars)/i;

interface OpenScript {
  jsonLd: boolean;
  chunks: string[];
  size: number;
}

/** Extracts every URL-bearing attribute, the meta tags, JSON-LD and inline scripts of a page. */
export function extractLinks(html: string, pageUrl: string): ExtractedPage {
  const raw = {
    base: undefined as string | undefined,
    anchors: [] as string[],
    linkTags: [] as Array<{ href: string; rel: string; type?: string; title?: string }>,
    scripts: [] as string[],
    media: [] as string[],
    iframes: [] as string[],
    forms: [] as string[],
    metaUrls: [] as Array<{ name: string; value: string }>,
  };
  const meta: Record<string, string> = {};
  const jsonLdTexts: string[] = [];
  const inlineScripts: string[] = [];
  let inlineSize = 0;
  let inlineTruncated = false;
  let bodyClasses: string[] = [];
  let titleParts: string[] | undefined;
  let title: string | undefined;
  let script: OpenScript | undefined;
  let urlsDropped = 0;
  let metaTags = 0;
  const push = (list: unknown[], value: string | undefined): void => {
    if (value === undefined || value.trim() === '') return;
    if (list.length >= maxUrlsPerKind) urlsDropped++;
    else list.push(value);
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        decodeAttributes(attributes);
        switch (name) {
          case 'a':
          case 'area':
            push(raw.anchors, attributes['href']);
            break;
          case 'link':
            if (attributes['href'] !== undefined && raw.linkTags.length >= maxUrlsPerKind) urlsDropped++;
            else if (attributes['href'] !== undefined) {
              raw.linkTags.push({
                href: attributes['href'],
                rel: attributes['rel'] ?? '',
                ...(attributes['type'] === undefined ? {} : { type: attributes['type'] }),
                ...(attributes['title'] === undefined ? {} : { title: attributes['title'] }),
              });
            }
            break;
          case 'script':
            if (attributes['src'] !== undefined) push(raw.scripts, attributes['src']);
            else {
              const type = attributes['type'] ?? '';
              const jsonLd = /^application\/ld\+json/i.test(type);
              if (jsonLd || !nonScriptTypes.test(type)) script = { jsonLd, chunks: [], size: 0 };
            }
            break;
          case 'img':
          case 'source':
            push(raw.media, attributes['src']);
            for (const candidate of parseSrcset(attributes['srcset'] ?? '')) push(raw.media, candidate);
            break;
          case 'video':
          case 'audio':
          case 'track':
          case 'embed':
            push(raw.media, attributes['src']);
            push(raw.media, attributes['poster']);
            break;
          case 'object':
            push(raw.media, attributes['data']);
            break;
          case 'iframe':
          case 'frame':
            push(raw.iframes, attributes['src']);
            break;
          case 'form':
            push(raw.forms, attributes['action']);
            break;
          case 'base':
            if (raw.base === undefined && attributes['href'] !== undefined) raw.base = attributes['href'];
            break;
          case 'meta':
            if (++metaTags > maxUrlsPerKind) urlsDropped++;
            else readMeta(attributes, meta, raw.metaUrls);
            break;
          case 'title':
            if (title === undefined) titleParts = [];
            break;
          case 'body':
            bodyClasses = (attributes['class'] ?? '').split(/\s+/).filter((token) => token !== '');
            break;
        }
      },
      ontext(text) {
        if (titleParts) titleParts.push(text);
        else if (script) {
          const cap = script.jsonLd ? jsonLdCapChars : inlineScriptCapChars - inlineSize;
          if (script.size + text.length > cap) {
            script.chunks.push(text.slice(0, Math.max(0, cap - script.size)));
            script.size = cap;
            if (!script.jsonLd) inlineTruncated = true;
          } else {
            script.chunks.push(text);
            script.size += text.length;
          }
        }
      },
      onclosetag(name) {
        if (name === 'title' && titleParts) {
          title = decodeHTML(titleParts.join('')).replace(/\s+/g, ' ').trim();
          titleParts = undefined;
        } else if (name === 'script' && script) {
          const text = script.chunks.join('');
          if (script.jsonLd) jsonLdTexts.push(text);
          else if (text.trim() !== '') {
            inlineScripts.push(text);
            inlineSize += text.length;
          }
          script = undefined;
        }
      },
    },
    // Entities are decoded here, in the attributes and the title read (decodeAttributes,
    // decodeHTML), not by the tokenizer: decoding, it reads all text a character at a time, and
    // not, it skips to the next "<" (a 20 KB page parsed in half the time). Script text is raw
    // text either way. FastTokenizer does that skipping with a native search.
    { decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true, Tokenizer: FastTokenizer },
  );
  parser.write(html);
  parser.end();

  // Resolution happens after parsing: <base href> applies to the whole document, including links
  // that appear before it in the source.
  const baseUrl = resolveUrl(raw.base ?? '', pageUrl) ?? pageUrl;
  const resolve = linkResolver(baseUrl);
  const resolveAll = (values: string[]): string[] => unique(values.map(resolve));

  const linkTags: LinkTag[] = [];
  const seenLinks = new Set<string>();
  for (const tag of raw.linkTags) {
    const url = resolve(tag.href);
    if (url === undefined) continue;
    const rel = tag.rel.toLowerCase().split(/\s+/).filter((token) => token !== '');
    const key = `${url} ${rel.join(' ')} ${tag.type ?? ''}`;
    if (seenLinks.has(key)) continue;
    seenLinks.add(key);
    linkTags.push({ url, rel, ...(tag.type === undefined ? {} : { type: tag.type }), ...(tag.title === undefined ? {} : { title: tag.title }) });
  }

  const metaUrls: Array<{ name: string; url: string }> = [];
  const seenMeta = new Set<string>();
  for (const { name, value } of raw.metaUrls) {
    const url = resolve(value);
    if (url === undefined || seenMeta.has(`${name} ${url}`)) continue;
    seenMeta.add(`${name} ${url}`);
    metaUrls.push({ name, url });
  }

  const jsonLd: JsonLdNode[] = [];
  let jsonLdErrors = 0;
  for (const text of jsonLdTexts) {
    try {
      collectJsonLd(JSON.parse(text) as unknown, baseUrl, jsonLd);
    } catch {
      jsonLdErrors++;
    }
  }

  return {
    baseUrl,
    ...(title === undefined ? {} : { title }),
    anchors: resolveAll(raw.anchors),
    linkTags,
    scripts: resolveAll(raw.scripts),
    media: resolveAll(raw.media),
    iframes: resolveAll(raw.iframes),
    forms: resolveAll(raw.forms),
    meta,
    metaUrls,
    jsonLd,
    jsonLdErrors,
    inlineScripts,
    inlineScriptsTruncated: inlineTruncated,
    bodyClasses,
    ...(urlsDropped === 0 ? {} : { urlsDropped }),
  };
}

/**
 * Decodes character references in attribute values as the tokenizer would have (the HTML
 * attribute rules: "&amp" before "=" or a letter stays as written), in place.
 */
function decodeAttributes(attributes: Record<string, string>): void {
  for (const name in attributes) {
    const value = attributes[name] as string;
    if (value.includes('&')) attributes[name] = decodeHTMLAttribute(value);
  }
}

function readMeta(attributes: Record<string, string>, meta: Record<string, string>, metaUrls: Array<{ name: string; value: string }>): void {
  const content = attributes['content'];
  if (content === undefined) return;
  for (const keyAttribute of ['name', 'property', 'http-equiv', 'itemprop']) {
    const key = attributes[keyAttribute]?.trim().toLowerCase();
    if (!key) continue;
    if (!(key in meta)) meta[key] = content;
    if (metaUrlNames.has(key)) metaUrls.push({ name: key, value: content });
    if (key === 'refresh') {
      const target = /url\s*=\s*['"]?([^'"]+)/i.exec(content)?.[1];
      if (target) metaUrls.push({ name: key, value: target.trim() });
    }
  }
}

/**
 * Resolves an attribute value against a base and drops the fragment; undefined for anything that
 * is not http(s) (mailto:, javascript:, data:, tel:) or cannot be parsed.
 */
export function resolveUrl(value: string, base: string): string | undefined {
  const trimmed = value.trim();
  try {
    const url = new URL(trimmed, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    // The setter re-serialises the URL even when there is no fragment to drop ("/a#" has one).
    if (url.hash !== '' || url.href.endsWith('#')) url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}

/**
 * A root-relative link the URL parser copies as it is: one "/" first (not "//", which names
 * another host), then only characters a path keeps as they are (not "?", "#", whitespace, a
 * backslash, which the parser reads as "/", or anything outside ASCII), no "%" (a "%2e" segment
 * is a dot segment), and no "." or ".." segment to remove. Against an http(s) base it resolves to
 * the base's origin (with its user info) and the link itself.
 */
const plainRootPath = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const dotSegment = /(?:^|\/)\.\.?(?:\/|$)/;

/**
 * resolveUrl(value, base) for every link of one page. A page's links are mostly its site's
 * navigation, root-relative ("/", "/about/", "/post-12/"), and each was a WHATWG parse of the link
 * and of the base again, 2% of a 5,000-page crawl's CPU (BENCHMARKS.md): the plain ones are now
 * the base's origin and the link, which is the parser's own answer for them
 * (tests/fuzz/link-resolver.test.ts holds the two to the same answers); any other link is parsed.
 */
export function linkResolver(base: string): (value: string) => string | undefined {
  let origin: string | undefined;
  return (value) => {
    const trimmed = value.trim();
    if (plainRootPath.test(trimmed) && !dotSegment.test(trimmed)) {
      // "/" against an http(s) base is its origin, user info and port as the parser writes them.
      origin ??= resolveUrl('/', base)?.slice(0, -1) ?? '';
      if (origin !== '') return `${origin}${trimmed}`;
    }
    return resolveUrl(trimmed, base);
  };
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

/**
 * srcset candidates per the HTML parsing algorithm, simplified: a URL runs to the next
 * whitespace; a URL ending in a comma ends its candidate; otherwise descriptors run to the next
 * comma outside parentheses. Splitting on "," alone would break CDN URLs such as
 * "/image/upload/w_100,h_100/x.jpg 1x".
 */
export function parseSrcset(srcset: string): string[] {
  const urls: string[] = [];
  let index = 0;
  const length = srcset.length;
  while (index < length) {
    while (index < length && /[\s,]/.test(srcset[index] ?? '')) index++;
    if (index >= length) break;
    let end = index;
    while (end < length && !/\s/.test(srcset[end] ?? '')) end++;
    let url = srcset.slice(index, end);
    index = end;
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      let depth = 0;
      while (index < length) {
        const char = srcset[index];
        if (char === '(') depth++;
        else if (char === ')') depth = Math.max(0, depth - 1);
        else if (char === ',' && depth === 0) break;
        index++;
      }
    }
    if (url !== '') urls.push(url);
  }
  return urls;
}

const maybeStrings = z.union([z.string(), z.array(z.unknown())]).optional().catch(undefined);
const jsonLdNodeSchema = z.object({
  '@type': maybeStrings,
  '@id': z.string().optional().catch(undefined),
  url: maybeStrings,
  datePublished: z.string().optional().catch(undefined),
  dateModified: z.string().optional().catch(undefined),
  headline: z.string().optional().catch(undefined),
  image: z.unknown().optional(),
  thumbnailUrl: maybeStrings,
});

const maxJsonLdNodes = 500;
const maxJsonLdDepth = 32;

/** Walks a JSON-LD document (objects, arrays, @graph, nested values) and keeps the nodes that name a URL, an id, a date or an image. */
function collectJsonLd(value: unknown, baseUrl: string, out: JsonLdNode[], depth = 0): void {
  if (depth > maxJsonLdDepth || out.length >= maxJsonLdNodes) return;
  if (Array.isArray(value)) {
    for (const item of value) collectJsonLd(item, baseUrl, out, depth + 1);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const parsed = jsonLdNodeSchema.safeParse(value);
  if (parsed.success) {
    const node = parsed.data;
    const url = strings(node.url).map((entry) => resolveUrl(entry, baseUrl)).find((entry) => entry !== undefined);
    const images = unique([...imageUrls(node.image), ...strings(node.thumbnailUrl)].map((entry) => resolveUrl(entry, baseUrl)));
    if (url !== undefined || node['@id'] !== undefined || node.datePublished !== undefined || images.length > 0) {
      out.push({
        types: strings(node['@type']),
        ...(url === undefined ? {} : { url }),
        ...(node['@id'] === undefined ? {} : { id: node['@id'] }),
        ...(node.datePublished === undefined ? {} : { datePublished: node.datePublished }),
        ...(node.dateModified === undefined ? {} : { dateModified: node.dateModified }),
        ...(node.headline === undefined ? {} : { headline: node.headline }),
        images,
      });
    }
  }
  for (const [key, child] of Object.entries(value)) {
    if (key !== 'image' && child !== null && typeof child === 'object') collectJsonLd(child, baseUrl, out, depth + 1);
  }
}

function strings(value: string | unknown[] | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  return value.filter((item): item is string => typeof item === 'string');
}

/** image is a URL, an ImageObject ({url} or {contentUrl}), or an array of either (nested arrays are hostile, not JSON-LD). */
function imageUrls(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return depth >= 2 ? [] : value.flatMap((item) => imageUrls(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return [object['url'], object['contentUrl']].filter((item): item is string => typeof item === 'string');
  }
  return [];
}
