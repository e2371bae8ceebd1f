import { z } from 'zod';
import { exchangeSchema } from '../rule-tests/case-schema.js';

/**
 * A fingerprint's test cases, beside it as `rules/<cms>/fingerprint.cases.yaml`. Mirrors the rule
 * case format: recorded exchanges and what detection must conclude. The exchange for path `/` and
 * every exchange marked `passive: true` are what the crawl "already fetched"; the others answer
 * probes.
 */
export const fingerprintExchangeSchema = exchangeSchema.extend({
  passive: z.boolean().default(false),
});
export type FingerprintExchange = z.infer<typeof fingerprintExchangeSchema>;

export const fingerprintCaseSchema = z.strictObject({
  name: z.string().min(1),
  expect: z.enum(['match', 'none']),
  /** The version detection must report (match cases only). */
  version: z.string().min(1).optional(),
  /** Signal ids that must be among the matched ones (match cases only). */
  signals: z.array(z.string().min(1)).default([]),
  /** Other CMSs this site legitimately runs too (front-end frameworks are always allowed). */
  also: z.array(z.string().min(1)).default([]),
  /** A known gap: the case runs and is reported, but does not fail. Say why. */
  todo: z.string().min(1).optional(),
  exchanges: z.array(fingerprintExchangeSchema).default([]),
});
export type FingerprintCase = z.infer<typeof fingerprintCaseSchema>;

export const fingerprintCaseFileSchema = z.strictObject({
  fingerprint: z.string().min(1),
  /** Where the recordings come from: CMS, version, and how the state was made. */
  source: z.string().min(1),
  cases: z.array(fingerprintCaseSchema).min(1),
});
export type FingerprintCaseFile = z.infer<typeof fingerprintCaseFileSchema>;
