import { describe, expect, it } from 'vitest';
import { renderExplain } from '../../src/cli/explain.js';

describe('--explain shows an unknown matcher as neither true nor false', () => {
  it('marks it ? with the error, on the leaf only', () => {
    const text = renderExplain('http://127.0.0.1:65535', [
      {
        ruleId: 'r',
        findings: [],
        failures: [],
        trace: [
          {
            step: 's',
            match: { matcher: 'not', ok: false, unknown: 'boom', children: [{ matcher: 'json: "length(x)"', ok: false, unknown: 'boom' }] },
          },
        ],
      },
    ]);
    expect(text).toContain('      ? not\n');
    expect(text).toContain('        ? json: "length(x)" (unknown: boom)\n');
  });
});
