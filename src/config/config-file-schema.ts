import { z } from 'zod';
import { severitySchema } from '../core/severity.js';
import { scanConfigSchema } from './scan-config.js';

/**
 * The schema of `draftleak.config.yaml` (or `.yml`, `.json`). Every key is a `scan` flag in
 * camelCase (`--max-pages` -> `maxPages`, `--exclude-rule` -> `excludeRule`), so one name serves
 * both, and a flag given on the command line overrides the key. Strict: a misspelt key is an
 * error naming its line, never a setting silently ignored. Ranges are the scan configuration's
 * own (taken from scanConfigSchema), so a file can never allow what a flag refuses.
 */

type ScanShape = typeof scanConfigSchema.shape;
type WithoutDefault<S> = S extends { unwrap(): infer Inner } ? Inner : S;

/** The scan configuration's check for `key`, without its default: a file leaves a key out to keep it. */
function scanKey<K extends keyof ScanShape>(key: K): z.ZodOptional<WithoutDefault<ScanShape[K]> & z.ZodType> {
  const schema = scanConfigSchema.shape[key] as z.ZodType & { unwrap?: () => z.ZodType };
  const inner = schema.unwrap === undefined ? schema : schema.unwrap();
  return inner.optional() as z.ZodOptional<WithoutDefault<ScanShape[K]> & z.ZodType>;
}

const ids = z.array(z.string().min(1));
const seconds = (max: number) => z.number().int().min(1).max(max);

/**
 * A header's value comes from an environment variable, named here: a secret then lives in the CI
 * system's secret store and the (committed) file holds only its name.
 */
export const headerFromEnvSchema = z
  .strictObject({
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)'),
  })
  .meta({ description: 'Send the value of this environment variable; a missing or empty variable is an error.' });

/**
 * The proxy may be given as its URL, or by the name of an environment variable holding it, so
 * that a proxy password lives in the CI system's secret store and not in the committed file.
 */
export const proxyFromEnvSchema = z
  .strictObject({
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)'),
  })
  .meta({ description: 'Use the proxy URL in this environment variable; a missing or empty variable is an error.' });

export const headerNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const configFileSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'For editors: the path or URL of schemas/config.schema.json.' }),
    targets: z
      .array(z.url({ protocol: /^https?$/, error: 'a target must be an http:// or https:// URL' }))
      .optional()
      .meta({ description: 'Target URLs; replaced by URLs (or --targets) given on the command line.' }),
    targetsFile: z.string().min(1).optional().meta({ description: 'A file of target URLs, one a line, # comments (relative to this file); as --targets.' }),
    failOn: z.enum(['low', 'medium', 'high', 'critical', 'none']).optional().meta({ description: 'As --fail-on: exit 1 when an unsuppressed finding is at or above this severity.' }),
    rules: ids.optional().meta({ description: 'As --rules: rule files or folders to load beside the built-in rules (relative to this file).' }),
    builtinRules: z.boolean().optional().meta({ description: 'false is --no-builtin-rules.' }),
    allRules: z.boolean().optional().meta({ description: 'As --all-rules.' }),
    rule: ids.optional().meta({ description: 'As --rule: run only these rule ids.' }),
    excludeRule: ids.optional().meta({ description: 'As --exclude-rule: never run these rule ids.' }),
    tags: ids.optional().meta({ description: 'As --tags: run only rules with any of these tags.' }),
    severity: severitySchema.optional().meta({ description: 'As --severity: run only rules of at least this severity.' }),
    cms: ids.optional().meta({ description: 'As --cms: run these CMSs\' rules as if detected.' }),
    maxPages: scanKey('maxPages').meta({ description: 'As --max-pages: HTML pages the discovery crawl fetches per target.' }),
    maxDiscoveryFiles: scanKey('maxDiscoveryFiles').meta({ description: 'As --max-discovery-files: robots, sitemap, feed, script and source-map files fetched per target.' }),
    maxCrawlBytes: scanKey('maxCrawlBytes').meta({ description: 'As --max-crawl-bytes: body bytes the crawl reads per target.' }),
    maxDepth: scanKey('maxDepth').meta({ description: 'As --max-depth: link hops from the target the crawl follows.' }),
    maxRequests: scanKey('maxRequests').meta({ description: 'As --max-requests: requests per target, discovery and rules together.' }),
    maxHostErrors: scanKey('maxHostErrors').meta({ description: 'As --max-host-errors: failures in a row after which a host is no longer probed (0 = never).' }),
    maxDuration: seconds(7 * 24 * 3600).optional().meta({ description: 'As --max-duration, in seconds.' }),
    maxTargetDuration: seconds(7 * 24 * 3600).optional().meta({ description: 'As --max-target-duration, in seconds.' }),
    concurrency: scanKey('concurrency').meta({ description: 'As --concurrency: rules and connections at once per host.' }),
    rateLimit: scanKey('rateLimit').meta({ description: 'As --rate-limit: requests per second per host (0 = no limit).' }),
    timeout: scanKey('timeoutMs').meta({ description: 'As --timeout, in milliseconds.' }),
    headers: z
      .record(z.string().regex(headerNamePattern, 'an HTTP header name'), headerFromEnvSchema)
      .optional()
      .meta({ description: 'As --header, each value read from an environment variable: { Authorization: { env: STAGING_AUTH } }.' }),
    allowHosts: ids.optional().meta({ description: 'As --allow-host: other hosts that may be probed ("host" or "host:port").' }),
    scope: z.enum(['site', 'strict']).optional().meta({ description: "As --scope: site (default) also probes hosts of the target's own registrable domain; strict only the target's origin and allowHosts." }),
    authScope: scanKey('authScope').meta({ description: 'As --auth-scope: which requests carry the headers: crawl, rules or all.' }),
    insecure: z.boolean().optional().meta({ description: 'As --insecure: accept TLS certificates that do not verify.' }),
    verifyTokens: z.boolean().optional().meta({ description: "As --verify-tokens: check each token a rule finds with one read-only call to its vendor's API." }),
    userAgent: scanKey('userAgent').meta({ description: 'As --user-agent.' }),
    proxy: z
      .union([scanKey('proxy').unwrap(), proxyFromEnvSchema])
      .optional()
      .meta({ description: 'As --proxy: tunnel every connection through this http(s) proxy (HTTP CONNECT), or { env: VARIABLE } to read its URL, credentials and all, from the environment.' }),
    strict: z.boolean().optional().meta({ description: 'As --strict: probes a rule skipped as out of scope make the scan exit 2.' }),
    baseline: z.string().min(1).optional().meta({ description: 'As --baseline: a baseline file of accepted findings (relative to this file).' }),
    newOnly: z.boolean().optional().meta({ description: 'As --new-only: fail only on findings absent from the baseline.' }),
  })
  .meta({ description: 'draftleak scan settings; every key is a scan flag in camelCase, and a flag overrides it.' });

export type ConfigFile = z.infer<typeof configFileSchema>;
