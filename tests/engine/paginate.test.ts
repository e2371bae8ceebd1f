import { afterEach, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/expression.js';
import { parseRuleText, runRule, type Rule } from '../../src/engine/index.js';
import { createUndiciTransport } from '../../src/http/index.js';
import { Cleanup, startLoopbackServer } from '../support/loopback-server.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const rule = (next: string, max = 10): Rule => {
  const { rule: parsed, errors } = parseRuleText(
    '/virtual/paged-drafts.yaml',
    `id: paged-drafts
name: Drafts on any page
severity: high
confidence: high
cms: [generic]
description: Test rule.
remediation: Nothing.
references: [https://example.org/doc]
steps:
  - id: list
    request: { path: "/api/posts?page=1" }
    paginate: { next: "${next}", max: ${max} }
    match:
      all:
        - status: 200
        - json: "length(json.data[?status == 'draft']) > \`0\`"
finding:
  message: "drafts on {{url}}"
  items: "json.data[?status == 'draft'].{id: to_string(id), status: status}"
`,
  );
  expect(errors.map((error) => error.message)).toEqual([]);
  return parsed as Rule;
};

async function pagedSite(style: 'body' | 'link') {
  return cleanup.add(
    await startLoopbackServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const page = Number(url.searchParams.get('page') ?? '1');
      // Five pages; only page 4 holds a draft. Page 5 points back at page 1 (a loop).
      const data = page === 4 ? [{ id: 40, status: 'draft' }, { id: 41, status: 'publish' }] : [{ id: page * 10, status: 'publish' }];
      const next = page < 5 ? `/api/posts?page=${page + 1}` : '/api/posts?page=1';
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (style === 'link') headers.link = `<http://127.0.0.1:1/elsewhere>; rel="prev", <${next}>; rel="next"`;
      res.writeHead(200, headers).end(JSON.stringify({ data, ...(style === 'body' ? { links: { next } } : {}) }));
    }),
  );
}

describe('paginate', () => {
  it('follows json.links.next page by page, each page its own branch, and stops on a loop', async () => {
    const site = await pagedSite('body');
    const transport = cleanup.add(createUndiciTransport({ target: site.origin, rateLimitPerHost: 0 }));
    const outcome = await runRule(rule('json.links.next'), { target: site.origin, transport });
    expect(outcome.findings.map((finding) => [finding.url, finding.items])).toEqual([[`${site.origin}/api/posts?page=4`, [{ id: '40', status: 'draft' }]]]);
    expect(site.requests.map((request) => request.url)).toEqual([1, 2, 3, 4, 5].map((page) => `/api/posts?page=${page}`));
    expect(outcome.notes).toBeUndefined();
  });

  it("follows a Link: rel=next header with link_rel(), and says when the page cap left pages unread", async () => {
    const site = await pagedSite('link');
    const transport = cleanup.add(createUndiciTransport({ target: site.origin, rateLimitPerHost: 0 }));
    const outcome = await runRule(rule("link_rel(headers.link, 'next')", 3), { target: site.origin, transport });
    expect(outcome.findings).toEqual([]);
    expect(site.requests).toHaveLength(3);
    expect(outcome.notes).toEqual(['step list: more pages were not read on 1 branch(es) (paginate max 3)']);
  });

  it('link_rel reads RFC 8288 headers', () => {
    expect(evaluate("link_rel(h, 'next')", { h: '<https://h/?page=2>; rel="next", <https://h/?page=9>; rel="last"' })).toBe('https://h/?page=2');
    expect(evaluate("link_rel(h, 'next')", { h: '<https://h/a>; rel="prev next"' })).toBe('https://h/a');
    expect(evaluate("link_rel(h, 'next')", { h: '<https://h/a>; rel=prev' })).toBe(null);
    expect(evaluate("link_rel(h, 'next')", { h: null })).toBe(null);
  });
});

describe('keepTrace', () => {
  it('false keeps no trace (a scan without --explain) and changes nothing else; the default keeps every step', async () => {
    const site = await pagedSite('body');
    const transport = cleanup.add(createUndiciTransport({ target: site.origin, rateLimitPerHost: 0 }));
    const traced = await runRule(rule('json.links.next'), { target: site.origin, transport });
    const untraced = await runRule(rule('json.links.next'), { target: site.origin, transport, keepTrace: false });
    expect(traced.trace.map((step) => step.url)).toEqual([1, 2, 3, 4, 5].map((page) => `${site.origin}/api/posts?page=${page}`));
    expect(untraced.trace).toEqual([]);
    expect(untraced.findings).toEqual(traced.findings);
    expect(untraced.notes).toEqual(traced.notes);
  });
});
