import { z } from 'zod';
import { fingerprintSchema } from './fingerprint-schema.js';
import { fingerprintCaseFileSchema } from './case-schema.js';

/**
 * JSON Schemas for editors (the `# yaml-language-server: $schema=…` line at the top of each file),
 * generated from the zod schemas so they cannot drift: write them to
 * schemas/fingerprint.schema.json and schemas/fingerprint-cases.schema.json. Checks zod cannot
 * express in JSON Schema (regexes compile, cms equals the folder) only run in the loader.
 */
export function fingerprintJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(fingerprintSchema, { io: 'input', unrepresentable: 'any' }), title: 'draftleak fingerprint' };
}

export function fingerprintCasesJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(fingerprintCaseFileSchema, { io: 'input', unrepresentable: 'any' }), title: 'draftleak fingerprint cases' };
}
