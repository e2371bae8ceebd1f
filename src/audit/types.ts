import { z } from 'zod';

/**
 * What an inventory adapter reports: one unpublished thing the owner's credentials can see, and
 * every route by which the CMS could serve it to a visitor. No titles, no bodies: the report
 * names items by id, type, status, date and URL only.
 */

/** How a route's answer proves that it served this item (not a theme's catch-all page). */
export const routeProofSchema = z.discriminatedUnion('kind', [
  /** A JSON answer whose `field` (a dotted path) equals the item's id. */
  z.object({ kind: z.literal('json-id'), field: z.string(), id: z.string() }),
  /** An HTML answer that holds one of these markers (a body class such as `postid-7`). */
  z.object({ kind: z.literal('html-marker'), markers: z.array(z.string().min(1)).min(1) }),
  /**
   * An HTML answer holding every text of `all` and, when `any` is given, one of those: for a
   * theme with no per-item class (a Ghost post: its canonical link, and a file only it uses).
   */
  z.object({ kind: z.literal('html-text'), all: z.array(z.string().min(1)).min(1), any: z.array(z.string().min(1)).optional() }),
  /** A file: any non-HTML answer with a body; the expected size, when the CMS knows it. */
  z.object({ kind: z.literal('file'), bytes: z.number().int().nonnegative().optional(), mime: z.string().optional() }),
]);
export type RouteProof = z.infer<typeof routeProofSchema>;

export const routeKinds = ['rest', 'permalink', 'id-query', 'preview', 'file', 'size-variant', 'attachment-page', 'asset-host'] as const;

export const itemRouteSchema = z.object({
  kind: z.enum(routeKinds),
  url: z.string(),
  proof: routeProofSchema,
  /**
   * The URL holds an unguessable token the CMS made to share a preview (Ghost's /p/<uuid>/):
   * only who was given the link reaches it, which the finding's severity and text reflect.
   */
  capability: z.boolean().optional(),
});
export type ItemRoute = z.infer<typeof itemRouteSchema>;

export const unpublishedItemSchema = z.object({
  cms: z.string(),
  /** `item` for content (a post, an entry), `file` for an upload. */
  kind: z.enum(['item', 'file']),
  /** The CMS's type name: post, page, a collection, attachment... */
  type: z.string(),
  id: z.string(),
  /** The CMS's own status: draft, pending, private, future, scheduled... */
  status: z.string(),
  /** When it is due to be published, for scheduled items (ISO 8601, UTC). */
  scheduledFor: z.string().optional(),
  /** Last change (ISO 8601, UTC), when the CMS says. */
  date: z.string().optional(),
  /** For files: the unpublished item that uses them. */
  parent: z.object({ type: z.string(), id: z.string(), status: z.string(), scheduledFor: z.string().optional() }).optional(),
  routes: z.array(itemRouteSchema),
});
export type UnpublishedItem = z.infer<typeof unpublishedItemSchema>;

export const verdicts = ['reachable', 'refused', 'not-found', 'failed'] as const;
export type Verdict = (typeof verdicts)[number];

export interface RouteVerdict {
  route: ItemRoute;
  verdict: Verdict;
  /** Why, in a few words: "200 image/png 8,211 bytes, size as uploaded", "soft 404", "401". */
  detail: string;
  status?: number;
  contentType?: string;
  bytes?: number;
  /** sha256 (hex) of the body received (at most the body cap). */
  sha256?: string;
  /** The URL that answered, after in-scope redirects. */
  finalUrl?: string;
  responseHeaders?: Record<string, string>;
}
