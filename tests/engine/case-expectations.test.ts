import { describe, expect, it } from 'vitest';
import { parseRuleText, type Rule } from '../../src/engine/index.js';
import { ruleCaseSchema } from '../../src/rule-tests/case-schema.js';
import { runCase } from '../../src/rule-tests/run-cases.js';

// A rule that names every post of a list, published or not: the overclaim that not_named and
// exact exist to catch.
const looseText = `id: loose-posts
name: Posts listed
severity: high
confidence: high
cms: [generic]
description: Test rule.
remediation: Nothing.
references: [https://example.org/doc]
steps:
  - id: posts
    request: { path: /api/posts }
    match: { status: 200 }
finding:
  message: "{{count}} posts"
  items: "json[].{id: to_string(id), status: status}"
`;
const loose = parseRuleText('/virtual/loose-posts.yaml', looseText).rule as Rule;

const exchanges = [{ request: { path: '/api/posts' }, response: { status: 200, json: [{ id: 1, status: 'publish' }, { id: 2, status: 'draft' }] } }];

describe('case expectations that catch an overclaim', () => {
  it('not_named fails the case when a finding names the published item', async () => {
    const result = await runCase(loose, ruleCaseSchema.parse({ name: 'c', expect: 'finding', findings: [{ path: '/api/posts', items: [{ id: '2' }] }], not_named: [{ id: '1' }], exchanges }), '/tmp');
    expect(result.passed).toBe(false);
    expect(result.problems).toEqual(['the finding at http://127.0.0.1:65535/api/posts names {"id":"1","status":"publish"}, which must not be named (not_named)']);
  });

  it('exact fails the case when the finding names more than the items listed', async () => {
    const result = await runCase(loose, ruleCaseSchema.parse({ name: 'c', expect: 'finding', findings: [{ path: '/api/posts', items: [{ id: '2' }], exact: true }], exchanges }), '/tmp');
    expect(result.passed).toBe(false);
    expect(result.problems[0]).toMatch(/^no finding at http:\/\/127\.0\.0\.1:65535\/api\/posts names exactly 1 item\(s\)/);
  });

  it('both pass when the finding names exactly what the case says', async () => {
    const result = await runCase(loose, ruleCaseSchema.parse({ name: 'c', expect: 'finding', findings: [{ path: '/api/posts', items: [{ id: '1' }, { id: '2' }], exact: true }], not_named: [{ id: '3' }], exchanges }), '/tmp');
    expect(result.problems).toEqual([]);
    expect(result.passed).toBe(true);
  });
});

describe('rules validate warns about must-fire cases that prove no published item apart', () => {
  it('names the case that has items but neither not_named nor exact, and not the one that has them', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const { tempDir } = await import('../support/temp-dir.js');
    const { validateAuthoredFiles } = await import('../../src/rule-tests/validate-files.js');
    const dir = await tempDir('unproven');
    const folder = path.join(dir, 'generic');
    await mkdir(folder);
    await writeFile(path.join(folder, 'loose-posts.yaml'), looseText);
    await writeFile(
      path.join(folder, 'loose-posts.cases.yaml'),
      `rule: loose-posts
source: test
cases:
  - name: unproven
    expect: finding
    findings: [{ path: /api/posts, items: [{ id: "2" }] }]
  - name: proven
    expect: finding
    findings: [{ path: /api/posts, items: [{ id: "2" }] }]
    not_named: [{ id: "1" }]
  - name: quiet
    expect: none
`,
    );
    const { warnings } = await validateAuthoredFiles([folder]);
    expect(warnings.map((warning) => warning.message)).toEqual([expect.stringContaining('case "unproven" names items but has no not_named or exact')]);
  });
});
