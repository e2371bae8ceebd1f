/**
 * URL normalisation and the guards that keep a crawl from spending its budget on one endless
 * corner of a site (calendars, faceted search, session ids in the query).
 */

/**
 * Query parameters that only track the visitor. Preview parameters (preview, p, token, _ppp,
 * _storyblok...) are deliberately absent: they are exactly what draftleak looks for.
 */
const trackingParams = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || trackingParams.has(lower);
}

/**
 * Resolves `raw` against `base` and returns the canonical form used for de-duplication, or
 * undefined for anything that is not an http(s) URL (mailto:, javascript:, data:, garbage).
 * The WHATWG URL parser already lower-cases scheme and host and drops default ports; on top of
 * that the fragment goes, tracking parameters go and the remaining parameters are sorted (stable,
 * so repeated keys keep their order).
 */
export function normalizeUrl(raw: string, base?: string | URL): string | undefined {
  return base === undefined ? linkParts(raw)?.href : normalizedParts(raw, base)?.href;
}

/** A normalised URL (see normalizeUrl) with the parts the crawl compares. */
export interface LinkParts {
  readonly href: string;
  readonly origin: string;
  readonly pathname: string;
  /** `?` and the query, or '' for none. */
  readonly search: string;
}

/**
 * normalizeUrl(raw) with the normalised URL's origin and path, from one parse, remembered. A
 * crawled link is resolved, then asked its origin, normalised for the frontier, parsed again for
 * its origin and path, and normalised again for the inventory; every page repeats its navigation.
 * Each was a WHATWG parse (BENCHMARKS.md). The answer is a pure function of `raw`, so remembering
 * it changes nothing but the time; the memory is bounded by clearing it when full.
 */
export function linkParts(raw: string): LinkParts | undefined {
  const known = rememberedParts.get(raw);
  if (known !== undefined || rememberedParts.has(raw)) return known;
  const parts = normalizedParts(raw, undefined);
  if (raw.length <= maxRememberedLength && (parts === undefined || parts.href.length <= maxRememberedLength * 2)) {
    if (rememberedParts.size >= maxRememberedParts) rememberedParts.clear();
    // A copy of its own as the key: a link read from a page or a sitemap may be a slice of the
    // whole text, which V8 keeps alive as long as the slice (the leak 9761a6a fixed).
    rememberedParts.set(ownCopy(raw), parts);
  }
  return parts;
}

