import { describe, expect, it, type TestContext } from 'vitest';
import {
  closeMidBody,
  connectionReset,
  endlessChunkedBody,
  garbageHtml,
  garbageInsteadOfHttp,
  html,
  hugeHeaders,
  serviceUnavailable,
  slowHeaders,
  startHostileSite,
  tooManyRequestsThenOk,
  tricklingBody,
  type HostileServer,
  type HostileSiteOptions,
  type Trap,
} from './support/hostile-servers.js';
import {
  cutShortCodes,
  expectFailureRecorded,
  expectScanned,
  expectSomeFailureOn,
  expectValidReports,
  notifications,
  scanInProcess,
  timeoutCodes,
} from './support/run-scan.js';

/**
 * Servers that are slow, stuck, broken at the connection level or unhelpful in their statuses.
 * Every case runs a real scan (in-process) against a real loopback server and ends with a
 * written, schema-valid report that records what went wrong. Per-test timeouts are a hang guard,
 * not a speed budget.
 */

const hangGuardMs = 60_000;

async function site(context: TestContext, traps: Record<string, Trap>, options?: HostileSiteOptions): Promise<HostileServer> {
  const server = await startHostileSite(traps, options);
  context.onTestFinished(() => server.close());
  return server;
}

describe.concurrent('hostile servers: stuck, broken and unhelpful connections', () => {
  it('slow headers (never answers): the probe times out and is recorded', async (context) => {
    const server = await site(context, { '/trap/slow-headers': slowHeaders() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/trap/slow-headers'), timeoutCodes);
  }, hangGuardMs);

  it('a body trickling one byte every 500 ms, forever: the request deadline ends it and it is recorded', async (context) => {
    const server = await site(context, { '/trap/trickle': tricklingBody(500) });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/trap/trickle'), timeoutCodes);
  }, hangGuardMs);

  it('an endless chunked body: cut at the cap or the deadline, and recorded', async (context) => {
    const server = await site(context, { '/trap/endless': endlessChunkedBody() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/trap/endless'), cutShortCodes);
  }, hangGuardMs);

  it('1 MB of response headers: an unreadable response, recorded', async (context) => {
    const server = await site(context, { '/trap/huge-headers': hugeHeaders() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/trap/huge-headers'), /BAD_RESPONSE|HEADER/);
  }, hangGuardMs);

  // Not "/trap/reset": the crawl rightly refuses links with an acting verb such as "reset".
  it('connection reset on request: recorded as a failed connection', async (context) => {
    const server = await site(context, { '/trap/connection-dropped': connectionReset() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expect(server.hits('/trap/connection-dropped')).toBeGreaterThan(0);
    expectFailureRecorded(reports, server.url('/trap/connection-dropped'), /CONNECTION_FAILED|RESET/);
  }, hangGuardMs);

  it('a server closing mid-body: recorded, not taken for a short page', async (context) => {
    const server = await site(context, { '/trap/close-mid-body': closeMidBody() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/trap/close-mid-body'), /CONNECTION_FAILED|BAD_RESPONSE/);
  }, hangGuardMs);

  it('garbage bytes instead of HTTP: an unreadable response, recorded', async (context) => {
    const server = await site(context, { '/trap/not-http': garbageInsteadOfHttp() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expectFailureRecorded(reports, server.url('/trap/not-http'), /BAD_RESPONSE/);
  }, hangGuardMs);

  it('garbage bytes served as text/html: read, survived, and the rest of the scan goes on', async (context) => {
    const server = await site(context, {
      '/trap/garbage.html': garbageHtml(),
      '/next': html('<html><body><a href="/deeper">deeper</a></body></html>'),
      '/deeper': html('<html><body>deeper</body></html>'),
    });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expect(server.hits('/trap/garbage.html')).toBeGreaterThan(0);
    // The next wave of the crawl still ran: the garbage did not end the crawl.
    expect(server.hits('/deeper')).toBeGreaterThan(0);
  }, hangGuardMs);

  it('429 with Retry-After twice, then 200: the wait is honoured and the page is read, no failure', async (context) => {
    const server = await site(context, { '/trap/429': tooManyRequestsThenOk(2, 1, '/after-429') });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    expectScanned(reports.sarif);
    expect(server.hits('/trap/429')).toBe(3);
    expect(server.hits('/after-429')).toBeGreaterThan(0);
    const url = server.url('/trap/429');
    expect(notifications(reports.sarif).filter((notification) => notification.message.text.includes(`${url}:`))).toEqual([]);
  }, hangGuardMs);

  it('503 on everything: the scan ends, and the report says the host kept refusing', async (context) => {
    const server = await site(context, { '/': serviceUnavailable() }, { fallback: serviceUnavailable() });
    const reports = await scanInProcess([server.origin]);
    expectValidReports(reports);
    // Nothing was scanned: the run must not read as clean, and a notification must say why.
    expect(reports.sarif.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    const codes = notifications(reports.sarif).map((notification) => notification.descriptor?.id ?? '');
    expect(codes.some((code) => /RETRIES_EXHAUSTED|BUDGET|UNAVAILABLE|INCOMPLETE/.test(code)), `codes: ${JSON.stringify(codes)}`).toBe(true);
  }, hangGuardMs);

  it('slow headers on every path, rules included: the scan ends and records the timeouts', async (context) => {
    const server = await site(context, { '/': slowHeaders() }, { fallback: slowHeaders() });
    const reports = await scanInProcess([server.origin], { allRules: true });
    expectValidReports(reports);
    expectSomeFailureOn(reports, server.origin, /TIMEOUT|DEADLINE|BUDGET/);
  }, hangGuardMs);
});
