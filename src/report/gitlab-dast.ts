import { createHash } from 'node:crypto';
import type { Finding, TargetResult } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import type { Severity } from '../core/severity.js';
import { sanitizeScanResult } from './sanitize.js';
import { sortFindings } from './order.js';
import { indexRules, ruleDetails, type RuleIndex } from './rule-details.js';

/**
 * GitLab's DAST security report (security report schemas 15.x, `artifacts: reports: dast:`), so
 * a GitLab pipeline shows draftleak's findings in its security widget and vulnerability report.
 * One vulnerability per finding: the rule id is the primary identifier (GitLab tracks a
 * vulnerability by it and by the location: host, method, path), CWE ids follow; the evidence is
 * the redacted request and the status of the answer, never a body.
 * https://docs.gitlab.com/ee/development/integrations/secure.html
 * https://docs.gitlab.com/ee/ci/yaml/artifacts_reports.html#artifactsreportsdast
 */

const schemaVersion = '15.0.7';

const severityNames: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

/** "2026-12-02T01:02:03": the schema's time format (no fraction, no zone; UTC). */
function gitlabTime(iso: string): string {
  const date = new Date(iso);
  return (Number.isNaN(date.getTime()) ? new Date() : date).toISOString().slice(0, 19);
}

/** A stable UUID-shaped id from the finding's fingerprint, so re-runs name the same vulnerability. */
function vulnerabilityId(finding: Finding): string {
  const hex = createHash('sha256').update(`gitlab-dast\n${finding.fingerprint}\n${finding.target}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function vulnerability(finding: Finding, rules: RuleIndex): Record<string, unknown> {
  const rule = ruleDetails(rules, finding.ruleId);
  const url = new URL(finding.url);
  const items = finding.items.slice(0, 20).map((item) => [item.id, item.status, item.date, item.url].filter((part) => part !== undefined).join(' '));
  return {
    id: vulnerabilityId(finding),
    name: rule.name,
    description: [finding.message, rule.description, items.length > 0 ? `Exposed items: ${items.join('; ')}` : ''].filter((part) => part !== '').join('\n\n'),
    severity: severityNames[finding.severity],
    solution: rule.remediation,
    identifiers: [
      { type: 'draftleak_rule', name: `draftleak ${finding.ruleId}`, value: finding.ruleId },
      ...rule.cwe.map((cwe) => ({ type: 'cwe', name: cwe, value: cwe.replace(/^CWE-/, ''), url: `https://cwe.mitre.org/data/definitions/${cwe.replace(/^CWE-/, '')}.html` })),
    ],
    links: rule.references.map((reference) => ({ url: reference })),
    location: { hostname: url.origin, method: finding.request.method, path: `${url.pathname}${url.search}`, param: '' },
    evidence: {
      summary: finding.response.bodyExcerpt.slice(0, 2000),
      request: { method: finding.request.method, url: finding.request.url, headers: Object.entries(finding.request.headers).map(([name, value]) => ({ name, value })) },
      response: { status_code: finding.response.status, reason_phrase: finding.response.statusText, headers: Object.entries(finding.response.headers).map(([name, value]) => ({ name, value })) },
    },
    ...(finding.suppression === undefined ? {} : { flags: [{ type: 'flagged-as-likely-false-positive', origin: 'draftleak baseline', description: finding.suppression.reason }] }),
  };
}

function scanned(target: TargetResult): Array<{ method: string; url: string; type: string }> {
  const urls = new Set([target.target, ...target.findings.flatMap((finding) => finding.urls)]);
  return [...urls].slice(0, 1000).map((url) => ({ method: 'GET', url, type: 'url' }));
}

export function renderGitlabDast(result: ScanResult): string {
  const scan = sanitizeScanResult(result);
  const rules = indexRules(scan.rules);
  const targets = scan.targets;
  const starts = targets.map((target) => target.startedAt).sort();
  const ends = targets.map((target) => target.endedAt).sort();
  const complete = scan.stopped === undefined && targets.every((target) => target.executionSuccessful);
  const tool = { id: 'draftleak', name: 'draftleak', vendor: { name: 'draftleak' }, version: scan.tool.version, url: scan.tool.informationUri };
  const report = {
    version: schemaVersion,
    vulnerabilities: targets.flatMap((target) => sortFindings(target.findings).map((finding) => vulnerability(finding, rules))),
    remediations: [],
    scan: {
      analyzer: tool,
      scanner: tool,
      type: 'dast',
      start_time: gitlabTime(starts[0] ?? new Date().toISOString()),
      end_time: gitlabTime(ends.at(-1) ?? new Date().toISOString()),
      // A scan that could not cover a target is a failure, so GitLab never shows it as clean.
      status: complete ? 'success' : 'failure',
      scanned_resources: targets.flatMap(scanned),
      messages: targets.flatMap((target) => (target.incomplete === undefined ? [] : [{ level: 'warn', value: `${target.target}: ${target.incomplete}` }])),
    },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
