import { gunzipSync } from 'node:zlib';
import type { CrawlFetcher } from './fetcher.js';
import { normalizeUrl } from './normalize.js';
import { looksLikeXml, parseSitemap, SitemapParseError, type SitemapEntry } from './sitemap.js';

/**
 * Reads a site's sitemaps: the ones robots.txt declares plus the usual guesses, following
 * sitemap indexes (nested ones too), reading gzip sitemaps through the transport's raw channel.
 * A broken sitemap is a recorded failure and the others are still read.
 */

export interface SitemapSeed {
  url: string;
  /** Declared by robots.txt or an index (a problem there is worth reporting), or only guessed. */
  declared: boolean;
}

export interface SitemapReadLimits {
  maxSitemaps: number;
  /** Index levels followed below a seed: index -> index -> urlset is depth 2. */
  maxNesting?: number;
}

export interface SitemapReadResult {
  /** Sitemap URLs read successfully, in the order read. */
  sitemaps: string[];
  entries: SitemapEntry[];
}

/** Paths tried on every site, whatever robots.txt says; a 404 there is normal. */
export const guessedSitemapPaths = ['/sitemap.xml', '/sitemap_index.xml', '/wp-sitemap.xml'] as const;

/** Largest uncompressed sitemap accepted: the protocol's own limit, and a bound on gzip bombs. */
export const maxSitemapUncompressedBytes = 50 * 1024 * 1024;

const gzipMagic = Buffer.from([0x1f, 0x8b]);

export async function readSitemaps(fetcher: CrawlFetcher, seeds: SitemapSeed[], limits: SitemapReadLimits): Promise<SitemapReadResult> {
  const maxNesting = limits.maxNesting ?? 3;
  const visited = new Set<string>();
  const queue: Array<SitemapSeed & { nesting: number }> = [];
  const enqueue = (seed: SitemapSeed, nesting: number): void => {
    const url = normalizeUrl(seed.url);
    if (url === undefined || visited.has(url)) return;
    visited.add(url);
    queue.push({ url, declared: seed.declared, nesting });
  };
  for (const seed of seeds) enqueue(seed, 0);

  const result: SitemapReadResult = { sitemaps: [], entries: [] };
  let fetched = 0;
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    if (fetcher.exhausted) break;
    if (!fetcher.isSameOrigin(item.url)) {
      // Never sent: the crawl talks to the target's origin only.
      fetcher.recordFailure({
        url: item.url,
        code: 'DL_OUT_OF_SCOPE',
        message: `sitemap on another origin was not fetched (the crawl only requests ${fetcher.origin})`,
      });
      continue;
    }
    if (fetched >= limits.maxSitemaps) break;
    fetched++;
    const text = await fetchSitemapText(fetcher, item.url, item.declared);
    if (text === undefined) continue;
    try {
      const document = parseSitemap(text);
      result.sitemaps.push(item.url);
      if (document.kind === 'index') {
        for (const child of document.sitemaps) {
          if (item.nesting + 1 > maxNesting) break;
          enqueue({ url: child.loc, declared: true }, item.nesting + 1);
        }
      } else {
        result.entries.push(...document.entries);
      }
    } catch (error) {
      if (!(error instanceof SitemapParseError)) throw error;
      fetcher.recordFailure({ url: item.url, code: 'DL_BAD_RESPONSE', message: error.message });
    }
  }
  return result;
}

/**
 * The sitemap's XML text, or undefined when there is nothing to parse (404, a guessed URL that
 * answered HTML, a failure already recorded).
 */
async function fetchSitemapText(fetcher: CrawlFetcher, url: string, declared: boolean): Promise<string | undefined> {
  const gzipByName = /\.gz$/i.test(new URL(url).pathname);
  if (gzipByName) return fetchGzip(fetcher, url);

  const response = await fetcher.get(url, 'sitemap', 0, { accept: 'application/xml,text/xml;q=0.9,*/*;q=0.5' });
  if (!response || !isReadable(response.status, declared, fetcher, url)) return undefined;
  const contentType = response.headers['content-type'] ?? '';
  // A gzip body decoded as UTF-8 starts with 0x1f and a replacement character for 0x8b.
  if (/^\u001f(\uFFFD|\u008b)/.test(response.body) || /gzip/i.test(contentType)) {
    return fetchGzip(fetcher, url);
  }
  if (!declared && !looksLikeXml(response.body)) return undefined;
  if (response.truncated) {
    fetcher.recordFailure({ url, code: 'DL_BAD_RESPONSE', message: 'sitemap larger than the body cap; it was not read' });
    return undefined;
  }
  return response.body;
}

async function fetchGzip(fetcher: CrawlFetcher, url: string): Promise<string | undefined> {
  if (!fetcher.canSendRaw) {
    fetcher.recordFailure({ url, code: 'DL_BAD_RESPONSE', message: 'gzip sitemap needs a raw-capable transport (sendRaw); it was not read' });
    return undefined;
  }
  const raw = await fetcher.getRaw(url, 'sitemap', { accept: 'application/gzip,application/xml;q=0.9,*/*;q=0.5' });
  if (!raw || !isReadable(raw.status, true, fetcher, url)) return undefined;
  if (raw.truncated) {
    fetcher.recordFailure({ url, code: 'DL_BAD_RESPONSE', message: 'gzip sitemap larger than the body cap; it was not read' });
    return undefined;
  }
  let text: string;
  if (raw.body.subarray(0, 2).equals(gzipMagic)) {
    try {
      text = gunzipSync(raw.body, { maxOutputLength: maxSitemapUncompressedBytes }).toString('utf8');
    } catch (error) {
      const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
      fetcher.recordRaw(url, raw, '');
      fetcher.recordFailure({
        url,
        code: 'DL_BAD_RESPONSE',
        message: tooLarge
          ? `gzip sitemap expands beyond ${maxSitemapUncompressedBytes} bytes; it was not read`
          : `gzip sitemap could not be decompressed: ${(error as Error).message}`,
      });
      return undefined;
    }
  } else {
    // Served with Content-Encoding and already decoded on the way, or not gzip at all.
    text = raw.body.toString('utf8');
  }
  fetcher.recordRaw(url, raw, text);
  return text;
}

/** 2xx is read; 404/410 is simply "no sitemap here"; anything else is reported for declared sitemaps only. */
function isReadable(status: number, declared: boolean, fetcher: CrawlFetcher, url: string): boolean {
  if (status >= 200 && status < 300) return true;
  if (declared && status !== 404 && status !== 410) {
    fetcher.recordFailure({ url, code: 'DL_BAD_RESPONSE', message: `sitemap answered ${status}` });
  }
  return false;
}
