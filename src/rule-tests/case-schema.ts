import { z } from 'zod';
import { discoveredKinds } from '../core/discovered.js';
import { exposedItemSchema } from '../core/finding.js';

/**
 * A rule's test cases: recorded exchanges (request -> response) and what must happen. Lives
 * beside the rule as `<id>.cases.yaml`.
 */
export const exchangeSchema = z.strictObject({
  request: z
    .strictObject({
      method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
      /** Path and query relative to the case target. */
      path: z.string().startsWith('/').optional(),
      /** A full URL, for requests to another host (an asset host, a bucket). */
      url: z.url().optional(),
    })
    .refine((request) => (request.path === undefined) !== (request.url === undefined), 'give exactly one of path or url'),
  response: z
    .strictObject({
      status: z.number().int().min(100).max(599),
      headers: z.record(z.string(), z.string()).default({}),
      body: z.string().optional(),
      /** A file beside the case file holding the body, for large recordings. */
      body_file: z.string().optional(),
      /** A JSON body written as YAML; sets content-type to application/json unless given. */
      json: z.unknown().optional(),
    })
    .refine(
      (response) => [response.body, response.body_file, response.json].filter((value) => value !== undefined).length <= 1,
      'give at most one of body, body_file, json',
    ),
});
export type Exchange = z.infer<typeof exchangeSchema>;

/** A document the discovery crawl fetched (page, script, source map), for discovered steps. */
export const discoveredCaseDocumentSchema = exchangeSchema.extend({
  kind: z.enum(discoveredKinds),
});
export type DiscoveredCaseDocument = z.infer<typeof discoveredCaseDocumentSchema>;

export const expectedFindingSchema = z.strictObject({
  /** Path (and query) of the URL that proves the finding, relative to the case target. */
  path: z.string().startsWith('/').optional(),
  url: z.string().optional(),
  /** Items that must be named; each given field must be equal. */
  items: z.array(exposedItemSchema).default([]),
  /** The finding names these items and no other (as many items as listed, each matched). */
  exact: z.boolean().default(false),
  /** The finding's severity (for rules whose severity_when sets it by what the finding shows). */
  severity: z.enum(['info', 'low', 'medium', 'high', 'critical']).optional(),
  /** What the rule's verify step must have said of the token (see verify_tokens). */
  verification: z.enum(['verified', 'unverified', 'unknown', 'not-asked']).optional(),
});

export const ruleCaseSchema = z.strictObject({
  name: z.string().min(1),
  expect: z.enum(['finding', 'none']),
  /** A known gap: the case runs and is reported, but does not fail. Say why. */
  todo: z.string().min(1).optional(),
  findings: z.array(expectedFindingSchema).default([]),
  /**
   * Items no finding may name, e.g. the published post the case serves beside the drafts: the
   * proof that the rule tells them apart. Each given field must be equal for a match.
   */
  not_named: z.array(exposedItemSchema).default([]),
  /**
   * What discovery would have found on the site (the `site` document: published, preview_links,
   * asset_hosts...), for rules that read it. Absent: an empty site.
   */
  site: z.record(z.string(), z.unknown()).optional(),
  /**
   * What the discovery crawl fetched (pages, same-origin scripts, source maps), in crawl order:
   * the documents a `discovered` step reads. They are not requests: nothing asks for them again.
   */
  discovered: z.array(discoveredCaseDocumentSchema).default([]),
  /** Run as with --verify-tokens: verify steps are sent (give the vendor's answer as an exchange with `url`). */
  verify_tokens: z.boolean().default(false),
  exchanges: z.array(exchangeSchema).default([]),
});
export type RuleCase = z.infer<typeof ruleCaseSchema>;

export const caseFileSchema = z.strictObject({
  rule: z.string().min(1),
  /** Where the recordings come from: CMS, version, and how the state was made. */
  source: z.string().min(1),
  cases: z.array(ruleCaseSchema).min(1),
});
export type CaseFile = z.infer<typeof caseFileSchema>;
