import { z } from 'zod';
import { severitySchema } from '../core/severity.js';

/** The scan configuration after flags are parsed: one schema, defaults in one place. */
export const scanConfigSchema = z.strictObject({
  targets: z
    .array(z.url({ protocol: /^https?$/, error: 'a target must be an http:// or https:// URL' }))
    .min(1, 'give at least one target URL'),
  failOn: z.union([severitySchema.exclude(['info']), z.literal('none')]).default('low'),
  /** Extra rule files or folders, loaded beside the built-in rules. */
  rulePaths: z.array(z.string().min(1)).default([]),
  builtinRules: z.boolean().default(true),
  /** Rules run at once per target; the transport limits connections per host separately. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Requests per second per host. */
  rateLimit: z.number().min(0).max(1000).default(10),
  timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  /** The user's own headers (cookies, tokens): sent in scope, never reported. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Hosts beside the target's origin that may be probed: "host" or "host:port". */
  allowHosts: z.array(z.string().min(1)).default([]),
  /** Run every rule whatever CMS was detected. */
  allRules: z.boolean().default(false),
  /** Requests the discovery crawl may send per target (robots, sitemaps, feeds, pages, scripts). */
  maxPages: z.number().int().min(1).max(100_000).default(40),
});
export type ScanConfig = z.infer<typeof scanConfigSchema>;
export type ScanConfigInput = z.input<typeof scanConfigSchema>;

/** Parses `Name: value` header flags; the name must be a valid HTTP token. */
export function parseHeaderFlag(flag: string): [string, string] {
  const match = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*:\s*(.*)$/.exec(flag);
  if (!match?.[1]) throw new Error(`--header "${flag}" is not of the form "Name: value"`);
  return [match[1], match[2] ?? ''];
}
