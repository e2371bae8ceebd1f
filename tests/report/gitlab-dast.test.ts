import { describe, expect, it } from 'vitest';
import { formatForFile, renderReport } from '../../src/report/index.js';
import { cleanTarget, leakyTarget, scanResult, secrets } from './fixtures.js';

interface GitlabReport {
  version: string;
  vulnerabilities: Array<{ id: string; name: string; severity: string; solution: string; identifiers: Array<{ type: string; value: string }>; location: { hostname: string; method: string; path: string } }>;
  scan: { type: string; status: string; start_time: string; end_time: string; scanner: { id: string }; analyzer: { id: string }; scanned_resources: Array<{ url: string }> };
}

const render = (targets = [leakyTarget, cleanTarget]): GitlabReport => JSON.parse(renderReport(scanResult(targets), 'gitlab-dast')) as GitlabReport;

describe('GitLab DAST report', () => {
  it('one vulnerability per finding, with the rule as primary identifier, GitLab severities and the location GitLab tracks', () => {
    const report = render();
    expect(report.version).toMatch(/^15\.\d+\.\d+$/);
    expect(report.vulnerabilities).toHaveLength(leakyTarget.findings.length);
    for (const vulnerability of report.vulnerabilities) {
      expect(vulnerability.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(['Critical', 'High', 'Medium', 'Low', 'Info']).toContain(vulnerability.severity);
      expect(vulnerability.identifiers[0]?.type).toBe('draftleak_rule');
      expect(vulnerability.location.hostname).toMatch(/^https?:\/\//);
      expect(vulnerability.location.path.startsWith('/')).toBe(true);
      expect(vulnerability.solution.length).toBeGreaterThan(0);
    }
    // CWE ids of the rule follow the primary identifier.
    expect(report.vulnerabilities.some((vulnerability) => vulnerability.identifiers.some((identifier) => identifier.type === 'cwe' && identifier.value === '200'))).toBe(true);
    expect(report.scan.type).toBe('dast');
    expect(report.scan.scanner.id).toBe('draftleak');
    expect(report.scan.start_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(report.scan.scanned_resources.length).toBeGreaterThan(0);
  });

  it('the same findings give the same ids on every run; a target not fully scanned makes the scan a failure', () => {
    expect(render().vulnerabilities.map((vulnerability) => vulnerability.id)).toEqual(render().vulnerabilities.map((vulnerability) => vulnerability.id));
    expect(render().scan.status).toBe(leakyTarget.executionSuccessful && cleanTarget.executionSuccessful ? 'success' : 'failure');
    expect(render([{ ...cleanTarget, executionSuccessful: false, incomplete: 'not scanned: refused' }]).scan.status).toBe('failure');
  });

  it('carries no credential, and gl-dast-report.json chooses it', () => {
    const text = renderReport(scanResult(), 'gitlab-dast');
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
    expect(formatForFile('gl-dast-report.json')).toBe('gitlab-dast');
    expect(formatForFile('out/scan.gitlab-dast.json')).toBe('gitlab-dast');
    expect(formatForFile('report.json')).toBe('json');
  });
});
