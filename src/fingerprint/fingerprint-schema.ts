import { z } from 'zod';
import { matcherSchema } from '../engine/rule-schema.js';

/**
 * The format of `rules/<cms>/fingerprint.yaml`: how draftleak recognises a CMS (or a front-end
 * framework in front of one) from responses the crawl already has, plus a few cheap probes.
 * Every object is strict, like the rule format, so a typo fails at load time instead of leaving
 * a signal that never fires.
 */

const kebabCase = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case');

/** Which part of a response a regex reads (same meaning as in rule matchers). */
const partSchema = z.enum(['body', 'headers', 'all']).default('body');

/**
 * Where a version comes from when the signal matched: a regex (its capture groups, joined with
 * "." so `<major>10</major><minor>2</minor>` gives "10.2"), a JMESPath over the response document,
 * or a fixed value (a signal that only one major produces, e.g. Strapi's `documentId` → "5").
 */
export const versionSourceSchema = z.union([
  z.strictObject({ regex: z.string().min(1), part: partSchema }),
  z.strictObject({ json: z.string().min(1) }),
  z.strictObject({ value: z.string().min(1).max(40) }),
]);
export type VersionSource = z.infer<typeof versionSourceSchema>;

/** A short text shown next to the signal id in a report (first capture group, or the match). */
export const evidenceSourceSchema = z.union([
  z.strictObject({ regex: z.string().min(1), part: partSchema }),
  z.strictObject({ json: z.string().min(1) }),
]);
export type EvidenceSource = z.infer<typeof evidenceSourceSchema>;

/**
 * An API root the signal reveals: a fixed path on the target, or URLs found in the response by a
 * regex (first capture group, or the whole match) or a JMESPath expression.
 */
export const apiRootSourceSchema = z.union([
  z.strictObject({ path: z.string().startsWith('/') }),
  z.strictObject({ regex: z.string().min(1), part: partSchema }),
  z.strictObject({ json: z.string().min(1) }),
]);
export type ApiRootSource = z.infer<typeof apiRootSourceSchema>;

/**
 * A passive signal is evaluated on responses the crawl already fetched (and on probe answers).
 * Without a filter it tests every response; `path` is an exact path relative to the target,
 * `path_regex` a regex over path and query.
 */
export const passiveSchema = z
  .strictObject({
    path: z.string().startsWith('/').optional(),
    path_regex: z.string().min(1).optional(),
  })
  .refine((passive) => passive.path === undefined || passive.path_regex === undefined, 'give path or path_regex, not both');

/**
 * A probe is one GET to a path on the target. It is sent only for a CMS that already has some
 * evidence and is not yet decisive, or, with `always: true`, for every target (keep those to a
 * handful of cheap, unambiguous endpoints: the whole pass is budgeted).
 */
export const probeSchema = z.strictObject({
  path: z.string().startsWith('/'),
  headers: z.record(z.string(), z.string()).default({}),
  always: z.boolean().default(false),
});

export const signalSchema = z
  .strictObject({
    id: kebabCase,
    description: z.string().min(1).max(512).optional(),
    passive: passiveSchema.optional(),
    probe: probeSchema.optional(),
    /** The engine's matcher tree, evaluated on the response. */
    match: matcherSchema,
    version: versionSourceSchema.optional(),
    evidence: evidenceSourceSchema.optional(),
    api_root: apiRootSourceSchema.optional(),
    /** How much this signal alone says; confidence = 1 - Π(1 - weight) over matched signals. */
    weight: z.number().gt(0).max(1),
  })
  .refine((signal) => (signal.passive === undefined) !== (signal.probe === undefined), 'give exactly one of passive or probe');
export type Signal = z.infer<typeof signalSchema>;

export const fingerprintKinds = ['cms', 'headless', 'frontend'] as const;
export type FingerprintKind = (typeof fingerprintKinds)[number];

export const fingerprintSchema = z.strictObject({
  /** The CMS id rules use in `cms: [...]`; equal to the folder name. */
  cms: kebabCase,
  name: z.string().min(1).max(100),
  /** cms: renders its own pages; headless: API-first; frontend: a framework layer (Next.js, Nuxt…). */
  kind: z.enum(fingerprintKinds),
  description: z.string().min(1).max(1024).optional(),
  /** Vendor documentation for the signals. */
  references: z.array(z.url()).min(1),
  signals: z.array(signalSchema).min(1).max(40),
});
export type Fingerprint = z.infer<typeof fingerprintSchema>;
