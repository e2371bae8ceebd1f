import { describe, expect, it } from 'vitest';
import type { HttpRequest, Transport } from '../../src/core/http-types.js';
import { maxRequestsPerRule, parseRuleText, runRule, type Rule } from '../../src/engine/index.js';

const target = 'http://127.0.0.1:65535';

function rule(steps: string): Rule {
  const { rule: parsed, errors } = parseRuleText(
    '/virtual/budget-rule.yaml',
    `id: budget-rule
name: Test rule
severity: high
confidence: high
cms: [generic]
description: A rule written for an engine test.
remediation: Nothing to fix.
references: [https://example.org/doc]
steps:
${steps}
finding:
  message: "found"
`,
  );
  expect(errors.map((error) => error.message)).toEqual([]);
  return parsed as Rule;
}

/** Answers 200 with an empty JSON object to everything, and keeps what was asked. */
function countingTransport(): Transport & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    async send(request) {
      sent.push(request);
      return { requestedUrl: request.url, url: request.url, status: 200, statusText: 'OK', headers: {}, body: '{}', truncated: false, bytes: 2, redirects: [], durationMs: 0 };
    },
  };
}

describe('what a rule leaves unprobed is in its outcome, not only in the trace', () => {
  it('items past a for_each cap are a note: N of M items not probed', async () => {
    const transport = countingTransport();
    const outcome = await runRule(
      rule(`  - id: each
    for_each: { in: "range(\`0\`, \`7\`)", as: n, max: 3 }
    request: { path: "/item/{{n}}" }
    match: { status: 404 }`),
      { target, transport },
    );
    expect(transport.sent.map((request) => new URL(request.url).pathname)).toEqual(['/item/0', '/item/1', '/item/2']);
    expect(outcome.notes).toEqual(['step each: 4 of 7 items not probed (for_each max 3)']);
  });

  it('a rule under every cap has no notes', async () => {
    const outcome = await runRule(rule(`  - id: one\n    request: { path: / }\n    match: { status: 200 }`), { target, transport: countingTransport() });
    expect(outcome.notes).toBeUndefined();
    expect(outcome.findings).toHaveLength(1);
  });

  it('nested for_each caps do not multiply past the per-rule request budget, and what was dropped is said', async () => {
    const transport = countingTransport();
    const outcome = await runRule(
      rule(`  - id: outer
    for_each: { in: "range(\`0\`, \`30\`)", as: a, max: 30 }
    request: { path: "/a/{{a}}" }
    match: { status: 200 }
  - id: inner
    for_each: { in: "range(\`0\`, \`30\`)", as: b, max: 30 }
    request: { path: "/a/{{a}}/b/{{b}}" }
    match: { status: 404 }`),
      { target, transport },
    );
    // 30 outer requests, then 900 inner branches of which only the rest of the budget is sent.
    expect(transport.sent).toHaveLength(maxRequestsPerRule);
    expect(transport.sent.filter((request) => request.url.includes('/b/'))).toHaveLength(maxRequestsPerRule - 30);
    expect(outcome.notes).toEqual([`step inner: ${900 - (maxRequestsPerRule - 30)} request(s) not sent (budget of ${maxRequestsPerRule} requests per rule spent)`]);
    // The budget is spent in branch order: the first inner branches are the ones probed.
    expect(new URL(transport.sent[30]?.url ?? '').pathname).toBe('/a/0/b/0');
  });

  it('every branch of a step has its first page before any branch reads its second: the budget goes to items in order, every run alike', async () => {
    // 60 items whose every page links to a next one (10 pages each): 600 pages wanted, 200 sent.
    // Read page by page in slots, the first branches' later pages took the budget before later
    // items were asked at all, and which ones depended on timing (29 to 31 of 60 items asked).
    const paged = rule(`  - id: each
    for_each: { in: "range(\`0\`, \`60\`)", as: n, max: 100 }
    request: { path: "/item/{{n}}" }
    paginate: { next: json.next, max: 10 }
    match: { json: "json.draft" }`);
    for (let run = 0; run < 3; run += 1) {
      const sent: string[] = [];
      const transport: Transport = {
        async send(request) {
          sent.push(request.url);
          // Answers in no fixed order, as a real server's do.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
          const url = new URL(request.url);
          const page = Number(url.searchParams.get('page') ?? '1');
          const body = JSON.stringify({ draft: true, next: `${url.pathname}?page=${page + 1}` });
          return { requestedUrl: request.url, url: request.url, status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, body, truncated: false, bytes: body.length, redirects: [], durationMs: 0 };
        },
      };
      const outcome = await runRule(paged, { target, transport });
      const firstPages = sent.filter((url) => !url.includes('page='));
      expect(sent).toHaveLength(maxRequestsPerRule);
      expect(firstPages).toEqual(Array.from({ length: 60 }, (_, n) => `${target}/item/${n}`));
      expect(outcome.notes?.some((note) => /^step each: \d+ request\(s\) not sent \(budget of 200 requests per rule spent\)$/.test(note))).toBe(true);
    }
  });
});
