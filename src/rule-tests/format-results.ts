import type { RuleCasesResult } from './run-cases.js';

/** Test-runner output: one line per rule, then per case and honeypot, then a summary. */
export function formatRuleTestResults(results: RuleCasesResult[]): string {
  const lines: string[] = [];
  let failedCases = 0;
  let passedCases = 0;
  let todo = 0;
  for (const result of results) {
    lines.push(`${result.passed ? 'PASS' : 'FAIL'} ${result.ruleId}  (${result.caseFile})`);
    for (const problem of result.problems) lines.push(`  ✗ ${problem}`);
    for (const ruleCase of result.cases) {
      const mark = ruleCase.todo !== undefined ? '○' : ruleCase.passed ? '✓' : '✗';
      const suffix = ruleCase.todo !== undefined ? ` [todo: ${ruleCase.todo}${ruleCase.passed ? '; now passes, drop the todo' : ''}]` : '';
      lines.push(`  ${mark} ${ruleCase.expect === 'finding' ? 'fires' : 'silent'}: ${ruleCase.name}${suffix}`);
      if (!ruleCase.passed && ruleCase.todo === undefined) for (const problem of ruleCase.problems) lines.push(`      ${problem}`);
      if (ruleCase.todo !== undefined) todo += 1;
      else if (ruleCase.passed) passedCases += 1;
      else failedCases += 1;
    }
    for (const honeypot of result.honeypots) {
      if (honeypot.passed) passedCases += 1;
      else failedCases += 1;
      lines.push(`  ${honeypot.passed ? '✓' : '✗'} honeypot ${honeypot.honeypot}: ${honeypot.passed ? 'silent' : `FIRED at ${honeypot.findings.map((finding) => finding.url).join(', ')}`}`);
    }
    failedCases += result.problems.length;
  }
  const rulesFailed = results.filter((result) => !result.passed).length;
  lines.push('');
  lines.push(`rules: ${results.length - rulesFailed} passed, ${rulesFailed} failed`);
  lines.push(`cases: ${passedCases} passed, ${failedCases} failed${todo > 0 ? `, ${todo} todo` : ''}`);
  return `${lines.join('\n')}\n`;
}
