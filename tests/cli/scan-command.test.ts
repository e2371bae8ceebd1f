import { tempDir } from '../support/temp-dir.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import { validateSarif } from '../report/sarif-schema.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const wordpressDraftList = JSON.stringify([
  { id: 7, date_gmt: '2024-05-01T10:00:00', slug: 'draft-1', status: 'draft', type: 'post', link: '/?p=7' },
  { id: 4, date_gmt: '2024-04-01T10:00:00', slug: 'published-1', status: 'publish', type: 'post', link: '/published-1/' },
]);
const uploadsListing =
  '<html><head><title>Index of /wp-content/uploads/</title></head><body><h1>Index of /wp-content/uploads/</h1><pre><a href="../">../</a>\n<a href="draft.png">draft.png</a></pre></body></html>';

/** A WordPress-like site; `leakDrafts` decides whether the critical REST exposure is present. */
async function wordpressSite(options: { leakDrafts: boolean; homeHtml?: string; redirectHomeTo?: string; redirect?: { from: string; to: string } }): Promise<LoopbackServer> {
  const server = await startLoopbackServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/' && options.redirectHomeTo) {
      res.writeHead(302, { location: options.redirectHomeTo }).end();
    } else if (options.redirect !== undefined && url === options.redirect.from) {
      res.writeHead(302, { location: options.redirect.to }).end();
    } else if (url === '/') {
      // Enough WordPress signals for the fingerprint pass: the rules are gated on it.
      const home = options.homeHtml ?? '<html><body>home</body></html>';
      res
        .writeHead(200, { 'content-type': 'text/html', link: `<http://${req.headers.host}/wp-json/>; rel="https://api.w.org/"` })
        .end(home.replace('<html>', '<html><head><meta name="generator" content="WordPress 6.4.2"></head>'));
    } else if (url === '/wp-json/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'Test', namespaces: ['oembed/1.0', 'wp/v2'], routes: {} }));
    } else if (url === '/wp-json/wp/v2/posts?per_page=100' && options.leakDrafts) {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(wordpressDraftList);
    } else if (url === '/wp-content/uploads/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(uploadsListing);
    } else {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>Page not found</title></html>');
    }
  });
  servers.push(server);
  return server;
}

