import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  backtrackingBodyPage,
  backtrackingMetaPage,
  ghostGeneratorMeta,
  ghostHome,
  hugeGzipSitemap,
  hugeRobots,
  robotsDeclaring,
  selfSignedCertificate,
  startHostileSite,
  type HostileServer,
  type HostileSiteOptions,
  type Trap,
} from './support/hostile-servers.js';
import { expectCliWroteSarif, hostileFlags, notifications, runCliBinary } from './support/run-scan.js';

/**
 * Cases where the process is what matters: a page that would pin the CPU in a regex (nothing
 * in-process could time it out), a sitemap that crashed the process, a robots.txt big enough to
 * make a quadratic pass hang, and TLS refusal, whose exit code and written report are the point.
 * Each runs the built CLI binary (`npm test` builds dist/ first) with a kill timer, so a hang
 * shows as "killed by the test harness" instead of stalling the suite.
 */

const killAfterMs = 60_000;
const testTimeoutMs = 75_000;

async function site(context: TestContext, traps: Record<string, Trap>, options?: HostileSiteOptions): Promise<HostileServer> {
  const server = await startHostileSite(traps, options);
  context.onTestFinished(() => server.close());
  return server;
}

let tls: { key: string; cert: string };
beforeAll(async () => {
  tls = await selfSignedCertificate();
});

describe.concurrent('hostile servers through the CLI binary', () => {
  it('a 92 KB page of unclosed <meta name=… content=… attributes: fingerprinting ends, report written', async (context) => {
    const server = await site(context, { '/': backtrackingMetaPage(92 * 1024) });
    const result = await runCliBinary([server.origin, ...hostileFlags()], { killAfterMs });
    const sarif = expectCliWroteSarif(result);
    expect(result.code === 0 || result.code === 1, `exit ${result.code}: ${result.stderr.slice(-500)}`).toBe(true);
    expect(sarif.runs[0]?.invocations[0]?.executionSuccessful).toBe(true);
    expect(server.hits('/')).toBeGreaterThan(0);
  }, testTimeoutMs);

  it('a 128 KB unclosed <body class=… on a Ghost preview link: the preview rule ends, report written', async (context) => {
    const preview = '/p/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/';
    const server = await site(context, { '/': ghostHome([preview]), [preview]: backtrackingBodyPage(128 * 1024, ghostGeneratorMeta) });
    const result = await runCliBinary([server.origin, ...hostileFlags()], { killAfterMs });
    const sarif = expectCliWroteSarif(result);
    expect(result.code === 0 || result.code === 1, `exit ${result.code}: ${result.stderr.slice(-500)}`).toBe(true);
    expect(sarif.runs[0]?.invocations[0]?.executionSuccessful).toBe(true);
    // The Ghost rules ran and fetched the trap, so its regexes did meet the page.
    expect(server.hits(preview)).toBeGreaterThan(0);
  }, testTimeoutMs);

  it('a gzip sitemap of 1,000,000 entries: no crash, report written, the sitemap (or its cap) named', async (context) => {
    const server = await site(context, { '/robots.txt': robotsDeclaring(['/sitemap-1m.xml.gz']), '/sitemap-1m.xml.gz': hugeGzipSitemap(1_000_000) });
    const result = await runCliBinary([server.origin, ...hostileFlags()], { killAfterMs });
    const sarif = expectCliWroteSarif(result);
    expect(result.stderr).not.toMatch(/Maximum call stack/);
    expect(result.code === 0 || result.code === 1, `exit ${result.code}: ${result.stderr.slice(-500)}`).toBe(true);
    expect(sarif.runs[0]?.invocations[0]?.executionSuccessful).toBe(true);
    expect(server.hits('/sitemap-1m.xml.gz')).toBeGreaterThan(0);
    // A million entries is beyond any cap: the report says which cap cut the sitemap.
    const texts = notifications(sarif).map((notification) => notification.message.text);
    expect(texts.some((text) => text.includes('/sitemap-1m.xml.gz')), `notifications: ${JSON.stringify(texts)}`).toBe(true);
  }, testTimeoutMs);

  it('a 10 MB robots.txt: no hang, report written, the cut named', async (context) => {
    const server = await site(context, { '/robots.txt': hugeRobots(10 * 1024 * 1024) });
    const result = await runCliBinary([server.origin, ...hostileFlags()], { killAfterMs });
    const sarif = expectCliWroteSarif(result);
    expect(result.code === 0 || result.code === 1, `exit ${result.code}: ${result.stderr.slice(-500)}`).toBe(true);
    expect(sarif.runs[0]?.invocations[0]?.executionSuccessful).toBe(true);
    const texts = notifications(sarif).map((notification) => notification.message.text);
    expect(texts.some((text) => text.includes('/robots.txt')), `notifications: ${JSON.stringify(texts)}`).toBe(true);
    // Disallow paths are hints, not a crawl list: the budget still holds.
    expect(server.requests.filter((target) => target.startsWith('/private-')).length).toBeLessThanOrEqual(12);
  }, testTimeoutMs);

  it('a self-signed TLS server is refused: exit 2, a report saying why, and not one HTTP request sent', async (context) => {
    const server = await site(context, {}, { tls });
    const result = await runCliBinary([server.origin, ...hostileFlags()], { killAfterMs });
    expect(result.code).toBe(2);
    const sarif = expectCliWroteSarif(result);
    expect(sarif.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    const texts = notifications(sarif).map((notification) => `${notification.descriptor?.id ?? ''} ${notification.message.text}`);
    expect(texts.some((text) => /TLS|CERT/i.test(text) && text.includes(server.origin)), `notifications: ${JSON.stringify(texts)}`).toBe(true);
    expect(server.connections).toBeGreaterThan(0);
    expect(server.requests).toEqual([]);
  }, testTimeoutMs);

  it('the same self-signed TLS server with --insecure: scanned, report written', async (context) => {
    const server = await site(context, {}, { tls });
    const result = await runCliBinary([server.origin, ...hostileFlags(['--insecure'])], { killAfterMs });
    const sarif = expectCliWroteSarif(result);
    expect(result.code, result.stderr.slice(-500)).toBe(0);
    expect(sarif.runs[0]?.invocations[0]?.executionSuccessful).toBe(true);
    expect(server.hits('/')).toBeGreaterThan(0);
  }, testTimeoutMs);
});
