import { describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse, Transport } from '../../src/core/http-types.js';
import { BranchSlots, parseRuleText, runRule, type Rule } from '../../src/engine/index.js';
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
    const outcome = await runRule(rule('bounded', 40), { target, transport: bounded, branchSlots: new BranchSlots(3) });
    expect(bounded.sent).toHaveLength(40);
    expect(bounded.mostAtOnce()).toBe(3);

    const unbounded = slowTransport();
    const reference = await runRule(rule('bounded', 40), { target, transport: unbounded, branchSlots: new BranchSlots(1000) });
    expect(unbounded.mostAtOnce()).toBe(40);
    expect(found(outcome.findings.map((finding) => finding.url))).toEqual(found(reference.findings.map((finding) => finding.url)));
    expect(outcome.findings).toHaveLength(14);
  });

  it('rules that share the slots share the bound', async () => {
    const transport = slowTransport();
    const slots = new BranchSlots(4);
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

describe('BranchSlots', () => {
  const later = <T>(value: T, ms = 1): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

  it('gives results in item order, runs at most its concurrency at once, and the oldest batch first', async () => {
    const slots = new BranchSlots(2);
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const run = (tag: string) => async (n: number) => {
      started.push(`${tag}${n}`);
      running += 1;
      most = Math.max(most, running);
      await later(null, (n * 7) % 4);
      running -= 1;
      return `${tag}${n * 10}`;
    };
    const [a, b] = await Promise.all([slots.map([1, 2, 3, 4], run('a')), slots.map([1, 2], run('b'))]);
    expect(a).toEqual(['a10', 'a20', 'a30', 'a40']);
    expect(b).toEqual(['b10', 'b20']);
    expect(most).toBe(2);
    // Batch a's branches all start before batch b's: a free slot takes the oldest batch's next one.
    expect(started.slice(0, 4)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(await slots.map([], run('c'))).toEqual([]);
  });

  it('rejects a batch at its first failure, starts none of its other branches, and the other batches go on', async () => {
    const slots = new BranchSlots(1);
    const started: number[] = [];
    const failing = slots.map([1, 2, 3], async (n) => {
      started.push(n);
      if (n === 1) throw new Error('one failed');
      return n;
    });
    const other = slots.map([7, 8], async (n) => later(n));
    await expect(failing).rejects.toThrow('one failed');
    expect(await other).toEqual([7, 8]);
    expect(started).toEqual([1]);
    // A run that throws before it returns a promise is a failure of its batch, not of the caller.
    await expect(slots.map([1], () => { throw new Error('at once'); })).rejects.toThrow('at once');
    expect(await slots.map([5], async (n) => n)).toEqual([5]);
  });

  it('refuses a concurrency that is not a whole number of at least 1', () => {
    expect(() => new BranchSlots(0)).toThrow(RangeError);
    expect(() => new BranchSlots(1.5)).toThrow(RangeError);
  });
});
