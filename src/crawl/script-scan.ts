import { z } from 'zod';

/**
 * Finds the hosts a front end talks to, in JavaScript bundles, inline scripts and the original
 * sources inside source maps. Headless CMSs are called straight from the browser, so their API
 * hosts (and the project ids in them) are in the bundle; that tells the fingerprinter which CMS
 * is behind the site and gives the rules their endpoints. Token classification is not done here.
 */

export interface ApiHostPattern {
  cms: string;
  /** Lower-case texts one of which must occur for the pattern to be worth running (cheap prefilter). */
  needles: string[];
  /** The host shape, without anchors or flags. */
  pattern: RegExp;
}

/** Content API hosts of hosted CMSs (shared/research/cms-exposures.md §8-§18). Asset CDNs are not APIs and are left out. */
export const apiHostPatterns: readonly ApiHostPattern[] = [
  { cms: 'sanity', needles: ['sanity.io'], pattern: /(?:[a-z0-9-]+\.)?api(?:cdn)?\.sanity\.io/ },
  { cms: 'contentful', needles: ['contentful.com'], pattern: /(?:cdn|preview|graphql|api|upload)(?:\.eu)?\.contentful\.com/ },
  { cms: 'storyblok', needles: ['storyblok'], pattern: /api(?:-us|-ap|-ca|-cn)?\.storyblok\.com|api\.storyblokchina\.cn/ },
  { cms: 'prismic', needles: ['prismic.io'], pattern: /(?!images\.)(?:[a-z0-9-]+)(?:\.cdn)?\.prismic\.io/ },
  { cms: 'datocms', needles: ['datocms.com'], pattern: /(?:graphql|graphql-listen|site-api)\.datocms\.com/ },
  { cms: 'hygraph', needles: ['hygraph.com', 'graphcms.com'], pattern: /(?:[a-z0-9-]+\.)+(?:hygraph|graphcms)\.com/ },
  { cms: 'contentstack', needles: ['contentstack'], pattern: /(?!images\.|assets\.)(?:[a-z0-9-]+\.)+contentstack\.(?:io|com)/ },
  { cms: 'kontent', needles: ['kontent.ai'], pattern: /(?:deliver|preview-deliver|manage|graphql|preview-graphql)\.kontent\.ai/ },
  { cms: 'strapi', needles: ['strapiapp.com'], pattern: /[a-z0-9-]+\.strapiapp\.com/ },
  { cms: 'directus', needles: ['directus.app'], pattern: /[a-z0-9-]+\.directus\.app/ },
  { cms: 'ghost', needles: ['ghost.io'], pattern: /[a-z0-9-]+\.ghost\.io/ },
  { cms: 'payload', needles: ['payloadcms.app'], pattern: /[a-z0-9-]+\.payloadcms\.app/ },
  { cms: 'builder', needles: ['builder.io'], pattern: /cdn\.builder\.io/ },
  { cms: 'wordpress.com', needles: ['wordpress.com'], pattern: /public-api\.wordpress\.com/ },
  { cms: 'aem', needles: ['adobeaemcloud.com'], pattern: /(?:author|publish|preview)-p\d+-e\d+\.adobeaemcloud\.com/ },
  { cms: 'sitecore', needles: ['sitecorecloud.io'], pattern: /edge(?:-platform)?\.sitecorecloud\.io/ },
  { cms: 'umbraco', needles: ['umbraco.io'], pattern: /(?:cdn|graphql|api)\.umbraco\.io/ },
  { cms: 'buttercms', needles: ['buttercms.com'], pattern: /api\.buttercms\.com/ },
  { cms: 'agility', needles: ['aglty.io'], pattern: /api(?:-[a-z]+)?\.aglty\.io/ },
  { cms: 'cosmic', needles: ['cosmicjs.com'], pattern: /api\.cosmicjs\.com/ },
  { cms: 'tina', needles: ['tinajs.io'], pattern: /content\.tinajs\.io/ },
];

/** Whole-host matchers for classification and label-bounded scanners for free text. */
const compiledPatterns = apiHostPatterns.map(({ cms, needles, pattern }) => ({
  cms,
  needles,
  anchored: new RegExp(`^(?:${pattern.source})$`),
  // Bounded on both sides so "images.prismic.io" does not yield "mages.prismic.io".
  scanner: new RegExp(`(?<![a-z0-9-])(?:${pattern.source})(?![a-z0-9-])`, 'g'),
}));

/** The CMS whose content API lives on this host, or undefined. */
export function classifyApiHost(host: string): string | undefined {
  const lower = host.toLowerCase();
  return compiledPatterns.find(({ anchored }) => anchored.test(lower))?.cms;
}

export interface ApiHost {
  host: string;
  cms: string;
}

export interface ScriptScan {
  /** Absolute http(s) URLs written in the text (capped). */
  urls: string[];
  /** Hosts of those URLs and of protocol-relative "//host/..." strings. */
  hosts: string[];
  /** Known CMS API hosts, also when the URL is built at run time (`${projectId}.api.sanity.io`). */
  apiHosts: ApiHost[];
  /** The last sourceMappingURL comment, as written (relative, absolute or data:). */
  sourceMappingUrl?: string;
}

export const maxUrlsPerScan = 2000;

