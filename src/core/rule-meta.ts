import { z } from 'zod';
import { confidenceSchema, severitySchema } from './severity.js';

/**
 * What a report needs to know about a rule. The engine's rule schema extends this, so the
 * report layer depends on core only.
 */
export const ruleMetaSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case, equal to the file name').describe('Rule id: kebab-case, equal to the file name.'),
  name: z.string().min(1).max(255).describe('One line that says what is exposed.'),
  severity: severitySchema.describe('What is proven: critical unpublished bodies readable, or a credential that writes the CMS; high files of unpublished items, preview tokens; medium listings without proof of state; low existence oracles, introspection; info signals.'),
  confidence: confidenceSchema.describe('How sure a finding is to be a true exposure (SARIF precision).'),
  /** CMS names the rule applies to; `generic` for rules that apply to any site. */
  cms: z.array(z.string().min(1)).min(1).describe('CMS ids the rule applies to (the folder name among them); generic for any site.'),
  tags: z.array(z.string().min(1)).max(20).default([]).describe('Free tags, shown and filterable in code scanning.'),
  cwe: z.array(z.string().regex(/^CWE-\d+$/)).default([]).describe('CWE ids such as CWE-200.'),
  description: z.string().min(1).max(1024).describe('What an anonymous visitor can reach and why (at most 1024 characters).'),
  remediation: z.string().min(1).describe('How to close the exposure and confirm the fix.'),
  references: z.array(z.url()).min(1).describe('Vendor documentation the rule is based on.'),
});
export type RuleMeta = z.infer<typeof ruleMetaSchema>;
