import type { Logger } from 'pino';
import { DraftleakError, RuleError } from '../core/errors.js';
import type { TargetResult } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import { toolInfo } from '../core/version.js';
import type { ScanConfig } from '../config/scan-config.js';
import { builtinRulesDir, loadRules, type LoadedRule, type RuleCache, type RuleOutcome } from '../engine/index.js';
import { loadFingerprints, type LoadedFingerprint } from '../fingerprint/index.js';
import { createUndiciTransport, type UndiciTransport } from '../http/index.js';
import { ProgressTracker, type ScanProgress } from './progress.js';
import { runTarget, type TargetRun } from './run-target.js';
import { checkRuleChoice, type RuleChoice } from './select-rules.js';

/** Several rule files failed to load; every problem is listed. */
export class RuleLoadError extends DraftleakError {
  readonly errors: RuleError[];
  constructor(errors: RuleError[]) {
    super('DL_RULES_INVALID', `${errors.length} problem(s) in rule files:\n${errors.map((error) => `  ${error.message}`).join('\n')}`);
    this.errors = errors;
  }
}

export interface ScanOutput {
  result: ScanResult;
  /** Per target, the rule outcomes with their traces (for --explain). */
  outcomes: Map<string, RuleOutcome[]>;
  /** Targets that could not be reached at all, with the reason. */
  unreachable: { target: string; reason: string }[];
}

/** The rules a scan runs; `cache` keeps the user's parsed rules between starts (engine/rule-cache). */
export async function loadConfiguredRules(config: Pick<ScanConfig, 'builtinRules' | 'rulePaths'>, cache?: RuleCache): Promise<LoadedRule[]> {
  const paths = [...(config.builtinRules ? [builtinRulesDir] : []), ...config.rulePaths];
  const { rules, errors } = await loadRules(paths, cache === undefined ? {} : { cache });
  if (errors.length > 0) throw new RuleLoadError(errors);
  return rules;
}

/**
 * The orchestrator: load rules, then per target plug the real undici transport into the engine,
 * run every rule, and gather one result per target. The only place that wires http to engine.
 */
export async function loadBuiltinFingerprints(): Promise<LoadedFingerprint[]> {
  const { fingerprints, errors } = await loadFingerprints();
  if (errors.length > 0) throw new RuleLoadError(errors);
  return fingerprints;
}

/**
 * The real transport for one target with the scan's scope, rate, timeout and budget settings;
 * `headers` are the user's own (flags and URL credentials). Also used by `rules record`.
 */
export function createScanTransport(config: ScanConfig, target: string, headers: Record<string, string>, logger: Logger): UndiciTransport {
  return createUndiciTransport({
    target,
    allowedHosts: config.allowHosts,
    sameSite: config.scope === 'site',
    concurrencyPerHost: config.concurrency,
    rateLimitPerHost: config.rateLimit,
    timeoutMs: config.timeoutMs,
    headers,
    authScope: config.authScope,
    maxRequests: config.maxRequests,
    maxHostErrors: config.maxHostErrors,
    insecure: config.insecure,
    verifyTokens: config.verifyTokens,
    ...(config.userAgent === undefined ? {} : { userAgent: config.userAgent }),
    ...(config.proxy === undefined ? {} : { proxy: config.proxy }),
    logger,
  });
}

export interface ScanControl {
  /** Aborted by the CLI on SIGINT/SIGTERM; its reason (e.g. "SIGINT") is written into the report. */
  signal?: AbortSignal;
  /**
   * For a progress display: called once, before the first target, with a function that gives the
   * live figures whenever it is called (undefined between targets). The display decides how often.
   */
  watch?: (read: () => ScanProgress | undefined) => void;
  /** Keep the rules' traces in `outcomes` (--explain prints them); default true. */
  keepTraces?: boolean;
  /** The user's parsed rules kept between starts (engine/rule-cache); none: every rule file is parsed. */
  ruleCache?: RuleCache;
}

