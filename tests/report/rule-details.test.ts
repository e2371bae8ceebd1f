import { describe, expect, it } from 'vitest';
import { toJsonReport } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';
import { firedRules } from '../../src/report/rule-details.js';
import { cleanTarget, leakyTarget, rules, scanResult } from './fixtures.js';

const longRemediation = Array.from({ length: 40 }, (_, i) => `step${i}`).join(' ');

describe('findings carry their rule (joined from ScanResult.rules)', () => {
  it('JSON findings name the rule, say what it means, how to fix it and where that is documented', () => {
    const report = toJsonReport(scanResult());
    const critical = report.targets[0]?.findings[0];
    expect(critical?.ruleId).toBe('wp-rest-drafts');
    expect(critical?.rule).toEqual({
      name: 'Rule wp-rest-drafts',
      description: 'Description of wp-rest-drafts.',
      remediation: 'Fix wp-rest-drafts.',
      references: ['https://docs.example.com/wp-rest-drafts', 'https://owasp.org/Top10/A01_2021-Broken_Access_Control/'],
      cwe: ['CWE-200'],
    });
    for (const found of report.targets[0]?.findings ?? []) expect(found.rule.name).toBe(`Rule ${found.ruleId}`);
  });

  it('a finding whose rule is not in the list still renders, named by its id', () => {
    const orphan = { ...leakyTarget, findings: [{ ...leakyTarget.findings[0]!, ruleId: 'custom-unknown' }] };
    const report = toJsonReport({ ...scanResult([orphan]), rules: [] });
    expect(report.targets[0]?.findings[0]?.rule).toEqual({ name: 'custom-unknown', description: '', remediation: '', references: [], cwe: [] });
  });

  it('the text report says how to fix each rule that fired, once per rule, most severe first', () => {
    // The same rule fires on two targets: its remediation is written once.
    const second = { ...cleanTarget, findings: [{ ...leakyTarget.findings[1]!, target: cleanTarget.target }] };
    const result = { ...scanResult([leakyTarget, second]), rules: rules.map((rule) => (rule.id === 'wp-rest-drafts' ? { ...rule, remediation: longRemediation } : rule)) };
    const text = renderText(result, { color: false });
    const section = text.slice(text.indexOf('How to fix (5 rules with findings)'));
    expect(section).not.toBe(text);
    expect(section.split('Rule wp-rest-drafts (wp-rest-drafts), 2 findings')).toHaveLength(2);
    expect(section.match(/Remediation:/g)).toHaveLength(5);
    expect(section).toContain('    What it means:\n      Description of wp-rest-drafts.');
    expect(section).toContain('      - https://docs.example.com/wp-rest-drafts\n      - https://owasp.org/Top10/A01_2021-Broken_Access_Control/');
    expect(section).toContain('    CWE: CWE-200');
    // Long prose is wrapped to 100 columns, every word kept in order.
    const fix = section.slice(section.indexOf('Remediation:'), section.indexOf('References:'));
    const fixLines = fix.split('\n').slice(1).filter((line) => line.trim() !== '');
    expect(fixLines.length).toBeGreaterThan(2);
    for (const line of fixLines) expect(line.length).toBeLessThanOrEqual(100);
    expect(fixLines.map((line) => line.trim()).join(' ')).toBe(longRemediation);
    const order = ['CRITICAL  Rule wp-rest-drafts', 'HIGH  Rule strapi', 'MEDIUM  Rule wp-draft-media', 'LOW  Rule wp-preview', 'INFO  Rule generic'].map((line) => section.indexOf(line));
    expect(order.every((index) => index > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The total still closes the report.
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^Total: /);
  });

  it('a report without findings has no remediation section', () => {
    expect(renderText(scanResult([cleanTarget]), { color: false })).not.toContain('How to fix');
    expect(firedRules(scanResult([cleanTarget]))).toEqual([]);
  });
});
