import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/index.js';
import { leakyTarget, scanResult } from './fixtures.js';

describe('a token finding says what its vendor answered', () => {
  const result = scanResult([{ ...leakyTarget, findings: leakyTarget.findings.map((finding, index) => (index === 0 ? { ...finding, verification: 'verified' as const } : finding)) }]);

  it('in JSON, as the finding\'s verification, and only on that finding', () => {
    const findings = JSON.parse(renderReport(result, 'json', { color: false })).targets[0].findings as Array<{ verification?: string; fingerprint: string }>;
    const checked = leakyTarget.findings[0]?.fingerprint;
    expect(findings.find((finding) => finding.fingerprint === checked)?.verification).toBe('verified');
    expect(findings.filter((finding) => finding.fingerprint !== checked).every((finding) => finding.verification === undefined)).toBe(true);
  });

  it('in the text report, in words', () => {
    expect(renderReport(result, 'text', { color: false })).toContain('Token: verified: the vendor accepted the token');
  });
});
