import { z } from 'zod';
import { discoveredKinds, maxDiscoveredReads } from '../core/discovered.js';
import { ruleMetaSchema } from '../core/rule-meta.js';
import { severitySchema } from '../core/severity.js';

/**
 * The rule file format. Every object is strict: an unknown key is an error, so a typo in a rule
 * is caught when it loads rather than silently ignored while the rule never fires.
 */

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** Which part of a response a text matcher reads. */
const partSchema = z.enum(['body', 'headers', 'all']).default('body');

const statusMatcher = z.strictObject({
  status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]),
});
const headerMatcher = z.strictObject({
  header: z.strictObject({
    name: z.string().min(1),
    /** Without contains/regex the header only has to be present. */
    contains: z.string().min(1).optional(),
    regex: z.string().min(1).optional(),
  }),
});
const wordMatcher = z.strictObject({
  word: stringOrList,
  part: partSchema,
  condition: z.enum(['any', 'all']).default('any'),
  case_insensitive: z.boolean().default(false),
});
const regexMatcher = z.strictObject({
  regex: stringOrList,
  part: partSchema,
  condition: z.enum(['any', 'all']).default('any'),
});
/** A JMESPath expression over the expression document that must be truthy. */
const jsonMatcher = z.strictObject({ json: z.string().min(1) });
/** A CSS selector that must select at least one element of the HTML body. */
const cssMatcher = z.strictObject({ css: z.string().min(1) });
const sizeMatcher = z.strictObject({
  size: z
    .strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })
    .refine((size) => size.min !== undefined || size.max !== undefined, 'give min, max or both'),
});

export type Matcher =
  | z.infer<typeof statusMatcher>
  | z.infer<typeof headerMatcher>
  | z.infer<typeof wordMatcher>
  | z.infer<typeof regexMatcher>
  | z.infer<typeof jsonMatcher>
  | z.infer<typeof cssMatcher>
  | z.infer<typeof sizeMatcher>
  | { all: Matcher[] }
  | { any: Matcher[] }
  | { not: Matcher };

export const matcherSchema: z.ZodType<Matcher> = z.lazy(() =>
  z.union([
    statusMatcher,
    headerMatcher,
    wordMatcher,
    regexMatcher,
    jsonMatcher,
    cssMatcher,
    sizeMatcher,
    z.strictObject({ all: z.array(matcherSchema).min(1) }),
    z.strictObject({ any: z.array(matcherSchema).min(1) }),
    z.strictObject({ not: matcherSchema }),
  ]),
);

const variableName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'snake_case variable name');

const extractorBase = {
  name: variableName,
  /** Keep only the first value instead of the list of all values. */
  first: z.boolean().default(false),
  /**
   * The value is a credential (a token found in a bundle): later steps may send it, but
   * --explain and every trace show it only as mask_token() does.
   */
  secret: z.boolean().default(false),
};
export const extractorSchema = z.union([
  z.strictObject({ ...extractorBase, json: z.string().min(1) }),
  z.strictObject({ ...extractorBase, css: z.string().min(1), attribute: z.string().min(1).optional() }),
  z.strictObject({ ...extractorBase, regex: z.string().min(1), group: z.number().int().min(0).default(1) }),
  z.strictObject({ ...extractorBase, header: z.string().min(1) }),
]);
export type Extractor = z.infer<typeof extractorSchema>;

export const requestSchema = z
  .strictObject({
    method: z
      .enum(['GET', 'HEAD', 'POST'], {
        error: 'the safety policy allows only GET and HEAD (and POST for a read-only graphql query): draftleak never writes',
      })
      .default('GET'),
    /** A path (with query) resolved against the target, e.g. `/wp-json/wp/v2/posts?status=draft`. */
    path: z.string().min(1).optional(),
    /** A full URL template, e.g. `{{asset_host}}/?list-type=2`. Still subject to the scope guard. */
    url: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string()).default({}),
    /** Body of a read-only GraphQL POST. */
    graphql: z.strictObject({ query: z.string().min(1), variables: z.record(z.string(), z.unknown()).optional() }).optional(),
    /**
     * `anonymous`: never carries the user's credentials, whatever --header and --auth-scope say,
     * so a rule can ask the same thing as a visitor and as the user and compare the answers
     * ("the anonymous answer holds items the editor sees"). `user` (the default): the user's
     * identity where --auth-scope covers rule probes.
     */
    verify: z
      .boolean()
      .default(false)
      .describe('The last step only: one read-only call to the vendor API with a token found earlier, sent only with --verify-tokens; its match says verified or unverified, and the finding stands on the steps before it.'),
    identity: z.enum(['anonymous', 'user']).default('user').describe('anonymous: never send the user\'s credentials; user (default): send them where --auth-scope covers rules.'),
  })
  .refine((request) => (request.path === undefined) !== (request.url === undefined), {
    message: 'give exactly one of path or url',
  })
  .refine((request) => (request.method === 'POST') === (request.graphql !== undefined), {
    message: 'POST is allowed only for a read-only graphql query, and graphql only with POST',
  });
