import { z } from 'zod';
import { confidenceSchema, severitySchema } from './severity.js';
import { probeErrorCodes } from './errors.js';

/** One unpublished item (or file) that the proof names. Only identifying fields, never bodies. */
export const exposedItemSchema = z.object({
  id: z.string().optional(),
  status: z.string().optional(),
  date: z.string().optional(),
  url: z.string().optional(),
});
export type ExposedItem = z.infer<typeof exposedItemSchema>;

/** The request that proved a finding, with the user's credentials already removed. */
export const evidenceRequestSchema = z.object({
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
});

export const evidenceResponseSchema = z.object({
  status: z.number().int(),
  statusText: z.string(),
  headers: z.record(z.string(), z.string()),
  /** A capped excerpt of the body with tokens masked. */
  bodyExcerpt: z.string(),
});

export const findingSchema = z.object({
  ruleId: z.string(),
  severity: severitySchema,
  confidence: confidenceSchema,
  /** The scan target (origin + path the user gave). */
  target: z.string(),
  /** The URL whose response proved the exposure. */
  url: z.string(),
  /** Every URL involved (baseline and probe). */
  urls: z.array(z.string()),
  message: z.string(),
  items: z.array(exposedItemSchema),
  request: evidenceRequestSchema,
  response: evidenceResponseSchema,
  /** Stable across runs: hash of rule id, host, route and exposed item ids. */
  fingerprint: z.string(),
  /**
   * Set when a baseline entry accepts this finding (scan --baseline): the finding stays in every
   * report, marked suppressed, and no longer counts for --fail-on.
   */
  suppression: z
    .object({
      /** The baseline entry's reason: why the finding is accepted. */
      reason: z.string(),
      /** Who answers for the acceptance. */
      owner: z.string(),
      /** When the acceptance ends (ISO date or date-time), if it does. */
      expires: z.string().optional(),
    })
    .optional(),
  /**
   * For a token a rule found and may check with its vendor (a verify step): `verified` the
   * vendor accepted it, `unverified` it refused it, `unknown` the call failed, `not-asked` the
   * scan ran without --verify-tokens. Absent for findings of other rules.
   */
  verification: z.enum(['verified', 'unverified', 'unknown', 'not-asked']).optional(),
});
export type Finding = z.infer<typeof findingSchema>;

/** A probe that failed: recorded in the report, never silently dropped. */
export const probeFailureSchema = z.object({
  ruleId: z.string().optional(),
  url: z.string(),
  code: z.enum([...probeErrorCodes, 'DL_RULE_RUNTIME']),
  /** The rule's step whose probe failed, when a rule's probe failed. */
  step: z.string().optional(),
  message: z.string(),
});
export type ProbeFailure = z.infer<typeof probeFailureSchema>;

/** What discovery learnt about a target before the rules ran. */
export const detectionSchema = z.object({
  cms: z.string(),
  name: z.string(),
  version: z.string().optional(),
  /** 0..1 */
  confidence: z.number(),
  /** The signals that decided, with short evidence. */
  signals: z.array(z.string()),
});
export type Detection = z.infer<typeof detectionSchema>;

export const discoverySchema = z.object({
  detections: z.array(detectionSchema),
  /** Things a reader must know to trust the result (a catch-all host, a budget spent). */
  notes: z.array(z.string()),
  /** Rules that did not run, and why (CMS not detected). */
  skippedRules: z.array(z.object({ ruleId: z.string(), reason: z.string() })),
  pagesCrawled: z.number().int(),
  publishedInventory: z.number().int(),
  apiRoots: z.array(z.string()),
  assetHosts: z.array(z.string()),
});
export type Discovery = z.infer<typeof discoverySchema>;

export const targetResultSchema = z.object({
  target: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  findings: z.array(findingSchema),
  failures: z.array(probeFailureSchema),
  /** Rule ids that ran against this target. */
  rulesRun: z.array(z.string()),
  requestsSent: z.number().int(),
  /** False when the target could not be scanned at all, or its scan was cut short. */
  executionSuccessful: z.boolean(),
  /**
   * Why the target's scan is incomplete or did not happen (interrupted, a deadline, nothing
   * answered): a report with this set is never a clean result.
   */
  incomplete: z.string().optional(),
  /** Limits that refused requests, each with the flag that raises it. */
  budgetsSpent: z.array(z.object({ budget: z.string(), flag: z.string(), detail: z.string() })).optional(),
  discovery: discoverySchema.optional(),
});
export type TargetResult = z.infer<typeof targetResultSchema>;
