import { describe, expect, it } from 'vitest';
import { renderJson, toJsonReport } from '../../src/report/json.js';
import { scanResult } from './fixtures.js';

describe('renderJson', () => {
  it('writes tool, targets with sorted findings and failures, and a severity summary', () => {
    const report = toJsonReport(scanResult());
    expect(report.formatVersion).toBe(1);
    expect(report.tool.name).toBe('draftleak');
    expect(report.targets.map((t) => t.target)).toEqual(['https://example.com/blog', 'https://clean.example.org/']);
    expect(report.targets[0]?.findings.map((f) => f.severity)).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    expect(report.targets[1]?.findings).toEqual([]);
    expect(report.targets[1]?.failures.map((f) => f.code)).toEqual(['DL_CONNECT_TIMEOUT']);
    expect(report.summary).toEqual({
      targets: 2,
      findings: 5,
      failedProbes: 2,
      bySeverity: { critical: 1, high: 1, medium: 1, low: 1, info: 1 },
    });
    expect(report.targets[1]?.summary.bySeverity).toEqual({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });
  });

  it('is 2-space JSON and identical across renders', () => {
    const text = renderJson(scanResult());
    expect(text).toMatch(/^\{\n {2}"formatVersion": 1,/);
    expect(renderJson(scanResult())).toBe(text);
  });
});
