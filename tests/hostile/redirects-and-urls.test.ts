import { describe, expect, it, type TestContext } from 'vitest';
import {
  canaryFile,
  html,
  manyLinksPage,
  passwdFirstLine,
  redirectLoop,
  redirectTo,
  startHostileSite,
  urlTricksPage,
  type HostileServer,
  type Trap,
} from './support/hostile-servers.js';
import {
  expectFailureRecorded,
  expectNowhere,
  expectScanned,
  expectValidReports,
  notifications,
  scanInProcess,
} from './support/run-scan.js';

/**
 * Redirects and links that try to leave the target (another port, other schemes, local files)
 * or to walk out of its paths, and a page with more links than any budget. Every case runs a
 * real in-process scan and ends with a written, schema-valid report.
 */

const hangGuardMs = 60_000;

async function site(context: TestContext, traps: Record<string, Trap>): Promise<HostileServer> {
  const server = await startHostileSite(traps);
  context.onTestFinished(() => server.close());
  return server;
}

/** A server that must never be contacted: it counts connections, not only requests. */
async function bystander(context: TestContext): Promise<HostileServer> {
  return site(context, { '/': html('<html><body>bystander</body></html>') });
}

describe.concurrent('hostile servers: redirects and URL tricks', () => {
  it('a redirect loop: followed a bounded number of times, recorded', async (context) => {
    const server = await site(context, { '/trap/loop': redirectLoop() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/trap/loop'), /TOO_MANY_REDIRECTS/);
    // Bounded: the default is 5 hops; a retry of the whole chain would still stay small.
    expect(server.hits('/trap/loop')).toBeLessThanOrEqual(20);
  }, hangGuardMs);

  it('a redirect to another loopback port: not followed, recorded, the other port never contacted', async (context) => {
    const other = await bystander(context);
    const server = await site(context, { '/trap/other-port': redirectTo(`${other.origin}/stolen`) });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/trap/other-port'), /REDIRECT_OUT_OF_SCOPE/);
    expect(other.connections).toBe(0);
  }, hangGuardMs);

  for (const [name, location] of [
    ['file:///etc/passwd', 'file:///etc/passwd'],
    ['javascript:alert(1)', 'javascript:alert(1)'],
    ['ftp://127.0.0.1/pub/', 'ftp://127.0.0.1/pub/'],
    ['a protocol-relative URL to another port', '//127.0.0.1:9/x'],
  ] as const) {
    it(`a redirect to ${name}: not followed, recorded`, async (context) => {
      const server = await site(context, { '/trap/redirect': redirectTo(location) });
      const reports = await scanInProcess([server.origin]);
      expectValidReports(reports);
      expectScanned(reports.sarif);
      expectFailureRecorded(reports, server.url('/trap/redirect'), /REDIRECT_OUT_OF_SCOPE|INVALID_URL|BAD_RESPONSE/);
      const passwd = passwdFirstLine();
      if (passwd !== undefined) expectNowhere(passwd, reports.sarifText, reports.jsonText);
    }, hangGuardMs);
  }

  it('a redirect to a local canary file: its content never reaches a report', async (context) => {
    const canary = await canaryFile();
    context.onTestFinished(() => canary.remove());
    const server = await site(context, { '/trap/redirect-file': redirectTo(`file://${canary.file}`) });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectFailureRecorded(reports, server.url('/trap/redirect-file'), /REDIRECT_OUT_OF_SCOPE|INVALID_URL|BAD_RESPONSE/);
    expectNowhere(canary.secret, reports.sarifText, reports.jsonText);
  }, hangGuardMs);

  it('percent-encoding and Unicode tricks in links: no dot segment, backslash or foreign host is ever requested', async (context) => {
    const other = await bystander(context);
    const server = await site(context, { '/': urlTricksPage(other.origin) });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    for (const target of server.requests) {
      const pathname = target.split('?')[0] ?? target;
      expect(pathname, 'a request still carries a dot segment').not.toMatch(/(^|\/)(\.|%2e){2}(\/|$)/i);
      expect(pathname, 'a request still carries a single-dot segment').not.toMatch(/(^|\/)(\.|%2e)(\/|$)/i);
      expect(pathname, 'a request carries a raw backslash').not.toContain('\\');
    }
    // The other loopback port (linked directly, with credentials, and protocol-relative) and
    // the .invalid hosts are out of scope: never contacted, and never reported as failed probes.
    expect(other.connections).toBe(0);
    for (const notification of notifications(reports.sarif)) {
      expect(notification.message.text).not.toMatch(/CONNECTION_FAILED.*(invalid|xn--)/);
      expect(notification.message.text).not.toContain('user:pass');
    }
    const passwd = passwdFirstLine();
    if (passwd !== undefined) expectNowhere(passwd, reports.sarifText, reports.jsonText);
  }, hangGuardMs);

  it('a page with 100,000 links: the crawl keeps to its page budget and says so', async (context) => {
    const server = await site(context, { '/': manyLinksPage(100_000) });
    const reports = await scanInProcess([server.origin], { maxPages: 12 });
    expectValidReports(reports);
    expectScanned(reports.sarif);
    const crawled = server.requests.filter((target) => target.startsWith('/many/'));
    expect(crawled.length).toBeGreaterThan(0);
    expect(crawled.length).toBeLessThanOrEqual(12);
    const target = reports.json?.targets[0];
    expect(target?.discovery?.pagesCrawled ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(12);
    // The budget that ended the crawl is named with the flag that raises it.
    expect(target?.discovery?.notes.join('\n')).toMatch(/--max-pages/);
  }, hangGuardMs);
});
