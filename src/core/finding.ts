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
});
export type Finding = z.infer<typeof findingSchema>;

/** A probe that failed: recorded in the report, never silently dropped. */
export const probeFailureSchema = z.object({
  ruleId: z.string().optional(),
  url: z.string(),
  code: z.enum([...probeErrorCodes, 'DL_RULE_RUNTIME']),
  message: z.string(),
});
export type ProbeFailure = z.infer<typeof probeFailureSchema>;

export const targetResultSchema = z.object({
  target: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  findings: z.array(findingSchema),
  failures: z.array(probeFailureSchema),
  /** Rule ids that ran against this target. */
  rulesRun: z.array(z.string()),
  requestsSent: z.number().int(),
  /** False when the target could not be scanned at all. */
  executionSuccessful: z.boolean(),
});
export type TargetResult = z.infer<typeof targetResultSchema>;
