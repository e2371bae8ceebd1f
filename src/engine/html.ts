import * as cheerio from 'cheerio/slim';

/**
 * Parsed HTML per response body. A CSS matcher and a CSS extractor on the same response share
 * one parse; cheerio/slim (htmlparser2) is about 3x cheaper than the parse5 default
 * (shared/research/deps.md §3).
 *
 * The cache lives as long as the process and holds each body it keys on, so it is bounded by
 * size as well as count: a site answering megabytes to every page would otherwise keep 32 bodies
 * and their trees for the whole scan. The newest parse always stays (matchers and extractors of
 * one step read the same response one after the other).
 */
const parsed = new Map<string, cheerio.CheerioAPI>();
const maxCached = 32;
const maxCachedChars = 2 * 1024 * 1024;
let cachedChars = 0;

export function loadHtml(body: string): cheerio.CheerioAPI {
  let api = parsed.get(body);
  if (!api) {
    api = cheerio.load(body);
    parsed.set(body, api);
    cachedChars += body.length;
    for (const oldest of parsed.keys()) {
      if (oldest === body || (parsed.size <= maxCached && cachedChars <= maxCachedChars)) break;
      parsed.delete(oldest);
      cachedChars -= oldest.length;
    }
  }
  return api;
}
