import type { Finding } from '../core/finding.js';
import type { RuleMeta } from '../core/rule-meta.js';
import type { SarifLogicalLocation } from './sarif-types.js';

/**
 * SARIF logical locations name what a web finding is about when there is no source line: the CMS
 * object of each exposed item, `<cms>.<type>.<id>` (`wordpress.post.37`,
 * `strapi.article.pw7ypqda91jcda662x4dfwaa`), or `<cms>.file.<path>` for an item known only by
 * its URL (a listed upload). GitHub ignores them; other viewers group and search by them.
 */

// A finding lists every exposed item in properties.items; the logical locations only need enough
// to name the exposure, and a 5,000-item listing would otherwise repeat itself 5,000 times.
export const maxLogicalLocations = 100;

// The path segment that names a collection, after the segment that introduces it in each CMS's
// API: /wp-json/wp/v2/posts, ?rest_route=/wp/v2/pages, /api/articles (Strapi, Payload),
// /items/news (Directus), /ghost/api/content/posts, /jsonapi/node/article (Drupal).
const collectionAfter: ReadonlySet<string> = new Set(['v2', 'api', 'items', 'content', 'node', 'collections', 'entries']);
// Segments that name a kind of object outright.
const kindSegments: Readonly<Record<string, string>> = { files: 'file', assets: 'file', media: 'media', upload: 'file', uploads: 'file' };
// When the URL names no collection (a listing in a page's HTML, say), the CMS's usual object.
const defaultKind: Readonly<Record<string, string>> = { wordpress: 'post', drupal: 'node', ghost: 'post', joomla: 'article' };

function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|us|is|news)$/.test(word) || !word.endsWith('s')) return word;
  return word.slice(0, -1);
}

function pathSegments(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://draftleak.invalid/');
  } catch {
    return [];
  }
  // WordPress's plain-permalink REST route carries its path in a parameter.
  const route = parsed.searchParams.get('rest_route') ?? '';
  return [...parsed.pathname.split('/'), ...route.split('/')].map(decodeSegment).filter((segment) => segment !== '');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

const identifierLike = /^[a-z][a-z0-9_-]{0,63}$/;

/** The type of object a finding's items are, from the URL that proved it. */
export function objectKind(cms: string, url: string): string {
  const segments = pathSegments(url);
  for (let i = segments.length - 1; i >= 0; i -= 1) {
    const segment = segments[i] ?? '';
    const named = kindSegments[segment];
    if (named !== undefined) return named;
    const previous = segments[i - 1];
    if (previous !== undefined && collectionAfter.has(previous) && identifierLike.test(segment)) return singular(segment);
  }
  return defaultKind[cms] ?? 'item';
}

/** The CMS a rule is written for: its first that is not `generic`, else `generic`. */
export function ruleCms(rule: RuleMeta | undefined): string {
  return rule?.cms.find((cms) => cms !== 'generic') ?? rule?.cms[0] ?? 'generic';
}

function filePath(url: string): string | undefined {
  try {
    return new URL(url, 'http://draftleak.invalid/').pathname;
  } catch {
    return undefined;
  }
}

/** One logical location per exposed item that has an id or a URL, at most maxLogicalLocations. */
export function logicalLocations(finding: Finding, rule: RuleMeta | undefined): SarifLogicalLocation[] {
  const cms = ruleCms(rule);
  const kind = objectKind(cms, finding.url);
  const out: SarifLogicalLocation[] = [];
  const seen = new Set<string>();
  for (const item of finding.items) {
    if (out.length >= maxLogicalLocations) break;
    let location: SarifLogicalLocation | undefined;
    if (item.id !== undefined && item.id !== '') {
      location = { name: item.id, fullyQualifiedName: `${cms}.${kind}.${item.id}`, kind: 'object' };
    } else if (item.url !== undefined) {
      const path = filePath(item.url);
      if (path !== undefined) location = { name: path, fullyQualifiedName: `${cms}.file.${path}`, kind: 'resource' };
    }
    if (location === undefined || seen.has(location.fullyQualifiedName)) continue;
    seen.add(location.fullyQualifiedName);
    out.push(location);
  }
  return out;
}
