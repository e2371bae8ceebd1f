import { describe, expect, it } from 'vitest';
import { builtinRulesDir, loadRules } from '../src/engine/index.js';
import { runRuleCases } from '../src/rule-tests/run-cases.js';
import { validateAuthoredFiles } from '../src/rule-tests/validate-files.js';

const { rules, errors } = await loadRules([builtinRulesDir]);

describe('built-in rules', () => {
  it('all load without problems', () => {
    expect(errors.map((error) => error.message)).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(5);
  });

  it('every must-fire case proves the published item apart (not_named or exact): rules validate warns of none', async () => {
    const { warnings } = await validateAuthoredFiles([builtinRulesDir]);
    expect(warnings.map((warning) => warning.message)).toEqual([]);
  });

  for (const { rule, file } of rules) {
    it(`${rule.id}: every case passes, with must-fire and must-not-fire cases, and no honeypot fires it`, async () => {
      const result = await runRuleCases(rule, file);
      const failures = [
        ...result.problems,
        ...result.cases.filter((ruleCase) => !ruleCase.passed && !ruleCase.todo).flatMap((ruleCase) => ruleCase.problems.map((problem) => `${ruleCase.name}: ${problem}`)),
        ...result.honeypots.filter((honeypot) => !honeypot.passed).map((honeypot) => `fires on the ${honeypot.honeypot} honeypot: ${honeypot.findings.map((finding) => finding.url).join(', ')}`),
      ];
      expect(failures).toEqual([]);
      expect(result.passed).toBe(true);
    });
  }
});
