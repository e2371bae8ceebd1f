/**
 * URL shapes that CMSs use to share unpublished content (shared/research/cms-exposures.md §1,
 * §5, §17-§19). A page that links to one of these has leaked a preview, so such URLs are not
 * "published on purpose": the inventory leaves them out and the crawl lists them separately for
 * the rules that check whether they still render a draft.
 */
const previewPatterns: readonly RegExp[] = [
  /\/p\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/?(?:$|[?#])/i, // Ghost share link
  /[?&](?:preview|_ppp|preview_id|preview_nonce)=/i, // WordPress preview and Public Post Preview
  /[?&](?:token|x-craft-preview|x-craft-live-preview)=/i, // Craft CMS
  /[?&]_storyblok(?:_tk\[[^\]]*\])?=/i, // Storyblok visual editor
  /[?&]sc_mode=preview\b/i, // Sitecore
  /[?&]auth_bypass_id=/i, // GOV.UK-style share links
  /\/api\/(?:preview|draft)(?:-mode)?(?:\/|$|\?)/i, // Next.js draft mode routes
  /\/node\/\d+\/latest(?:$|[/?])/i, // Drupal content moderation: latest (draft) revision
];

export function isPreviewUrl(url: string): boolean {
  return previewPatterns.some((pattern) => pattern.test(url));
}
