import type { ScanResult } from '../core/scan-result.js';
import { terminalSafeJson } from '../core/terminal-safe.js';
import { jsonFormatVersion, toJsonReport, type JsonFinding, type JsonReport, type JsonTarget } from './json.js';

/**
 * JSON Lines: one JSON object per line, each with a `type`, so a log pipeline (jq, Loki, a SIEM)
 * takes findings one by one without reading a whole document. The same objects as the JSON
 * report, in this order: a header, every finding, every failed probe, and a summary that closes
 * the file (a file without it was cut short). Per-target facts (whether it was fully scanned, the
 * budgets spent, discovery) are in the summary, since they are known only at the end.
 */
export type JsonlRecord =
  | { type: 'header'; formatVersion: number; tool: JsonReport['tool']; commandLine: string; stopped?: string; insecure?: boolean; targets: string[] }
  | ({ type: 'finding' } & JsonFinding)
  | ({ type: 'failure'; target: string } & JsonTarget['failures'][number])
  | ({ type: 'summary'; targets: Omit<JsonTarget, 'findings' | 'failures'>[] } & Omit<JsonReport['summary'], 'targets'> & { targetCount: number });

export function toJsonlRecords(result: ScanResult): JsonlRecord[] {
  const report = toJsonReport(result);
  const records: JsonlRecord[] = [
    {
      type: 'header',
      formatVersion: jsonFormatVersion,
      tool: report.tool,
      commandLine: report.commandLine,
      ...(report.stopped === undefined ? {} : { stopped: report.stopped }),
      ...(report.insecure === true ? { insecure: true } : {}),
      targets: report.targets.map((target) => target.target),
    },
  ];
  for (const target of report.targets) for (const finding of target.findings) records.push({ type: 'finding', ...finding });
  for (const target of report.targets) for (const failure of target.failures) records.push({ type: 'failure', target: target.target, ...failure });
  const { targets: targetCount, ...totals } = report.summary;
  records.push({
    type: 'summary',
    targetCount,
    ...totals,
    targets: report.targets.map(({ findings: _findings, failures: _failures, ...rest }) => rest),
  });
  return records;
}

export function renderJsonl(result: ScanResult): string {
  // JSON.stringify without indentation writes no raw newline; terminalSafeJson escapes U+2028/9.
  return toJsonlRecords(result).map((record) => `${terminalSafeJson(JSON.stringify(record))}\n`).join('');
}