/** The same characters in a string that shares no storage with `text` (UTF-16 code units, lone surrogates included). */
function ownCopy(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

/**
 * Links remembered by linkParts: a few pages' worth of distinct links (a page's navigation is a
 * few hundred). Long links are not remembered, nor links whose normalised form is long (a
 * 256-character link of CJK text percent-encodes to over 2,000), so pages of hostile links cannot
 * make this hold more than about 4 MB (2,048 keys of 256 UTF-16 characters, hrefs, paths and
 * queries of 512 characters).
 */
const maxRememberedParts = 2048;
const maxRememberedLength = 256;
const rememberedParts = new Map<string, LinkParts | undefined>();

function normalizedParts(raw: string, base: string | URL | undefined): LinkParts | undefined {
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  let url: URL;
  try {
    url = base === undefined ? new URL(trimmed) : new URL(trimmed, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // Each setter re-serialises the whole URL, even to the value it has: only what is there goes
  // (an empty fragment, "/a#", has hash '' but is still in href).
  if (url.hash !== '' || url.href.endsWith('#')) url.hash = '';
  if (url.username !== '') url.username = '';
  if (url.password !== '') url.password = '';
  if (url.search !== '') {
    // Work on the raw pairs rather than URLSearchParams, which would re-encode values ("%20" to
    // "+", "?preview" to "preview="): the server may not treat those as the same request.
    const pairs = url.search
      .slice(1)
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair) => ({ pair, name: safeDecode(pair.split('=', 1)[0] ?? '') }))
      .filter(({ name }) => !isTrackingParam(name));
    pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // The setter drops one leading "?", which would eat a query that itself starts with "?".
    url.search = `?${pairs.map(({ pair }) => pair).join('&')}`;
  }
  const text = url.href;
  // URL keeps a bare "?" when the query is empty ("/page?"); a "?" inside the query ("?a?") is
  // part of it and stays.
  const href = url.search === '' && text.endsWith('?') ? text.slice(0, -1) : text;
  return { href, origin: url.origin, pathname: url.pathname, search: url.search };
}

/** "http://h:8080" style origin of an http(s) URL, or undefined. */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Placeholder kinds for path segments that vary without naming new content. */
const segmentPlaceholders: Array<[RegExp, string]> = [
  [/^\d+$/, '{n}'],
  [/^\d{4}-\d{1,2}(-\d{1,2})?$/, '{date}'],
  [/^\d{1,4}([-_.]\d{1,4}){1,3}$/, '{date}'],
  [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, '{uuid}'],
  [/^(?=[0-9a-f]*\d)[0-9a-f]{16,}$/i, '{hex}'],
];

/**
 * The "shape" of a URL's path: numeric, date, uuid and long hex segments become placeholders,
 * so /calendar/2026/11/ and /calendar/2026/12/ share the pattern /calendar/{n}/{n}/. Slugs that
 * merely contain digits (post-2) stay: they usually name distinct content.
 */
export function pathPattern(url: string): string {
  return patternOf(new URL(url));
}

/** pathPattern of a parsed URL. */
function patternOf(parsed: URL): string {
  const segments = parsed.pathname.split('/').map((segment) => {
    for (const [pattern, placeholder] of segmentPlaceholders) if (pattern.test(segment)) return placeholder;
    return segment;
  });
  return `${parsed.origin}${segments.join('/')}`;
}

export type Admission = 'new' | 'seen' | 'query-variant-cap' | 'pattern-cap';

export interface AdmissionLimits {
  /** Distinct query strings fetched per path (the bare path is not counted). Default 5. */
  maxQueryVariants?: number;
  /** Distinct URLs fetched per path pattern (see pathPattern). Default 20. */
  maxPerPattern?: number;
}

/**
 * Decides whether a normalised URL is worth a request: not seen before, and its path and path
 * pattern still have room. Counting happens only for admitted URLs, so a refused URL does not
 * use up room for others. Both skip counts end up in the crawl's budget report.
 */
export class UrlAdmission {
  readonly maxQueryVariants: number;
  readonly maxPerPattern: number;
  skippedQueryVariants = 0;
  skippedByPattern = 0;
  private readonly seen = new Set<string>();
  private readonly variantsPerPath = new Map<string, number>();
  private readonly urlsPerPattern = new Map<string, number>();

  constructor(limits: AdmissionLimits = {}) {
    this.maxQueryVariants = limits.maxQueryVariants ?? 5;
    this.maxPerPattern = limits.maxPerPattern ?? 20;
  }

  /** True when the URL was already admitted (or marked seen). */
  has(url: string): boolean {
    return this.seen.has(url);
  }

  /** Marks a URL seen without counting it, e.g. the final URL after a redirect. */
  markSeen(url: string): void {
    this.seen.add(url);
  }

  admit(url: string): Admission {
    if (this.seen.has(url)) return 'seen';
    const parsed = new URL(url);
    const pathKey = `${parsed.origin}${parsed.pathname}`;
    const hasQuery = parsed.search !== '';
    const variants = this.variantsPerPath.get(pathKey) ?? 0;
    if (hasQuery && variants >= this.maxQueryVariants) {
      this.skippedQueryVariants++;
      return 'query-variant-cap';
    }
    // The parse above, not another one (pathPattern(url) parses the URL again).
    const pattern = patternOf(parsed);
    // A pattern without placeholders is the path itself: it holds the bare path and its query
    // variants, at most 1 + maxQueryVariants URLs, so while that is within maxPerPattern it is
    // not counted. Counted, every slug of a 50,000-page site was a key here.
    const counted = pattern !== pathKey || this.maxQueryVariants + 1 > this.maxPerPattern;
    const perPattern = counted ? (this.urlsPerPattern.get(pattern) ?? 0) : 0;
    if (perPattern >= this.maxPerPattern) {
      this.skippedByPattern++;
      return 'pattern-cap';
    }
    this.seen.add(url);
    if (hasQuery) this.variantsPerPath.set(pathKey, variants + 1);
    if (counted) this.urlsPerPattern.set(pattern, perPattern + 1);
    return 'new';
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