/**
 * Runs every target in turn. A signal or --max-duration stops the scan: the target in progress
 * keeps what it found (marked incomplete) and the targets not started are listed as not scanned.
 * --max-target-duration stops one target and moves on to the next.
 */
export async function scan(config: ScanConfig, logger: Logger, commandLine: string, control: ScanControl = {}): Promise<ScanOutput> {
  const rules = await loadConfiguredRules(config, control.ruleCache);
  const fingerprints = await loadBuiltinFingerprints();
  const choice: RuleChoice = {
    allRules: config.allRules,
    onlyRules: config.onlyRules,
    excludeRules: config.excludeRules,
    tags: config.tags,
    forceCms: config.forceCms,
    ...(config.minSeverity === undefined ? {} : { minSeverity: config.minSeverity }),
  };
  // A CMS can be forced when a fingerprint knows it or a loaded rule is written for it.
  const knownCms = new Set([...fingerprints.map(({ fingerprint }) => fingerprint.cms), ...rules.flatMap(({ rule }) => rule.cms)]);
  knownCms.delete('generic');
  checkRuleChoice(rules, knownCms, choice);
  const outcomes = new Map<string, RuleOutcome[]>();
  const unreachable: { target: string; reason: string }[] = [];
  const targets: TargetResult[] = [];
  const progress = new ProgressTracker(config.targets.length);
  control.watch?.(() => progress.read());
  const scanStop = new StopLatch();
  const onSignal = (): void => scanStop.stop(`interrupted by ${String(control.signal?.reason ?? 'a signal')}`);
  if (control.signal?.aborted) onSignal();
  control.signal?.addEventListener('abort', onSignal, { once: true });
  const { maxDurationMs, maxTargetDurationMs } = config;
  const scanDeadline =
    maxDurationMs === undefined ? undefined : setTimeout(() => scanStop.stop(`--max-duration ${seconds(maxDurationMs)} reached`), maxDurationMs);
  try {
    for (const given of config.targets) {
      const credentials = withUrlCredentials(given, config.headers);
      const { headers } = credentials;
      if (scanStop.reason !== undefined) {
        targets.push(notStarted(credentials.target, scanStop.reason));
        continue;
      }
      const transportFor = (target: string): UndiciTransport => {
        const created = createScanTransport(config, target, headers, logger);
        progress.transportFor(target, created);
        return created;
      };
      let target = credentials.target;
      let transport = transportFor(target);
      const targetStop = new StopLatch();
      const stopTarget = (reason: string): void => {
        targetStop.stop(reason);
        // Closing ends every exchange in flight at once: what was gathered stays, nothing waits.
        void transport.close();
      };
      const unsubscribe = scanStop.onStop(stopTarget);
      const targetDeadline =
        maxTargetDurationMs === undefined
          ? undefined
          : setTimeout(() => stopTarget(`--max-target-duration ${seconds(maxTargetDurationMs)} reached`), maxTargetDurationMs);
      try {
        const runOnce = (): Promise<TargetRun> => runTarget({
          target,
          rules,
          fingerprints,
          transport,
          concurrency: config.concurrency,
          verifyTokens: config.verifyTokens,
          keepTraces: control.keepTraces !== false,
          crawlLimits: {
            maxPages: config.maxPages,
            maxDiscoveryFiles: config.maxDiscoveryFiles,
            maxCrawlBytes: config.maxCrawlBytes,
            maxDepth: config.maxDepth,
            // The transport allows this many connections per host; a crawl of 4 left 12 idle.
            concurrency: config.concurrency,
          },
          choice,
          logger,
          traffic: () => transport.stats(),
          spentBudgets: () => transport.spentBudgets(),
          stopped: () => targetStop.reason,
          onProgress: (figures) => progress.update(figures),
        });
        let run = await runOnce();
        // The target's own redirect to its canonical origin is followed once (see sameSite).
        let note: string | undefined;
        if (run.redirectedTo !== undefined) {
          const next = new URL(run.redirectedTo);
          next.search = '';
          next.hash = '';
          if (sameSite(new URL(target), next) && targetStop.reason === undefined) {
            note = `the target ${target} redirects to ${next.href} (same site); ${next.origin} was scanned instead`;
            await transport.close();
            target = next.href;
            transport = transportFor(target);
            run = await runOnce();
          } else if (!sameSite(new URL(target), next)) {
            run = { ...run, result: { ...run.result, executionSuccessful: false, incomplete: `not scanned: ${target} redirects to another site (${next.origin}); scan that URL directly if it is yours` } };
            unreachable.push({ target, reason: run.result.incomplete ?? '' });
          }
        }
        if (run.redirectedTo !== undefined && run.result.incomplete === undefined) {
          // Redirected again (a loop between origins), or stopped before the second try.
          run = { ...run, result: { ...run.result, incomplete: `not scanned: ${target} redirects to ${run.redirectedTo}, which is out of scope` } };
          unreachable.push({ target, reason: run.result.incomplete ?? '' });
        }
        if (note !== undefined) run.result.discovery?.notes.unshift(note);
        targets.push(run.result);
        outcomes.set(target, run.outcomes);
        if (run.unreachable !== undefined) unreachable.push({ target, reason: run.unreachable });
      } finally {
        clearTimeout(targetDeadline);
        unsubscribe();
        await transport.close();
        progress.targetDone();
      }
    }
  } finally {
    clearTimeout(scanDeadline);
    control.signal?.removeEventListener('abort', onSignal);
  }
  return {
    result: {
      tool: toolInfo,
      rules: rules.map(({ rule }) => rule),
      targets,
      commandLine,
      ...(scanStop.reason === undefined ? {} : { stopped: scanStop.reason }),
      ...(config.insecure ? { insecure: true } : {}),
    },
    outcomes,
    unreachable,
  };
}