const urlPattern = /\bhttps?:\/\/[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?(?:[/?][^\s"'`<>\\(){}[\]|^]*)?/gi;
const protocolRelativePattern = /["'`]\/\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)(?::\d{1,5})?[/"'`]/gi;
const sourceMappingPattern = /(?:\/\/|\/\*)[#@]\s*sourceMappingURL\s*=\s*([^\s*]+)/g;

/** Scans JavaScript (or any text) for URLs, hosts, CMS API hosts and a sourceMappingURL. */
export function scanScriptText(input: string): ScriptScan {
  // Bundlers and JSON escape slashes ("https:\/\/x"); unescape once so one pattern fits both.
  const text = input.includes('\\/') || input.includes('\\u002F') ? input.replace(/\\\/|\\u002[Ff]/g, '/') : input;
  const urls = new Set<string>();
  const hosts = new Set<string>();
  for (const match of text.matchAll(urlPattern)) {
    const url = match[0].replace(/[.,;:!]+$/, '');
    if (urls.size < maxUrlsPerScan) urls.add(url);
    const host = hostOf(url);
    if (host) hosts.add(host);
  }
  for (const match of text.matchAll(protocolRelativePattern)) {
    const host = match[1]?.toLowerCase();
    if (host && /[a-z]/.test(host.slice(host.lastIndexOf('.') + 1))) hosts.add(host);
  }

  const lower = text.toLowerCase();
  const apiHosts = new Map<string, string>();
  for (const { cms, needles, scanner } of compiledPatterns) {
    if (!needles.some((needle) => lower.includes(needle))) continue;
    for (const match of lower.matchAll(scanner)) {
      if (!apiHosts.has(match[0])) apiHosts.set(match[0], cms);
    }
  }
  for (const host of hosts) {
    const cms = classifyApiHost(host);
    if (cms && !apiHosts.has(host)) apiHosts.set(host, cms);
  }

  // Only the comment that ends the file points at the bundle's map (the source map spec puts it
  // last); the same text inside the code (a bundled source-map library, a template) does not.
  let sourceMappingUrl: string | undefined;
  for (const match of text.matchAll(sourceMappingPattern)) {
    const rest = text.slice((match.index ?? 0) + match[0].length);
    if (/^\s*(\*\/)?\s*$/.test(rest)) sourceMappingUrl = match[1];
  }

  return {
    urls: [...urls],
    hosts: [...hosts],
    apiHosts: [...apiHosts].map(([host, cms]) => ({ host, cms })),
    ...(sourceMappingUrl === undefined ? {} : { sourceMappingUrl }),
  };
}

/** Merges scans (bundle, its source map, inline scripts) into one, keeping first-seen order. */
export function mergeScans(scans: ScriptScan[]): ScriptScan {
  const urls = new Set<string>();
  const hosts = new Set<string>();
  const apiHosts = new Map<string, string>();
  for (const scan of scans) {
    for (const url of scan.urls) if (urls.size < maxUrlsPerScan) urls.add(url);
    for (const host of scan.hosts) hosts.add(host);
    for (const { host, cms } of scan.apiHosts) if (!apiHosts.has(host)) apiHosts.set(host, cms);
  }
  return { urls: [...urls], hosts: [...hosts], apiHosts: [...apiHosts].map(([host, cms]) => ({ host, cms })) };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

const sourceMapSchema = z.object({
  sources: z.array(z.string().nullable()).optional(),
  sourcesContent: z.array(z.string().nullable()).optional(),
  sections: z.array(z.object({ map: z.unknown() })).optional(),
});
export type SourceMap = z.infer<typeof sourceMapSchema>;

export class SourceMapError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceMapError';
  }
}

/** Original sources scanned per source map, in characters: bounds the work on a huge map. */
export const sourceMapScanCapChars = 10 * 1024 * 1024;

export interface SourceMapScan extends ScriptScan {
  /** Names of the original source files (webpack://app/./src/...), capped at 1000. */
  sources: string[];
  /** True when sourcesContent was longer than the scan cap. */
  truncated: boolean;
}

/**
 * Reads a source map (v3, including indexed maps with sections) and scans its sourcesContent:
 * original sources keep configuration that minifiers may have folded or split across modules.
 */
export function scanSourceMap(text: string, capChars = sourceMapScanCapChars): SourceMapScan {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\)\]\}'[^\n]*\n/, '')); // some servers prefix maps with an XSSI guard
  } catch (error) {
    throw new SourceMapError(`source map is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const sources: string[] = [];
  const contents: string[] = [];
  let budget = capChars;
  let truncated = false;
  const visit = (value: unknown, depth: number): void => {
    const parsed = sourceMapSchema.safeParse(value);
    if (!parsed.success || depth > 2) return;
    for (const name of parsed.data.sources ?? []) if (name !== null && sources.length < 1000) sources.push(name);
    for (const content of parsed.data.sourcesContent ?? []) {
      if (content === null) continue;
      if (content.length > budget) {
        truncated = true;
        if (budget > 0) contents.push(content.slice(0, budget));
        budget = 0;
      } else {
        contents.push(content);
        budget -= content.length;
      }
    }
    for (const section of parsed.data.sections ?? []) visit(section.map, depth + 1);
  };
  if (!sourceMapSchema.safeParse(json).success || json === null || typeof json !== 'object') {
    throw new SourceMapError('not a source map: expected an object with sources');
  }
  visit(json, 0);
  const scan = mergeScans(contents.map((content) => scanScriptText(content)));
  // The map's own sourceMappingURL is irrelevant; only the bundle's comment points at a map.
  return { urls: scan.urls, hosts: scan.hosts, apiHosts: scan.apiHosts, sources, truncated };
}

/** Decodes a data: URL source map (inline maps in development builds), or undefined. */
export function decodeDataUrl(url: string): string | undefined {
  const match = /^data:[^,]*?(;base64)?,(.*)$/s.exec(url);
  if (!match) return undefined;
  const payload = match[2] ?? '';
  try {
    return match[1] ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload);
  } catch {
    return undefined;
  }
}
