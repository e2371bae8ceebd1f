import type { ScanResult } from '../core/scan-result.js';

/**
 * The last line a scan writes on stderr, terminal or not: what it cost and what went wrong, by
 * cause, so a CI log shows at a glance whether the scan really ran. The report has the detail.
 *
 * "draftleak: 2 targets, 412 requests, 3 failures (2 DL_CONNECT_TIMEOUT, 1 DL_BODY_TRUNCATED), 1 finding, 12.4 s"
 */
export function scanSummaryLine(result: ScanResult, durationMs: number): string {
  const requests = result.targets.reduce((sum, target) => sum + target.requestsSent, 0);
  const findings = result.targets.reduce((sum, target) => sum + target.findings.length, 0);
  const byCause = new Map<string, number>();
  for (const target of result.targets) for (const failure of target.failures) byCause.set(failure.code, (byCause.get(failure.code) ?? 0) + 1);
  const failures = [...byCause.values()].reduce((sum, count) => sum + count, 0);
  const causes = [...byCause.entries()].sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b)).map(([code, count]) => `${count} ${code}`);
  const parts = [
    plural(result.targets.length, 'target'),
    plural(requests, 'request'),
    failures === 0 ? 'no failures' : `${plural(failures, 'failure')} (${causes.join(', ')})`,
    plural(findings, 'finding'),
    `${(durationMs / 1000).toFixed(1)} s`,
  ];
  return `draftleak: ${parts.join(', ')}\n`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
