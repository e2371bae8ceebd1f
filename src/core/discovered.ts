import { z } from 'zod';

/**
 * A document the discovery crawl already fetched (a page, a same-origin script bundle, a source
 * map), kept so that rules can read it without asking the site again: preview tokens, CMS
 * config objects and API hosts sit in bundles the crawl has read anyway.
 */
export const discoveredKinds = ['html', 'script', 'source-map'] as const;
export type DiscoveredKind = (typeof discoveredKinds)[number];

/**
 * The most documents one discovered step reads (its `max`). A step reads the first ones in crawl
 * order, so the crawl never needs to keep more than this many of any kind.
 */
export const maxDiscoveredReads = 500;

export const discoveredDocumentSchema = z.object({
  kind: z.enum(discoveredKinds),
  url: z.string(),
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  /** The body was cut at the transport's cap. */
  truncated: z.boolean().default(false),
});
export type DiscoveredDocument = z.infer<typeof discoveredDocumentSchema>;