describe('draftleak scan (in-process, through the program factory)', () => {
  it('writes schema-valid SARIF and exits 1 when findings reach --fail-on', async () => {
    const site = await wordpressSite({ leakDrafts: true });
    const io = captureIo();
    const code = await runCli(['scan', site.origin, '--format', 'sarif', '--rate-limit', '0'], io);
    expect(code).toBe(1);
    const sarif = JSON.parse(io.out) as { runs: { results: { ruleId: string }[] }[] };
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.runs[0]?.results.map((result) => result.ruleId).sort()).toEqual(['wp-rest-unpublished-posts', 'wp-uploads-directory-listing']);
  });

  it('exits 0 with --fail-on critical when only lower findings exist', async () => {
    const site = await wordpressSite({ leakDrafts: false });
    const io = captureIo();
    const code = await runCli(['scan', site.origin, '--fail-on', 'critical', '--format', 'json', '--rate-limit', '0'], io);
    expect(code).toBe(0);
    const report = JSON.parse(io.out) as { targets: { findings: { ruleId: string; severity: string }[] }[] };
    expect(report.targets[0]?.findings.map((finding) => [finding.ruleId, finding.severity])).toEqual([['wp-uploads-directory-listing', 'medium']]);
    // and the same site fails the default threshold
    expect(await runCli(['scan', site.origin, '--format', 'json', '--rate-limit', '0'], captureIo())).toBe(1);
  });

  it('exits 2 with one clear line when the target port is closed, and still writes a report that says so', async () => {
    const closed = await startLoopbackServer((_req, res) => res.end());
    const origin = closed.origin;
    await closed.close();
    const io = captureIo();
    expect(await runCli(['scan', origin], io)).toBe(2);
    // The report exists (a CI upload step finds a file) and is not a clean result.
    const sarif = JSON.parse(io.out) as { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { descriptor: { id: string } }[] }[]; results: unknown[] }[] };
    expect(sarif.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    expect(sarif.runs[0]?.invocations[0]?.toolExecutionNotifications.map((n) => n.descriptor.id)).toEqual(['DL_SCAN_INCOMPLETE', 'DL_CONNECTION_FAILED']);
    // The reason, then the summary line every scan ends with.
    expect(io.err.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^draftleak: cannot scan ${origin}.*refused`)),
      expect.stringMatching(/^draftleak: 1 target, 1 request, 1 failure \(1 DL_CONNECTION_FAILED\), 0 findings, \d+\.\d s$/),
    ]);
  });

  it('exits 2 on bad flags and names the problem', async () => {
    const io = captureIo();
    expect(await runCli(['scan', 'http://127.0.0.1:9/', '--header', 'no colon here'], io)).toBe(2);
    expect(io.err).toContain('is not of the form "Name: value"');
    const other = captureIo();
    expect(await runCli(['scan', 'ftp://127.0.0.1/'], other)).toBe(2);
    expect(other.err).toContain('http:// or https://');
  });

  it('sends the user\'s headers but never writes them into any report', async () => {
    const site = await wordpressSite({ leakDrafts: true });
    const dir = await tempDir('cli');
    for (const format of ['sarif', 'json', 'text']) {
      const file = path.join(dir, `out.${format}`);
      const io = captureIo();
      await runCli(
        ['scan', site.origin, '--format', format, '-o', file, '--rate-limit', '0', '--header', 'Cookie: wordpress_logged_in_abc=hunter2secret', '--header', 'Authorization: Bearer sk-user-own-token-999'],
        io,
      );
      const written = await readFile(file, 'utf8');
      expect(written).not.toContain('hunter2secret');
      expect(written).not.toContain('sk-user-own-token-999');
      expect(io.out).toBe('');
      expect(io.err).toContain(`wrote ${file}`);
    }
    expect(site.requests.some((request) => request.headers.cookie === 'wordpress_logged_in_abc=hunter2secret')).toBe(true);
  });

  it('never contacts another loopback port that the target links or redirects to, unless allowed', async () => {
    const other = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' }).end('<ListBucketResult><Contents><Key>draft.png</Key></Contents></ListBucketResult>');
    });
    servers.push(other);
    const linking = await wordpressSite({ leakDrafts: false, homeHtml: `<html><body><img src="${other.origin}/draft.png"></body></html>` });
    const linkingIo = captureIo();
    await runCli(['scan', linking.origin, '--format', 'json', '--rate-limit', '0'], linkingIo);
    // A redirect elsewhere than the target's own first answer is not followed to another port.
    const redirecting = await wordpressSite({ leakDrafts: false, homeHtml: '<html><body><a href="/go/">Go</a></body></html>', redirect: { from: '/go/', to: `${other.origin}/` } });
    await runCli(['scan', redirecting.origin, '--format', 'json', '--rate-limit', '0'], captureIo());
    expect(other.connections).toBe(0);
    expect(other.requests).toEqual([]);
    const report = JSON.parse(linkingIo.out) as { targets: { failures: unknown[]; discovery: { notes: string[] } }[] };
    // Not a failed probe: the host was never asked, and the report says so once.
    expect(report.targets[0]?.failures).toEqual([]);
    expect(report.targets[0]?.discovery.notes).toContainEqual(`not probed, out of scope (allow with --allow-host to include them): ${other.origin}`);

    const allowedIo = captureIo();
    await runCli(['scan', linking.origin, '--format', 'json', '--rate-limit', '0', '--allow-host', new URL(other.origin).host], allowedIo);
    expect(other.requests.map((request) => request.url)).toEqual(['/']);
    const allowed = JSON.parse(allowedIo.out) as { targets: { findings: { ruleId: string }[] }[] };
    expect(allowed.targets[0]?.findings.map((finding) => finding.ruleId)).toContain('s3-bucket-listing');
  });
});

describe('draftleak rules list and --version', () => {
  it('lists the built-in rules as JSON', async () => {
    const io = captureIo();
    expect(await runCli(['rules', 'list', '--json'], io)).toBe(0);
    const rules = JSON.parse(io.out) as { id: string; severity: string }[];
    expect(rules.map((rule) => rule.id)).toContain('strapi-v5-public-drafts');
    expect(rules.every((rule) => ['info', 'low', 'medium', 'high', 'critical'].includes(rule.severity))).toBe(true);
  });

  it('prints the version from package.json', async () => {
    const io = captureIo();
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out.trim()).toBe(pkg.version);
  });

  it('exits 2 for an unknown command', async () => {
    const io = captureIo();
    expect(await runCli(['scna', 'http://127.0.0.1/'], io)).toBe(2);
    expect(io.err).toContain('unknown command');
  });
});
