import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import type { DiscoveredDocument } from '../../src/core/discovered.js';
import { scanConfigSchema } from '../../src/config/scan-config.js';
import { parseRuleText, runRule, type Rule } from '../../src/engine/index.js';
import { scan } from '../../src/scan/scan.js';
import { Cleanup, startLoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

// A token shipped in a bundle, read from what the crawl fetched; the second step proves it
// works by asking the site's own preview API with it.
const ruleHead = (id: string, name: string) => `id: ${id}
name: ${name}
severity: high
confidence: high
cms: [generic]
description: Test rule.
remediation: Nothing.
references: [https://example.org/doc]
`;

const tokenRule = `${ruleHead('test-bundle-token', 'A preview token in a bundle')}steps:
  - id: bundle
    discovered: { kinds: [script] }
    extract:
      - { name: token, regex: 'previewToken:"([a-z0-9]{16})"' }
    match:
      all:
        - regex: 'previewToken:"[a-z0-9]{16}"'
  - id: preview
    request: { path: "/api/preview?token={{token}}", identity: anonymous }
    match:
      all:
        - status: 200
        - json: "json.drafts[0].status == 'draft'"
finding:
  message: "a preview token in {{steps.bundle.url}} reads drafts"
  items: "json.drafts[].{id: id, status: status}"
`;

function parse(text: string): Rule {
  const { rule, errors } = parseRuleText('/virtual/test-bundle-token.yaml', text);
  expect(errors.map((error) => `${error.message}`)).toEqual([]);
  return rule as Rule;
}

const neverSend = {
  send: () => Promise.reject(new Error('a discovered step must not send a request')),
};

describe('discovered steps read what the crawl fetched', () => {
  it('forks one branch per document of the kinds asked, sends nothing for them, and says it read them', async () => {
    const rule = parse(tokenRule.replace(/  - id: preview[\s\S]*?finding:/, 'finding:').replace('items: "json.drafts[].{id: id, status: status}"', 'items: "[{id: token[0]}]"'));
    const documents: DiscoveredDocument[] = [
      { kind: 'html', url: 'http://127.0.0.1:9/', status: 200, headers: { 'content-type': 'text/html' }, body: 'previewToken:"aaaaaaaaaaaaaaaa"', truncated: false },
      { kind: 'script', url: 'http://127.0.0.1:9/app.js', status: 200, headers: { 'content-type': 'text/javascript' }, body: 'x={previewToken:"bbbbbbbbbbbbbbbb"}', truncated: false },
      { kind: 'script', url: 'http://127.0.0.1:9/vendor.js', status: 200, headers: { 'content-type': 'text/javascript' }, body: 'nothing here', truncated: false },
    ];
    const outcome = await runRule(rule, { target: 'http://127.0.0.1:9', transport: neverSend, documents });
    // The HTML page holds a token too, but the step reads scripts only.
    expect(outcome.findings.map((finding) => [finding.url, finding.items])).toEqual([['http://127.0.0.1:9/app.js', [{ id: 'bbbbbbbbbbbbbbbb' }]]]);
    expect(outcome.failures).toEqual([]);
  });

  it('a step with both request and discovered, or discovered with for_each, is refused where it is written', () => {
    const both = parseRuleText('/virtual/x.yaml', tokenRule.replace('    discovered: { kinds: [script] }', '    discovered: { kinds: [script] }\n    request: { path: / }'));
    expect(both.errors.map((error) => error.message).join('\n')).toMatch(/give exactly one of request or discovered/);
    const forEach = parseRuleText('/virtual/x.yaml', tokenRule.replace('    discovered: { kinds: [script] }', '    discovered: { kinds: [script] }\n    for_each: { in: "`[1]`" }'));
    expect(forEach.errors.map((error) => error.message).join('\n')).toMatch(/takes no for_each/);
  });

  it('in a scan: the bundle is fetched once, by the crawl, and the rule reads it from there', async () => {
    const site = cleanup.add(
      await startLoopbackServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (url.pathname === '/') res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><script src="/static/app.js"></script></head><body>Home</body></html>');
        else if (url.pathname === '/static/app.js') res.writeHead(200, { 'content-type': 'application/javascript' }).end('const cfg={previewToken:"0123456789abcdef"};');
        else if (url.pathname === '/api/preview' && url.searchParams.get('token') === '0123456789abcdef') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ drafts: [{ id: '7', status: 'draft' }] }));
        else res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
      }),
    );
    const dir = await tempDir('discovered');
    await writeFile(path.join(dir, 'test-bundle-token.yaml'), tokenRule);
    const config = scanConfigSchema.parse({ targets: [`${site.origin}/`], rateLimit: 0, builtinRules: false, rulePaths: [dir] });
    const { result } = await scan(config, createLogger('silent'), 'test');
    const findings = result.targets[0]?.findings ?? [];
    expect(findings.map((finding) => [finding.ruleId, finding.items])).toEqual([['test-bundle-token', [{ id: '7', status: 'draft' }]]]);
    expect(findings[0]?.message).toBe(`a preview token in ${site.origin}/static/app.js reads drafts`);
    expect(site.requests.filter((request) => request.url === '/static/app.js')).toHaveLength(1);
  });
});

