import { http, HttpResponse as MswResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/core/errors.js';
import type { DiscoveredDocument } from '../../src/core/discovered.js';
import type { HttpRequest } from '../../src/core/http-types.js';
import { isTokenVendorHost } from '../../src/core/token-vendors.js';
import { parseRuleText, runRule, type Rule } from '../../src/engine/index.js';
import { createUndiciTransport } from '../../src/http/index.js';
import { MswTransport } from '../support/msw-transport.js';

// Storyblok's Content Delivery API as documented: version=draft with a preview token answers the
// draft stories; a public token answers 401 for drafts (storyblok.com/docs/api/content-delivery/v2).
const storyblok = [
  http.get('https://api.storyblok.com/v2/cdn/stories', ({ request }) => {
    const url = new URL(request.url);
    const token = url.searchParams.get('token');
    if (url.searchParams.get('version') !== 'draft') return MswResponse.json({ stories: [] });
    if (token === 'previewpreviewpreview0tt') return MswResponse.json({ stories: [{ id: 1, full_slug: 'launch', published_at: null }], cv: 1 });
    return MswResponse.json({ error: 'Unauthorized' }, { status: 401 });
  }),
];

/** The msw vendor API behind the same scope rule as the real transport. */
class VendorTransport extends MswTransport {
  constructor(private readonly target: string, private readonly verifyTokens: boolean) {
    super(storyblok);
  }
  isInScope(url: string, request: Pick<HttpRequest, 'verifyToken'> = {}): boolean {
    const parsed = new URL(url);
    return parsed.origin === this.target || (request.verifyToken === true && this.verifyTokens && isTokenVendorHost(parsed));
  }
  override async send(request: HttpRequest) {
    if (request.url.includes('token=timeouttimeouttimeout1tt')) throw new ProbeError('DL_HEADERS_TIMEOUT', request.url, 'no answer');
    return super.send(request);
  }
}

const parsed = parseRuleText(
  '/virtual/test-storyblok-token.yaml',
  `id: test-storyblok-token
name: Storyblok token in a bundle
severity: high
confidence: medium
cms: [generic]
description: Test rule.
remediation: Nothing.
references: [https://www.storyblok.com/docs/api/content-delivery/v2]
steps:
  - id: bundle
    discovered: { kinds: [script] }
    extract:
      - { name: token, regex: 'accessToken:"([A-Za-z0-9]{22}tt)"', secret: true }
    match:
      all:
        - regex: 'storyblok'
        - json: "length(token) > \`0\`"
  - id: verify
    request:
      url: "https://api.storyblok.com/v2/cdn/stories?version=draft&token={{token}}"
      verify: true
    match:
      all:
        - status: 200
        - json: "type(json.stories) == 'array'"
finding:
  message: "a Storyblok token ({{verification}}) in {{steps.bundle.url}}"
  items: "[{id: mask_token(token[0]), url: steps.bundle.url}]"
`,
);
if (!parsed.rule) throw new Error(parsed.errors.map((error) => error.message).join("\n"));
const rule = parsed.rule as Rule;

const target = 'http://127.0.0.1:9';
const bundle = (token: string): DiscoveredDocument => ({ kind: 'script', url: `${target}/app.js`, status: 200, headers: {}, body: `import "storyblok-js-client";const c={accessToken:"${token}"}`, truncated: false });

describe('verify steps', () => {
  it('without --verify-tokens nothing reaches the vendor and the finding says "not asked"', async () => {
    const transport = new VendorTransport(target, false);
    const outcome = await runRule(rule, { target, transport, documents: [bundle('previewpreviewpreview0tt')] });
    expect(transport.requests).toEqual([]);
    expect(outcome.findings.map((finding) => [finding.verification, finding.message])).toEqual([['not-asked', `a Storyblok token (not-asked) in ${target}/app.js`]]);
    expect(JSON.stringify(outcome)).not.toContain('previewpreviewpreview0tt');
  });

  it('with it: verified, unverified, unknown, one call each, and the finding still stands on the bundle', async () => {
    const verdicts: Array<[string, string | undefined]> = [];
    for (const token of ['previewpreviewpreview0tt', 'publicpublicpublicpubltt', 'timeouttimeouttimeout1tt']) {
      const transport = new VendorTransport(target, true);
      const outcome = await runRule(rule, { target, transport, documents: [bundle(token)], verifyTokens: true });
      expect(transport.requests).toHaveLength(token.startsWith('timeout') ? 0 : 1);
      expect(outcome.findings).toHaveLength(1);
      expect(outcome.findings[0]?.url).toBe(`${target}/app.js`);
      verdicts.push([token.slice(0, 7), outcome.findings[0]?.verification]);
    }
    expect(verdicts).toEqual([
      ['preview', 'verified'],
      ['publicp', 'unverified'],
      ['timeout', 'unknown'],
    ]);
  });

  it('the real transport lets a verify call reach a vendor API host only with --verify-tokens, and nothing else', async () => {
    const off = createUndiciTransport({ target });
    const on = createUndiciTransport({ target, verifyTokens: true });
    const vendor = 'https://api.storyblok.com/v2/cdn/stories?version=draft&token=x';
    expect(off.isInScope(vendor, { verifyToken: true })).toBe(false);
    expect(on.isInScope(vendor, { verifyToken: true })).toBe(true);
    // Not a verify call, or not a vendor host, or not https: out of scope all the same.
    expect(on.isInScope(vendor)).toBe(false);
    expect(on.isInScope('https://evil.example/v2/cdn/stories', { verifyToken: true })).toBe(false);
    expect(on.isInScope('http://api.storyblok.com/v2/cdn/stories', { verifyToken: true })).toBe(false);
    expect(on.isInScope('https://myproject.api.sanity.io/v2021-10-21/data/query/production', { verifyToken: true })).toBe(true);
    expect(on.isInScope('https://api.sanity.io.evil.example/', { verifyToken: true })).toBe(false);
    await expect(off.send({ method: 'GET', url: vendor, verifyToken: true })).rejects.toMatchObject({ code: 'DL_OUT_OF_SCOPE' });
    // The transport reuses the URL an isInScope call parsed for the send that follows: allowed
    // there as a verify call, the same URL sent as an ordinary request is still refused.
    expect(on.isInScope(vendor, { verifyToken: true })).toBe(true);
    await expect(on.send({ method: 'GET', url: vendor })).rejects.toMatchObject({ code: 'DL_OUT_OF_SCOPE' });
    await off.close();
    await on.close();
  });

  it('rules validate refuses a verify step that is not the last, or that loops', () => {
    const early = parseRuleText('/virtual/x.yaml', `id: x
name: x
severity: high
confidence: high
cms: [generic]
description: x
remediation: x
references: [https://example.org/]
steps:
  - id: first
    request: { url: "https://api.storyblok.com/v2/cdn/stories", verify: true }
    match: { status: 200 }
  - id: second
    request: { path: / }
    match: { status: 200 }
finding:
  message: x
`);
    expect(early.errors.map((error) => error.message).join('\n')).toMatch(/verify: true is for the last step/);
  });
});

describe('cases can state what the verify step said', () => {
  it('a case expecting "unverified" fails when the vendor accepted the token, and passes when it says "verified"', async () => {
    const { ruleCaseSchema } = await import('../../src/rule-tests/case-schema.js');
    const { runCase } = await import('../../src/rule-tests/run-cases.js');
    const token = 'previewpreviewpreview0tt';
    const base = {
      name: 'c',
      expect: 'finding',
      verify_tokens: true,
      discovered: [{ kind: 'script', request: { path: '/app.js' }, response: { status: 200, body: `import "storyblok-js-client";const c={accessToken:"${token}"}` } }],
      exchanges: [{ request: { url: `https://api.storyblok.com/v2/cdn/stories?version=draft&token=${token}` }, response: { status: 200, json: { stories: [] } } }],
    };
    const wrong = await runCase(rule, ruleCaseSchema.parse({ ...base, findings: [{ path: '/app.js', verification: 'unverified' }] }), '/tmp');
    expect(wrong.problems).toEqual(['no finding at http://127.0.0.1:65535/app.js has verification unverified; got verified']);
    const right = await runCase(rule, ruleCaseSchema.parse({ ...base, findings: [{ path: '/app.js', verification: 'verified' }] }), '/tmp');
    expect(right.problems).toEqual([]);
  });
});

describe('one call per token', () => {
  it('the same token in a page, its bundle and its source map is verified with one vendor call', async () => {
    const transport = new VendorTransport(target, true);
    const token = 'previewpreviewpreview0tt';
    const documents = [bundle(token), { ...bundle(token), url: `${target}/vendor.js` }, { ...bundle(token), url: `${target}/app.js.map` }];
    const outcome = await runRule(rule, { target, transport, documents, verifyTokens: true });
    expect(transport.requests).toHaveLength(1);
    expect(outcome.findings.map((finding) => finding.verification)).toEqual(['verified', 'verified', 'verified']);
  });
});
