import type { ExposedItem, Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { RuleMeta } from '../core/rule-meta.js';
import type { ScanResult } from '../core/scan-result.js';
import type { Severity } from '../core/severity.js';
import { sanitizeScanResult } from './sanitize.js';
import { mapStrings, terminalLine } from '../core/terminal-safe.js';
import { sortFailures, sortFindings } from './order.js';
import { summaryLine } from './severity-summary.js';
import { painter, type Painter, type Style } from './ansi.js';
import { firedRules } from './rule-details.js';
import { detectedLine, targetStatus } from './target-status.js';

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
  if (finding.verification !== undefined) {
    const said = { verified: 'verified: the vendor accepted the token', unverified: 'unverified: the vendor refused the token', unknown: 'unknown: the vendor could not be asked', 'not-asked': 'not checked with the vendor (run with --verify-tokens)' }[finding.verification];
    lines.splice(1, 0, `    Token: ${said}`);
  }
  if (finding.suppression !== undefined) {
    const { reason, owner, expires } = finding.suppression;
    lines.splice(1, 0, `    ${paint('Suppressed by the baseline', 'dim')}: ${reason} (owner ${owner}${expires === undefined ? '' : `, until ${expires}`})`);
  }
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
    lines.push(`  Detected: ${detectedLine(target)}; ${discovery.pagesCrawled} page(s) crawled, ${discovery.publishedInventory} published URL(s) known`);
    for (const note of discovery.notes) lines.push(`  ${paint(`Note: ${note}`, 'yellow')}`);
  }
  if (target.incomplete !== undefined) lines.push(`  ${paint(`Not a clean result: ${target.incomplete}.`, 'bold', 'red')}`);
  if (target.findings.length === 0) {
    const status = targetStatus(target);
    if (status.clean) lines.push(`  ${paint('No exposure found', 'green')} (${status.coverage}).`);
    else lines.push(`  ${paint('No exposure found by what could run', 'yellow')}: ${status.coverage}; ${status.failedProbes} probe(s) failed (listed below).`);
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

// Rule prose is one long paragraph; wrapped, the report pastes into a ticket or an e-mail as is.
const wrapWidth = 100;

function wrapped(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > wrapWidth) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/**
 * Once per rule that fired, what it means, how to fix it and where that is documented, so the
 * text report can be handed on without the rule files or a second report.
 */
function remediationLines(result: ScanResult, paint: Painter): string[] {
  const fired = firedRules(result);
  if (fired.length === 0) return [];
  const lines = [paint(`How to fix (${fired.length} rule${fired.length === 1 ? '' : 's'} with findings)`, 'bold')];
  for (const rule of fired) {
    lines.push('', `  ${paint(rule.severity.toUpperCase(), ...severityStyles[rule.severity])}  ${paint(rule.name, 'bold')} (${rule.id}), ${rule.findings} finding${rule.findings === 1 ? '' : 's'}`);
    if (rule.description !== '') lines.push('    What it means:', ...wrapped(rule.description, '      '));
    if (rule.remediation !== '') lines.push('    Remediation:', ...wrapped(rule.remediation, '      '));
    if (rule.references.length > 0) lines.push('    References:', ...rule.references.map((reference) => `      - ${reference}`));
    if (rule.cwe.length > 0) lines.push(`    CWE: ${rule.cwe.join(', ')}`);
  }
  return lines;
}

export function renderText(result: ScanResult, options: TextOptions): string {
  // Every string a target could have shaped is made safe for a terminal, before colour is added:
  // no escape sequence of its own, and no newline that could fake a line of this report.
  const scan = mapStrings(sanitizeScanResult(result), terminalLine);
  const paint = painter(options.color);
  const rules = new Map(scan.rules.map((rule) => [rule.id, rule]));
  const blocks = [`${scan.tool.name} ${scan.tool.version}`];
  for (const target of scan.targets) blocks.push(targetLines(target, rules, paint).join('\n'));
  const remediation = remediationLines(scan, paint);
  if (remediation.length > 0) blocks.push(remediation.join('\n'));
  if (scan.targets.length > 1) {
    const findings = scan.targets.flatMap((t) => t.findings);
    const failures = scan.targets.reduce((sum, t) => sum + t.failures.length, 0);
    blocks.push(paint(`Total: ${summaryLine(findings, failures)} across ${scan.targets.length} targets`, 'bold'));
  }
  return `${blocks.join('\n\n')}\n`;
}