describe('a discovered step past its max', () => {
  it('in a scan: reads the first max pages, and the report says the crawl fetched more', async () => {
    const pages = ['/', '/a/', '/b/', '/c/'];
    const site = cleanup.add(
      await startLoopbackServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (!pages.includes(url.pathname)) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
        const links = url.pathname === '/' ? '<a href="/a/">a</a><a href="/b/">b</a><a href="/c/">c</a>' : '';
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body>${links}<script>previewToken:"${url.pathname.replaceAll('/', '').padEnd(16, 'x')}"</script></body></html>`);
      }),
    );
    const rule = `${ruleHead('test-page-token', 'A token in a page')}steps:
  - id: page
    discovered: { kinds: [html], max: 2 }
    extract:
      - { name: token, regex: 'previewToken:"([a-z]{16})"' }
    match:
      all:
        - regex: 'previewToken:"[a-z]{16}"'
finding:
  message: "a token in {{steps.page.url}}"
`;
    const dir = await tempDir('discovered-max');
    await writeFile(path.join(dir, 'test-page-token.yaml'), rule);
    const config = scanConfigSchema.parse({ targets: [`${site.origin}/`], rateLimit: 0, builtinRules: false, rulePaths: [dir] });
    const { result } = await scan(config, createLogger('silent'), 'test');
    const target = result.targets[0];
    expect((target?.findings ?? []).map((finding) => finding.message).sort()).toEqual([`a token in ${site.origin}/`, `a token in ${site.origin}/a/`]);
    expect(target?.discovery?.notes).toContain('rule test-page-token step page: read the first 2 crawled documents of its kinds; the crawl fetched more, not read (discovered max 2)');
  });
});

describe('secret extractors', () => {
  it('send the value to later steps but show it masked in the trace', async () => {
    const site = cleanup.add(
      await startLoopbackServer((req, res) => {
        const ok = (req.url ?? '').includes('token=0123456789abcdef');
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { drafts: [{ id: '7', status: 'draft' }] } : {}));
      }),
    );
    const { createUndiciTransport } = await import('../../src/http/index.js');
    const transport = cleanup.add(createUndiciTransport({ target: site.origin, rateLimitPerHost: 0 }));
    const rule = parse(tokenRule.replace("      - { name: token, regex: 'previewToken:\"([a-z0-9]{16})\"' }", "      - { name: token, regex: 'previewToken:\"([a-z0-9]{16})\"', secret: true }"));
    const documents: DiscoveredDocument[] = [{ kind: 'script', url: `${site.origin}/app.js`, status: 200, headers: {}, body: 'previewToken:"0123456789abcdef"', truncated: false }];
    const outcome = await runRule(rule, { target: site.origin, transport, documents });
    expect(outcome.findings).toHaveLength(1);
    const trace = JSON.stringify(outcome.trace.map((step) => step.extracted ?? {}));
    expect(trace).not.toContain('0123456789abcdef');
    expect(trace).toMatch(/0123…#[0-9a-f]{8}/);
  });
});
