import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';

/** Most severe first: the order summaries are written in. */
export const severitiesDescending: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Every severity is present (zero when unused) so machine consumers never meet a missing key. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** E.g. `3 findings (1 critical, 2 high), 1 failed probe`. */
export function summaryLine(findings: readonly Finding[], failureCount: number): string {
  const counts = countBySeverity(findings);
  const parts = severitiesDescending.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const breakdown = parts.length > 0 ? ` (${parts.join(', ')})` : '';
  return `${plural(findings.length, 'finding')}${breakdown}, ${plural(failureCount, 'failed probe')}`;
}
