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
  /** Entries read over all sitemaps; default maxSitemapEntries. */
  maxEntries?: number;
}

export interface SitemapReadResult {
  /** Sitemap URLs read successfully, in the order read. */
  sitemaps: string[];
  entries: SitemapEntry[];
  /**
   * Set when the entry cap ended the read: `sitemap` held more entries than fit, and sitemaps
   * after it were not fetched. Absent when every entry of every sitemap read was kept.
   */
  entryCap?: { cap: number; sitemap: string };
}

/** Paths tried on every site, whatever robots.txt says; a 404 there is normal. */
export const guessedSitemapPaths = ['/sitemap.xml', '/sitemap_index.xml', '/wp-sitemap.xml'] as const;

/** Largest uncompressed sitemap accepted: the protocol's own limit, and a bound on gzip bombs. */
export const maxSitemapUncompressedBytes = 50 * 1024 * 1024;

/**
 * Sitemap entries kept over all of a site's sitemaps. Rules see at most a thousand of them; the
 * rest serve the published inventory, and past this many a sitemap is a flood, not a list.
 */
export const maxSitemapEntries = 50_000;

/** Sitemaps on other origins recorded one by one; beyond this, one summary failure. */
const maxOutOfScopeRecorded = 10;

const gzipMagic = Buffer.from([0x1f, 0x8b]);

/**
 * `onEntry`, when given, receives the entries of each sitemap once that sitemap has parsed whole,
 * and `entries` stays empty: the crawl's inventory takes them sitemap by sitemap instead of the
 * entries of every sitemap held until the last was read. A malformed sitemap gives none of its
 * entries, even those before the fault: what a broken file lists is not taken as published.
 */
export async function readSitemaps(fetcher: CrawlFetcher, seeds: SitemapSeed[], limits: SitemapReadLimits, onEntry?: (entry: SitemapEntry) => void): Promise<SitemapReadResult> {
  const maxNesting = limits.maxNesting ?? 3;
  const maxEntries = limits.maxEntries ?? maxSitemapEntries;
  const visited = new Set<string>();
  const queue: Array<SitemapSeed & { nesting: number }> = [];
  let head = 0;
  let fetched = 0;
  let outOfScope = 0;
  const enqueue = (seed: SitemapSeed, nesting: number): void => {
    const url = normalizeUrl(seed.url);
    if (url === undefined || visited.has(url)) return;
    visited.add(url);
    if (!fetcher.isSameOrigin(url)) {
      // Never sent: the crawl talks to the target's origin only.
      if (++outOfScope <= maxOutOfScopeRecorded) {
        fetcher.recordFailure({
          url,
          code: 'DL_OUT_OF_SCOPE',
          message: `sitemap on another origin was not fetched (the crawl only requests ${fetcher.origin})`,
        });
      }
      return;
    }
    // More than the sitemap budget can fetch is never queued (an index may list millions).
    if (queue.length - head >= limits.maxSitemaps - fetched) return;
    queue.push({ url, declared: seed.declared, nesting });
  };
  for (const seed of seeds) enqueue(seed, 0);

  const result: SitemapReadResult = { sitemaps: [], entries: [] };
  const take = onEntry ?? ((entry: SitemapEntry): void => void result.entries.push(entry));
  let kept = 0;
  for (let item = queue[head]; item !== undefined; item = queue[++head]) {
    if (fetcher.exhausted) break;
    if (fetched >= limits.maxSitemaps) break;
    fetched++;
    const text = await fetchSitemapText(fetcher, item.url, item.declared);
    if (text === undefined) continue;
    try {
      const document = parseSitemap(text, { maxEntries: maxEntries - kept });
      result.sitemaps.push(item.url);
      if (document.kind === 'index') {
        for (const child of document.sitemaps) {
          if (item.nesting + 1 > maxNesting) break;
          enqueue({ url: child.loc, declared: true }, item.nesting + 1);
        }
      } else {
        kept += document.entries.length;
        // One by one: spreading a huge array into push() overflows the call stack.
        for (const entry of document.entries) take(entry);
        if (document.truncated) {
          result.entryCap = { cap: maxEntries, sitemap: item.url };
          break;
        }
      }
    } catch (error) {
      if (!(error instanceof SitemapParseError)) throw error;
      fetcher.recordFailure({ url: item.url, code: 'DL_BAD_RESPONSE', message: error.message });
    }
  }
  if (outOfScope > maxOutOfScopeRecorded) {
    fetcher.recordFailure({
      url: fetcher.origin,
      code: 'DL_OUT_OF_SCOPE',
      message: `${outOfScope - maxOutOfScopeRecorded} more sitemaps on other origins were not fetched`,
    });
  }
  return result;
}

