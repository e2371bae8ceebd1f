import { execFile } from 'node:child_process';
import { utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleIsCurrent } from '../../src/cli/load-entry.js';
import { Cleanup, startLoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/draftleak.js', import.meta.url));
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('which build of the program is loaded', () => {
  it('in a checkout, the bundle only when it is at least as new as the modules (a tsc run after it means older code); in an installed package, whenever it is there', async () => {
    const dir = await tempDir('entry');
    const bundle = path.join(dir, 'entry.bundle.mjs');
    const entry = path.join(dir, 'entry.js');
    await writeFile(bundle, '');
    await writeFile(entry, '');
    await utimes(entry, 1000, 1000);
    await utimes(bundle, 2000, 2000);
    expect(bundleIsCurrent(bundle, entry, false)).toBe(true);
    await utimes(bundle, 1000, 1000);
    expect(bundleIsCurrent(bundle, entry, false)).toBe(true);
    await utimes(entry, 3000, 3000);
    expect(bundleIsCurrent(bundle, entry, false)).toBe(false);
    expect(bundleIsCurrent(path.join(dir, 'missing.mjs'), entry, false)).toBe(false);
    // In an installed package the times are the order npm unpacked the files in: a bundle there is used.
    expect(bundleIsCurrent(bundle, entry, true)).toBe(true);
    expect(bundleIsCurrent(path.join(dir, 'missing.mjs'), entry, true)).toBe(false);
  });

  // The tests run the bin after `npm run build`, which makes the bundle: the rest of the suite tests
  // it. This checks that the other way of loading gives the same program, on a real scan.
  it('the bundle and the modules give the same answers', async () => {
    // Built by `npm test` (npm run build) just before: without this, both runs below could be the modules.
    expect(bundleIsCurrent(new URL('../../dist/cli/entry.bundle.cjs', import.meta.url), new URL('../../dist/cli/entry.js', import.meta.url), false)).toBe(true);
    const site = cleanup.add(
      await startLoopbackServer((req, res) => {
        if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><meta name="generator" content="WordPress 6.5"></head><body><a href="/wp-content/uploads/">uploads</a></body></html>');
        if (req.url === '/wp-content/uploads/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><title>Index of /wp-content/uploads</title><body><h1>Index of /wp-content/uploads</h1><a href="2026/">2026/</a></body></html>');
        return res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
      }),
    );
    const scanned = await Promise.all(
      ['0', '1'].map(async (noBundle) => {
        const { stdout } = await run(process.execPath, [bin, 'scan', `${site.origin}/`, '--max-pages', '5', '--rate-limit', '0', '--format', 'json', '--fail-on', 'none'], { env: { ...process.env, DRAFTLEAK_NO_BUNDLE: noBundle } });
        const target = (JSON.parse(stdout) as { targets: Array<{ findings: Array<{ ruleId: string; url: string }>; discovery: { detections: Array<{ cms: string }> }; rulesRun: string[] }> }).targets[0];
        return { findings: target?.findings.map((finding) => `${finding.ruleId} ${finding.url}`).sort(), detected: target?.discovery.detections.map((detection) => detection.cms), rules: target?.rulesRun.slice().sort() };
      }),
    );
    expect(scanned[0]).toEqual(scanned[1]);
    expect(scanned[0]?.detected).toContain('wordpress');
    expect(scanned[0]?.findings?.length).toBeGreaterThan(0);
    const listed = await Promise.all(['0', '1'].map(async (noBundle) => (await run(process.execPath, [bin, 'rules', 'list', '--json'], { env: { ...process.env, DRAFTLEAK_NO_BUNDLE: noBundle } })).stdout));
    expect(JSON.parse(listed[0] ?? '')).toEqual(JSON.parse(listed[1] ?? ''));
  });
});
