import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { scanLimits } from '../../core/limits.js';
import { createLogger } from '../../core/logger.js';
import { parseHeaderFlag, scanConfigSchema, type ScanConfig, type ScanConfigInput } from '../../config/scan-config.js';
import { outOfScopeNote } from '../../scan/run-target.js';
import type { ScanProgress } from '../../scan/progress.js';
import { scan, type ScanOutput } from '../../scan/scan.js';
import { exitCodeFor, exitCodes } from '../exit-codes.js';
import { renderExplain } from '../explain.js';
import { safeLine, safeUrl } from '../safe-text.js';
import type { CliIo } from '../io.js';
import { startProgressLine, wantsProgressLine, type ProgressLine } from '../progress-line.js';
import { parseProxyFlag, proxyFlag, proxyFlagDescription } from '../proxy-option.js';
import { scanSummaryLine } from '../scan-summary.js';
import { applyPlanBaseline, explicitOptions, resolveScanPlan, type PlanFlags, type ScanPlan } from '../scan-plan.js';
import {
  addOutputOptions,
  collect,
  parseInteger,
  parseNumber,
  redactedCommandLine,
  planOutputs,
  writeReports,
  type OutputFlags,
} from '../scan-options.js';
import { commandRuleCache } from '../rule-cache-dir.js';

export interface ScanFlags extends OutputFlags, PlanFlags {
  failOn?: ScanConfig['failOn'];
  rules?: string[];
  builtinRules?: boolean;
  allowHost?: string[];
  concurrency?: number;
  rateLimit?: number;
  timeout?: number;
  header?: string[];
  allRules?: boolean;
  rule?: string[];
  excludeRule?: string[];
  tags?: string[];
  severity?: ScanConfig['minSeverity'];
  cms?: string[];
  maxPages?: number;
  maxDiscoveryFiles?: number;
  maxCrawlBytes?: number;
  maxDepth?: number;
  maxRequests?: number;
  maxHostErrors?: number;
  maxDuration?: number;
  maxTargetDuration?: number;
  insecure?: boolean;
  verifyTokens?: boolean;
  scope?: 'site' | 'strict';
  userAgent?: string;
  authScope?: ScanConfig['authScope'];
  proxy?: string;
  strict?: boolean;
}

/**
 * The scan configuration from flags over `base` (the configuration file's settings): a flag left
 * out keeps the file's value, the file's left out keeps the default.
 */
