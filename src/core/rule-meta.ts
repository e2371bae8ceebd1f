import { z } from 'zod';
import { confidenceSchema, severitySchema } from './severity.js';

/**
 * What a report needs to know about a rule. The engine's rule schema extends this, so the
 * report layer depends on core only.
 */
export const ruleMetaSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case, equal to the file name'),
  name: z.string().min(1).max(255),
  severity: severitySchema,
  confidence: confidenceSchema,
  /** CMS names the rule applies to; `generic` for rules that apply to any site. */
  cms: z.array(z.string().min(1)).min(1),
  tags: z.array(z.string().min(1)).max(20).default([]),
  cwe: z.array(z.string().regex(/^CWE-\d+$/)).default([]),
  description: z.string().min(1).max(1024),
  remediation: z.string().min(1),
  references: z.array(z.url()).min(1),
});
export type RuleMeta = z.infer<typeof ruleMetaSchema>;
