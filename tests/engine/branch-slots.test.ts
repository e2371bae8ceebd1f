import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse, Transport } from '../../src/core/http-types.js';
import { parseRuleText, runRule, type Rule } from '../../src/engine/index.js';
import { runTarget } from '../../src/scan/run-target.js';
import { createLogger } from '../../src/core/logger.js';

const target = 'http://127.0.0.1:65535';

function rule(id: string, items: number): Rule {
  const { rule: parsed, errors } = parseRuleText(
    `/virtual/${id}.yaml`,
    `id: ${id}
name: Test rule
severity: high
confidence: high
cms: [generic]
description: A rule written for an engine test.
remediation: Nothing to fix.
references: [https://example.org/doc]
steps:
  - id: each
    for_each: { in: "range(\`0\`, \`${items}\`)", as: n, max: ${items} }
    request: { path: "/${id}/{{n}}" }
    match: { all: [{ status: 200 }, { word: "draft" }] }
finding:
  message: "found {{n}}"
`,
  );
  expect(errors.map((error) => error.message)).toEqual([]);
  return parsed as Rule;
}

/**
 * Answers each request a few milliseconds later ("draft" for every third item), and records how
 * many rule requests were in the transport at once: sent, not yet answered.
 */
function slowTransport(): Transport & { sent: string[]; mostAtOnce: () => number } {
  const sent: string[] = [];
  let now = 0;
  let most = 0;
  return {
    sent,
    mostAtOnce: () => most,
    async send(request: HttpRequest): Promise<HttpResponse> {
      const { pathname } = new URL(request.url);
      const ruleRequest = /^\/[a-z0-9]+\/\d+$/.test(pathname);
      if (ruleRequest) {
        sent.push(pathname);
        now += 1;
        most = Math.max(most, now);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (ruleRequest) now -= 1;
      const n = Number(pathname.split('/')[2]);
      const draft = ruleRequest && n % 3 === 0;
      const body = draft ? 'a draft' : 'nothing here';
      return { requestedUrl: request.url, url: request.url, status: ruleRequest ? (draft ? 200 : 404) : 200, statusText: 'OK', headers: { 'content-type': 'text/plain' }, body, truncated: false, bytes: body.length, redirects: [], durationMs: 2 };
    },
  };
}

const found = (paths: string[]): string[] => paths.map((path) => new URL(path).pathname).sort();

describe('the branches of a step run in bounded slots', () => {
  it('a 40-item for_each holds at most as many requests at once as its slots, and finds the same as one slot per branch', async () => {
    const bounded = slowTransport();
    const outcome = await runRule(rule('bounded', 40), { target, transport: bounded, branchSlots: pLimit(3) });
    expect(bounded.sent).toHaveLength(40);
    expect(bounded.mostAtOnce()).toBe(3);

    const unbounded = slowTransport();
    const reference = await runRule(rule('bounded', 40), { target, transport: unbounded, branchSlots: pLimit(1000) });
    expect(unbounded.mostAtOnce()).toBe(40);
    expect(found(outcome.findings.map((finding) => finding.url))).toEqual(found(reference.findings.map((finding) => finding.url)));
    expect(outcome.findings).toHaveLength(14);
  });

  it('rules that share the slots share the bound', async () => {
    const transport = slowTransport();
    const slots = pLimit(4);
    await Promise.all(['a', 'b', 'c'].map((id) => runRule(rule(id, 20), { target, transport, branchSlots: slots })));
    expect(transport.sent).toHaveLength(60);
    expect(transport.mostAtOnce()).toBe(4);
  });

  it('a scan gives its rules twice its concurrency in slots, shared by all of them', async () => {
    const transport = slowTransport();
    const run = await runTarget({
      target,
      rules: ['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => ({ rule: rule(id, 30), file: `/virtual/${id}.yaml` })),
      fingerprints: [],
      transport,
      concurrency: 2,
      crawlLimits: { maxPages: 1 },
      choice: { allRules: true },
      logger: createLogger('silent'),
      traffic: () => ({ requestsSent: transport.sent.length, answers: transport.sent.length, usefulAnswers: transport.sent.length }),
    });
    expect(run.result.findings).toHaveLength(5 * 10);
    expect(transport.sent).toHaveLength(150);
    // Two rules at a time, so at most 2 x 30 branches ready; the slots let 4 of them ask at once.
    expect(transport.mostAtOnce()).toBe(4);
  });
});
