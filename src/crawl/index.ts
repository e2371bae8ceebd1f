/** The discovery pass: what the target publishes, links, loads and calls. */
export { crawl } from './crawl.js';
export type {
  CrawlBudgetName,
  CrawlBudgetReport,
  CrawledPage,
  CrawlOptions,
  CrawlResult,
  FetchKind,
  RawCapableTransport,
  RawHttpResponse,
} from './types.js';
export { calibrateHost, describe, describeCalibration, looksLikeNotFound, stripEcho } from './calibrate.js';
export type { CalibrateOptions, CalibrationProbe, CalibrationProbeKind, HostCalibration } from './calibrate.js';
export { extractLinks, parseSrcset, resolveUrl } from './html-links.js';
export type { ExtractedPage, JsonLdNode, LinkTag } from './html-links.js';
export { FeedParseError, isFeedLinkType, parseFeed } from './feeds.js';
export type { Feed, FeedItem, FeedKind } from './feeds.js';
export { idsFromUrl, PublishedInventory, slugOf } from './inventory.js';
export type { InventoryEntry, InventoryInput, InventorySource, PublishedInventoryJson } from './inventory.js';
export { normalizeUrl, pathPattern, UrlAdmission } from './normalize.js';
export type { Admission, AdmissionLimits } from './normalize.js';
export { isPreviewUrl } from './preview-links.js';
export { parseRobots, robotsRuleToUrl } from './robots.js';
export type { RobotsInfo } from './robots.js';
export { parseSitemap, SitemapParseError } from './sitemap.js';
export type { SitemapDocument, SitemapEntry, SitemapReference } from './sitemap.js';
export { apiHostPatterns, classifyApiHost, scanScriptText, scanSourceMap, SourceMapError } from './script-scan.js';
export type { ApiHost, ScriptScan, SourceMapScan } from './script-scan.js';
