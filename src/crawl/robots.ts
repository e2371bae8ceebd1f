import { z } from 'zod';

/**
 * robots.txt as a source of signals. draftleak audits sites for their owners, so Allow and
 * Disallow lines are not crawl permissions here: they are hints, because sites list their
 * admin, preview and staging paths there to keep search engines away from them.
 */
export const robotsInfoSchema = z.object({
  allow: z.array(z.string()),
  disallow: z.array(z.string()),
  /** Absolute sitemap URLs (relative ones resolved against the robots.txt URL). */
  sitemaps: z.array(z.string()),
  /** Set when the file was longer than maxRobotsChars or listed more than the caps below. */
  truncated: z.literal(true).optional(),
});
export type RobotsInfo = z.infer<typeof robotsInfoSchema>;

export const emptyRobots = (): RobotsInfo => ({ allow: [], disallow: [], sitemaps: [] });

/** Characters of robots.txt read: Google's own limit is 500 KiB, and what follows is ignored. */
export const maxRobotsChars = 500 * 1024;
/** Distinct Allow and Disallow rules kept, each. */
export const maxRobotsRules = 1000;
/** Distinct Sitemap lines kept. */
export const maxRobotsSitemaps = 100;

/**
 * Parses robots.txt with every user-agent group merged (a path hidden from one crawler is as
 * interesting as one hidden from all). Empty Disallow lines ("allow everything") are dropped;
 * duplicates are dropped, first occurrence order kept.
 */
export function parseRobots(body: string, robotsUrl: string): RobotsInfo {
  const allow = new Set<string>();
  const disallow = new Set<string>();
  const sitemaps = new Set<string>();
  let truncated = body.length > maxRobotsChars;
  const keep = (set: Set<string>, value: string, cap: number): void => {
    if (set.has(value)) return;
    if (set.size >= cap) truncated = true;
    else set.add(value);
  };
  const text = truncated ? body.slice(0, maxRobotsChars) : body;
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const hash = rawLine.indexOf('#');
    const line = (hash === -1 ? rawLine : rawLine.slice(0, hash)).trim();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (value === '') continue;
    if (key === 'allow') keep(allow, value, maxRobotsRules);
    else if (key === 'disallow') keep(disallow, value, maxRobotsRules);
    else if (key === 'sitemap' || key === 'site-map') {
      const resolved = resolveHttp(value, robotsUrl);
      if (resolved) keep(sitemaps, resolved, maxRobotsSitemaps);
    }
  }
  const info: RobotsInfo = { allow: [...allow], disallow: [...disallow], sitemaps: [...sitemaps] };
  return truncated ? { ...info, truncated: true } : info;
}

/**
 * Turns a robots path rule into a fetchable URL on the origin, or undefined when nothing useful
 * is left. Wildcards cannot be fetched, so the rule is cut at the first "*" or "$"; what remains
 * must be more than "/" ("/*?preview=" says something, but names no page).
 */
export function robotsRuleToUrl(rule: string, origin: string): string | undefined {
  const cut = rule.search(/[*$]/);
  const path = cut === -1 ? rule : rule.slice(0, cut);
  if (!path.startsWith('/') || path === '/') return undefined;
  // Appended, not resolved: "//host/x" is a path on this site, not a link to another host.
  const url = resolveHttp(`${origin}${path}`, origin);
  return url !== undefined && new URL(url).origin === new URL(origin).origin ? url : undefined;
}

/** True when a body answered for /robots.txt looks like an HTML page (a catch-all site). */
export function looksLikeHtml(body: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(body.slice(0, 1024));
}

function resolveHttp(value: string, base: string): string | undefined {
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
