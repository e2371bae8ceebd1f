import { redactUrl } from '../core/redact.js';
import type { VerifiedItem } from '../audit/verify.js';
import { describeItem } from '../audit/audit-findings.js';
import { safeLine } from './safe-text.js';

/** Every route of every unpublished item with its verdict: what --explain prints for an audit. */
export function renderAuditExplain(verified: VerifiedItem[]): string {
  const lines: string[] = [];
  for (const { item, verdicts } of verified) {
    lines.push(safeLine(describeItem(item)));
    for (const verdict of verdicts) {
      const mark = verdict.verdict === 'reachable' ? '✗ reachable' : verdict.verdict === 'failed' ? '? failed   ' : `✓ ${verdict.verdict.padEnd(9)}`;
      lines.push(`  ${mark} ${verdict.route.kind.padEnd(14)} ${safeLine(redactUrl(verdict.route.url))}  ${safeLine(verdict.detail)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
