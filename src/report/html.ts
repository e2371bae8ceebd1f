import type { ExposedItem, Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import { severityRank, type Severity } from '../core/severity.js';
import { sanitizeScanResult } from './sanitize.js';
import { sortFailures, sortFindings } from './order.js';
import { countBySeverity, plural, severitiesDescending, summaryLine } from './severity-summary.js';
import { indexRules, ruleDetails, type RuleDetails, type RuleIndex } from './rule-details.js';
import { detectedLine, targetStatus } from './target-status.js';
import { escapeHtml as esc, escapeHtmlBlock, isLinkable } from './markup-escape.js';
import { severityChart } from './html-chart.js';
import { reportCss } from './html-style.js';

/**
 * One self-contained HTML file a security lead can forward: a summary by severity with a chart,
 * then per target the findings grouped by CMS and rule, each with the exposed items, the evidence,
 * the remediation and references, and the probes that failed and the budgets that ended work
 * early. No script, and a Content-Security-Policy that lets the page load nothing at all, so
 * opening it makes no request. Every string a site could have shaped is HTML-escaped; ids and
 * anchors are made from indexes, never from site text, and only the rules' own http(s)
 * references become links.
 */

// Enough to act on; a bucket listing of thousands is in the JSON and SARIF reports in full.
const maxItemsShown = 200;

const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function badge(severity: Severity): string {
  return `<span class="badge sev-${severity}">${severity}</span>`;
}

function code(text: string): string {
  return `<code>${esc(text)}</code>`;
}

function headersTable(headers: Record<string, string>): string {
  const rows = Object.entries(headers).map(([name, value]) => `<tr><th scope="row">${esc(name)}</th><td>${code(value)}</td></tr>`);
  return rows.length === 0 ? '' : `<table class="headers"><tbody>${rows.join('')}</tbody></table>`;
}

function itemsTable(items: readonly ExposedItem[]): string {
  if (items.length === 0) return '';
  const cell = (value: string | undefined): string => `<td>${value === undefined || value === '' ? '' : code(value)}</td>`;
  const rows = items.slice(0, maxItemsShown).map((item) => `<tr>${cell(item.id)}${cell(item.status)}${cell(item.date)}${cell(item.url)}</tr>`);
  const hidden = items.length - maxItemsShown;
  const more = hidden > 0 ? `<p class="muted">… and ${hidden} more; the JSON and SARIF reports list them all.</p>` : '';
  return `<table class="items"><caption class="muted">Exposed items (${items.length})</caption><thead><tr><th>ID</th><th>Status</th><th>Date</th><th>URL</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

function evidence(finding: Finding): string {
  const others = finding.urls.filter((url) => url !== finding.url);
  return [
    '<details class="evidence"><summary>Evidence: the request and the response that proved it</summary>',
    `<p>${code(`${finding.request.method} ${finding.request.url}`)}</p>`,
    headersTable(finding.request.headers),
    `<p>Response ${code(`${finding.response.status} ${finding.response.statusText}`.trim())}</p>`,
    headersTable(finding.response.headers),
    finding.response.bodyExcerpt === '' ? '' : `<p class="muted">Body excerpt (capped, tokens masked)</p><pre>${escapeHtmlBlock(finding.response.bodyExcerpt)}</pre>`,
    others.length === 0 ? '' : `<p class="muted">Other URLs involved</p><ul>${others.map((url) => `<li>${code(url)}</li>`).join('')}</ul>`,
    `<p class="muted">Fingerprint ${code(finding.fingerprint)}</p>`,
    '</details>',
  ].join('');
}

function findingBlock(finding: Finding): string {
  return [
    '<div class="finding">',
    `<p>${badge(finding.severity)} <span class="finding-url">${code(finding.url)}</span></p>`,
    `<p class="finding-message">${esc(finding.message)} <span class="muted">· confidence ${esc(finding.confidence)}</span></p>`,
    itemsTable(finding.items),
    evidence(finding),
    '</div>',
  ].join('');
}

function fixBlock(rule: RuleDetails): string {
  const references = rule.references.map((reference) => (isLinkable(reference) ? `<li><a href="${esc(reference)}" rel="noreferrer noopener">${esc(reference)}</a></li>` : `<li>${code(reference)}</li>`));
  return [
    '<div class="fix">',
    rule.remediation === '' ? '' : `<p><strong>Remediation.</strong> ${esc(rule.remediation)}</p>`,
    references.length === 0 ? '' : `<p><strong>References</strong></p><ul>${references.join('')}</ul>`,
    '</div>',
  ].join('');
}

interface RuleGroup {
  rule: RuleDetails;
  severity: Severity;
  findings: Finding[];
}

interface CmsGroup {
  label: string;
  severity: Severity;
  rules: RuleGroup[];
}

/** Findings of one target by CMS (the detected one a rule applies to, else its first) and rule. */
function groupFindings(target: TargetResult, rules: RuleIndex): CmsGroup[] {
  const detected = new Map((target.discovery?.detections ?? []).map((detection) => [detection.cms, detection.name]));
  const groups = new Map<string, CmsGroup>();
  for (const finding of sortFindings(target.findings)) {
    const rule = ruleDetails(rules, finding.ruleId);
    const cms = rule.cms.find((id) => detected.has(id)) ?? rule.cms[0] ?? 'generic';
    const label = detected.get(cms) ?? (cms === 'generic' ? 'Any site (generic rules)' : cms);
    const group = groups.get(cms) ?? { label, severity: finding.severity, rules: [] };
    groups.set(cms, group);
    let ruleGroup = group.rules.find((candidate) => candidate.rule.id === rule.id);
    if (!ruleGroup) {
      ruleGroup = { rule, severity: finding.severity, findings: [] };
      group.rules.push(ruleGroup);
    }
    ruleGroup.findings.push(finding);
  }
  // Findings arrive most severe first, so each group's first finding set its severity.
  return [...groups.values()].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

function ruleBlock(group: RuleGroup): string {
  const { rule } = group;
  return [
    `<article class="rule sev-${group.severity}">`,
    `<div class="rule-head">${badge(group.severity)}<h4>${esc(rule.name)}</h4>${code(rule.id)}<span class="muted">${plural(group.findings.length, 'finding')}${rule.cwe.length > 0 ? ` · ${esc(rule.cwe.join(', '))}` : ''}</span></div>`,
    rule.description === '' ? '' : `<p class="rule-description">${esc(rule.description)}</p>`,
    ...group.findings.map(findingBlock),
    fixBlock(rule),
    '</article>',
  ].join('');
}

function failuresTable(failures: readonly ProbeFailure[]): string {
  if (failures.length === 0) return '';
  const rows = sortFailures(failures).map(
    (failure) => `<tr><td>${code(failure.code)}</td><td>${code(failure.url)}</td><td>${failure.ruleId === undefined ? '' : code(failure.ruleId)}${failure.step === undefined ? '' : ` <span class="muted">step ${esc(failure.step)}</span>`}</td><td>${esc(failure.message)}</td></tr>`,
  );
  return `<h3>Failed probes (${failures.length})</h3><table class="failures"><thead><tr><th>Code</th><th>URL</th><th>Rule</th><th>Message</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function statusOf(target: TargetResult): { css: string; text: string } {
  if (target.incomplete !== undefined || !target.executionSuccessful) return { css: 'status-partial', text: 'not fully scanned' };
  if (target.findings.length > 0) return { css: 'status-findings', text: plural(target.findings.length, 'finding') };
  return targetStatus(target).clean ? { css: 'status-clean', text: 'clean' } : { css: 'status-partial', text: 'no finding by what could run' };
}

function targetSection(target: TargetResult, index: number, rules: RuleIndex): string {
  const discovery = target.discovery;
  const status = targetStatus(target);
  const parts = [
    `<section class="card target" id="target-${index + 1}">`,
    `<h2>${esc(target.target)}</h2>`,
    `<p class="meta">${[
      ...(discovery ? [`Detected: ${esc(detectedLine(target) ?? '')}`, `${plural(discovery.pagesCrawled, 'page')} crawled`] : []),
      plural(target.requestsSent, 'request'),
      esc(summaryLine(target.findings, target.failures.length)),
      `${esc(target.startedAt)} to ${esc(target.endedAt)}`,
    ].join(' · ')}</p>`,
  ];
  if (target.incomplete !== undefined) parts.push(`<div class="banner bad"><strong>Not a clean result:</strong> ${esc(target.incomplete)}.</div>`);
  if ((target.budgetsSpent ?? []).length > 0) {
    const rows = (target.budgetsSpent ?? []).map((spent) => `<tr><td>${esc(spent.budget)}</td><td>${esc(spent.detail)}</td><td>${code(spent.flag)}</td></tr>`);
    parts.push(`<div class="banner warn"><strong>Budgets that ended work early</strong><table class="budgets"><thead><tr><th>Budget</th><th>What happened</th><th>Raise with</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`);
  }
  for (const note of discovery?.notes ?? []) parts.push(`<div class="banner warn">${esc(note)}</div>`);
  if (target.findings.length === 0) {
    parts.push(
      status.clean
        ? `<div class="banner ok"><strong>No exposure found</strong> (${esc(status.coverage)}).</div>`
        : `<div class="banner warn"><strong>No exposure found by what could run:</strong> ${esc(status.coverage)}; ${plural(status.failedProbes, 'probe')} failed.</div>`,
    );
  }
  for (const group of groupFindings(target, rules)) {
    parts.push(`<section class="cms"><h3>${esc(group.label)}</h3>${group.rules.map(ruleBlock).join('')}</section>`);
  }
  parts.push(failuresTable(target.failures));
  const skipped = discovery?.skippedRules ?? [];
  if (skipped.length > 0) {
    const rows = skipped.map((skip) => `<li>${code(skip.ruleId)} <span class="muted">${esc(skip.reason)}</span></li>`);
    parts.push(`<details><summary>${plural(skipped.length, 'rule')} not run on this target</summary><ul>${rows.join('')}</ul></details>`);
  }
  parts.push('</section>');
  return parts.join('');
}

function summarySection(scan: ScanResult): string {
  const findings = scan.targets.flatMap((target) => target.findings);
  const failures = scan.targets.reduce((sum, target) => sum + target.failures.length, 0);
  const counts = countBySeverity(findings);
  const totals = severitiesDescending.map((severity) => `<div class="total sev-${severity}"><b>${counts[severity]}</b><span>${severity}</span></div>`);
  const rows = scan.targets.map((target, index) => {
    const status = statusOf(target);
    const targetCounts = countBySeverity(target.findings);
    const breakdown = severitiesDescending.filter((severity) => targetCounts[severity] > 0).map((severity) => `${targetCounts[severity]} ${severity}`).join(', ');
    return `<tr><td><a href="#target-${index + 1}">${esc(target.target)}</a></td><td>${esc(detectedLine(target) ?? '')}</td><td class="num">${target.findings.length}${breakdown === '' ? '' : ` <span class="muted">(${breakdown})</span>`}</td><td class="num">${target.failures.length}</td><td class="${status.css}">${esc(status.text)}</td></tr>`;
  });
  return [
    '<section class="card summary">',
    '<h2>Summary</h2>',
    `<p class="meta">${esc(summaryLine(findings, failures))} on ${plural(scan.targets.length, 'target')}</p>`,
    `<div class="summary-grid"><div class="totals">${totals.join('')}</div>${severityChart(counts)}</div>`,
    `<table class="targets"><thead><tr><th>Target</th><th>Detected</th><th class="num">Findings</th><th class="num">Failed probes</th><th>Status</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    '</section>',
  ].join('');
}

export function renderHtml(result: ScanResult): string {
  const scan = sanitizeScanResult(result);
  const rules = indexRules(scan.rules);
  const findings = scan.targets.flatMap((target) => target.findings);
  const started = scan.targets.map((target) => target.startedAt).sort()[0];
  const ended = scan.targets.map((target) => target.endedAt).sort().at(-1);
  const title = `draftleak report: ${plural(findings.length, 'finding')} on ${plural(scan.targets.length, 'target')}`;
  const banners = [
    scan.stopped === undefined ? '' : `<div class="banner bad"><strong>The scan was stopped</strong> (${esc(scan.stopped)}): this report holds what was found so far.</div>`,
    scan.insecure === true ? '<div class="banner warn">TLS certificates were not verified (<code>--insecure</code>).</div>' : '',
  ].join('');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${esc(`${scan.tool.name} ${scan.tool.version}`)}">`,
    `<title>${esc(title)}</title>`,
    `<style>${reportCss}</style>`,
    '</head>',
    '<body>',
    '<header class="page">',
    '<h1>draftleak report</h1>',
    `<p class="meta">${esc(`${scan.tool.name} ${scan.tool.version}`)}${started === undefined ? '' : ` · ${esc(started)} to ${esc(ended ?? started)}`}</p>`,
    `<p class="meta">${code(scan.commandLine)}</p>`,
    banners,
    '</header>',
    '<main>',
    summarySection(scan),
    ...scan.targets.map((target, index) => targetSection(target, index, rules)),
    '</main>',
    `<footer class="page">Generated by ${esc(scan.tool.name)} ${esc(scan.tool.version)}. Findings name what an anonymous visitor could reach; credentials given to the scan never appear in this report.</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
