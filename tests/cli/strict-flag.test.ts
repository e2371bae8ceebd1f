import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';
import { Cleanup, startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';
import { startWordpressLikeSite } from './wordpress-like-site.js';

/**
 * --strict: probes a rule skipped because their host is out of scope are listed in the report
 * either way, and fail the run (exit 2) only with --strict. Precedence: a signal, then findings
 * at --fail-on (1), then could not scan or --strict (2), then 0.
 */

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A site whose page loads an image from another loopback port: a bucket rule wants to probe that host, which is out of scope. */
async function siteLinkingElsewhere(): Promise<{ site: LoopbackServer; other: LoopbackServer }> {
  const other = cleanup.add(await startLoopbackServer((_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end('<ListBucketResult><Contents><Key>draft.png</Key></Contents></ListBucketResult>')));
  const site = cleanup.add(
    await startLoopbackServer((req, res) => {
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body><h1>Shop</h1><img src="${other.origin}/draft.png"></body></html>`);
      else res.writeHead(404, { 'content-type': 'text/html' }).end('<html><title>Not found</title></html>');
    }),
  );
  return { site, other };
}

const note = (other: LoopbackServer): string => `not probed, out of scope (allow with --allow-host to include them): ${other.origin}`;

describe('scan --strict', () => {
  it('a skipped out-of-scope probe is listed and exits 0 without --strict, 2 with it, naming the host', async () => {
    const { site, other } = await siteLinkingElsewhere();
    const plain = captureIo();
    expect(await runCli(['scan', site.origin, '--format', 'json', '--rate-limit', '0'], plain), plain.err).toBe(0);
    const report = JSON.parse(plain.out) as { targets: { findings: unknown[]; discovery: { notes: string[] } }[] };
    expect(report.targets[0]?.findings).toEqual([]);
    expect(report.targets[0]?.discovery.notes).toContain(note(other));
    expect(plain.err).not.toContain('--strict');

    const strict = captureIo();
    expect(await runCli(['scan', site.origin, '--format', 'json', '--rate-limit', '0', '--strict'], strict)).toBe(2);
    expect(strict.err).toContain(`draftleak: --strict: ${site.origin}: rules skipped probes out of scope (${other.origin}); allow them with --allow-host, or drop --strict\n`);
    expect(other.requests).toEqual([]);

    // Allowing the host removes the skip, and --strict passes (the bucket is then really probed).
    const allowed = captureIo();
    const code = await runCli(['scan', site.origin, '--format', 'json', '--rate-limit', '0', '--strict', '--allow-host', new URL(other.origin).host, '--fail-on', 'none'], allowed);
    expect(code, allowed.err).toBe(0);
    expect(other.requests.length).toBeGreaterThan(0);
  });

  it('findings at --fail-on outrank --strict: exit 1, not 2', async () => {
    const { site } = await siteLinkingElsewhere();
    const wordpress = cleanup.add(await startWordpressLikeSite({ leakDrafts: true }));
    const io = captureIo();
    // Two targets: one with a skipped probe (--strict fails it), one with a critical finding.
    expect(await runCli(['scan', site.origin, wordpress.origin, '--format', 'json', '--rate-limit', '0', '--strict'], io)).toBe(1);
    expect(io.err).toContain('--strict');
    // --fail-on none leaves --strict as the only reason to fail.
    expect(await runCli(['scan', site.origin, wordpress.origin, '--format', 'json', '--rate-limit', '0', '--strict', '--fail-on', 'none'], captureIo())).toBe(2);
  });

  it('--strict on a scan that skipped nothing exits 0', async () => {
    const wordpress = cleanup.add(await startWordpressLikeSite({ leakDrafts: false }));
    const io = captureIo();
    expect(await runCli(['scan', wordpress.origin, '--format', 'json', '--rate-limit', '0', '--strict', '--fail-on', 'none'], io), io.err).toBe(0);
    expect(io.err).not.toContain('--strict');
  });

  it('strict: true in the configuration file works as the flag', async () => {
    const { site } = await siteLinkingElsewhere();
    const dir = await tempDir('strict-config');
    const file = path.join(dir, 'draftleak.config.yaml');
    await writeFile(file, `targets: [${site.origin}]\nrateLimit: 0\nstrict: true\n`);
    const io = captureIo();
    expect(await runCli(['scan', '--config', file, '--format', 'json'], io)).toBe(2);
    expect(io.err).toContain('draftleak: --strict:');
  });
});
