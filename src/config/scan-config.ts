import { z } from 'zod';
import { scanLimits } from '../core/limits.js';
import { severitySchema } from '../core/severity.js';

const limit = (name: keyof typeof scanLimits, min: number, max: number) => z.number().int().min(min).max(max).default(scanLimits[name].default);

/** The scan configuration after flags are parsed: one schema, defaults in one place. */
export const scanConfigSchema = z.strictObject({
  targets: z
    .array(z.url({ protocol: /^https?$/, error: 'a target must be an http:// or https:// URL' }))
    .min(1, 'give at least one target URL'),
  failOn: z.union([severitySchema.exclude(['info']), z.literal('none')]).default('low'),
  /** --strict: probes a rule skipped as out of scope make the scan exit 2 (they are listed either way). */
  strict: z.boolean().default(false),
  /** Extra rule files or folders, loaded beside the built-in rules. */
  rulePaths: z.array(z.string().min(1)).default([]),
  builtinRules: z.boolean().default(true),
  /** Rules run at once per target; the transport limits connections per host separately. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Requests per second per host. */
  rateLimit: z.number().min(0).max(1000).default(10),
  /** The whole of one exchange (connect, headers, body) must end within it. */
  timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  /** The user's own headers (cookies, tokens): sent in scope, never reported. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Hosts beside the target's origin that may be probed: "host" or "host:port". */
  allowHosts: z.array(z.string().min(1)).default([]),
  /**
   * site: hosts of the target's own registrable domain (cms.example.com beside www.example.com)
   * are probed too; strict: only the target's origin and --allow-host hosts.
   */
  scope: z.enum(['site', 'strict']).default('site'),
  /** Run every rule whatever CMS was detected. */
  allRules: z.boolean().default(false),
  /** `--rule`: run only the rules with these ids (checked against the rules loaded). */
  onlyRules: z.array(z.string().min(1)).default([]),
  /** `--exclude-rule`: never run the rules with these ids. */
  excludeRules: z.array(z.string().min(1)).default([]),
  /** `--tags`: run only rules with any of these tags. */
  tags: z.array(z.string().min(1)).default([]),
  /** `--severity`: run only rules of at least this severity. */
  minSeverity: severitySchema.optional(),
  /** `--cms`: treat these CMS as detected, for a site whose fingerprints the scan misses. */
  forceCms: z.array(z.string().min(1)).default([]),
  /** HTML pages the discovery crawl fetches per target. */
  maxPages: limit('maxPages', 1, 1_000_000),
  /** robots.txt, sitemaps, feeds, scripts and source maps the crawl fetches per target. */
  maxDiscoveryFiles: limit('maxDiscoveryFiles', 0, 100_000),
  maxCrawlBytes: limit('maxCrawlBytes', 1024, 10 * 1024 * 1024 * 1024),
  maxDepth: limit('maxDepth', 0, 100),
  /** Requests per target, discovery and rules together. */
  maxRequests: limit('maxRequests', 1, 10_000_000),
  /** Failures in a row after which a host is given up on; 0 never gives up. */
  maxHostErrors: limit('maxHostErrors', 0, 100_000),
  /** The whole scan stops after this many ms and reports what it found, marked incomplete. */
  maxDurationMs: z.number().int().min(1000).optional(),
  /** Each target's scan stops after this many ms; the next target then starts. */
  maxTargetDurationMs: z.number().int().min(1000).optional(),
  /** Accept TLS certificates that do not verify (self-signed staging); written into the report. */
  insecure: z.boolean().default(false),
  /** --verify-tokens: a rule's verify step may make one call to a found token's vendor API. */
  verifyTokens: z.boolean().default(false),
  userAgent: z.string().min(1).optional(),
  /** Which requests carry the user's credentials: the crawl, the rules' probes, or all. */
  authScope: z.enum(['crawl', 'rules', 'all']).default('all'),
  /**
   * --proxy: every connection goes through this http(s) proxy as a CONNECT tunnel; its
   * `user:password@` goes to the proxy only and is never reported. Not in scope itself.
   */
  proxy: z.url({ protocol: /^https?$/, error: 'a proxy must be an http:// or https:// URL' }).optional(),
});
export type ScanConfig = z.infer<typeof scanConfigSchema>;
export type ScanConfigInput = z.input<typeof scanConfigSchema>;

/** Parses `Name: value` header flags; the name must be a valid HTTP token. */
export function parseHeaderFlag(flag: string): [string, string] {
  const match = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*:\s*(.*)$/.exec(flag);
  if (!match?.[1]) throw new Error(`--header "${flag}" is not of the form "Name: value"`);
  return [match[1], match[2] ?? ''];
}
