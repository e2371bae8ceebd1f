import type { ExposedItem, Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import type { Severity } from '../core/severity.js';
import { appendAll } from '../core/objects.js';
import { sanitizeScanResult } from './sanitize.js';
import { sortFailures, sortFindings } from './order.js';
import { countBySeverity, plural, severitiesDescending, summaryLine } from './severity-summary.js';
import { firedRules, indexRules, ruleDetails, type RuleIndex } from './rule-details.js';
import { detectedLine, targetStatus } from './target-status.js';
import { escapeHtml, markdownCode, markdownLink, markdownText } from './markup-escape.js';

/**
 * A report for a pull-request comment or a GitHub job summary ($GITHUB_STEP_SUMMARY): the counts
 * by severity, a table of findings per target, the exposed items folded away, and how to fix
 * each rule that fired. Every string a site could have shaped is escaped (markup-escape.ts), so a
 * draft titled `<img src=x onerror=…>` or `[click](https://evil)` reads as text.
 *
 * GitHub refuses a comment over 65,536 characters, so a report that would be longer is written
 * again with less detail (first without the item lists, then with fewer rows per target) and says
 * so; the SARIF, JSON or HTML report of the same scan has everything.
 */
export const markdownCommentLimit = 65_536;

interface Detail {
  /** Exposed items listed per finding (0: none, the count stays in the table). */
  items: number;
  /** Finding rows per target. */
  rows: number;
  /** Failed-probe rows per target (the rest counted by code). */
  failures: number;
}

// A scan of a struggling site fails thousands of probes: 2,000 rows alone were 157,000
// characters, so failures shorten with the rest.
const levels: readonly Detail[] = [
  { items: 25, rows: Number.POSITIVE_INFINITY, failures: Number.POSITIVE_INFINITY },
  { items: 0, rows: Number.POSITIVE_INFINITY, failures: 100 },
  { items: 0, rows: 50, failures: 25 },
  { items: 0, rows: 10, failures: 10 },
];

const severityLabel: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function severityTable(findings: readonly Finding[]): string[] {
  const counts = countBySeverity(findings);
  return [row(['Severity', 'Findings']), row([':--', '--:']), ...severitiesDescending.map((severity) => row([counts[severity] > 0 ? `**${severityLabel[severity]}**` : severityLabel[severity], String(counts[severity])]))];
}

function itemCells(item: ExposedItem): string[] {
  return [item.id, item.status, item.date, item.url].map((value) => (value === undefined || value === '' ? '' : markdownCode(value, true)));
}

function itemsBlock(finding: Finding, rules: RuleIndex, shown: number): string[] {
  if (shown === 0 || finding.items.length === 0) return [];
  const name = ruleDetails(rules, finding.ruleId).name;
  // Inside an HTML block markdown is not read: the summary is escaped as HTML.
  const lines = [`<details><summary>${escapeHtml(`Exposed items: ${name} (${finding.items.length})`)}</summary>`, '', row(['ID', 'Status', 'Date', 'URL']), row(['---', '---', '---', '---'])];
  for (const item of finding.items.slice(0, shown)) lines.push(row(itemCells(item)));
  const hidden = finding.items.length - shown;
  lines.push('');
  if (hidden > 0) lines.push(`… and ${hidden} more in the SARIF, JSON or HTML report.`, '');
  lines.push('</details>', '');
  return lines;
}

function failuresBlock(failures: readonly ProbeFailure[], shown: number): string[] {
  if (failures.length === 0) return [];
  const lines = [`<details><summary>${escapeHtml(`Failed probes (${failures.length})`)}</summary>`, '', row(['Code', 'URL', 'Rule', 'Message']), row(['---', '---', '---', '---'])];
  const sorted = sortFailures(failures);
  for (const failure of sorted.slice(0, shown)) {
    lines.push(row([markdownCode(failure.code, true), markdownCode(failure.url, true), failure.ruleId === undefined ? '' : markdownCode(failure.ruleId, true), markdownText(failure.message)]));
  }
  lines.push('');
  const hidden = sorted.slice(shown);
  if (hidden.length > 0) lines.push(`… and ${plural(hidden.length, 'more failed probe')} (${countsByCode(hidden)}) in the SARIF, JSON or HTML report.`, '');
  lines.push('</details>', '');
  return lines;
}

/** "`DL_BODY_TIMEOUT` 1200, `DL_CONNECT_TIMEOUT` 3": the most frequent code first. */
function countsByCode(failures: readonly ProbeFailure[]): string {
  const counts = new Map<string, number>();
  for (const failure of failures) counts.set(failure.code, (counts.get(failure.code) ?? 0) + 1);
  return [...counts]
    .sort(([codeA, countA], [codeB, countB]) => countB - countA || (codeA < codeB ? -1 : 1))
    .map(([code, count]) => `${markdownCode(code)} ${count}`)
    .join(', ');
}

function targetBlock(target: TargetResult, rules: RuleIndex, detail: Detail): { lines: string[]; rowsLeftOut: number; itemsLeftOut: boolean; failuresLeftOut: boolean } {
  const lines = [`### Target ${markdownCode(target.target)}`, ''];
  const discovery = target.discovery;
  const facts = [
    ...(discovery ? [`Detected: ${markdownText(detectedLine(target) ?? '')}`, `${plural(discovery.pagesCrawled, 'page')} crawled`] : []),
    `${plural(target.requestsSent, 'request')}`,
    summaryLine(target.findings, target.failures.length),
  ];
  lines.push(facts.join(' · '), '');
  if (target.incomplete !== undefined) lines.push(`> **Not a clean result:** ${markdownText(target.incomplete)}.`, '');
  for (const spent of target.budgetsSpent ?? []) lines.push(`> **Budget spent:** ${markdownText(spent.detail)} (raise with ${markdownCode(spent.flag)}).`, '');
  if (discovery && discovery.notes.length > 0) {
    for (const note of discovery.notes) lines.push(`- Note: ${markdownText(note)}`);
    lines.push('');
  }
  let rowsLeftOut = 0;
  let itemsLeftOut = false;
  if (target.findings.length === 0) {
    const status = targetStatus(target);
    lines.push(status.clean ? `**No exposure found** (${status.coverage}).` : `**No exposure found by what could run:** ${status.coverage}; ${plural(status.failedProbes, 'probe')} failed.`, '');
  } else {
    const findings = sortFindings(target.findings);
    const shown = findings.slice(0, detail.rows);
    rowsLeftOut = findings.length - shown.length;
    lines.push(row(['Severity', 'Rule', 'Finding', 'URL', 'Items']), row([':--', ':--', ':--', ':--', '--:']));
    for (const finding of shown) {
      const rule = ruleDetails(rules, finding.ruleId);
      lines.push(row([`**${finding.severity}**`, `${markdownText(rule.name)} (${markdownCode(finding.ruleId, true)})`, markdownText(finding.message), markdownCode(finding.url, true), String(finding.items.length)]));
    }
    lines.push('');
    if (rowsLeftOut > 0) lines.push(`… and ${plural(rowsLeftOut, 'more finding')} in the SARIF, JSON or HTML report.`, '');
    for (const finding of shown) {
      if (finding.items.length > 0 && detail.items === 0) itemsLeftOut = true;
      appendAll(lines, itemsBlock(finding, rules, detail.items));
    }
  }
  appendAll(lines, failuresBlock(target.failures, detail.failures));
  return { lines, rowsLeftOut, itemsLeftOut, failuresLeftOut: target.failures.length > detail.failures };
}

function remediationBlock(result: ScanResult): string[] {
  const fired = firedRules(result);
  if (fired.length === 0) return [];
  const lines = ['### How to fix', ''];
  for (const rule of fired) {
    lines.push(`#### ${markdownText(rule.name)} (${markdownCode(rule.id)})`, '');
    lines.push(`**${severityLabel[rule.severity]}**, ${plural(rule.findings, 'finding')}${rule.cwe.length > 0 ? ` · ${rule.cwe.map((cwe) => markdownText(cwe)).join(', ')}` : ''}`, '');
    if (rule.description !== '') lines.push(markdownText(rule.description), '');
    if (rule.remediation !== '') lines.push(`**Remediation:** ${markdownText(rule.remediation)}`, '');
    if (rule.references.length > 0) lines.push('References:', ...rule.references.map((reference) => `- ${markdownLink(reference)}`), '');
  }
  return lines;
}

/** The report's opening, the same at every level of detail: counts, warnings, severities. */
function reportHead(scan: ScanResult): string[] {
  const findings = scan.targets.flatMap((target) => target.findings);
  const failures = scan.targets.reduce((sum, target) => sum + target.failures.length, 0);
  const lines = ['## draftleak report', '', `**${summaryLine(findings, failures)}** on ${plural(scan.targets.length, 'target')}`, ''];
  if (scan.stopped !== undefined) lines.push(`> [!WARNING]`, `> The scan was stopped (${markdownText(scan.stopped)}): this report holds what was found so far.`, '');
  const incomplete = scan.targets.filter((target) => target.incomplete !== undefined).length;
  if (incomplete > 0) lines.push(`> [!WARNING]`, `> ${plural(incomplete, 'target')} not fully scanned: not a clean result.`, '');
  if (scan.insecure === true) lines.push('> TLS certificates were not verified (`--insecure`).', '');
  appendAll(lines, severityTable(findings));
  lines.push('');
  return lines;
}

function footer(scan: ScanResult): string {
  return `<sub>${escapeHtml(`${scan.tool.name} ${scan.tool.version}`)}</sub>`;
}

function render(scan: ScanResult, detail: Detail, shortened: boolean): string {
  const rules = indexRules(scan.rules);
  const lines = reportHead(scan);
  const blocks = scan.targets.map((target) => targetBlock(target, rules, detail));
  if (shortened) {
    const why = [
      blocks.some((block) => block.itemsLeftOut) ? 'exposed items left out' : '',
      blocks.some((block) => block.rowsLeftOut > 0) ? `at most ${detail.rows} findings per target` : '',
      blocks.some((block) => block.failuresLeftOut) ? `at most ${detail.failures} failed probes per target` : '',
    ].filter((part) => part !== '');
    lines.push(`> [!NOTE]`, `> Shortened to fit a pull-request comment (${why.join(', ')}); the SARIF, JSON or HTML report of this scan has everything.`, '');
  }
  for (const block of blocks) appendAll(lines, block.lines);
  appendAll(lines, remediationBlock(scan));
  lines.push(footer(scan), '');
  return lines.join('\n');
}

/**
 * The last resort, when even ten rows a target do not fit (a scan of a few hundred targets):
 * one row per target, those with the most severe findings first, as many as fit.
 */
function renderTargetRows(scan: ScanResult): string {
  const head = reportHead(scan);
  head.push('> [!NOTE]', '> Shortened to fit a pull-request comment (one row per target); the SARIF, JSON or HTML report of this scan has everything.', '');
  head.push(row(['Target', ...severitiesDescending.map((severity) => severityLabel[severity]), 'Failed probes', 'Result']), row([':--', ...severitiesDescending.map(() => '--:'), '--:', ':--']));
  // Most critical findings first, then most high, and so on; the scan's order among equals.
  const ordered = scan.targets.map((target) => {
    const counts = countBySeverity(target.findings);
    return { target, counts: severitiesDescending.map((severity) => counts[severity]) };
  });
  ordered.sort((a, b) => a.counts.reduce((order, count, at) => order || (b.counts[at] as number) - count, 0));
  const tail = (left: number): string[] => [...(left > 0 ? ['', `… and ${plural(left, 'more target')} in the SARIF, JSON or HTML report.`] : []), '', footer(scan), ''];
  // Room for the longest tail, so the rows stop where the whole still fits.
  let size = head.join('\n').length + tail(scan.targets.length).join('\n').length + 1;
  const rows: string[] = [];
  for (const { target, counts } of ordered) {
    const status = targetStatus(target);
    const result = target.findings.length > 0 ? 'exposed' : target.incomplete !== undefined ? 'not fully scanned' : status.clean ? 'clean' : 'not a clean result';
    const line = row([markdownCode(target.target, true), ...counts.map(String), String(status.failedProbes), result]);
    if (size + line.length + 1 > markdownCommentLimit) break;
    size += line.length + 1;
    rows.push(line);
  }
  return [...head, ...rows, ...tail(scan.targets.length - rows.length)].join('\n');
}

export function renderMarkdown(result: ScanResult): string {
  const scan = sanitizeScanResult(result);
  for (const [index, detail] of levels.entries()) {
    const text = render(scan, detail, index > 0);
    if (text.length <= markdownCommentLimit) return text;
  }
  return renderTargetRows(scan);
}
