import { describe, expect, it } from 'vitest';
import { renderJsonl } from '../../src/report/jsonl.js';
import { toJsonReport } from '../../src/report/json.js';
import { cleanTarget, scanResult } from './fixtures.js';

function records(text: string): Record<string, unknown>[] {
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('renderJsonl', () => {
  const text = renderJsonl(scanResult());
  const lines = records(text);

  it('writes one JSON object per line: a header, each finding, each failed probe, a summary', () => {
    expect(text.endsWith('\n')).toBe(true);
    expect(lines.map((line) => line.type)).toEqual(['header', 'finding', 'finding', 'finding', 'finding', 'finding', 'failure', 'failure', 'summary']);
    expect(lines[0]).toMatchObject({ formatVersion: 1, tool: { name: 'draftleak' }, targets: ['https://example.com/blog', 'https://clean.example.org/'] });
  });

  it('findings are the JSON report findings, rule joined in, most severe first', () => {
    const json = toJsonReport(scanResult());
    const findings = lines.filter((line) => line.type === 'finding').map(({ type: _type, ...rest }) => rest);
    expect(findings).toEqual(json.targets.flatMap((target) => target.findings));
    expect(findings[0]).toMatchObject({ ruleId: 'wp-rest-drafts', severity: 'critical', rule: { name: 'Rule wp-rest-drafts', remediation: 'Fix wp-rest-drafts.' } });
  });

  it('failures name their target; the summary closes with totals and per-target status', () => {
    const failures = lines.filter((line) => line.type === 'failure');
    expect(failures.map((line) => [line.target, line.code])).toEqual([
      ['https://example.com/blog', 'DL_HEADERS_TIMEOUT'],
      ['https://clean.example.org/', 'DL_CONNECT_TIMEOUT'],
    ]);
    const summary = lines.at(-1) as { targetCount: number; findings: number; failedProbes: number; bySeverity: Record<string, number>; targets: Record<string, unknown>[] };
    expect(summary).toMatchObject({ targetCount: 2, findings: 5, failedProbes: 2, bySeverity: { critical: 1, high: 1, medium: 1, low: 1, info: 1 } });
    expect(summary.targets.map((target) => [target.target, target.executionSuccessful, target.findings, target.failures])).toEqual([
      ['https://example.com/blog', true, undefined, undefined],
      ['https://clean.example.org/', true, undefined, undefined],
    ]);
    const cut = records(renderJsonl(scanResult([{ ...cleanTarget, executionSuccessful: false, incomplete: 'interrupted (SIGINT)' }])));
    expect(cut.at(-1)).toMatchObject({ targets: [{ executionSuccessful: false, incomplete: 'interrupted (SIGINT)' }] });
  });

  it('a line separator or newline a site wrote cannot split a record', () => {
    const result = scanResult([{ ...cleanTarget, failures: [{ url: 'https://clean.example.org/', code: 'DL_CONNECT_TIMEOUT', message: 'a\nb\u2028c\u2029d\u0085e' }] }]);
    const out = renderJsonl(result);
    expect(out.split('\n')).toHaveLength(4);
    expect(out).not.toMatch(/[\u2028\u2029\u0085]/);
    expect(records(out)[1]?.message).toBe('a\nb\u2028c\u2029d\u0085e');
  });
});
