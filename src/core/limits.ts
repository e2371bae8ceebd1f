/**
 * Every limit that can end a scan's work early, with its default and the flag that raises it,
 * in one place: the configuration schema, the crawl and the report's "stopped by" notes all read
 * them from here, so a note can never name the wrong knob.
 */
export const scanLimits = {
  /** HTML pages the discovery crawl fetches per target. */
  maxPages: { default: 100, flag: '--max-pages', what: 'HTML pages' },
  /** robots.txt, sitemaps, feeds, scripts and source maps the crawl fetches per target. */
  maxDiscoveryFiles: { default: 80, flag: '--max-discovery-files', what: 'robots, sitemap, feed, script and source-map files' },
  /** Response body bytes the crawl reads per target. */
  maxCrawlBytes: { default: 20 * 1024 * 1024, flag: '--max-crawl-bytes', what: 'bytes of crawled bodies' },
  /** Link hops from the target followed for HTML pages. */
  maxDepth: { default: 3, flag: '--max-depth', what: 'link hops from the target' },
  /** Requests sent per target, discovery and rules together. */
  maxRequests: { default: 10_000, flag: '--max-requests', what: 'requests per target' },
  /** Failures in a row after which a host is no longer probed. */
  maxHostErrors: { default: 8, flag: '--max-host-errors', what: 'failures in a row per host' },
} as const;

export type ScanLimitName = keyof typeof scanLimits;
