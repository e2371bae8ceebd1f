import type { Logger } from 'pino';
import type { ProbeFailure } from '../core/finding.js';
import type { HttpResponse, Transport } from '../core/http-types.js';
import { calibrateHost, crawl, describeCalibration, looksLikeNotFound, type CrawlResult, type HostCalibration } from '../crawl/index.js';
import { describeDiscoveryCaps } from '../crawl/cap-notes.js';
import { detectCms, PassiveJudge, type DetectResult, type LoadedFingerprint } from '../fingerprint/index.js';
import type { JSONValue } from '../engine/expression.js';
import { scanLimits, type ScanLimitName } from '../core/limits.js';
import type { CrawlBudgetName } from '../crawl/index.js';

export interface TargetDiscovery {
  calibration: HostCalibration;
  crawl: CrawlResult;
  detect: DetectResult;
  /** Things a reader must know to trust the result. */
  notes: string[];
  failures: ProbeFailure[];
  /** The `site` value rule expressions see. */
  site: JSONValue;
  /** Why a proving response must not count, if it must not. */
  rejectProof: (response: HttpResponse) => string | undefined;
}

/** The crawl's budgets (defaults in core/limits). */
export interface CrawlLimits {
  maxPages: number;
  maxDiscoveryFiles?: number;
  maxCrawlBytes?: number;
  maxDepth?: number;
  /** Crawl fetches at once (--concurrency); the crawl's own default (4) when absent. */
  concurrency?: number;
}

export interface DiscoverOptions extends CrawlLimits {
  target: string;
  /** Characters of crawled pages, scripts and source maps kept whole for discovered steps. */
  keepDocumentChars?: number;
  /** The most documents of one kind a rule's discovered step reads (the largest `max`). */
  keepDocumentsPerKind?: number;
  transport: Transport;
  fingerprints: LoadedFingerprint[];
  logger: Logger;
}

const budgetLimit: Record<CrawlBudgetName, keyof CrawlLimits & ScanLimitName> = {
  pages: 'maxPages',
  files: 'maxDiscoveryFiles',
  bytes: 'maxCrawlBytes',
  depth: 'maxDepth',
};

/** "the crawl stopped at its budget of 100 HTML pages; raise --max-pages to discover more" */
function budgetNote(name: CrawlBudgetName, limits: CrawlLimits): string {
  const limitName = budgetLimit[name];
  const { flag, what, default: fallback } = scanLimits[limitName];
  const value = limits[limitName] ?? fallback;
  return `the crawl stopped at its budget of ${value} ${what}; raise ${flag} to discover more`;
}

/** Caps on what rules see of the site, so a huge sitemap cannot bloat every expression. */
const maxListed = 1000;

/**
 * Learns the site before probing it: how the host answers paths that cannot exist, what it
 * publishes on purpose, and which CMS it runs. Each part fails soft: a failure is recorded and
 * the scan goes on with what is known.
 */
export async function discoverTarget(options: DiscoverOptions): Promise<TargetDiscovery> {
  const { target, transport, fingerprints, logger } = options;
  const calibration = await calibrateHost(target, transport);
  const fingerprintList = fingerprints.map(({ fingerprint }) => fingerprint);
  // The passive signals are judged on each kept response while the crawl waits for pages, and
  // the detection pass after it reads those judgements (fingerprint/detect.ts, PassiveJudge).
  const judge = new PassiveJudge(target, fingerprintList);
  const crawled = await crawl({
    target,
    transport,
    maxPages: options.maxPages,
    ...(options.maxDiscoveryFiles === undefined ? {} : { maxDiscoveryFiles: options.maxDiscoveryFiles }),
    ...(options.maxCrawlBytes === undefined ? {} : { maxBytes: options.maxCrawlBytes }),
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.keepDocumentChars === undefined ? {} : { keepDocumentChars: options.keepDocumentChars }),
    ...(options.keepDocumentsPerKind === undefined ? {} : { keepDocumentsPerKind: options.keepDocumentsPerKind }),
    onKept: (response) => judge.offer(response),
    whileWaiting: () => judge.judgeNext(),
    logger,
  });
  const detect = await detectCms({
    target,
    responses: crawled.responses,
    transport,
    fingerprints: fingerprintList,
    judge,
  });
  const notes: string[] = [];
  const calibrationNote = describeCalibration(calibration);
  const suspicious = calibration.catchAll || calibration.probes.some((probe) => probe.saysNotFound && probe.status < 300);
  if (suspicious) notes.push(calibrationNote);
  for (const name of crawled.budget.stoppedBy ?? []) notes.push(budgetNote(name, options));
  notes.push(...describeDiscoveryCaps(crawled));
  if (crawled.documentsDropped > 0) {
    notes.push(`rules that read crawled documents saw ${crawled.documents.length} of them; ${crawled.documentsDropped} more page(s), script(s) or source map(s) were not kept (the budget of ${Math.round((options.keepDocumentChars ?? 0) / 1024 / 1024)} Mi characters was spent)`);
  }
  const inventory = crawled.inventory.listed(maxListed);
  const site: JSONValue = {
    cms: detect.detections.map((detection) => detection.cms),
    published_urls: inventory.entries.map((entry) => entry.url),
    // With dates, so a rule can find content whose publication date is still in the future.
    published: inventory.entries.map((entry) => ({
      url: entry.url,
      date: entry.date ?? null,
      lastmod: entry.lastmod ?? null,
      sources: entry.sources,
    })),
    published_slugs: inventory.slugs,
    published_ids: inventory.ids,
    asset_hosts: crawled.assetHosts,
    api_hosts: crawled.apiHosts,
    api_roots: detect.apiRoots,
    preview_links: crawled.previewLinks.slice(0, maxListed),
  };
  return {
    calibration,
    crawl: crawled,
    detect,
    notes,
    failures: [...calibration.failures, ...crawled.failures],
    site,
    rejectProof: (response) =>
      looksLikeNotFound(response, calibration) ? `the answer looks like this host's page for paths that do not exist (${calibrationNote})` : undefined,
  };
}
