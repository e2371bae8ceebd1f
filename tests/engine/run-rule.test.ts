import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/core/errors.js';
import type { Transport } from '../../src/core/http-types.js';
import { BranchSlots, parseRuleText, runRule, type Rule } from '../../src/engine/index.js';
import { MswTransport } from '../support/msw-transport.js';

const target = 'http://127.0.0.1:65535';

function rule(yaml: string, id = 'test-rule'): Rule {
  const head = `id: ${id}
name: Test rule
severity: high
confidence: high
cms: [generic]
description: A rule written for an engine test.
remediation: Nothing to fix.
references: [https://example.org/doc]
`;
  const { rule: parsed, errors } = parseRuleText(`/virtual/${id}.yaml`, head + yaml);
  expect(errors.map((error) => error.message)).toEqual([]);
  return parsed as Rule;
}

const baselineVsPreview = rule(
  `steps:
  - id: public
    request: { path: /api/posts }
    extract:
      - { name: public_ids, json: "json[].id" }
  - id: preview
    request: { path: /api/posts?preview=1 }
    match:
      all:
        - status: 200
        - json: "let $p = public_ids in type(json) == 'array' && length(json[?!contains($p, id)]) > \`0\`"
finding:
  message: "{{count}} item(s) only in the preview list"
  items: "let $p = public_ids in json[?!contains($p, id)].{id: to_string(id), status: state}"
`,
  'baseline-vs-preview',
);

/** A list step, then a probe of each item the list names: the step ids are the caller's. */
function listThenItems(listId: string, itemId: string): Rule {
  return rule(`steps:
  - id: ${listId}
    request: { path: /list }
    extract: [{ name: ids, json: "json.ids" }]
  - id: ${itemId}
    for_each: { in: ids, as: entry }
    request: { path: "/item/{{entry}}" }
    match: { status: 200 }
finding:
  message: "item {{entry}} is readable"
`);
}

/** Items 1 and 3 answer themselves, item 2 the catch-all page; the list holds that text too. */
const catchAllItemSite = [
  // Only the proving step's answers are judged, so the list's text does not count.
  http.get(`${target}/list`, () => HttpResponse.json({ ids: [1, 2, 3], page: 'the catch-all page' })),
  http.get(`${target}/item/:id`, ({ params }) => HttpResponse.text(params['id'] === '2' ? 'the catch-all page' : `item ${String(params['id'])}`)),
];

const refuseCatchAll = (response: { body: string }): string | undefined => (response.body.includes('catch-all') ? 'looks like the catch-all page' : undefined);

