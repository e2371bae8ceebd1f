import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseRuleText, type Rule } from '../../src/engine/index.js';
import { ruleCaseSchema } from '../../src/rule-tests/case-schema.js';
import { caseTarget, runCase } from '../../src/rule-tests/run-cases.js';

// The built-in embargo rule: an item the site itself dates in the future, answering now. Its
// severity rises the nearer the date (issue 11): dates here are relative to the test's clock.
const file = 'rules/generic/scheduled-content-public-early.yaml';

describe('severity_when: an embargo due tomorrow is worse than a far-off placeholder', () => {
  it('critical within a week, high within a year, medium beyond', async () => {
    const { rule, errors } = parseRuleText(file, await readFile(file, 'utf8'));
    expect(errors.map((error) => error.message)).toEqual([]);
    const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString();
    const entries = [
      { path: '/results-q4/', date: inDays(2) },
      { path: '/spring-launch/', date: inDays(60) },
      { path: '/gala-2031/', date: inDays(5 * 365) },
    ];
    const page = { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Post</body></html>' };
    const ruleCase = ruleCaseSchema.parse({
      name: 'three embargoes',
      expect: 'finding',
      site: { published: entries.map(({ path, date }) => ({ url: `${caseTarget}${path}`, date, lastmod: null, sources: ['feed'] })) },
      findings: [
        { path: '/results-q4/', severity: 'critical' },
        { path: '/spring-launch/', severity: 'high' },
        { path: '/gala-2031/', severity: 'medium' },
      ],
      exchanges: entries.map(({ path }) => ({ request: { path }, response: page })),
    });
    const result = await runCase(rule as Rule, ruleCase, '/tmp');
    expect(result.problems).toEqual([]);
    expect(result.findings.map((finding) => finding.severity).sort()).toEqual(['critical', 'high', 'medium']);
  });

  it('a case stating the wrong severity fails', async () => {
    const { rule } = parseRuleText(file, await readFile(file, 'utf8'));
    const date = new Date(Date.now() + 86_400_000).toISOString();
    const ruleCase = ruleCaseSchema.parse({
      name: 'due tomorrow',
      expect: 'finding',
      site: { published: [{ url: `${caseTarget}/tomorrow/`, date, lastmod: null, sources: ['feed'] }] },
      findings: [{ path: '/tomorrow/', severity: 'high' }],
      exchanges: [{ request: { path: '/tomorrow/' }, response: { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>x</html>' } }],
    });
    const result = await runCase(rule as Rule, ruleCase, '/tmp');
    expect(result.problems).toEqual([`no finding at ${caseTarget}/tomorrow/ has severity high; got critical`]);
  });
});
