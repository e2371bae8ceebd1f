import type { Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import type {
  SarifInvocation,
  SarifLocation,
  SarifLog,
  SarifNotification,
  SarifReportingDescriptor,
  SarifResult,
  SarifRun,
} from './sarif-types.js';
import { sanitizeScanResult } from './sanitize.js';
import { terminalSafeJson } from '../core/terminal-safe.js';
import { sortFailures, sortFindings } from './order.js';
import type { RuleMeta } from '../core/rule-meta.js';
import { sarifLevel } from './sarif-severity.js';
import { toReportingDescriptor } from './sarif-rules.js';
import { UriBases, automationIdAllocator } from './sarif-locations.js';
import { logicalLocations } from './sarif-logical.js';
import { cweTaxonomies } from './sarif-cwe.js';
import { fitRunToBytes, githubLimits, packRuns, truncatedNotificationId, type SarifLimits } from './sarif-limits.js';
import { toWebRequest, toWebResponse } from './sarif-web.js';
import { plural } from './severity-summary.js';

export type { SarifLog } from './sarif-types.js';
export { githubLimits, numberedSarifFile, type SarifLimits } from './sarif-limits.js';

const sarifSchemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Rule id -> index into this run's driver.rules, shared by results and notifications. */
type RuleIndex = ReadonlyMap<string, number>;
type RulesById = ReadonlyMap<string, RuleMeta>;

function message(finding: Finding): string {
  return `${finding.message} (${plural(finding.items.length, 'exposed item')})`;
}

function location(finding: Finding, bases: UriBases, rule: RuleMeta | undefined): SarifLocation {
  const loc: SarifLocation = {
    physicalLocation: {
      artifactLocation: bases.locate(finding.url),
      // A placeholder: there is no source line, but GitHub requires a region.
      region: { startLine: 1 },
    },
  };
  const logical = logicalLocations(finding, rule);
  if (logical.length > 0) loc.logicalLocations = logical;
  return loc;
}

function toResult(finding: Finding, bases: UriBases, ruleIndex: RuleIndex, rules: RulesById): SarifResult {
  const result: SarifResult = {
    ruleId: finding.ruleId,
    level: sarifLevel(finding.severity),
    message: { text: message(finding) },
    locations: [location(finding, bases, rules.get(finding.ruleId))],
    // Computed by the engine from rule, host, route and item ids, so an alert keeps its identity
    // across runs; without it GitHub would try (and fail) to hash a source file.
    partialFingerprints: {
      primaryLocationLineHash: finding.fingerprint,
      'draftleak/v1': finding.fingerprint,
    },
    webRequest: toWebRequest(finding),
    webResponse: toWebResponse(finding),
    properties: {
      severity: finding.severity,
      confidence: finding.confidence,
      items: finding.items.map((item) => ({ ...item })),
      urls: [...finding.urls],
    },
  };
  // A baseline's acceptance (scan --baseline): kept as a result, marked, never deleted.
  if (finding.suppression !== undefined) {
    const { reason, owner, expires } = finding.suppression;
    result.suppressions = [{ kind: 'external', status: 'accepted', justification: reason, properties: { owner, ...(expires === undefined ? {} : { expires }) } }];
  }
  // A finding for a rule missing from result.rules keeps its ruleId but gets no index rather
  // than a wrong one.
  const index = ruleIndex.get(finding.ruleId);
  if (index !== undefined) result.ruleIndex = index;
  return result;
}

function toNotification(failure: ProbeFailure, executionSuccessful: boolean, ruleIndex: RuleIndex): SarifNotification {
  const notification: SarifNotification = {
    // A failed probe in a scan that otherwise ran is a gap in coverage; in a scan that could not
    // run at all it is the reason why.
    // A body read only up to its cap is a limit on depth, not a probe that failed.
    level: failure.code === 'DL_BODY_TRUNCATED' ? 'note' : executionSuccessful ? 'warning' : 'error',
    message: { text: `${failure.code} ${failure.url}: ${failure.message}` },
    descriptor: { id: failure.code },
  };
  if (failure.ruleId !== undefined) {
    const index = ruleIndex.get(failure.ruleId);
    notification.associatedRule = index === undefined ? { id: failure.ruleId } : { id: failure.ruleId, index };
  }
  return notification;
}

// The schema demands RFC 3339 date-times; a malformed timestamp is dropped, not allowed to
// invalidate the whole file.
function utc(timestamp: string): string | undefined {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Why a run holds fewer results than its target has findings (GitHub's limits). */
interface Truncation {
  kept: number;
  total: number;
  limit: 'results' | 'bytes';
}

/** "25,000 findings", "1 finding"; `noun` '' leaves only the number. */
function count(n: number, noun: string, suffix = 's'): string {
  const number = n.toLocaleString('en-US');
  if (noun === '' || suffix === '') return number;
  return `${number} ${n === 1 ? noun : `${noun}${suffix}`}`;
}

function truncationNotification({ kept, total, limit }: Truncation, limits: SarifLimits): SarifNotification {
  const why =
    limit === 'results'
      ? `GitHub code scanning takes at most ${limits.maxResultsPerRun.toLocaleString('en-US')} results per run`
      : `GitHub code scanning takes SARIF files of at most ${(limits.maxGzipBytes / 1_000_000).toLocaleString('en-US')} MB gzipped`;
  return {
    level: 'warning',
    message: {
      text: `${why}: this run holds the ${count(kept, 'most severe result')} of ${count(total, 'finding')} (${count(total - kept, 'finding', '')} left out); the JSON report (-o report.json) has every finding`,
    },
    descriptor: { id: truncatedNotificationId },
  };
}

function toInvocation(target: TargetResult, scan: ScanResult, ruleIndex: RuleIndex, truncation: Truncation | undefined, limits: SarifLimits): SarifInvocation {
  const commandLine = scan.commandLine;
  const start = utc(target.startedAt);
  const end = utc(target.endedAt);
  return {
    executionSuccessful: target.executionSuccessful,
    ...(commandLine === '' ? {} : { commandLine }),
    ...(start === undefined ? {} : { startTimeUtc: start }),
    ...(end === undefined ? {} : { endTimeUtc: end }),
    toolExecutionNotifications: [
      // First, because it changes how everything else reads: this run is not a clean result.
      ...(target.incomplete === undefined
        ? []
        : [{ level: 'error' as const, message: { text: target.incomplete }, descriptor: { id: 'DL_SCAN_INCOMPLETE' } }]),
      // Next: the results are not all the findings.
      ...(truncation === undefined ? [] : [truncationNotification(truncation, limits)]),
      ...(scan.insecure === true
        ? [{ level: 'warning' as const, message: { text: 'TLS certificates were not verified (--insecure)' }, descriptor: { id: 'DL_INSECURE_TLS' } }]
        : []),
      ...sortFailures(target.failures).map((failure) => toNotification(failure, target.executionSuccessful, ruleIndex)),
      // Discovery notes (a catch-all host, a spent budget) change how a clean result reads.
      ...(target.discovery?.notes ?? []).map((note) => ({
        level: 'note' as const,
        message: { text: note },
        descriptor: { id: 'DL_DISCOVERY_NOTE' },
      })),
    ],
  };
}

/** Everything the runs of one log share: the sanitised scan, its rules, GitHub's limits. */
interface LogContext {
  scan: ScanResult;
  rules: RulesById;
  descriptors: ReadonlyMap<string, SarifReportingDescriptor>;
  limits: SarifLimits;
}

/**
 * The rules a run describes: those that ran on its target, those its results use and those its
 * failed probes name, in the scan's order. Repeating every loaded rule in every run made a
 * three-target demo 1.7 MB.
 */
function runRules(target: TargetResult, context: LogContext): RuleMeta[] {
  const used = new Set([...target.rulesRun, ...target.findings.map((f) => f.ruleId), ...target.failures.flatMap((f) => (f.ruleId === undefined ? [] : [f.ruleId]))]);
  return context.scan.rules.filter((rule) => used.has(rule.id));
}

/**
 * Builds the run of one target with its `keep` most severe findings as results. The results are
 * made once (at most maxResultsPerRun of them); cutting a run to size only slices them.
 */
function runBuilder(target: TargetResult, automationId: string, context: LogContext): { results: SarifResult[]; build: (keep: number, limit: Truncation['limit']) => SarifRun } {
  const { scan, limits } = context;
  const findings = sortFindings(target.findings).slice(0, limits.maxResultsPerRun);
  const total = target.findings.length;
  const rules = runRules(target, context);
  const ruleIndex: RuleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const bases = new UriBases(target.target, findings.map((finding) => finding.url));
  const allResults = findings.map((finding) => toResult(finding, bases, ruleIndex, context.rules));
  const taxonomies = cweTaxonomies(rules);
  const driverRules = rules.flatMap((rule) => context.descriptors.get(rule.id) ?? []);
  const build = (keep: number, limit: Truncation['limit']): SarifRun => {
    const results = allResults.slice(0, keep);
    const truncation = keep < total ? { kept: keep, total, limit } : undefined;
    return {
      tool: {
        driver: {
          name: scan.tool.name,
          semanticVersion: scan.tool.version,
          informationUri: scan.tool.informationUri,
          rules: driverRules,
        },
      },
      automationDetails: { id: automationId },
      ...(taxonomies.length === 0 ? {} : { taxonomies }),
      originalUriBaseIds: bases.declarations(
        results.flatMap((result) => result.locations.map((loc) => loc.physicalLocation.artifactLocation)),
      ),
      invocations: [toInvocation(target, scan, ruleIndex, truncation, limits)],
      // Always present, even empty: that is how GitHub learns that earlier alerts are fixed.
      results,
      properties: {
        target: target.target,
        requestsSent: target.requestsSent,
        rulesRun: [...target.rulesRun],
        ...(truncation === undefined ? {} : { resultsOmitted: truncation.total - truncation.kept }),
      },
    };
  };
  return { results: allResults, build };
}

interface SizedRun {
  run: SarifRun;
  gzipBytes: number;
}

/**
 * One run per target: GitHub no longer merges runs that share a category, and a per-target
 * category lets each site's alerts open and close independently. Each run is cut to GitHub's
 * limits on its own: at most maxResultsPerRun results, and small enough to fit a file.
 */
function sizedRuns(result: ScanResult, limits: SarifLimits): SizedRun[] {
  const scan = sanitizeScanResult(result);
  const context: LogContext = {
    scan,
    rules: new Map(scan.rules.map((rule) => [rule.id, rule])),
    descriptors: new Map(scan.rules.map((rule) => [rule.id, toReportingDescriptor(rule)])),
    limits,
  };
  const automationId = automationIdAllocator();
  return scan.targets.map((target) => {
    const { results, build } = runBuilder(target, automationId(target.target), context);
    const fitted = fitRunToBytes((keep) => build(keep, keep < results.length ? 'bytes' : 'results'), results, limits);
    return { run: fitted.run, gzipBytes: fitted.bytes };
  });
}

function toLog(runs: SarifRun[]): SarifLog {
  return { $schema: sarifSchemaUri, version: '2.1.0', runs };
}

/** One log with a run per target, each within GitHub's per-run limits (not its runs-per-file limit). */
export function toSarif(result: ScanResult, limits: SarifLimits = githubLimits): SarifLog {
  return toLog(sizedRuns(result, limits).map(({ run }) => run));
}

/**
 * The logs to write so that each passes GitHub's limits: at most maxRunsPerFile runs and
 * maxGzipBytes gzipped each, in target order. One log when everything fits, as it does for up
 * to 20 targets of ordinary size.
 */
export function toSarifFiles(result: ScanResult, limits: SarifLimits = githubLimits): SarifLog[] {
  const runs = sizedRuns(result, limits);
  return packRuns(runs.map(({ run }) => run), runs.map(({ gzipBytes }) => gzipBytes), limits).map(toLog);
}

function renderLog(log: SarifLog): string {
  return `${terminalSafeJson(JSON.stringify(log, null, 2))}\n`;
}

export function renderSarif(result: ScanResult, limits: SarifLimits = githubLimits): string {
  return renderLog(toSarif(result, limits));
}

/** renderSarif split into files GitHub accepts one by one: write them as numberedSarifFile names. */
export function renderSarifFiles(result: ScanResult, limits: SarifLimits = githubLimits): string[] {
  return toSarifFiles(result, limits).map(renderLog);
}
