import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import { startConnectProxy, type ConnectProxy } from '../support/connect-proxy.js';
import { Cleanup } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';
import { startWordpressLikeSite, type WordpressLikeSite } from './wordpress-like-site.js';

/**
 * --proxy (and `proxy` in the configuration file) as a user runs it: the scan reaches the site
 * through the proxy's tunnels and no other way, finds what it finds without the proxy, and the
 * proxy's password appears in no report, no stream and no log.
 */

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const password = 'pr0xy-pa55-7f3e9a';
const authorization = `Basic ${Buffer.from(`corp:${password}`).toString('base64')}`;

async function setup(): Promise<{ site: WordpressLikeSite; relay: ConnectProxy; proxyUrl: string }> {
  const site = cleanup.add(await startWordpressLikeSite({ leakDrafts: true }));
  const relay = cleanup.add(await startConnectProxy({ requireAuthorization: authorization }));
  return { site, relay, proxyUrl: `http://corp:${password}@127.0.0.1:${relay.port}` };
}

/** Every socket the site accepted was a tunnel the proxy opened: none bypassed it. */
function expectEverythingTunnelled(site: WordpressLikeSite, relay: ConnectProxy): void {
  const opened = relay.connects.filter((connect) => connect.opened);
  expect(opened.length).toBeGreaterThan(0);
  expect(site.connections).toBe(opened.length);
  expect(new Set(relay.connects.map((connect) => connect.authority))).toEqual(new Set([`127.0.0.1:${site.port}`]));
  expect(relay.plainRequests).toEqual([]);
}

describe('scan --proxy', () => {
  it('scans through the proxy with the same findings, and its password is in no report or stream', async () => {
    const { site, relay, proxyUrl } = await setup();
    const dir = await tempDir('proxy-scan');
    const files = ['r.sarif', 'r.json', 'r.jsonl', 'r.txt', 'r.md', 'r.html', 'r.xml'].map((name) => path.join(dir, name));
    const io = captureIo();
    const code = await runCli(['scan', site.origin, '--rate-limit', '0', '--proxy', proxyUrl, ...files.flatMap((file) => ['-o', file])], io);
    expect(code, io.err).toBe(1);
    expectEverythingTunnelled(site, relay);
    expect(site.requests.length).toBeGreaterThan(5);

    const report = JSON.parse(await readFile(files[1] ?? '', 'utf8')) as { commandLine: string; targets: { findings: { ruleId: string }[] }[] };
    expect(report.targets[0]?.findings.map((finding) => finding.ruleId).sort()).toEqual(['wp-rest-unpublished-posts', 'wp-uploads-directory-listing']);
    expect(report.commandLine).toContain(`--proxy http://REDACTED@127.0.0.1:${relay.port}`);
    for (const file of files) expect(await readFile(file, 'utf8'), file).not.toContain(password);
    expect(io.out + io.err).not.toContain(password);
    expect(io.out + io.err).not.toContain(authorization.slice(6));
  });

  it('--proxy=URL is masked the same way in the command line', async () => {
    const { site, relay, proxyUrl } = await setup();
    const io = captureIo();
    await runCli(['scan', site.origin, '--rate-limit', '0', `--proxy=${proxyUrl}`, '--format', 'json', '--fail-on', 'none'], io);
    const report = JSON.parse(io.out) as { commandLine: string };
    expect(report.commandLine).toContain(`--proxy=http://REDACTED@127.0.0.1:${relay.port}`);
    expect(io.out).not.toContain(password);
  });

  it('a proxy that refuses the credentials: the target is not scanned (exit 2), the reason names the proxy, never the password', async () => {
    const { site, relay } = await setup();
    const io = captureIo();
    const code = await runCli(['scan', site.origin, '--rate-limit', '0', '--proxy', `http://corp:wrong-${password}@127.0.0.1:${relay.port}`, '--format', 'json'], io);
    expect(code).toBe(2);
    expect(io.err).toContain(`the proxy http://127.0.0.1:${relay.port} refused to open a tunnel to 127.0.0.1:${site.port} (status 407)`);
    expect(io.out + io.err).not.toContain(password);
    expect(site.connections).toBe(0);
  });

  it('refuses a bad proxy URL before anything is sent, masking its credentials', async () => {
    const { site } = await setup();
    const io = captureIo();
    expect(await runCli(['scan', site.origin, '--proxy', `socks5://corp:${password}@127.0.0.1:1080`], io)).toBe(2);
    expect(io.err).toBe('draftleak: --proxy must be an http:// or https:// proxy URL (HTTP CONNECT), got socks5://\n');
    expect(site.requests).toEqual([]);
  });
});