// The most common first answer of a real site is a redirect to its canonical origin (http to
// https, apex to www). Scanning only the origin the user typed would fail every probe and read as
// clean, so that redirect is followed once when it stays on the same site, and said in the report;
// a redirect to another site is not followed, and the target is reported as not scanned.

/** The same host, or the host with or without "www.", on any scheme and port. */
function sameSite(from: URL, to: URL): boolean {
  const bare = (host: string): string => host.toLowerCase().replace(/\.$/, '').replace(/^www\./, '');
  // Any port of the same host: it is the target itself that names where it lives (a staging
  // server on :8080 sending / to :8443), followed once and said in the report; the scope then
  // is that origin, so nothing else on the machine is probed.
  return bare(from.hostname) === bare(to.hostname);
}

/** Remembers the first reason to stop and tells whoever listens. */
class StopLatch {
  reason: string | undefined;
  private readonly listeners = new Set<(reason: string) => void>();

  stop(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    for (const listener of this.listeners) listener(reason);
  }

  onStop(listener: (reason: string) => void): () => void {
    if (this.reason !== undefined) listener(this.reason);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function notStarted(target: string, reason: string): TargetResult {
  const now = new Date().toISOString();
  return {
    target,
    startedAt: now,
    endedAt: now,
    findings: [],
    failures: [],
    rulesRun: [],
    requestsSent: 0,
    executionSuccessful: false,
    incomplete: `not scanned: the scan was stopped (${reason}) before this target started`,
  };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * `http://user:pass@host/` is a request for Basic auth: the credentials leave the URL (so no
 * report, log or fingerprint ever holds them) and travel as the user's own Authorization
 * header, to the target's origin only. An Authorization the user gave explicitly wins.
 */
export function withUrlCredentials(target: string, headers: Record<string, string>): { target: string; headers: Record<string, string> } {
  const url = new URL(target);
  if (url.username === '' && url.password === '') return { target, headers };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return { target: url.href, headers: hasAuthorization ? headers : { ...headers, Authorization: basic } };
}
