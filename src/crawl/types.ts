import type { DiscoveredDocument } from '../core/discovered.js';
import type { ProbeFailure } from '../core/finding.js';
import type { HttpRequest, HttpResponse, Transport } from '../core/http-types.js';
import type { Logger } from '../core/logger.js';
import type { ApiHost } from './script-scan.js';
import type { PublishedInventory } from './inventory.js';
import type { RobotsInfo } from './robots.js';

/**
 * A response whose body was not decoded: gzip sitemaps (sitemap.xml.gz served as
 * application/gzip, without Content-Encoding) arrive as binary, and a UTF-8 string would mangle
 * them beyond repair.
 */
export interface RawHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered, after redirects; the requested URL when absent. */
  url?: string;
  statusText?: string;
  truncated?: boolean;
}

/**
 * The transport as the crawl sees it. Raw bytes (for gzip sitemaps) come from either channel:
 * `send` honouring HttpRequest.binary with HttpResponse.rawBody (the undici transport), or this
 * optional `sendRaw`. With neither, a gzip sitemap is recorded as a failed probe.
 */
export type RawCapableTransport = Transport & {
  sendRaw?: (request: HttpRequest) => Promise<RawHttpResponse>;
};

export interface CrawlOptions {
  /** The scan target; its origin is the only one the crawl sends requests to. */
  target: string;
  transport: RawCapableTransport;
  /** HTML pages fetched (requests of kind 'page'). Default: scanLimits.maxPages. */
  maxPages?: number;
  /** robots.txt, sitemaps, feeds, scripts and source maps fetched. Default: scanLimits.maxDiscoveryFiles. */
  maxDiscoveryFiles?: number;
  /** Link hops from the target followed for HTML pages. Default 3. */
  maxDepth?: number;
  /** Response body bytes fetched in total. Default 20 MiB. */
  maxBytes?: number;
  /** Distinct query strings fetched per path. Default 5. */
  maxQueryVariants?: number;
  /** Distinct URLs fetched per path pattern (numbers, dates, uuids as placeholders). Default 20. */
  maxPerPattern?: number;
  /** Requests in flight at once. Default 4 (the transport also limits per host). */
  concurrency?: number;
  /** Sitemap documents fetched, indexes included. Default 50. */
  maxSitemaps?: number;
  /** Feeds fetched. Default 10. */
  maxFeeds?: number;
  /** Same-origin script bundles fetched. Default 30. */
  maxScripts?: number;
  /** Same-origin source maps fetched. Default 10. */
  maxSourceMaps?: number;
  /**
   * Characters of page, script and source-map bodies kept whole for rules that read what the
   * crawl fetched (`discovered` steps). 0 (the default) keeps none.
   */
  keepDocumentChars?: number;
  /**
   * The most documents of one kind any rule's discovered step reads (its `max`); one more is
   * kept (see KeptDocuments). Default maxDiscoveredReads.
   */
  keepDocumentsPerKind?: number;
  /** Told each response kept for passive fingerprinting (CrawlResult.responses), as it is kept. */
  onKept?: (response: HttpResponse) => void;
  /**
   * Work the crawl does while it waits for the next page to read: called, with the event loop
   * let run between calls, until the page has come or it returns false (nothing left to do).
   * Discovery judges the fingerprints' passive signals with it (fingerprint/detect.ts).
   */
  whileWaiting?: () => boolean;
  logger?: Logger;
}

export type FetchKind = 'robots' | 'sitemap' | 'feed' | 'page' | 'script' | 'source-map';

/** One response the crawl received. */
export interface CrawledPage {
  url: string;
  /** After in-scope redirects, when different. */
  finalUrl?: string;
  kind: FetchKind;
  status: number;
  contentType: string;
  /** Link hops from the target (0 for everything that is not a BFS page). */
  depth: number;
  bytes: number;
}

/** The crawl's budgets: maxPages, maxDiscoveryFiles, maxBytes, maxDepth. */
export type CrawlBudgetName = 'pages' | 'files' | 'bytes' | 'depth';

export interface CrawlBudgetReport {
  /** HTML page requests sent (failed ones included). */
  pagesFetched: number;
  /** robots, sitemap, feed, script and source-map requests sent. */
  filesFetched: number;
  bytesFetched: number;
  /** Which budgets left URLs unfetched, when any did. */
  stoppedBy?: CrawlBudgetName[];
  skippedQueryVariants: number;
  skippedByPattern: number;
  skippedByDepth: number;
  /** Distinct same-origin links not followed because the link policy refuses them (rules/_link-policy.yaml). */
  skippedByPolicy: number;
}

export interface CrawlResult {
  target: string;
  /** Made when read, each time (crawl.ts): read it once. */
  readonly pages: readonly CrawledPage[];
  /** The responses kept for passive fingerprinting: every non-page one and the first pages (fetcher.fingerprintedPages), bodies capped. */
  responses: HttpResponse[];
  robots: RobotsInfo;
  /** Same-origin URLs made from robots.txt Allow/Disallow rules: signals, never fetched by the crawl. */
  robotsUrls: string[];
  /** Sitemaps read successfully. */
  sitemaps: string[];
  /** Set when maxSitemapEntries ended the sitemap read: `sitemap` held more, later sitemaps were not read. */
  sitemapEntryCap?: { cap: number; sitemap: string };
  /** Feeds read successfully. */
  feeds: string[];
  /** Same-origin script bundles fetched. */
  scripts: string[];
  /** Source maps read (fetched, or "inline:<script url>" for data: maps). */
  sourceMaps: string[];
  /** Origins of other hosts the pages load assets from (img, script, link, srcset, iframe, og:image). */
  assetHosts: string[];
  /** CMS API hosts found in scripts and source maps. */
  apiHosts: string[];
  /** apiHosts with the CMS each belongs to. */
  apiHostDetails: ApiHost[];
  /** Absolute URLs written in scripts and source maps (capped at 500). */
  scriptUrls: string[];
  /** Links to other origins (capped at 500). */
  externalLinks: string[];
  /**
   * Preview-shaped URLs (Ghost /p/<uuid>/, ?preview=true, ?_ppp=, ?token=...) seen in pages,
   * sitemaps, feeds, robots.txt or scripts: leaked share links for the preview rules to check.
   * They are kept out of the published inventory. Capped at 500.
   */
  previewLinks: string[];
  /** form[action] URLs seen (capped at 200); never submitted. */
  forms: string[];
  /** Meta tags of the target page (name/property -> content). */
  meta: Record<string, string>;
  inventory: PublishedInventory;
  /** Pages, scripts and source maps kept whole for rules (see keepDocumentChars). */
  documents: DiscoveredDocument[];
  /** Documents fetched but not kept: the keepDocumentChars budget was spent. */
  documentsDropped: number;
  failures: ProbeFailure[];
  budget: CrawlBudgetReport;
}