describe('runRule', () => {
  it('compares a baseline with a probe and names only the items the probe adds', async () => {
    const transport = new MswTransport([
      http.get(`${target}/api/posts`, ({ request }) =>
        new URL(request.url).searchParams.get('preview')
          ? HttpResponse.json([{ id: 1, state: 'published' }, { id: 2, state: 'draft' }, { id: 3, state: 'scheduled' }])
          : HttpResponse.json([{ id: 1, state: 'published' }]),
      ),
    ]);
    const outcome = await runRule(baselineVsPreview, { target, transport });
    expect(outcome.failures).toEqual([]);
    expect(outcome.findings).toHaveLength(1);
    const [finding] = outcome.findings;
    expect(finding?.items).toEqual([{ id: '2', status: 'draft' }, { id: '3', status: 'scheduled' }]);
    expect(finding?.message).toBe('2 item(s) only in the preview list');
    expect(finding?.urls).toEqual([`${target}/api/posts`, `${target}/api/posts?preview=1`]);
    expect(transport.requests.map((request) => request.url)).toEqual([`${target}/api/posts`, `${target}/api/posts?preview=1`]);
  });

  it('stays silent when the probe returns nothing beyond the baseline', async () => {
    const transport = new MswTransport([http.get(`${target}/api/posts`, () => HttpResponse.json([{ id: 1, state: 'published' }]))]);
    const outcome = await runRule(baselineVsPreview, { target, transport });
    expect(outcome.findings).toEqual([]);
    expect(outcome.trace.at(-1)?.stopped).toBe('match did not hold');
  });

  it('probes at most `max` items of a for_each and says how many it skipped', async () => {
    const forEach = rule(`steps:
  - id: list
    request: { path: /list }
    extract: [{ name: ids, json: "json" }]
  - id: item
    for_each: { in: ids, as: entry, max: 3 }
    request: { path: "/item/{{entry}}" }
    match: { status: 200 }
finding:
  message: "item {{entry}} is readable"
`);
    const transport = new MswTransport([
      http.get(`${target}/list`, () => HttpResponse.json([1, 2, 3, 4, 5, 6, 7])),
      http.get(`${target}/item/:id`, () => HttpResponse.text('ok')),
    ]);
    const outcome = await runRule(forEach, { target, transport });
    expect(outcome.findings.map((finding) => finding.url)).toEqual([`${target}/item/1`, `${target}/item/2`, `${target}/item/3`]);
    expect(transport.requests).toHaveLength(4);
    expect(outcome.trace.some((step) => step.stopped?.includes('4 of 7 items skipped'))).toBe(true);
  });

  it('drops a proof rejectProof refuses as each answer matches, and asks it only of the proving step', async () => {
    const events: string[] = [];
    class LoggingTransport extends MswTransport {
      override async send(request: Parameters<Transport['send']>[0]) {
        events.push(`send ${new URL(request.url).pathname}`);
        return super.send(request);
      }
    }
    const rejectProof = (response: { url: string; body: string }): string | undefined => {
      events.push(`check ${new URL(response.url).pathname}`);
      return refuseCatchAll(response);
    };
    // One branch at a time, so the order shows when each answer is judged.
    const outcome = await runRule(listThenItems('list', 'item'), { target, transport: new LoggingTransport(catchAllItemSite), rejectProof, branchSlots: new BranchSlots(1) });
    expect(outcome.findings.map((finding) => finding.url)).toEqual([`${target}/item/1`, `${target}/item/3`]);
    expect(events).toEqual(['send /list', 'send /item/1', 'check /item/1', 'send /item/2', 'check /item/2', 'send /item/3', 'check /item/3']);
    expect(outcome.trace).toContainEqual({ step: 'finding', url: `${target}/item/2`, status: 200, stopped: 'finding dropped: looks like the catch-all page' });
  });

  it('judges only the proving step\'s answers, even when an earlier step shares its id', async () => {
    // Nothing makes step ids unique; the proving step is the last one, by place.
    const outcome = await runRule(listThenItems('s', 's'), { target, transport: new MswTransport(catchAllItemSite), rejectProof: refuseCatchAll });
    expect(outcome.findings.map((finding) => finding.url)).toEqual([`${target}/item/1`, `${target}/item/3`]);
  });

  it('records a failed probe and still finishes the other branches', async () => {
    const forEach = rule(`steps:
  - id: item
    for_each: { in: '\`["/a", "/b"]\`', as: route }
    request: { path: "{{route}}" }
    match: { word: secret }
finding:
  message: "{{route}} leaks"
`);
    const failing: Transport = {
      async send(request) {
        if (request.url.endsWith('/a')) throw new ProbeError('DL_HEADERS_TIMEOUT', request.url, 'no headers within 300 ms');
        return new MswTransport([http.get(`${target}/b`, () => HttpResponse.text('a secret'))]).send(request);
      },
    };
    const outcome = await runRule(forEach, { target, transport: failing });
    expect(outcome.failures).toEqual([{ ruleId: 'test-rule', step: 'item', url: `${target}/a`, code: 'DL_HEADERS_TIMEOUT', message: 'no headers within 300 ms' }]);
    expect(outcome.findings.map((finding) => finding.url)).toEqual([`${target}/b`]);
  });

  it('keeps credentials out of evidence and masks tokens it quotes', async () => {
    const leaky = rule(`steps:
  - id: config
    request:
      path: /config.js
      headers: { authorization: "Bearer rule-supplied-secret-1234" }
    match: { regex: "previewToken" }
finding:
  message: "a preview token is shipped: {{body}}"
`);
    const transport = new MswTransport([
      http.get(`${target}/config.js`, () =>
        HttpResponse.text('window.cfg = { previewToken: "AbCdEfGhIjKlMnOpQrStUv12" }', { headers: { 'set-cookie': 'session=abc123456789' } }),
      ),
    ]);
    const [finding] = (await runRule(leaky, { target, transport })).findings;
    const serialised = JSON.stringify(finding);
    expect(finding).toBeDefined();
    expect(serialised).not.toContain('rule-supplied-secret-1234');
    expect(serialised).not.toContain('abc123456789');
    expect(serialised).not.toContain('AbCdEfGhIjKlMnOpQrStUv12');
    expect(serialised).toContain('AbCd');
  });

  it('gives the same fingerprint across runs even when the exposed items change', async () => {
    const run = async (ids: number[]) => {
      const transport = new MswTransport([
        http.get(`${target}/api/posts`, ({ request }) =>
          HttpResponse.json(new URL(request.url).searchParams.get('preview') ? ids.map((id) => ({ id, state: 'draft' })) : []),
        ),
      ]);
      const fixed = rule(`steps:
  - id: preview
    request: { path: /api/posts?preview=1 }
    match: { json: "length(json) > \`0\`" }
finding:
  message: "drafts"
  items: "json[].{id: to_string(id)}"
`);
      return (await runRule(fixed, { target, transport })).findings[0]?.fingerprint;
    };
    const first = await run([5, 6]);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(await run([5, 6])).toBe(first);
    expect(await run([7])).toBe(first);
  });

  it('treats a non-JSON answer as "no match" rather than crashing a JSON matcher', async () => {
    const transport = new MswTransport([http.get(`${target}/api/posts`, () => HttpResponse.html('<html>hello</html>'))]);
    const outcome = await runRule(baselineVsPreview, { target, transport });
    expect(outcome.findings).toEqual([]);
    expect(outcome.failures).toEqual([]);
  });

  describe('an expression that fails at run time leaves its matcher unknown', () => {
    const html = () => new MswTransport([http.get(`${target}/api/items`, () => HttpResponse.html('<html>error</html>'))]);
    const single = (match: string) =>
      rule(
        `steps:
  - id: items
    request: { path: /api/items }
    match:
${match}
finding:
  message: "found"
`,
      );

    it('not of an unknown is unknown: no finding on an HTML error page, and the error is the rule\'s failure at that step', async () => {
      const outcome = await runRule(single(`      not: { json: "length(json.items) > \`0\`" }`), { target, transport: html() });
      expect(outcome.findings).toEqual([]);
      expect(outcome.failures).toHaveLength(1);
      expect(outcome.failures[0]).toMatchObject({ ruleId: 'test-rule', step: 'items', code: 'DL_RULE_RUNTIME' });
      expect(outcome.failures[0]?.message).toContain('length()');
      expect(outcome.trace.find((step) => step.step === 'items')?.stopped).toMatch(/unknown/);
    });

    it('a JSON matcher on a body that is not JSON only sees null: false, and no failure', async () => {
      const outcome = await runRule(single(`      not: { json: "json.items" }`), { target, transport: html() });
      expect(outcome.findings).toHaveLength(1);
      expect(outcome.failures).toEqual([]);
    });

    it('false beats unknown in all, true beats unknown in any', async () => {
      const allFalse = await runRule(single(`      all: [ { status: 404 }, { json: "length(json.items) > \`0\`" } ]`), { target, transport: html() });
      expect(allFalse.findings).toEqual([]);
      expect(allFalse.failures).toEqual([]);
      const anyTrue = await runRule(single(`      any: [ { status: 200 }, { json: "length(json.items) > \`0\`" } ]`), { target, transport: html() });
      expect(anyTrue.findings).toHaveLength(1);
      expect(anyTrue.failures).toEqual([]);
      const anyUnknown = await runRule(single(`      any: [ { status: 404 }, { json: "length(json.items) > \`0\`" } ]`), { target, transport: html() });
      expect(anyUnknown.findings).toEqual([]);
      expect(anyUnknown.failures.map((failure) => failure.code)).toEqual(['DL_RULE_RUNTIME']);
    });
  });

  it('the response document shows truncated, the redirects taken and the final url', async () => {
    const seen: Transport = {
      async send(request) {
        return {
          requestedUrl: request.url,
          url: `${target}/final`,
          status: 200,
          statusText: 'OK',
          headers: { 'content-type': 'application/json' },
          body: '[1,2]',
          truncated: true,
          bytes: 5,
          redirects: [`${target}/moved`, `${target}/final`],
          durationMs: 0,
        };
      },
    };
    const probe = rule(
      `steps:
  - id: page
    request: { path: /start }
    extract:
      - { name: seen, json: "{url: url, truncated: truncated, redirects: redirects, json: json}", first: true }
    match:
      json: "truncated && length(redirects) == \`2\` && url == '${target}/final'"
finding:
  message: "{{seen.url}}"
`,
    );
    const outcome = await runRule(probe, { target, transport: seen });
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.trace[0]?.extracted?.seen).toEqual({ url: `${target}/final`, truncated: true, redirects: [`${target}/moved`, `${target}/final`], json: null });
  });

  it('a value that is not a URL (<img src="http://%%%/x.png">) costs only its branch; the real bucket finding stays', async () => {
    const { builtinRulesDir, loadRules } = await import('../../src/engine/index.js');
    const { rules } = await loadRules([`${builtinRulesDir}generic/s3-bucket-listing.yaml`]);
    const bucket = 'http://127.0.0.1:65534';
    const transport: Transport = {
      isInScope: (url) => url.startsWith(target) || url.startsWith(bucket),
      send: (request) => new MswTransport([
        http.get(`${target}/`, () => HttpResponse.html(`<img src="http://%%%/x.png"><img src="${bucket}/uploads/a.png">`)),
        http.get(`${bucket}/`, () => HttpResponse.xml('<ListBucketResult><Key>uploads/draft-launch.png</Key></ListBucketResult>')),
      ]).send(request),
    };
    const outcome = await runRule(rules[0]!.rule, { target, transport });
    expect(outcome.findings.map((finding) => finding.items.map((item) => item.url))).toEqual([[`${bucket}/uploads/draft-launch.png`]]);
    expect(outcome.failures).toEqual([expect.objectContaining({ code: 'DL_INVALID_URL', step: 'bucket' })]);
  });

  it('a step that throws on hostile data is recorded with its step, and the other branches go on', async () => {
    const throwing = rule(`steps:
  - id: list
    for_each: { in: '\`["/a", "/b"]\`', as: p, max: 5 }
    request: { path: "{{p}}" }
    match:
      all:
        - status: 200
finding:
  message: "{{p}} answered"
`, 'throwing-rule');
    const transport: Transport = {
      send: async (request) => {
        if (request.url.endsWith('/a')) throw new TypeError('hostile data broke a parser');
        return new MswTransport([http.get(`${target}/b`, () => HttpResponse.text('ok'))]).send(request);
      },
    };
    const outcome = await runRule(throwing, { target, transport });
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.failures).toEqual([expect.objectContaining({ code: 'DL_RULE_RUNTIME', step: 'list', url: `${target}/a` })]);
  });

  it('does not run the extractors of a step whose match a response-only child already failed, and runs them otherwise', async () => {
    const gated = rule(`steps:
  - id: page
    request: { path: /page }
    extract:
      - { name: token, json: "json.token" }
    match:
      all:
        - json: "token != null"
        - regex: '(?i)vendor-sdk'
finding:
  message: "a token"
`);
    const answer = (body: string) => new MswTransport([http.get(`${target}/page`, () => HttpResponse.text(body))]);
    const unrelated = await runRule(gated, { target, transport: answer('plain page, {"token": "x"}') });
    expect(unrelated.failures).toEqual([]);
    expect(unrelated.findings).toEqual([]);
    expect(unrelated.trace.at(-1)).toMatchObject({ extracted: {}, stopped: 'match did not hold (so the extractors were not run)', match: { matcher: 'all', ok: false } });

    const named = await runRule(gated, { target, transport: answer('uses Vendor-SDK here') });
    // The marker is there: the extractor ran, on a body that is not JSON (token is null), and the match missed on it.
    expect(named.trace.at(-1)).toMatchObject({ extracted: { token: null }, stopped: 'match did not hold' });
  });

  it("reads an earlier step's body, JSON and status in later steps, through every step between (answers are carried without what nothing reads)", async () => {
    // steps.first's body and JSON are read two steps later; steps.second's status only, so its
    // body is not carried: the finding is the same as with every answer carried whole.
    const chained = rule(
      `steps:
  - id: first
    request: { path: /first }
  - id: second
    request: { path: "/second/{{steps.first.json.next}}" }
  - id: third
    request: { path: /third }
    match:
      all:
        - json: "contains(steps.first.body, 'marker-in-body') && steps.second.status == \`200\`"
finding:
  message: "first said {{steps.first.json.next}}, second answered {{steps.second.status}}"
`,
      'chained-steps',
    );
    const transport = new MswTransport([
      http.get(`${target}/first`, () => HttpResponse.json({ next: 'n-1', note: 'marker-in-body' })),
      http.get(`${target}/second/n-1`, () => HttpResponse.text('a long second body nobody reads')),
      http.get(`${target}/third`, () => HttpResponse.text('third')),
    ]);
    const outcome = await runRule(chained, { target, transport });
    expect(outcome.failures).toEqual([]);
    expect(outcome.findings.map((finding) => finding.message)).toEqual(['first said n-1, second answered 200']);
    expect(outcome.findings[0]?.response.bodyExcerpt).toBe('third');
  });

  it('shows the steps in the order they ran, and the document with the variables first (keys(@), values(steps))', async () => {
    const ordered = rule(
      `steps:
  - id: first
    request: { path: /first }
    extract:
      - { name: marker, json: "json.m" }
  - id: second
    request: { path: /second }
    match:
      all:
        - json: "values(steps)[0].json.m == 'one' && join(',', keys(steps)) == 'first,second'"
        - json: "keys(@)[0] == 'marker'"
finding:
  message: "steps {{keys(steps)}}, marker {{marker}}"
`,
      'ordered-steps',
    );
    const transport = new MswTransport([
      http.get(`${target}/first`, () => HttpResponse.json({ m: 'one' })),
      http.get(`${target}/second`, () => HttpResponse.json({ m: 'two' })),
    ]);
    const outcome = await runRule(ordered, { target, transport });
    expect(outcome.failures).toEqual([]);
    expect(outcome.findings.map((finding) => finding.message)).toEqual(['steps first,second, marker one']);
  });
});
