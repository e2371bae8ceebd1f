import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRuleText, type Rule } from '../../src/engine/index.js';
import { runRuleCases } from '../../src/rule-tests/run-cases.js';
import { tempDir } from '../support/temp-dir.js';

// Issue 10: "the honeypots passed a two-step rule trivially: their pages yield no extracted
// values, so the probing step never ran against them". The list step finds draft ids; the probe
// step asks each one and, in the weak version, believes any 200.
const ruleText = (probeMatch: string): string => `id: two-step-drafts
name: Drafts by id
severity: high
confidence: high
cms: [generic]
description: Test rule.
remediation: Nothing.
references: [https://example.org/doc]
steps:
  - id: list
    request: { path: /api/posts }
    extract:
      - { name: ids, json: "json.data[?status == 'draft'].id" }
    match: { json: "length(ids) > \`0\`" }
  - id: probe
    for_each: { in: ids, as: id, max: 5 }
    request: { path: "/api/posts/{{id}}" }
    match:
${probeMatch}
finding:
  message: "draft {{id}} readable"
  items: "[{id: to_string(id), status: 'draft'}]"
`;
const cases = `rule: two-step-drafts
source: test
cases:
  - name: a draft readable by id
    expect: finding
    exchanges:
      - request: { path: /api/posts }
        response: { status: 200, json: { data: [{ id: 7, status: draft }, { id: 1, status: publish }] } }
      - request: { path: /api/posts/7 }
        response: { status: 200, json: { data: { id: 7, status: draft } } }
  - name: drafts refused by id
    expect: none
    exchanges:
      - request: { path: /api/posts }
        response: { status: 200, json: { data: [{ id: 7, status: draft }] } }
      - request: { path: /api/posts/7 }
        response: { status: 403, json: { error: forbidden } }
`;

async function run(probeMatch: string) {
  const dir = await tempDir('after-case');
  const file = path.join(dir, 'two-step-drafts.yaml');
  const text = ruleText(probeMatch);
  await writeFile(file, text);
  await writeFile(path.join(dir, 'two-step-drafts.cases.yaml'), cases);
  const { rule, errors } = parseRuleText(file, text);
  expect(errors.map((error) => error.message)).toEqual([]);
  return runRuleCases(rule as Rule, file);
}

describe('honeypots reach every step', () => {
  it('a probe that believes any 200 fails on the honeypots once the case hands it real ids', async () => {
    const result = await run('      all:\n        - status: 200');
    expect(result.cases.every((entry) => entry.passed)).toBe(true);
    // The plain honeypots give no ids: the probe never runs there, so they pass...
    expect(result.honeypots.filter((entry) => !entry.honeypot.includes(' from step ')).every((entry) => entry.passed)).toBe(true);
    // ...but from step probe on, catch-all answers make it fire.
    const failed = result.honeypots.filter((entry) => !entry.passed).map((entry) => entry.honeypot);
    expect(failed).toEqual(expect.arrayContaining(['catch-all-html from step probe', 'catch-all-json from step probe', 'soft-404 from step probe', 'echo from step probe']));
    expect(result.passed).toBe(false);
  });

  it('a probe that proves the item (its id and draft status in the JSON) stays silent there', async () => {
    const result = await run('      all:\n        - status: 200\n        - json: "json.data.id == id && json.data.status == \'draft\'"');
    expect(result.honeypots.filter((entry) => !entry.passed)).toEqual([]);
    expect(result.honeypots.some((entry) => entry.honeypot === 'catch-all-json from step probe')).toBe(true);
    expect(result.passed).toBe(true);
  });
});