describe('proxy in the configuration file', () => {
  it('{ env: VARIABLE } reads the proxy URL from the environment; a missing variable is an error naming it', async () => {
    const { site, relay, proxyUrl } = await setup();
    const dir = await tempDir('proxy-config');
    const file = path.join(dir, 'draftleak.config.yaml');
    await writeFile(file, `targets: [${site.origin}]\nrateLimit: 0\nfailOn: none\nproxy: { env: DRAFTLEAK_TEST_PROXY }\n`);
    delete process.env.DRAFTLEAK_TEST_PROXY;
    const missing = captureIo();
    expect(await runCli(['scan', '--config', file], missing)).toBe(2);
    expect(missing.err).toContain(`${file}:4:15: environment variable DRAFTLEAK_TEST_PROXY (for proxy) is not set (proxy.env)`);
    expect(site.requests).toEqual([]);

    process.env.DRAFTLEAK_TEST_PROXY = proxyUrl;
    try {
      const io = captureIo();
      expect(await runCli(['scan', '--config', file, '--format', 'json'], io), io.err).toBe(0);
      expectEverythingTunnelled(site, relay);
      expect(io.out + io.err).not.toContain(password);
    } finally {
      delete process.env.DRAFTLEAK_TEST_PROXY;
    }
  });

  it('a proxy URL in the file works as the flag; the flag overrides it', async () => {
    const { site, relay, proxyUrl } = await setup();
    const unused = cleanup.add(await startConnectProxy());
    const dir = await tempDir('proxy-config-url');
    const file = path.join(dir, 'draftleak.config.yaml');
    await writeFile(file, `targets: [${site.origin}]\nrateLimit: 0\nfailOn: none\nproxy: ${unused.origin}\n`);
    const io = captureIo();
    expect(await runCli(['scan', '--config', file, '--proxy', proxyUrl, '--format', 'json'], io), io.err).toBe(0);
    expectEverythingTunnelled(site, relay);
    expect(unused.connects).toEqual([]);
  });
});

describe('fingerprint and audit --proxy', () => {
  it('fingerprint goes through the proxy', async () => {
    const { site, relay, proxyUrl } = await setup();
    const io = captureIo();
    expect(await runCli(['fingerprint', site.origin, '--rate-limit', '0', '--proxy', proxyUrl, '--json'], io), io.err).toBe(0);
    expect((JSON.parse(io.out) as { detections: { cms: string }[] }).detections.map((detection) => detection.cms)).toContain('wordpress');
    expectEverythingTunnelled(site, relay);
  });

  it('audit sends both identities through the proxy', async () => {
    const { site, relay, proxyUrl } = await setup();
    const io = captureIo();
    await runCli(['audit', site.origin, '--cms', 'wordpress', '--inventory-auth', 'Authorization: Basic aW52OnNlY3JldA==', '--rate-limit', '0', '--proxy', proxyUrl, '--format', 'json'], io);
    expectEverythingTunnelled(site, relay);
    expect(site.requests.some((request) => request.headers.authorization === 'Basic aW52OnNlY3JldA==')).toBe(true);
    expect(site.requests.some((request) => request.headers.authorization === undefined)).toBe(true);
    expect(io.out + io.err).not.toContain(password);
  });
});

describe('the built CLI at --log-level debug', () => {
  it('logs the proxy by its origin only', async () => {
    const { site, relay, proxyUrl } = await setup();
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.resolve('bin/draftleak.js'), 'scan', site.origin, '--rate-limit', '0', '--proxy', proxyUrl, '--log-level', 'debug', '--format', 'json', '--fail-on', 'none'], { timeout: 60_000 });
    expect(stderr).toContain(`"proxy":"http://127.0.0.1:${relay.port}"`);
    expect(stderr).toContain('http exchange');
    expect(stdout + stderr).not.toContain(password);
    expect(stdout + stderr).not.toContain(authorization.slice(6));
    expectEverythingTunnelled(site, relay);
  });
});