export function toScanConfig(targets: string[], flags: Omit<ScanFlags, 'output'>, base: Partial<ScanConfigInput> = {}): ScanConfig {
  const flagHeaders = Object.fromEntries(
    (flags.header ?? []).map((header) => {
      try {
        return parseHeaderFlag(header);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }),
  );
  // A --header replaces the file's header of the same name, whatever its case.
  const overridden = new Set(Object.keys(flagHeaders).map((name) => name.toLowerCase()));
  const fileHeaders = Object.entries(base.headers ?? {}).filter(([name]) => !overridden.has(name.toLowerCase()));
  const input: ScanConfigInput = {
    ...base,
    targets,
    ...(flags.failOn !== undefined ? { failOn: flags.failOn } : {}),
    ...(flags.rules !== undefined ? { rulePaths: flags.rules } : {}),
    ...(flags.builtinRules !== undefined ? { builtinRules: flags.builtinRules } : {}),
    ...(flags.allowHost !== undefined ? { allowHosts: flags.allowHost } : {}),
    ...(flags.allRules !== undefined ? { allRules: flags.allRules } : {}),
    ...(flags.rule !== undefined ? { onlyRules: flags.rule } : {}),
    ...(flags.excludeRule !== undefined ? { excludeRules: flags.excludeRule } : {}),
    ...(flags.tags !== undefined ? { tags: flags.tags } : {}),
    ...(flags.cms !== undefined ? { forceCms: flags.cms } : {}),
    ...(flags.severity !== undefined ? { minSeverity: flags.severity } : {}),
    ...(flags.maxPages !== undefined ? { maxPages: flags.maxPages } : {}),
    ...(flags.maxDiscoveryFiles !== undefined ? { maxDiscoveryFiles: flags.maxDiscoveryFiles } : {}),
    ...(flags.maxCrawlBytes !== undefined ? { maxCrawlBytes: flags.maxCrawlBytes } : {}),
    ...(flags.maxDepth !== undefined ? { maxDepth: flags.maxDepth } : {}),
    ...(flags.maxRequests !== undefined ? { maxRequests: flags.maxRequests } : {}),
    ...(flags.maxHostErrors !== undefined ? { maxHostErrors: flags.maxHostErrors } : {}),
    ...(flags.maxDuration !== undefined ? { maxDurationMs: flags.maxDuration * 1000 } : {}),
    ...(flags.maxTargetDuration !== undefined ? { maxTargetDurationMs: flags.maxTargetDuration * 1000 } : {}),
    ...(flags.insecure === true ? { insecure: true } : {}),
    ...(flags.verifyTokens === true ? { verifyTokens: true } : {}),
    ...(flags.scope !== undefined ? { scope: flags.scope } : {}),
    ...(flags.userAgent !== undefined ? { userAgent: flags.userAgent } : {}),
    ...(flags.authScope !== undefined ? { authScope: flags.authScope } : {}),
    ...(flags.proxy !== undefined ? { proxy: flags.proxy } : {}),
    ...(flags.strict !== undefined ? { strict: flags.strict } : {}),
    headers: { ...Object.fromEntries(fileHeaders), ...flagHeaders },
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.rateLimit !== undefined ? { rateLimit: flags.rateLimit } : {}),
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
  };
  const parsed = scanConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}`);
  }
  // The file's proxy is checked as the flag is: scheme, host and port only.
  if (parsed.data.proxy !== undefined) parseProxyFlag(parsed.data.proxy);
  return parsed.data;
}

/** Runs a scan, writes the report, prints explain traces, and says which exit code applies. */
export async function runScanAndReport(
  config: ScanConfig,
  flags: OutputFlags,
  io: CliIo,
  commandLine: string,
  fallbackFormat?: 'text',
  plan: Pick<ScanPlan, 'baseline' | 'newOnly'> = { newOnly: false },
): Promise<{ output: ScanOutput; exitCode: number }> {
  // Decided before the scan: a file name whose format cannot be told fails at once, not after it.
  const outputs = planOutputs(flags, io, fallbackFormat);
  const logger = createLogger(flags.logLevel);
  warnAboutUrlCredentials(config, io);
  if (config.insecure) io.stderr('draftleak: --insecure: TLS certificates are not verified (written into the report)\n');
  const started = performance.now();
  // A live line on a terminal only; the summary line at the end is written everywhere.
  let line: ProgressLine | undefined;
  const watch = wantsProgressLine(io, flags.logLevel) ? (read: () => ScanProgress | undefined): void => void (line = startProgressLine(io, read)) : undefined;
  let output: ScanOutput;
  try {
    const ruleCache = commandRuleCache();
    output = await scan(config, logger, commandLine, { ...(io.stop ? { signal: io.stop } : {}), ...(watch ? { watch } : {}), ruleCache, keepTraces: flags.explain === true });
  } finally {
    line?.stop();
  }
  // Accepted findings stay in every report, marked suppressed; they only stop counting for --fail-on.
  const { result: withBaseline, ignoredForFailOn } = applyPlanBaseline(output.result, plan, io);
  output.result = withBaseline;
  // A report is written even when nothing could be scanned: a CI step that uploads it must find
  // a file, and the file says (executionSuccessful: false) that this is not a clean result.
  await writeReports(output.result, outputs, flags, io);
  if (flags.explain) {
    for (const [target, outcomes] of output.outcomes) io.stderr(renderExplain(target, outcomes));
  }
  for (const { target, reason } of output.unreachable) io.stderr(`draftleak: cannot scan ${safeUrl(target)}: ${safeLine(reason)}\n`);
  const unreachable = new Set(output.unreachable.map(({ target }) => target));
  for (const target of output.result.targets) {
    if (target.incomplete !== undefined && !unreachable.has(target.target)) io.stderr(`draftleak: ${target.target}: ${target.incomplete}\n`);
  }
  const count = output.result.targets.reduce((sum, target) => sum + target.findings.length, 0);
  for (const { file, format } of outputs) {
    if (file !== undefined) io.stderr(`draftleak: wrote ${safeLine(file)} (${format}): ${count} finding(s) on ${output.result.targets.length} target(s)\n`);
  }
  if (output.result.stopped !== undefined) io.stderr(`draftleak: the scan was stopped (${output.result.stopped}); the report holds what was found so far and is marked incomplete\n`);
  const skippedOutOfScope = outOfScopeSkips(output.result);
  if (config.strict) {
    for (const { target, hosts } of skippedOutOfScope) io.stderr(`draftleak: --strict: ${safeUrl(target)}: rules skipped probes out of scope (${safeLine(hosts)}); allow them with --allow-host, or drop --strict\n`);
  }
  const strictFailed = config.strict && skippedOutOfScope.length > 0;
  io.stderr(scanSummaryLine(output.result, performance.now() - started));
  return { output, exitCode: exitCodeFor(output.result, config.failOn, signalOf(io.stop), ignoredForFailOn, strictFailed) };
}

/** The targets whose rules skipped probes as out of scope (the report's "not probed, out of scope" note), with the hosts. */
function outOfScopeSkips(result: ScanOutput['result']): { target: string; hosts: string }[] {
  return result.targets.flatMap((target) => {
    const note = target.discovery?.notes.find((text) => text.startsWith(`${outOfScopeNote}: `));
    return note === undefined ? [] : [{ target: target.target, hosts: note.slice(outOfScopeNote.length + 2) }];
  });
}

function signalOf(stop: AbortSignal | undefined): 'SIGINT' | 'SIGTERM' | undefined {
  const reason: unknown = stop?.aborted ? stop.reason : undefined;
  return reason === 'SIGINT' || reason === 'SIGTERM' ? reason : undefined;
}

/** Credentials in a target URL work (as Basic auth), but they sit in shell history and CI logs. */
function warnAboutUrlCredentials(config: ScanConfig, io: CliIo): void {
  for (const target of config.targets) {
    const url = new URL(target);
    if (url.username !== '' || url.password !== '') {
      io.stderr(`draftleak: the credentials in the URL of ${url.host} are sent as Basic auth to that origin only and never written to a report; prefer --header "Authorization: Basic …" from a secret\n`);
    }
  }
}

export function scanCommand(io: CliIo, argv: readonly string[], setExitCode: (code: number) => void): Command {
  const command = new Command('scan')
    .description('scan one or more sites for unpublished content an anonymous visitor can reach')
    .argument('[url...]', 'target URLs (http or https); else --targets FILE or the configuration file\'s targets')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when an unsuppressed finding is at or above this severity').choices(['low', 'medium', 'high', 'critical', 'none']).default('low'),
    )
    .option('--baseline <file>', 'findings this baseline accepts are reported as suppressed and do not fail the scan (see baseline create)')
    .option('--new-only', 'fail only on findings absent from the baseline (even expired entries do not fail)')
    .option('--strict', 'exit 2 when a rule skipped probes as out of scope (they are listed in the report either way)');
  addScanOptions(command);
  addOutputOptions(command).action(async (urls: string[], allFlags: ScanFlags, self: Command) => {
    const flags = explicitOptions<ScanFlags>(self) as ScanFlags;
    const plan = await resolveScanPlan(urls, flags, io);
    const config = toScanConfig(plan.targets, flags, plan.fileInput);
    const { exitCode } = await runScanAndReport(config, allFlags, io, redactedCommandLine(argv), undefined, plan);
    setExitCode(exitCode);
  });
  return command;
}

/**
 * The flags that choose targets, rules, limits and identity: shared by `scan` and
 * `baseline create`, which runs a scan the same way. Each has a configuration-file key of the
 * same name in camelCase (src/config/config-file-schema.ts).
 */
export function addScanOptions(command: Command): Command {
  return command
    .option('--config <file>', 'read settings from this file (default: draftleak.config.yaml, .yml or .json in the working directory); flags override it')
    .option('--no-config', 'ignore any configuration file in the working directory')
    .option('--targets <file>', 'read target URLs from this file, one a line (# comments)')
    .option('--shard <i/n>', 'scan only the i-th of n shares of the target list (targets at positions i, i+n, i+2n ...)')
    .option('--rules <path>', 'load rules from this file or folder too (repeatable)', collect)
    .option('--no-builtin-rules', 'run only the rules given with --rules')
    .option('--all-rules', 'run every rule, not only those for the CMS detected')
    .option('--rule <id>', 'run only the rule with this id (repeatable)', collect)
    .option('--exclude-rule <id>', 'never run the rule with this id (repeatable)', collect)
    .option('--tags <tag>', 'run only rules with this tag (repeatable: any of them)', collect)
    .addOption(new Option('--severity <level>', 'run only rules of at least this severity').choices(['info', 'low', 'medium', 'high', 'critical']))
    .option('--cms <name>', 'run the rules for this CMS as if it was detected (repeatable)', collect)
    .option('--max-pages <n>', `HTML pages the discovery crawl fetches per target (default ${scanLimits.maxPages.default})`, parseInteger('--max-pages', 1, 1_000_000))
    .option('--max-discovery-files <n>', `robots, sitemap, feed, script and source-map files fetched per target (default ${scanLimits.maxDiscoveryFiles.default})`, parseInteger('--max-discovery-files', 0, 100_000))
    .option('--max-crawl-bytes <n>', `body bytes the crawl reads per target (default ${scanLimits.maxCrawlBytes.default})`, parseInteger('--max-crawl-bytes', 1024, 10 * 1024 ** 3))
    .option('--max-depth <n>', `link hops from the target the crawl follows (default ${scanLimits.maxDepth.default})`, parseInteger('--max-depth', 0, 100))
    .option('--max-requests <n>', `requests per target, discovery and rules together (default ${scanLimits.maxRequests.default})`, parseInteger('--max-requests', 1, 10_000_000))
    .option('--max-host-errors <n>', `failures in a row after which a host is no longer probed (default ${scanLimits.maxHostErrors.default}; 0 = never)`, parseInteger('--max-host-errors', 0, 100_000))
    .option('--max-duration <seconds>', 'stop the whole scan after this long and report what was found, marked incomplete', parseInteger('--max-duration', 1, 7 * 24 * 3600))
    .option('--max-target-duration <seconds>', 'stop each target after this long and go on with the next', parseInteger('--max-target-duration', 1, 7 * 24 * 3600))
    .option('--insecure', 'accept TLS certificates that do not verify (self-signed staging); said in the report')
    .option('--verify-tokens', "check each token a rule finds with one read-only call to its vendor's documented API (that host is in scope for that call only)")
    .option('--user-agent <text>', 'User-Agent to send instead of draftleak/<version>')
    .addOption(new Option('--auth-scope <scope>', 'which requests carry --header and URL credentials: crawl, rules or all').choices(['crawl', 'rules', 'all']).default('all'))
    .addOption(new Option('--scope <scope>', "site: also probe hosts of the target's own site (cms.example.com beside www.example.com); strict: only the target's origin and --allow-host").choices(['site', 'strict']))
    .option('--allow-host <host>', 'also probe this host ("host" or "host:port"; repeatable)', collect)
    .option('--concurrency <n>', 'rules and connections at once per host (default 4)', parseInteger('--concurrency', 1, 64))
    .option('--rate-limit <rps>', 'requests per second per host (default 10; 0 = no limit)', parseNumber('--rate-limit', 0, 1000))
    .option('--timeout <ms>', 'longest one request may take, connect to last body byte, in ms (default 10000)', parseInteger('--timeout', 100, 300_000))
    .option('--header <header>', 'send "Name: value" with every request; never written to reports (repeatable)', collect)
    .option(proxyFlag, proxyFlagDescription, parseProxyFlag);
}
