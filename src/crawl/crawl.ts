import pLimit from 'p-limit';
import { UsageError } from '../core/errors.js';
import { scanLimits } from '../core/limits.js';
import type { HttpResponse } from '../core/http-types.js';
import { Discoveries, FetchQueue } from './discoveries.js';
import { FeedParseError, parseFeed } from './feeds.js';
import { CrawlFetcher } from './fetcher.js';
import { Frontier } from './frontier.js';
import { harvestPage } from './harvest.js';
import { extractLinks } from './html-links.js';
import { KeptDocuments } from './kept-documents.js';
import { PublishedInventory } from './inventory.js';
import { normalizeUrl, UrlAdmission } from './normalize.js';
import { isPreviewUrl } from './preview-links.js';
import { emptyRobots, looksLikeHtml, parseRobots, robotsRuleToUrl, type RobotsInfo } from './robots.js';
import { decodeDataUrl, scanScriptText, scanSourceMap, SourceMapError } from './script-scan.js';
import { guessedSitemapPaths, readSitemaps, type SitemapReadLimits, type SitemapReadResult, type SitemapSeed } from './sitemap-fetch.js';
import type { CrawledPage, CrawlOptions, CrawlResult } from './types.js';

/**
 * The discovery pass: robots.txt, then sitemaps, then a breadth-first walk over the target's
 * same-origin HTML pages, fetching the feeds, scripts and source maps those pages reference
 * between page waves. Everything is bounded (requests, bytes, depth, per-path and per-pattern
 * caps, per-kind caps) and nothing throws for a failed probe: failures are part of the result.
 *
 * Order is deterministic: a wave's pages are fetched concurrently, but what they link to is
 * processed in the order the pages were queued, so the same site gives the same crawl.
 */

const defaults = {
  maxPages: scanLimits.maxPages.default,
  maxDiscoveryFiles: scanLimits.maxDiscoveryFiles.default,
  maxDepth: scanLimits.maxDepth.default,
  maxBytes: scanLimits.maxCrawlBytes.default,
  maxQueryVariants: 5,
  maxPerPattern: 20,
  concurrency: 4,
  maxSitemaps: 50,
  maxFeeds: 10,
  maxScripts: 30,
  maxSourceMaps: 10,
} as const;

type Settings = { -readonly [K in keyof typeof defaults]: number };

/** Zero is a valid "none of these" for depth and the per-kind caps, never for the others. */
const zeroAllowed = new Set<keyof Settings>(['maxDepth', 'maxDiscoveryFiles', 'maxSitemaps', 'maxFeeds', 'maxScripts', 'maxSourceMaps']);