/**
 * The sitemap's XML text, or undefined when there is nothing to parse (404, a guessed URL that
 * answered HTML, a failure already recorded).
 *
 * gzip sitemaps (sitemap.xml.gz, served as application/gzip without Content-Encoding) need the
 * body's bytes, which a UTF-8 string has already destroyed. Two raw channels are understood:
 * the transport's `binary` request flag (the answer then carries `rawBody`), and a separate
 * `sendRaw` method. Without either, a gzip sitemap is a recorded failure.
 */
async function fetchSitemapText(fetcher: CrawlFetcher, url: string, declared: boolean): Promise<string | undefined> {
  const gzipByName = /\.gz$/i.test(new URL(url).pathname);
  // One request when possible: sendRaw for what is gzip by name, else send with `binary`.
  if (gzipByName && fetcher.canSendRaw) return fetchWithSendRaw(fetcher, url);

  const response = await fetcher.get(url, 'sitemap', 0, { accept: 'application/xml,text/xml;q=0.9,*/*;q=0.5' }, { binary: true });
  if (!response || !isReadable(response.status, declared, fetcher, url)) return undefined;
  const contentType = response.headers['content-type'] ?? '';
  const raw = response.rawBody === undefined ? undefined : Buffer.from(response.rawBody.buffer, response.rawBody.byteOffset, response.rawBody.byteLength);
  if (raw !== undefined && raw.subarray(0, 2).equals(gzipMagic)) {
    if (response.truncated) return tooLarge(fetcher, url);
    const text = gunzip(fetcher, url, raw);
    if (text !== undefined) fetcher.replaceBody(url, text);
    return text;
  }
  // A gzip body decoded as UTF-8 starts with 0x1f and a replacement character for 0x8b.
  const mangledGzip = /^\u001f(\uFFFD|\u008b)/.test(response.body);
  if (mangledGzip || (raw === undefined && (gzipByName || /gzip/i.test(contentType)))) {
    if (fetcher.canSendRaw) return fetchWithSendRaw(fetcher, url);
    fetcher.recordFailure({ url, code: 'DL_BAD_RESPONSE', message: 'gzip sitemap needs a transport that returns raw bytes (rawBody or sendRaw); it was not read' });
    return undefined;
  }
  if (!declared && !looksLikeXml(response.body)) return undefined;
  if (response.truncated) return tooLarge(fetcher, url);
  return response.body;
}

async function fetchWithSendRaw(fetcher: CrawlFetcher, url: string): Promise<string | undefined> {
  const raw = await fetcher.getRaw(url, 'sitemap', { accept: 'application/gzip,application/xml;q=0.9,*/*;q=0.5' });
  if (!raw || !isReadable(raw.status, true, fetcher, url)) return undefined;
  if (raw.truncated) return tooLarge(fetcher, url);
  // Without the magic bytes the body was served with Content-Encoding and decoded on the way,
  // or was never gzip at all.
  const text = raw.body.subarray(0, 2).equals(gzipMagic) ? gunzip(fetcher, url, raw.body) : raw.body.toString('utf8');
  fetcher.recordRaw(url, raw, text ?? '');
  return text;
}

/**
 * Output chunks for gunzip: sized from the compressed bytes (XML sitemaps shrink 10 to 20 times),
 * so a big sitemap expands into a few large chunks that glibc maps and unmaps on their own, not
 * hundreds of zlib's default 16 KiB ones that grow its main heap for good: a 200,000-entry
 * sitemap (9 MB of XML) left that heap 8.7 MiB bigger for the rest of the scan.
 */
export function gunzipChunkBytes(compressedBytes: number): number {
  return Math.min(Math.max(compressedBytes * 16, 64 * 1024), 8 * 1024 * 1024);
}

function gunzip(fetcher: CrawlFetcher, url: string, bytes: Buffer): string | undefined {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxSitemapUncompressedBytes, chunkSize: gunzipChunkBytes(bytes.length) }).toString('utf8');
  } catch (error) {
    const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
    fetcher.recordFailure({
      url,
      code: 'DL_BAD_RESPONSE',
      message: tooBig
        ? `gzip sitemap expands beyond ${maxSitemapUncompressedBytes} bytes; it was not read`
        : `gzip sitemap could not be decompressed: ${(error as Error).message}`,
    });
    return undefined;
  }
}

function tooLarge(fetcher: CrawlFetcher, url: string): undefined {
  fetcher.recordFailure({ url, code: 'DL_BAD_RESPONSE', message: 'sitemap larger than the body cap; it was not read' });
  return undefined;
}

/** 2xx is read; 404/410 is simply "no sitemap here"; anything else is reported for declared sitemaps only. */
function isReadable(status: number, declared: boolean, fetcher: CrawlFetcher, url: string): boolean {
  if (status >= 200 && status < 300) return true;
  if (declared && status !== 404 && status !== 410) {
    fetcher.recordFailure({ url, code: 'DL_BAD_RESPONSE', message: `sitemap answered ${status}` });
  }
  return false;
}
