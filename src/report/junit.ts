import type { Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import { groupBy } from '../core/objects.js';
import type { ScanResult } from '../core/scan-result.js';
import { sanitizeScanResult } from './sanitize.js';
import { sortFailures, sortFindings } from './order.js';
import { indexRules, ruleDetails, type RuleIndex } from './rule-details.js';
import { escapeXml } from './markup-escape.js';

/**
 * JUnit XML, for CI systems that show test results (GitLab's test report, Jenkins, Azure
 * Pipelines, CircleCI): one test suite per target, one test case per rule that ran on it, a
 * <failure> per finding (type = severity; some viewers show only the first of several), an <error>
 * when the rule failed at run time, the rule's other failed probes in <system-err>. A target that
 * was not fully scanned gets a test case `draftleak.scan` with an <error>, so an unreachable site
 * never shows as all green. Rules run interleaved, so only a suite has a duration; each case says 0.
 */

function attr(text: string): string {
  return escapeXml(text, true);
}

function seconds(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0';
}

function failureElement(finding: Finding, rules: RuleIndex): string {
  const rule = ruleDetails(rules, finding.ruleId);
  const body = [
    finding.message,
    `URL: ${finding.url}`,
    `Confidence: ${finding.confidence}`,
    ...(finding.items.length > 0 ? [`Exposed items (${finding.items.length}):`, ...finding.items.map((item) => `  - ${[item.id, item.status, item.date, item.url].filter((part) => part !== undefined && part !== '').join('  ')}`)] : []),
    ...(rule.remediation === '' ? [] : ['', `Remediation: ${rule.remediation}`]),
    ...(rule.references.length === 0 ? [] : ['References:', ...rule.references.map((reference) => `  - ${reference}`)]),
    `Fingerprint: ${finding.fingerprint}`,
  ].join('\n');
  return `<failure type="${attr(finding.severity)}" message="${attr(`${finding.severity}: ${rule.name} at ${finding.url}`)}">${escapeXml(body)}</failure>`;
}

function failureLine(failure: ProbeFailure): string {
  return `${failure.code} ${failure.url}${failure.step === undefined ? '' : ` (step ${failure.step})`}: ${failure.message}`;
}

function testCase(target: TargetResult, ruleId: string, rules: RuleIndex, findings: readonly Finding[], failures: readonly ProbeFailure[]): string {
  const rule = ruleDetails(rules, ruleId);
  const runtime = failures.filter((failure) => failure.code === 'DL_RULE_RUNTIME');
  const children = [
    ...findings.map((finding) => failureElement(finding, rules)),
    ...runtime.map((failure) => `<error type="${attr(failure.code)}" message="${attr(failure.message)}">${escapeXml(failureLine(failure))}</error>`),
    ...(failures.length > runtime.length ? [`<system-err>${escapeXml(failures.filter((failure) => failure.code !== 'DL_RULE_RUNTIME').map(failureLine).join('\n'))}</system-err>`] : []),
  ];
  const open = `<testcase classname="${attr(`draftleak.${rule.cms[0] ?? 'generic'}`)}" name="${attr(`${ruleId}: ${rule.name}`)}" file="${attr(target.target)}" time="0"`;
  return children.length === 0 ? `${open}/>` : `${open}>${children.join('')}</testcase>`;
}

function suite(target: TargetResult, rules: RuleIndex, index: number): { xml: string; tests: number; failures: number; errors: number; skipped: number } {
  const findings = sortFindings(target.findings);
  const failures = sortFailures(target.failures);
  // Every rule that ran, plus any rule that reported without being listed (a hand-built result).
  const ruleIds = [...new Set([...target.rulesRun, ...findings.map((finding) => finding.ruleId)])].sort();
  const ran = new Set(ruleIds);
  // Grouped in one pass each, in their sorted order: a filter per rule was rules x results.
  const findingsOf = groupBy(findings, (finding) => finding.ruleId);
  const failuresOf = groupBy(failures, (failure) => failure.ruleId);
  const cases = ruleIds.map((ruleId) => testCase(target, ruleId, rules, findingsOf.get(ruleId) ?? [], failuresOf.get(ruleId) ?? []));
  const skipped = target.discovery?.skippedRules ?? [];
  for (const skip of skipped) {
    cases.push(`<testcase classname="draftleak.skipped" name="${attr(skip.ruleId)}" file="${attr(target.target)}" time="0"><skipped message="${attr(skip.reason)}"/></testcase>`);
  }
  const incomplete = target.incomplete !== undefined || !target.executionSuccessful;
  if (incomplete) {
    const why = target.incomplete ?? 'the scan of this target did not complete';
    cases.unshift(`<testcase classname="draftleak.scan" name="scan completed" file="${attr(target.target)}" time="0"><error type="DL_SCAN_INCOMPLETE" message="${attr(why)}">${escapeXml(why)}</error></testcase>`);
  }
  const runtimeErrors = new Set(failures.filter((failure) => failure.code === 'DL_RULE_RUNTIME' && failure.ruleId !== undefined && ran.has(failure.ruleId)).map((failure) => failure.ruleId)).size;
  const errors = runtimeErrors + (incomplete ? 1 : 0);
  const failedCases = new Set(findings.map((finding) => finding.ruleId)).size;
  const tests = cases.length;
  const orphanFailures = failures.filter((failure) => failure.ruleId === undefined || !ran.has(failure.ruleId));
  const systemErr = orphanFailures.length === 0 ? '' : `<system-err>${escapeXml(orphanFailures.map(failureLine).join('\n'))}</system-err>`;
  const xml =
    `<testsuite name="${attr(target.target)}" id="${index}" tests="${tests}" failures="${failedCases}" errors="${errors}" skipped="${skipped.length}" time="${seconds(target.startedAt, target.endedAt)}" timestamp="${attr(target.startedAt.replace(/Z$/, ''))}">` +
    `<properties><property name="requestsSent" value="${target.requestsSent}"/><property name="findings" value="${findings.length}"/></properties>` +
    `${cases.join('')}${systemErr}</testsuite>`;
  return { xml, tests, failures: failedCases, errors, skipped: skipped.length };
}

export function renderJunit(result: ScanResult): string {
  const scan = sanitizeScanResult(result);
  const rules = indexRules(scan.rules);
  const suites = scan.targets.map((target, index) => suite(target, rules, index));
  const sum = (key: 'tests' | 'failures' | 'errors' | 'skipped'): number => suites.reduce((total, one) => total + one[key], 0);
  const time = scan.targets.reduce((total, target) => total + Number(seconds(target.startedAt, target.endedAt)), 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="draftleak" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}" time="${time.toFixed(3)}">`,
    ...suites.map((one) => one.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
