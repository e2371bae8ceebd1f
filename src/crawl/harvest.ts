import type { Discoveries } from './discoveries.js';
import { isFeedLinkType } from './feeds.js';
import type { Frontier } from './frontier.js';
import type { ExtractedPage, LinkTag } from './html-links.js';
import type { PublishedInventory } from './inventory.js';
import { linkParts, normalizeUrl } from './normalize.js';
import { isPreviewUrl } from './preview-links.js';
import { scanScriptText } from './script-scan.js';

/**
 * Sorts what one HTML page links to: same-origin pages go to the frontier, feeds and scripts to
 * their fetch queues, what the page shows or links to on purpose to the published inventory, and
 * other origins to assetHosts (things the page loads) or externalLinks (places it points to).
 * Same-origin links the link policy refuses are neither fetched nor published: an edit or delete
 * link names a draft's id, and counting it as published would hide that draft from the rules.
 */

export interface HarvestContext {
  origin: string;
  frontier: Frontier;
  inventory: PublishedInventory;
  discoveries: Discoveries;
}

/** link rel values that name another page of the site. */
const pageRels = new Set(['canonical', 'alternate', 'shortlink', 'next', 'prev', 'amphtml']);
const preloadRels = new Set(['preload', 'modulepreload', 'prefetch']);
/** Meta values that are pages (the rest of metaUrls are images and players). */
const pageMetaNames = new Set(['og:url', 'refresh']);

export function harvestPage(page: ExtractedPage, depth: number, context: HarvestContext): void {
  const { frontier, inventory, discoveries } = context;
  // An http(s) link's origin (of the normalised URL, which is the same); other schemes have none here.
  const sameOrigin = (url: string): boolean => linkParts(url)?.origin === context.origin;
  const nextDepth = depth + 1;

  for (const url of page.anchors) {
    if (sameOrigin(url)) {
      offerPage(url, nextDepth, context);
    } else {
      addExternal(discoveries, url);
    }
  }
  for (const url of page.iframes) {
    if (sameOrigin(url)) frontier.offer(url, nextDepth);
    else discoveries.addAssetUrl(url);
  }
  // Media of any origin is published on purpose: a headless site serves its images from the
  // CMS's CDN, and that is exactly where draft-only uploads are looked for later.
  for (const url of page.media) {
    inventory.add({ url, source: 'link' });
    if (!sameOrigin(url)) discoveries.addAssetUrl(url);
  }
  for (const url of page.scripts) {
    if (!sameOrigin(url)) discoveries.addAssetUrl(url);
    else if (frontier.allows(url)) discoveries.scripts.offer(url);
  }
  for (const tag of page.linkTags) harvestLinkTag(tag, nextDepth, sameOrigin(tag.url), context);
  for (const url of page.forms) {
    discoveries.forms.add(url);
    if (!sameOrigin(url)) addExternal(discoveries, url);
  }
  for (const { name, url } of page.metaUrls) {
    if (pageMetaNames.has(name)) {
      if (sameOrigin(url)) {
        offerPage(url, nextDepth, context);
      } else {
        addExternal(discoveries, url);
      }
    } else {
      inventory.add({ url, source: 'link' });
      if (!sameOrigin(url)) discoveries.addAssetUrl(url);
    }
  }
  for (const node of page.jsonLd) {
    const date = node.datePublished;
    const title = node.headline;
    const urls = [node.url, node.id].map((value) => (value === undefined ? undefined : normalizeUrl(value, page.baseUrl)));
    for (const url of new Set(urls)) {
      if (url === undefined) continue;
      const refused = sameOrigin(url) && frontier.offer(url, nextDepth) === 'refused-by-policy';
      if (!refused || isPreviewUrl(url)) {
        inventory.add({ url, source: 'jsonld', ...(date === undefined ? {} : { date }), ...(title === undefined ? {} : { title }) });
      }
    }
    for (const image of node.images) {
      inventory.add({ url: image, source: 'jsonld' });
      if (!sameOrigin(image)) discoveries.addAssetUrl(image);
    }
  }
  for (const text of page.inlineScripts) discoveries.addScan(scanScriptText(text));
  inventory.addBodyClasses(page.bodyClasses);
}

function harvestLinkTag(tag: LinkTag, nextDepth: number, sameOrigin: boolean, context: HarvestContext): void {
  const { frontier, inventory, discoveries } = context;
  if (!sameOrigin) {
    discoveries.addAssetUrl(tag.url);
    return;
  }
  if (tag.rel.includes('alternate') && isFeedLink(tag)) {
    if (frontier.allows(tag.url)) discoveries.feeds.offer(tag.url);
    return;
  }
  // Vite and Next.js builds often reference their chunks only through modulepreload.
  if (tag.rel.some((rel) => preloadRels.has(rel)) && /\.m?js$/i.test(new URL(tag.url).pathname)) {
    if (frontier.allows(tag.url)) discoveries.scripts.offer(tag.url);
    return;
  }
  const type = (tag.type ?? '').toLowerCase();
  // rel=alternate also announces JSON and oEmbed views (WordPress REST links): not pages.
  const isPageType = type === '' || type.startsWith('text/html') || type.startsWith('application/xhtml');
  if (tag.rel.some((rel) => pageRels.has(rel)) && isPageType) offerPage(tag.url, nextDepth, context);
}

/**
 * A same-origin page link: to the frontier, and to the published inventory unless the policy
 * refused it. A refused preview-shaped link still goes to the inventory, which sets it aside as a
 * leaked preview for the preview rules instead of publishing it.
 */
function offerPage(url: string, depth: number, { frontier, inventory }: HarvestContext): void {
  const refused = frontier.offer(url, depth) === 'refused-by-policy';
  if (!refused || isPreviewUrl(url)) inventory.add({ url, source: 'link' });
}

function isFeedLink(tag: LinkTag): boolean {
  try {
    return isFeedLinkType(tag.type, tag.url);
  } catch {
    return false;
  }
}

function addExternal(discoveries: Discoveries, url: string): void {
  const normalized = normalizeUrl(url);
  if (normalized !== undefined) discoveries.externalLinks.add(normalized);
}

