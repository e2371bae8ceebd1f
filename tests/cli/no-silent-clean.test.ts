import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createTlsServer } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import { Cleanup, startLoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';
import { validateSarif } from '../report/sarif-schema.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface SarifLike {
  runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string }; descriptor: { id: string } }[] }[]; results: { ruleId: string }[] }[];
}

const wordpressHome = (host: string | undefined): string =>
  `<html><head><meta name="generator" content="WordPress 6.4.2"><link rel="https://api.w.org/" href="http://${host}/wp-json/"></head><body>home</body></html>`;

describe('a scan never reads as clean for what it could not scan', () => {
  it('a site that answers 403 to everything (a WAF) is not scanned: exit 2, executionSuccessful false', async () => {
    const waf = cleanup.add(await startLoopbackServer((_req, res) => res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Access denied</h1>')));
    const io = captureIo();
    expect(await runCli(['scan', waf.origin, '--format', 'sarif', '--rate-limit', '0'], io)).toBe(2);
    const sarif = JSON.parse(io.out) as SarifLike;
    expect(validateSarif(sarif)).toEqual([]);
    const invocation = sarif.runs[0]?.invocations[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications[0]).toMatchObject({ descriptor: { id: 'DL_SCAN_INCOMPLETE' } });
    expect(invocation?.toolExecutionNotifications[0]?.message.text).toMatch(/refusals/);
    expect(io.err).toContain('not scanned');
  });

  it('a target that redirects to another site is not followed and not scanned: exit 2, says where it went', async () => {
    const elsewhere = cleanup.add(await startLoopbackServer((_req, res) => res.end('other site')));
    // Another host name (localhost, not 127.0.0.1): another site, even on the same machine.
    const away = `http://localhost:${elsewhere.port}`;
    const redirecting = cleanup.add(await startLoopbackServer((_req, res) => res.writeHead(301, { location: `${away}/` }).end()));
    const io = captureIo();
    expect(await runCli(['scan', redirecting.origin, '--format', 'json', '--rate-limit', '0'], io)).toBe(2);
    const report = JSON.parse(io.out) as { targets: { executionSuccessful: boolean; incomplete: string }[] };
    expect(report.targets[0]?.executionSuccessful).toBe(false);
    expect(report.targets[0]?.incomplete).toContain(`redirects to another site (${away})`);
    expect(elsewhere.requests).toEqual([]);
  });

  it("a target on 127.0.0.1 whose / redirects to the same host on another port is followed once, and that port's findings are reported", async () => {
    const site = cleanup.add(
      await startLoopbackServer((req, res) => {
        if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Lab</title></head><body>Home</body></html>');
        else if (req.url === '/wp-content/uploads/') res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Index of /wp-content/uploads</title></head><body><h1>Index of /wp-content/uploads</h1><a href="2026/">2026/</a><a href="draft-plan.pdf">draft-plan.pdf</a></body></html>');
        else res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
      }),
    );
    const front = cleanup.add(await startLoopbackServer((req, res) => res.writeHead(301, { location: `${site.origin}${req.url ?? '/'}` }).end()));
    const io = captureIo();
    const code = await runCli(['scan', `${front.origin}/`, '--format', 'json', '--rate-limit', '0', '--cms', 'wordpress', '--rule', 'wp-uploads-directory-listing'], io);
    const report = JSON.parse(io.out) as { targets: { target: string; executionSuccessful: boolean; findings: { ruleId: string }[]; discovery: { notes: string[] } }[] };
    expect(report.targets[0]?.target).toBe(`${site.origin}/`);
    expect(report.targets[0]?.discovery.notes[0]).toBe(`the target ${front.origin}/ redirects to ${site.origin}/ (same site); ${site.origin} was scanned instead`);
    expect(report.targets[0]?.findings.map((finding) => finding.ruleId)).toEqual(['wp-uploads-directory-listing']);
    expect(code).toBe(1);
  });

  it('follows the target\'s own http -> https redirect once, scans the final origin, and says so', async () => {
    const dir = await tempDir('redirect-tls');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const seen: string[] = [];
    const tls = createTlsServer({ key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) }, (req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(wordpressHome(req.headers.host));
      else res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
    });
    // Default ports, as a real site has them: this test needs to bind 80 and 443 (CI runs as root).
    await new Promise<void>((resolve) => tls.listen(443, '127.0.0.1', resolve));
    cleanup.add({ close: () => new Promise<void>((resolve) => { tls.closeAllConnections(); tls.close(() => resolve()); }) });
    cleanup.add(await startLoopbackServer((req, res) => res.writeHead(301, { location: `https://127.0.0.1${req.url ?? '/'}` }).end(), { port: 80 }));
    const io = captureIo();
    const code = await runCli(['scan', 'http://127.0.0.1/', '--format', 'json', '--rate-limit', '0', '--insecure', '--max-pages', '5'], io);
    const report = JSON.parse(io.out) as { targets: { target: string; executionSuccessful: boolean; discovery: { notes: string[]; detections: { cms: string }[] } }[] };
    expect(report.targets[0]?.target).toBe('https://127.0.0.1/');
    expect(report.targets[0]?.executionSuccessful).toBe(true);
    expect(report.targets[0]?.discovery.notes[0]).toBe('the target http://127.0.0.1/ redirects to https://127.0.0.1/ (same site); https://127.0.0.1 was scanned instead');
    expect(report.targets[0]?.discovery.detections.map((detection) => detection.cms)).toContain('wordpress');
    expect(seen.length).toBeGreaterThan(3);
    expect(code).toBe(0);
  });

  it('--max-duration stops the scan, keeps what it found, and marks the report incomplete (exit 2)', async () => {
    // Every answer trickles: without the deadline the scan would run for minutes.
    const slow = cleanup.add(
      await startLoopbackServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        const timer = setInterval(() => res.write(' '), 200);
        res.on('close', () => clearInterval(timer));
      }),
    );
    const second = cleanup.add(await startLoopbackServer((_req, res) => res.end('never asked')));
    const io = captureIo();
    const code = await runCli(['scan', slow.origin, second.origin, '--format', 'json', '--rate-limit', '0', '--timeout', '20000', '--max-duration', '2'], io);
    expect(code).toBe(2);
    const report = JSON.parse(io.out) as { stopped: string; targets: { target: string; executionSuccessful: boolean; incomplete: string }[] };
    expect(report.stopped).toBe('--max-duration 2 s reached');
    expect(report.targets.map((target) => target.executionSuccessful)).toEqual([false, false]);
    expect(report.targets[0]?.incomplete).toContain('scan stopped');
    expect(report.targets[1]?.incomplete).toContain('before this target started');
    expect(second.requests).toEqual([]);
  });

  it('a rule that fails at run time makes the scan exit 2, naming the rule and step', async () => {
    const dir = await tempDir('broken-rule');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      `${dir}/broken-step.yaml`,
      `id: broken-step
name: A rule whose template cannot give a URL
severity: high
confidence: high
cms: [generic]
description: Test rule.
remediation: Nothing.
references: [https://example.org/doc]
steps:
  - id: list
    for_each: { in: '\`[["/a", "/b"]]\`', as: route, max: 5 }
    request: { url: "{{route}}" }
    match: { status: 200 }
finding:
  message: never
`,
    );
    const site = cleanup.add(await startLoopbackServer((_req, res) => res.end('<html>plain</html>')));
    const io = captureIo();
    expect(await runCli(['scan', site.origin, '--rules', dir, '--no-builtin-rules', '--format', 'json', '--rate-limit', '0'], io), io.err).toBe(2);
    expect(io.out, io.err).not.toBe('');
    const report = JSON.parse(io.out) as { targets: { failures: { code: string; ruleId: string; step: string; message: string }[] }[] };
    expect(report.targets[0]?.failures).toContainEqual(expect.objectContaining({ code: 'DL_RULE_RUNTIME', ruleId: 'broken-step', step: 'list' }));
    const text = captureIo();
    await runCli(['scan', site.origin, '--rules', dir, '--no-builtin-rules', '--format', 'text', '--rate-limit', '0'], text);
    expect(text.out).not.toContain('No exposure found (');
    expect(text.out).toMatch(/No exposure found by what could run: 1 rule\(s\) ran, 1 failed/);
  });

  it('refuses a wildcard --allow-host instead of accepting it with no effect', async () => {
    const io = captureIo();
    expect(await runCli(['scan', 'http://127.0.0.1:9/', '--allow-host', '*.api.sanity.io'], io)).toBe(2);
    expect(io.err).toContain('wildcards are not supported');
  });
});
