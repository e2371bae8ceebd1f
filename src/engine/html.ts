import * as cheerio from 'cheerio/slim';

/**
 * Parsed HTML per response body. A CSS matcher and a CSS extractor on the same response share
 * one parse; cheerio/slim (htmlparser2) is about 3x cheaper than the parse5 default
 * (shared/research/deps.md §3).
 */
const parsed = new Map<string, cheerio.CheerioAPI>();
const maxCached = 32;

export function loadHtml(body: string): cheerio.CheerioAPI {
  let api = parsed.get(body);
  if (!api) {
    api = cheerio.load(body);
    if (parsed.size >= maxCached) parsed.delete(parsed.keys().next().value as string);
    parsed.set(body, api);
  }
  return api;
}
