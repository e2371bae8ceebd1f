import type { Discovery, ExposedItem, Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { ScanResult, ToolInfo } from '../core/scan-result.js';
import type { Severity } from '../core/severity.js';
import { sanitizeScanResult } from './sanitize.js';
import { terminalSafeJson } from '../core/terminal-safe.js';
import { sortFailures, sortFindings } from './order.js';
import { countBySeverity } from './severity-summary.js';
import { indexRules, ruleDetails, type RuleDetails, type RuleIndex } from './rule-details.js';

/**
 * draftleak's own machine format. Keys are written in a fixed order and lists are sorted, so two
 * scans of an unchanged site produce the same document apart from timestamps. Bump
 * `formatVersion` whenever a field changes meaning or disappears.
 */
export const jsonFormatVersion = 1;

export interface JsonSummary {
  findings: number;
  failedProbes: number;
  bySeverity: Record<Severity, number>;
}

/** The rule behind a finding, joined in so a ticket needs no second document. */
export interface JsonRule {
  name: string;
  description: string;
  remediation: string;
  references: string[];
  cwe: string[];
}

export type JsonFinding = Finding & { rule: JsonRule };

export interface JsonTarget {
  target: string;
  startedAt: string;
  endedAt: string;
  executionSuccessful: boolean;
  /** Why this target's result is incomplete or missing; absent for a scan that ran to its end. */
  incomplete?: string;
  budgetsSpent?: { budget: string; flag: string; detail: string }[];
  requestsSent: number;
  rulesRun: string[];
  findings: JsonFinding[];
  failures: ProbeFailure[];
  discovery?: Discovery;
  summary: JsonSummary;
}

export interface JsonReport {
  formatVersion: number;
  tool: ToolInfo;
  commandLine: string;
  /** Why the whole scan stopped early (a signal, --max-duration), when it did. */
  stopped?: string;
  insecure?: boolean;
  targets: JsonTarget[];
  summary: JsonSummary & { targets: number };
}

function item(value: ExposedItem): ExposedItem {
  return { id: value.id, status: value.status, date: value.date, url: value.url };
}

function rule(details: RuleDetails): JsonRule {
  return { name: details.name, description: details.description, remediation: details.remediation, references: details.references, cwe: details.cwe };
}

export function jsonFinding(value: Finding, rules: RuleIndex): JsonFinding {
  return {
    ruleId: value.ruleId,
    rule: rule(ruleDetails(rules, value.ruleId)),
    severity: value.severity,
    confidence: value.confidence,
    target: value.target,
    url: value.url,
    urls: [...value.urls],
    message: value.message,
    items: value.items.map(item),
    request: { method: value.request.method, url: value.request.url, headers: { ...value.request.headers } },
    response: {
      status: value.response.status,
      statusText: value.response.statusText,
      headers: { ...value.response.headers },
      bodyExcerpt: value.response.bodyExcerpt,
    },
    fingerprint: value.fingerprint,
    // Accepted by a baseline (scan --baseline): still listed, marked.
    ...(value.suppression === undefined ? {} : { suppression: { ...value.suppression } }),
    ...(value.verification === undefined ? {} : { verification: value.verification }),
  };
}

export function jsonFailure(value: ProbeFailure): ProbeFailure {
  return { ruleId: value.ruleId, ...(value.step === undefined ? {} : { step: value.step }), url: value.url, code: value.code, message: value.message };
}

export function summarise(findings: readonly Finding[], failedProbes: number): JsonSummary {
  return { findings: findings.length, failedProbes, bySeverity: countBySeverity(findings) };
}

export function jsonTarget(value: TargetResult, rules: RuleIndex): JsonTarget {
  return {
    target: value.target,
    startedAt: value.startedAt,
    endedAt: value.endedAt,
    executionSuccessful: value.executionSuccessful,
    ...(value.incomplete === undefined ? {} : { incomplete: value.incomplete }),
    ...(value.budgetsSpent === undefined ? {} : { budgetsSpent: value.budgetsSpent.map((spent) => ({ ...spent })) }),
    requestsSent: value.requestsSent,
    rulesRun: [...value.rulesRun],
    findings: sortFindings(value.findings).map((found) => jsonFinding(found, rules)),
    failures: sortFailures(value.failures).map(jsonFailure),
    ...(value.discovery ? { discovery: value.discovery } : {}),
    summary: summarise(value.findings, value.failures.length),
  };
}

export function toJsonReport(result: ScanResult): JsonReport {
  const scan = sanitizeScanResult(result);
  const rules = indexRules(scan.rules);
  const allFindings = scan.targets.flatMap((t) => t.findings);
  const failedProbes = scan.targets.reduce((sum, t) => sum + t.failures.length, 0);
  return {
    formatVersion: jsonFormatVersion,
    tool: { name: scan.tool.name, version: scan.tool.version, informationUri: scan.tool.informationUri },
    commandLine: scan.commandLine,
    ...(scan.stopped === undefined ? {} : { stopped: scan.stopped }),
    ...(scan.insecure === true ? { insecure: true } : {}),
    targets: scan.targets.map((value) => jsonTarget(value, rules)),
    summary: { targets: scan.targets.length, ...summarise(allFindings, failedProbes) },
  };
}

export function renderJson(result: ScanResult): string {
  return `${terminalSafeJson(JSON.stringify(toJsonReport(result), null, 2))}\n`;
}