/** Lets I/O callbacks run (an answer that came is read) before what follows. */
const letEventLoopRun = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function crawl(options: CrawlOptions): Promise<CrawlResult> {
  const settings = resolveSettings(options);
  const target = normalizeUrl(options.target);
  if (target === undefined) throw new UsageError(`the crawl target must be an absolute http(s) URL, got "${options.target}"`);
  const origin = new URL(target).origin;
  const logger = options.logger;

  const fetcher = new CrawlFetcher(
    options.transport,
    origin,
    { maxPages: settings.maxPages, maxFiles: settings.maxDiscoveryFiles, maxBytes: settings.maxBytes },
    logger,
  );
  const admission = new UrlAdmission({ maxQueryVariants: settings.maxQueryVariants, maxPerPattern: settings.maxPerPattern });
  const inventory = new PublishedInventory();
  const frontier = new Frontier(origin, admission, settings.maxDepth, undefined, (url) => inventory.sharedUrl(url));
  fetcher.usePolicy((url) => frontier.allows(url));
  fetcher.tellKept(options.onKept);
  const discoveries = new Discoveries(
    new FetchQueue(settings.maxFeeds),
    new FetchQueue(settings.maxScripts),
    new FetchQueue(settings.maxSourceMaps),
  );
  const limit = pLimit(settings.concurrency);
  const whileWaiting = options.whileWaiting;
  const pagesAhead = 64;
  const refusedToVisitors = new Set([401, 403, 404, 410]);
  const inOrder = <T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> => Promise.all(items.map((item) => limit(() => run(item))));

  // 1. robots.txt: its rules are hints (admin and preview paths), its Sitemap lines are seeds.
  const robots = await readRobots(fetcher, origin);
  const robotsUrls = [
    ...new Set([...robots.disallow, ...robots.allow].map((rule) => robotsRuleToUrl(rule, origin)).filter((url): url is string => url !== undefined)),
  ];

  // 2. Sitemaps, declared first, then the usual locations; each URL is fetched at most once.
  const seeds: SitemapSeed[] = [
    ...robots.sitemaps.map((url) => ({ url, declared: true })),
    ...guessedSitemapPaths.map((path) => ({ url: `${origin}${path}`, declared: false })),
  ];
  const sitemapResult = await readSitemapsInto(inventory, fetcher, seeds, { maxSitemaps: settings.maxSitemaps });

  // 3. Pages, breadth first from the target. robots.txt paths are signals for rules and
  // fingerprints (robotsUrls), never fetched as pages: sites list their admin areas there.
  frontier.offer(target, 0);
  const context = { origin, frontier, inventory, discoveries };
  const kept = new KeptDocuments(options.keepDocumentChars ?? 0, options.keepDocumentsPerKind);
  const feeds: string[] = [];
  const scripts: string[] = [];
  const sourceMaps: string[] = [];
  let meta: Record<string, string> = {};

  while (!fetcher.exhausted) {
    const { depth, urls: wave } = frontier.takeWave();
    if (wave.length === 0) break;
    // Pages are read in wave order, each as soon as it and those before it have come, while
    // the next ones (up to pagesAhead) are fetched: the order is the same on every run, at
    // most pagesAhead bodies are held (a whole wave of a big site, 48,000 pages at depth 3 of a
    // 40-link fan-out, held every body until the last one came), and the connections are not
    // left idle while pages are parsed (fetching 64 and then reading 64 did that).
    //
    // A page's answer is put in `arrived`, not carried by the promise limit() returns: that
    // promise is made when the page is queued, up to pagesAhead pages earlier, so it is often
    // in V8's old generation by the time the answer comes, and p-limit's queue links each
    // queued entry to the next. Carried there, every page body stayed reachable from dead old
    // objects until the next full collection and was promoted: 107 MB of a 5,000-page crawl,
    // 28 MB this way (see BENCHMARKS.md, seventh session).
    //
    // The three are rings of pagesAhead slots, the wave's nth page in slot n % pagesAhead: a
    // page is launched only once the one pagesAhead before it was read. As arrays of the wave's
    // length they were 0.8 MB at the 48,000-page depth of a 50,000-page crawl.
    const fetched = new Array<Promise<void> | undefined>(pagesAhead).fill(undefined);
    const arrived = new Array<HttpResponse | undefined>(pagesAhead).fill(undefined);
    const settled = new Array<boolean>(pagesAhead).fill(false);
    let launched = 0;
    for (let index = 0; ; index += 1) {
      for (; launched < wave.length && launched < index + pagesAhead && !fetcher.exhausted; launched += 1) {
        const slot = launched % pagesAhead;
        const url = wave[launched] as string;
        fetched[slot] = limit(async () => {
          arrived[slot] = await fetcher.get(url, 'page', depth, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
          settled[slot] = true;
        });
      }
      if (index >= launched) break;
      const slot = index % pagesAhead;
      // Waiting for the server: the main thread is free, and other work can use it.
      if (whileWaiting !== undefined) while (settled[slot] !== true && whileWaiting()) await letEventLoopRun();
      await fetched[slot];
      settled[slot] = false;
      const response = arrived[slot];
      fetched[slot] = undefined;
      arrived[slot] = undefined;
      readPage(wave[index] as string, response);
    }
    function readPage(url: string, response: HttpResponse | undefined): void {
      if (!response) return;
      // A link the site refuses to visitors is not published, whoever links it.
      if (refusedToVisitors.has(response.status)) {
        inventory.withdraw(url);
        if (response.url !== url) inventory.withdraw(response.url);
      }
      if (response.url !== url) frontier.markSeen(response.url);
      const location = response.headers['location'];
      if (response.status >= 300 && response.status < 400 && location) {
        const next = normalizeUrl(location, response.url);
        if (next) frontier.offer(next, depth);
      }
      if (!isHtml(response) || response.status < 200 || response.status >= 300) return;
      kept.keep('html', response);
      const page = extractLinks(response.body, response.url);
      if (url === target) meta = page.meta;
      harvestPage(page, depth, context);
    }

    // Between page waves: the feeds and scripts those pages referenced, then the source maps
    // the scripts pointed at.
    const feedUrls = discoveries.feeds.drain();
    const feedResponses = await inOrder(feedUrls, (url) => fetcher.get(url, 'feed', 0, { accept: 'application/rss+xml,application/atom+xml,application/feed+json,*/*;q=0.5' }));
    feedUrls.forEach((url, index) => {
      const response = feedResponses[index];
      if (response && readFeed(url, response, inventory, fetcher)) feeds.push(url);
    });

    const scriptUrls = discoveries.scripts.drain();
    const scriptResponses = await inOrder(scriptUrls, (url) => fetcher.get(url, 'script'));
    scriptUrls.forEach((url, index) => {
      const response = scriptResponses[index];
      if (!response || response.status < 200 || response.status >= 300) return;
      scripts.push(url);
      kept.keep('script', response);
      const scan = scanScriptText(response.body);
      discoveries.addScan(scan);
      const mapReference = response.headers['sourcemap'] ?? response.headers['x-sourcemap'] ?? scan.sourceMappingUrl;
      if (mapReference === undefined) return;
      if (mapReference.startsWith('data:')) {
        const inline = decodeDataUrl(mapReference);
        if (inline !== undefined && readSourceMap(`inline:${url}`, inline, discoveries, fetcher)) sourceMaps.push(`inline:${url}`);
        return;
      }
      const mapUrl = normalizeUrl(mapReference, response.url);
      if (mapUrl !== undefined && fetcher.isSameOrigin(mapUrl)) discoveries.sourceMaps.offer(mapUrl);
    });

    const mapUrls = discoveries.sourceMaps.drain();
    const mapResponses = await inOrder(mapUrls, (url) => fetcher.get(url, 'source-map', 0, { accept: 'application/json,*/*;q=0.5' }));
    mapUrls.forEach((url, index) => {
      const response = mapResponses[index];
      if (!response || response.status < 200 || response.status >= 300) return;
      if (readSourceMap(url, response.body, discoveries, fetcher)) {
        sourceMaps.push(url);
        kept.keep('source-map', response);
      }
    });
  }

  const stoppedBy = [...fetcher.stoppedBy, ...(frontier.skippedByDepth > 0 ? (['depth'] as const) : [])];
  logger?.debug({ requests: fetcher.requests, bytes: fetcher.bytes, stoppedBy }, 'crawl finished');
  const apiHostDetails = discoveries.apiHosts;
  const scriptUrlList = discoveries.scriptUrls.toArray();
  const externalLinks = discoveries.externalLinks.toArray();
  const previewLinks = new Set(inventory.previewLinks());
  for (const url of [...robotsUrls, ...fetcher.pageUrls(), ...scriptUrlList, ...externalLinks]) {
    const normalized = isPreviewUrl(url) ? normalizeUrl(url) : undefined;
    if (normalized !== undefined && previewLinks.size < 500) previewLinks.add(normalized);
  }
  return withPagesWhenRead(fetcher.pageReader(), {
    target,
    responses: fetcher.responses,
    robots,
    robotsUrls,
    sitemaps: sitemapResult.sitemaps,
    ...(sitemapResult.entryCap === undefined ? {} : { sitemapEntryCap: sitemapResult.entryCap }),
    feeds,
    scripts,
    sourceMaps,
    assetHosts: discoveries.assetHosts.toArray(),
    apiHosts: apiHostDetails.map(({ host }) => host),
    apiHostDetails,
    scriptUrls: scriptUrlList,
    externalLinks,
    previewLinks: [...previewLinks],
    forms: discoveries.forms.toArray(),
    meta,
    inventory,
    documents: kept.documents,
    documentsDropped: kept.dropped,
    failures: fetcher.failures,
    budget: {
      pagesFetched: fetcher.pagesFetched,
      bytesFetched: fetcher.bytes,
      ...(stoppedBy.length === 0 ? {} : { stoppedBy }),
      filesFetched: fetcher.files,
      skippedQueryVariants: admission.skippedQueryVariants,
      skippedByPattern: admission.skippedByPattern,
      skippedByDepth: frontier.skippedByDepth,
      skippedByPolicy: frontier.skippedByPolicy,
    },
  });
}

/**
 * The crawl's result with its page list made when read: no part of a scan reads the page records,
 * and 50,000 of them as objects were 3.6 MB held to its end (crawl/page-records.ts). Defined here,
 * not inside crawl(): a getter made there would share crawl()'s closure scope, and with it keep the
 * frontier, the admission sets and the fetcher alive for as long as the result.
 */
function withPagesWhenRead(readPages: () => CrawledPage[], rest: Omit<CrawlResult, 'pages'>): CrawlResult {
  return Object.defineProperty(rest, 'pages', { get: readPages, enumerable: true }) as CrawlResult;
}

/**
 * Reads the sitemaps into the inventory, sitemap by sitemap, and returns what the crawl reports
 * about them, not their entries: held for the rest of the crawl, 50,000 entries (and the sitemap
 * texts their URLs were sliced from, 5.5 MB at 50,000 pages) doubled what the inventory already
 * keeps; held until the last sitemap was read, they and those texts were still there at its peak.
 */
async function readSitemapsInto(
  inventory: PublishedInventory,
  fetcher: CrawlFetcher,
  seeds: SitemapSeed[],
  limits: SitemapReadLimits,
): Promise<Omit<SitemapReadResult, 'entries'>> {
  const { entries: _none, ...read } = await readSitemaps(fetcher, seeds, limits, (entry) => {
    inventory.add({
      url: entry.loc,
      source: 'sitemap',
      ...(entry.lastmod === undefined ? {} : { lastmod: entry.lastmod }),
      ...(entry.newsPublicationDate === undefined ? {} : { date: entry.newsPublicationDate }),
      ...(entry.newsTitle === undefined ? {} : { title: entry.newsTitle }),
    });
    for (const image of entry.images) inventory.add({ url: image, source: 'sitemap' });
  });
  return read;
}

async function readRobots(fetcher: CrawlFetcher, origin: string): Promise<RobotsInfo> {
  const response = await fetcher.get(`${origin}/robots.txt`, 'robots', 0, { accept: 'text/plain,*/*;q=0.5' });
  // A catch-all site answers /robots.txt with its home page; that is not a robots file.
  if (!response || response.status < 200 || response.status >= 300 || looksLikeHtml(response.body)) return emptyRobots();
  return parseRobots(response.body, response.url);
}

function readFeed(url: string, response: HttpResponse, inventory: PublishedInventory, fetcher: CrawlFetcher): boolean {
  if (response.status < 200 || response.status >= 300) return false;
  try {
    const feed = parseFeed(response.body, response.url);
    for (const item of feed.items) {
      if (item.url !== undefined) {
        inventory.add({
          url: item.url,
          source: 'feed',
          ...(item.date === undefined ? {} : { date: item.date }),
          ...(item.title === undefined ? {} : { title: item.title }),
        });
      }
      if (item.id !== undefined) inventory.addId(item.id);
    }
    return true;
  } catch (error) {
    if (!(error instanceof FeedParseError)) throw error;
    fetcher.recordFailure({ url, code: 'DL_BAD_RESPONSE', message: error.message });
    return false;
  }
}

function readSourceMap(url: string, text: string, discoveries: Discoveries, fetcher: CrawlFetcher): boolean {
  try {
    discoveries.addScan(scanSourceMap(text));
    return true;
  } catch (error) {
    if (!(error instanceof SourceMapError)) throw error;
    fetcher.recordFailure({ url, code: 'DL_BAD_RESPONSE', message: error.message });
    return false;
  }
}

function isHtml(response: HttpResponse): boolean {
  const type = (response.headers['content-type'] ?? '').toLowerCase();
  if (type === '') return /^\s*</.test(response.body);
  return type.includes('text/html') || type.includes('application/xhtml');
}

function resolveSettings(options: CrawlOptions): Settings {
  const settings: Settings = { ...defaults };
  for (const key of Object.keys(defaults) as Array<keyof Settings>) {
    const value = options[key];
    if (value === undefined) continue;
    const min = zeroAllowed.has(key) ? 0 : 1;
    if (!Number.isInteger(value) || value < min) throw new UsageError(`${key} must be an integer >= ${min}, got ${value}`);
    settings[key] = value;
  }
  return settings;
}
