import { describe, expect, it, type TestContext } from 'vitest';
import {
  billionLaughsSitemap,
  brotliBomb,
  canaryFile,
  deeplyNestedJson,
  externalEntitySitemap,
  gzipBomb,
  hugeJson,
  passwdFirstLine,
  robotsDeclaring,
  startHostileSite,
  wordpressDebugLog,
  wordpressHome,
  type HostileServer,
  type HostileSiteOptions,
  type Trap,
} from './support/hostile-servers.js';
import {
  cutShortCodes,
  expectFailureRecorded,
  expectNowhere,
  expectScanned,
  expectValidReports,
  scanInProcess,
} from './support/run-scan.js';

/**
 * Bodies built to exhaust memory or parsers: compression bombs, huge and deeply nested JSON,
 * entity tricks in sitemaps. Every case runs a real in-process scan and ends with a written,
 * schema-valid report that records the refused body; secrets from local files never appear.
 */

const hangGuardMs = 60_000;

async function site(context: TestContext, traps: Record<string, Trap>, options?: HostileSiteOptions): Promise<HostileServer> {
  const server = await startHostileSite(traps, options);
  context.onTestFinished(() => server.close());
  return server;
}

describe.concurrent('hostile servers: bombs, huge bodies and parser traps', () => {
  it('a gzip bomb (10 GiB of zeros as Content-Encoding: gzip) on a page: refused or cut, recorded', async (context) => {
    const server = await site(context, { '/trap/gzip-bomb': gzipBomb() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/trap/gzip-bomb'), cutShortCodes);
  }, hangGuardMs);

  it('a brotli bomb (10 GiB of zeros as Content-Encoding: br) on a page: refused or cut, recorded', async (context) => {
    const server = await site(context, { '/trap/br-bomb': brotliBomb() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/trap/br-bomb'), cutShortCodes);
  }, hangGuardMs);

  it('gzip and brotli bombs as declared sitemaps: refused, recorded', async (context) => {
    const server = await site(context, {
      '/robots.txt': robotsDeclaring(['/sitemap-gzip.xml', '/sitemap-br.xml']),
      '/sitemap-gzip.xml': gzipBomb(10 * 1024 ** 3, 'application/xml'),
      '/sitemap-br.xml': brotliBomb(10 * 1024 ** 3, 'application/xml'),
    });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/sitemap-gzip.xml'), cutShortCodes);
    expectFailureRecorded(reports, server.url('/sitemap-br.xml'), cutShortCodes);
  }, hangGuardMs);

  it('a 50 MB JSON on every API path of a WordPress-like site: cut and recorded, and the real finding survives', async (context) => {
    const server = await site(
      context,
      { '/': wordpressHome(['/trap/huge.json']), '/trap/huge.json': hugeJson(), '/wp-content/debug.log': wordpressDebugLog() },
      { fallback: hugeJson() },
    );
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expect(reports.sarif.runs[0]?.results.map((result) => result.ruleId)).toContain('wp-debug-log-exposed');
    // The crawl never fetches a .json link as a page; the rules' API probes get the 50 MB body,
    // read only up to the cap, and say so.
    const cut = (reports.json?.targets[0]?.failures ?? []).filter((failure) => failure.code === 'DL_BODY_TRUNCATED');
    expect(cut.length, JSON.stringify(reports.json?.targets[0]?.failures)).toBeGreaterThan(0);
  }, hangGuardMs);

  it('JSON nested 200,000 deep on every API path: no crash, the other rules still report', async (context) => {
    const server = await site(
      context,
      { '/': wordpressHome(['/trap/deep.json']), '/trap/deep.json': deeplyNestedJson(), '/wp-content/debug.log': wordpressDebugLog() },
      { fallback: deeplyNestedJson() },
    );
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    // A rule that chokes on the document loses only that branch; the debug log is still found.
    expect(reports.sarif.runs[0]?.results.map((result) => result.ruleId)).toContain('wp-debug-log-exposed');
    for (const failure of reports.json?.targets[0]?.failures ?? []) expect(failure.message).not.toMatch(/Maximum call stack/i);
  }, hangGuardMs);

  it('a billion-laughs sitemap: refused, recorded, never expanded', async (context) => {
    const server = await site(context, { '/robots.txt': robotsDeclaring(['/sitemap-laughs.xml']), '/sitemap-laughs.xml': billionLaughsSitemap() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expect((reports.jsonText ?? '').split('lol').length).toBeLessThan(100);
    expect(server.requests.some((target) => target.includes('lol'))).toBe(false);
    expectFailureRecorded(reports, server.url('/sitemap-laughs.xml'), /BAD_RESPONSE|ENTITY|DTD/);
  }, hangGuardMs);

  it('an external-entity sitemap (file:///etc/passwd and a canary file): refused, recorded, no file content anywhere', async (context) => {
    const canary = await canaryFile();
    context.onTestFinished(() => canary.remove());
    const server = await site(context, {
      '/robots.txt': robotsDeclaring(['/sitemap-xxe.xml']),
      '/sitemap-xxe.xml': externalEntitySitemap([canary.file, '/etc/passwd']),
    });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectNowhere(canary.secret, reports.sarifText, reports.jsonText, server.requests.join('\n'));
    const passwd = passwdFirstLine();
    if (passwd !== undefined) expectNowhere(passwd, reports.sarifText, reports.jsonText, server.requests.join('\n'));
    expectFailureRecorded(reports, server.url('/sitemap-xxe.xml'), /BAD_RESPONSE|ENTITY|DTD/);
  }, hangGuardMs);
});
