import { describe, expect, it } from 'vitest';
import { parseRuleText } from '../../src/engine/index.js';

function withMatch(json: string) {
  return parseRuleText(
    '/virtual/trap-rule.yaml',
    `id: trap-rule
name: Test rule
severity: high
confidence: high
cms: [generic]
description: A rule written for an engine test.
remediation: Nothing to fix.
references: [https://example.org/doc]
steps:
  - id: list
    request: { path: /api/items }
    match:
      not: { json: ${JSON.stringify(json)} }
finding:
  message: "found"
`,
  );
}

describe('truthiness traps are warnings: the rule still loads', () => {
  it.each(['length(json.items)', 'let $x = json in length($x.items)', 'json.ok && length(json.items)', '!length(json.items)'])('%s warns', (expression) => {
    const { rule, errors, warnings } = withMatch(expression);
    expect(errors).toEqual([]);
    expect(rule?.id).toBe('trap-rule');
    expect(warnings?.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/^\/virtual\/trap-rule\.yaml:13:20: length\(\.\.\.\) without a comparison is always true .*\(steps\.0\.match\.not\.json\)$/),
    ]);
  });

  it.each(['length(json.items) > `0`', 'json.items[0]', 'length(json.items) == `0` || json.ok'])('%s does not', (expression) => {
    const { errors, warnings } = withMatch(expression);
    expect(errors).toEqual([]);
    expect(warnings).toBeUndefined();
  });
});
