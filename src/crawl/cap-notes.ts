import { maxRobotsChars, maxRobotsRules, maxRobotsSitemaps } from './robots.js';
import type { CrawlResult } from './types.js';

/**
 * One sentence per fixed discovery cap that cut data off, for the report's notes: a reader must
 * know when "not in the published inventory" rests on a list that was not read to its end. These
 * caps have no flag; they bound memory against floods, not the crawl's reach.
 */
export function describeDiscoveryCaps(result: Pick<CrawlResult, 'sitemapEntryCap' | 'robots' | 'inventory'>): string[] {
  const notes: string[] = [];
  if (result.sitemapEntryCap) {
    const { cap, sitemap } = result.sitemapEntryCap;
    notes.push(`the sitemaps list more than ${cap} entries (maxSitemapEntries); reading stopped in ${sitemap}, so the published inventory is incomplete`);
  }
  if (result.inventory.dropped > 0) {
    notes.push(`the published inventory is full at ${result.inventory.maxEntries} URLs (maxInventoryEntries); ${result.inventory.dropped} more URLs and ids were not kept`);
  }
  if (result.robots.truncated) {
    notes.push(`robots.txt is longer than ${maxRobotsChars} characters or lists more than ${maxRobotsRules} rules or ${maxRobotsSitemaps} sitemaps; the rest was ignored`);
  }
  return notes;
}