export type RuleRequest = z.infer<typeof requestSchema>;

export const forEachSchema = z.strictObject({
  /** A JMESPath expression over the expression document that yields a list. */
  in: z.string().min(1),
  as: variableName.default('item'),
  /** At most this many items are probed; the rest are counted and skipped. */
  max: z.number().int().min(1).max(100).default(10),
});

export const discoveredSourceSchema = z.strictObject({
  /** Which of the documents the crawl fetched: pages, same-origin script bundles, source maps. */
  kinds: z.array(z.enum(discoveredKinds)).min(1).default(['html', 'script', 'source-map']),
  /** At most this many documents are read (in the order the crawl fetched them). */
  max: z.number().int().min(1).max(maxDiscoveredReads).default(200),
});

export const stepSchema = z.strictObject({
  id: variableName,
  request: requestSchema.optional(),
  discovered: discoveredSourceSchema
    .optional()
    .describe('Instead of a request: read each document the discovery crawl already fetched (pages, scripts, source maps), one branch per document, without asking the site again.'),
  paginate: z
    .strictObject({
      /** JMESPath over each page's response document giving the next page's URL or path, or null on the last page. */
      next: z.string().min(1),
      /** Pages read at most, the first included. */
      max: z.number().int().min(2).max(50).default(10),
    })
    .optional()
    .describe("Follow the answer's next page (next: JMESPath giving its URL or path, e.g. json.links.next or link_rel(headers.link, 'next')) up to max pages; each page is its own branch."),
  for_each: forEachSchema.optional().describe('Repeat the step for each item of a list (a JMESPath expression), at most `max` times.'),
  extract: z.array(extractorSchema).default([]).describe('Values to name for later steps: json (JMESPath), css (selector + attribute), regex (group), header.'),
  /** The branch continues only when this holds. A step without match is a baseline. */
  match: matcherSchema.optional().describe('A tree of matchers (all, any, not over status, header, word, regex, json, css, size); the branch continues only when it holds.'),
})
  .refine((step) => (step.request === undefined) !== (step.discovered === undefined), { message: 'give exactly one of request or discovered' })
  .refine((step) => step.discovered === undefined || step.for_each === undefined, { message: 'a discovered step already forks one branch per document: it takes no for_each', path: ['for_each'] })
  .refine((step) => step.paginate === undefined || (step.request !== undefined && step.request.verify !== true), { message: 'paginate needs a request (not discovered, not verify)', path: ['paginate'] });
export type Step = z.infer<typeof stepSchema>;

export const findingTemplateSchema = z.strictObject({
  /** Template for the finding's message; sees the document plus `count` (number of items). */
  message: z.string().min(1),
  /**
   * JMESPath over the last step's document yielding the exposed items: a list of objects with
   * any of id, status, date, url (other keys are dropped so bodies never reach a report).
   */
  items: z.string().min(1).optional(),
  /**
   * Severity by what this finding shows, first match wins, else the rule's: an embargoed item
   * due tomorrow is worse than a 2099 placeholder. `when` is JMESPath over the last step's
   * document plus `items` (the items named) and `count`.
   */
  severity_when: z
    .array(z.strictObject({ when: z.string().min(1), severity: severitySchema }))
    .max(5)
    .optional()
    .describe("Severity by what the finding shows, first match wins, e.g. [{when: \"items[?epoch(date) < now() + `604800`] | length(@) > `0`\", severity: critical}]: due within a week."),
});

export const ruleSchema = ruleMetaSchema.extend({
  steps: z.array(stepSchema).min(1).max(10).describe('Requests in order; each branch that passes every match produces a finding.'),
  finding: findingTemplateSchema.describe('What a finding says and which items it names.'),
});
export type Rule = z.infer<typeof ruleSchema>;
