import type { ExposedItem, Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { RuleMeta } from '../core/rule-meta.js';
import type { ScanResult } from '../core/scan-result.js';
import type { Severity } from '../core/severity.js';
import { sanitizeScanResult } from './sanitize.js';
import { mapStrings, terminalLine } from '../core/terminal-safe.js';
import { sortFailures, sortFindings } from './order.js';
import { summaryLine } from './severity-summary.js';
import { painter, type Painter, type Style } from './ansi.js';

export interface TextOptions {
  color: boolean;
}

// Enough to show what leaked without drowning the terminal; the JSON and SARIF list them all.
const maxItemsShown = 5;

const severityStyles: Record<Severity, Style[]> = {
  critical: ['bold', 'magenta'],
  high: ['bold', 'red'],
  medium: ['yellow'],
  low: ['cyan'],
  info: ['dim'],
};

function itemLine(item: ExposedItem): string {
  const parts = [
    item.id === undefined ? undefined : `id ${item.id}`,
    item.status === undefined ? undefined : `status ${item.status}`,
    item.date === undefined ? undefined : `date ${item.date}`,
    item.url,
  ].filter((part): part is string => part !== undefined && part !== '');
  return parts.length > 0 ? parts.join('  ') : '(unnamed item)';
}

function findingLines(finding: Finding, rules: ReadonlyMap<string, RuleMeta>, paint: Painter): string[] {
  const ruleName = rules.get(finding.ruleId)?.name ?? finding.ruleId;
  const lines = [
    `  ${paint(finding.severity.toUpperCase(), ...severityStyles[finding.severity])}  ${paint(ruleName, 'bold')} (${finding.ruleId}), confidence ${finding.confidence}`,
    `    URL: ${finding.url}`,
    `    ${finding.message}`,
  ];
  if (finding.items.length > 0) {
    lines.push(`    Exposed items (${finding.items.length}):`);
    for (const item of finding.items.slice(0, maxItemsShown)) lines.push(`      - ${itemLine(item)}`);
    const hidden = finding.items.length - maxItemsShown;
    if (hidden > 0) lines.push(`      ... and ${hidden} more`);
  }
  return lines;
}

function failureLine(failure: ProbeFailure): string {
  const rule = failure.ruleId === undefined ? '' : ` (rule ${failure.ruleId})`;
  return `    - ${failure.code} ${failure.url}${rule}: ${failure.message}`;
}

function targetLines(target: TargetResult, rules: ReadonlyMap<string, RuleMeta>, paint: Painter): string[] {
  const lines = [paint(`Target: ${target.target}`, 'bold')];
  const discovery = target.discovery;
  if (discovery) {
    const detected = discovery.detections
      .map((detection) => `${detection.name}${detection.version ? ` ${detection.version}` : ''} (${Math.round(detection.confidence * 100)}%)`)
      .join(', ');
    lines.push(`  Detected: ${detected || 'no known CMS'}; ${discovery.pagesCrawled} page(s) crawled, ${discovery.publishedInventory} published URL(s) known`);
    for (const note of discovery.notes) lines.push(`  ${paint(`Note: ${note}`, 'yellow')}`);
  }
  if (target.incomplete !== undefined) lines.push(`  ${paint(`Not a clean result: ${target.incomplete}.`, 'bold', 'red')}`);
  const failedRules = new Set(target.failures.filter((failure) => failure.code === 'DL_RULE_RUNTIME').map((failure) => failure.ruleId));
  const skippedRules = target.discovery?.skippedRules.length ?? 0;
  if (target.findings.length === 0) {
    // "No exposure found" only when every selected rule ran to its end; otherwise say what ran.
    // A body read up to its cap (a big bundle) limits depth but is no failed probe.
    const failedProbes = target.failures.filter((failure) => failure.code !== 'DL_BODY_TRUNCATED').length;
    const clean = target.executionSuccessful && failedRules.size === 0 && failedProbes === 0;
    const coverage = `${target.rulesRun.length} rule(s) ran, ${failedRules.size} failed, ${skippedRules} skipped${skippedWhy(target)}`;
    if (clean) lines.push(`  ${paint('No exposure found', 'green')} (${coverage}).`);
    else lines.push(`  ${paint('No exposure found by what could run', 'yellow')}: ${coverage}; ${failedProbes} probe(s) failed (listed below).`);
  } else {
    for (const finding of sortFindings(target.findings)) lines.push(...findingLines(finding, rules, paint), '');
  }
  if (target.failures.length > 0) {
    lines.push(`  ${paint('Failed probes:', 'yellow')}`);
    for (const failure of sortFailures(target.failures)) lines.push(failureLine(failure));
  }
  lines.push(`  ${summaryLine(target.findings, target.failures.length)}`);
  return lines;
}

/** Why rules were skipped, by kind: the CMS gate, or the user's own choice (--rule, --tags …). */
function skippedWhy(target: TargetResult): string {
  const skipped = target.discovery?.skippedRules ?? [];
  if (skipped.length === 0) return '';
  const byCms = skipped.filter((skip) => skip.reason.startsWith('CMS not detected')).length;
  const parts = [...(byCms > 0 ? [`${byCms} CMS not detected`] : []), ...(skipped.length > byCms ? [`${skipped.length - byCms} left out by the rule flags`] : [])];
  return ` (${parts.join(', ')})`;
}

export function renderText(result: ScanResult, options: TextOptions): string {
  // Every string a target could have shaped is made safe for a terminal, before colour is added:
  // no escape sequence of its own, and no newline that could fake a line of this report.
  const scan = mapStrings(sanitizeScanResult(result), terminalLine);
  const paint = painter(options.color);
  const rules = new Map(scan.rules.map((rule) => [rule.id, rule]));
  const blocks = [`${scan.tool.name} ${scan.tool.version}`];
  for (const target of scan.targets) blocks.push(targetLines(target, rules, paint).join('\n'));
  if (scan.targets.length > 1) {
    const findings = scan.targets.flatMap((t) => t.findings);
    const failures = scan.targets.reduce((sum, t) => sum + t.failures.length, 0);
    blocks.push(paint(`Total: ${summaryLine(findings, failures)} across ${scan.targets.length} targets`, 'bold'));
  }
  return `${blocks.join('\n\n')}\n`;
}
