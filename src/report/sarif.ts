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
import { sarifLevel } from './sarif-severity.js';
import { toReportingDescriptor } from './sarif-rules.js';
import { UriBases, automationIdAllocator } from './sarif-locations.js';
import { toWebRequest, toWebResponse } from './sarif-web.js';
import { plural } from './severity-summary.js';

export type { SarifLog } from './sarif-types.js';

const sarifSchemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Rule id -> index into driver.rules, shared by results and notifications. */
type RuleIndex = ReadonlyMap<string, number>;

function message(finding: Finding): string {
  return `${finding.message} (${plural(finding.items.length, 'exposed item')})`;
}

function location(finding: Finding, bases: UriBases): SarifLocation {
  const loc: SarifLocation = {
    physicalLocation: {
      artifactLocation: bases.locate(finding.url),
      // A placeholder: there is no source line, but GitHub requires a region.
      region: { startLine: 1 },
    },
  };
  const logical = finding.items.flatMap((item) => (item.id === undefined ? [] : [{ name: item.id, kind: 'object' }]));
  if (logical.length > 0) loc.logicalLocations = logical;
  return loc;
}

function toResult(finding: Finding, bases: UriBases, ruleIndex: RuleIndex): SarifResult {
  const result: SarifResult = {
    ruleId: finding.ruleId,
    level: sarifLevel(finding.severity),
    message: { text: message(finding) },
    locations: [location(finding, bases)],
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

function toInvocation(target: TargetResult, scan: ScanResult, ruleIndex: RuleIndex): SarifInvocation {
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

function toRun(
  target: TargetResult,
  automationId: string,
  scan: ScanResult,
  rules: SarifReportingDescriptor[],
  ruleIndex: RuleIndex,
): SarifRun {
  const findings = sortFindings(target.findings);
  const bases = new UriBases(target.target, findings.map((finding) => finding.url));
  const results = findings.map((finding) => toResult(finding, bases, ruleIndex));
  return {
    tool: {
      driver: {
        name: scan.tool.name,
        semanticVersion: scan.tool.version,
        informationUri: scan.tool.informationUri,
        rules,
      },
    },
    automationDetails: { id: automationId },
    originalUriBaseIds: bases.declarations(
      results.flatMap((result) => result.locations.map((loc) => loc.physicalLocation.artifactLocation)),
    ),
    invocations: [toInvocation(target, scan, ruleIndex)],
    // Always present, even empty: that is how GitHub learns that earlier alerts are fixed.
    results,
    properties: {
      target: target.target,
      requestsSent: target.requestsSent,
      rulesRun: [...target.rulesRun],
    },
  };
}

/**
 * One run per target: GitHub no longer merges runs that share a category, and a per-target
 * category lets each site's alerts open and close independently.
 */
export function toSarif(result: ScanResult): SarifLog {
  const scan = sanitizeScanResult(result);
  const ruleIndex: RuleIndex = new Map(scan.rules.map((rule, index) => [rule.id, index]));
  const rules = scan.rules.map(toReportingDescriptor);
  const automationId = automationIdAllocator();
  return {
    $schema: sarifSchemaUri,
    version: '2.1.0',
    runs: scan.targets.map((target) => toRun(target, automationId(target.target), scan, rules, ruleIndex)),
  };
}

export function renderSarif(result: ScanResult): string {
  return `${terminalSafeJson(JSON.stringify(toSarif(result), null, 2))}\n`;
}
