import { tempDir } from '../support/temp-dir.js';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoSites, type DemoSites } from '../../src/demo/demo-site.js';
import { validateSarif } from '../report/sarif-schema.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/draftleak.js', import.meta.url));

/** Runs the built launcher as a user would; `npm test` builds dist/ first. */
async function draftleak(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

interface SarifRun {
  automationDetails: { id: string };
  originalUriBaseIds: Record<string, { uri: string }>;
  tool: { driver: { rules: { id: string; properties: Record<string, unknown> }[] } };
  results: {
    ruleId: string;
    locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[];
    partialFingerprints: Record<string, string>;
  }[];
  invocations: { executionSuccessful: boolean }[];
}

describe('bin/draftleak.js end to end against the demo sites', () => {
  let demo: DemoSites;
  beforeAll(async () => {
    demo = await startDemoSites();
  });
  afterAll(async () => {
    await demo.close();
  });

  it('writes an -o SARIF file that passes the official schema and exits 1', async () => {
    const dir = await tempDir('e2e');
    const file = path.join(dir, 'out.sarif');
    const targets = [demo.origin('wordpress'), demo.origin('strapi'), demo.origin('directus')];
    const result = await draftleak(['scan', ...targets, '--format', 'sarif', '-o', file, '--rate-limit', '0']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const sarif = JSON.parse(await readFile(file, 'utf8')) as { version: string; runs: SarifRun[] };
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(3);
    expect(new Set(sarif.runs.map((sarifRun) => sarifRun.automationDetails.id)).size).toBe(3);
    const ruleIds = sarif.runs.flatMap((sarifRun) => sarifRun.results.map((result) => result.ruleId)).sort();
    expect(ruleIds).toEqual(['directus-public-files-list', 'strapi-v5-public-draft-edits', 'strapi-v5-public-drafts', 'wp-rest-unpublished-posts', 'wp-unpublished-status-classes', 'wp-uploads-directory-listing', 'wp-uploads-month-listing']);
    for (const sarifRun of sarif.runs) {
      expect(sarifRun.invocations[0]?.executionSuccessful).toBe(true);
      expect(sarifRun.tool.driver.rules.length).toBeGreaterThanOrEqual(6);
      for (const result of sarifRun.results) {
        const location = result.locations[0]?.physicalLocation.artifactLocation;
        expect(location?.uri).not.toMatch(/^[a-z]+:/i);
        expect(sarifRun.originalUriBaseIds[location?.uriBaseId ?? '']).toBeDefined();
        expect(result.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}$/);
      }
    }
    // The bucket host was not allowed: it is not probed, and the run says so rather than skip it silently.
    expect(JSON.stringify(sarif.runs.map((sarifRun) => sarifRun.invocations))).toContain(`not probed, out of scope (allow with --allow-host to include them): ${demo.origin('media-bucket')}`);
  });

  it('gives the same fingerprints on a second run', async () => {
    const first = await draftleak(['scan', demo.origin('strapi'), '--format', 'sarif', '--rate-limit', '0']);
    const second = await draftleak(['scan', demo.origin('strapi'), '--format', 'sarif', '--rate-limit', '0']);
    const prints = (text: string) => (JSON.parse(text) as { runs: SarifRun[] }).runs[0]?.results.map((result) => result.partialFingerprints);
    expect(prints(first.stdout)).toEqual(prints(second.stdout));
    expect(prints(first.stdout)?.length).toBe(2);
  });

  it('`demo` starts its own sites, prints findings and exits 0', async () => {
    const result = await draftleak(['demo']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('CRITICAL');
    expect(result.stdout).toMatch(/Total: 8 findings/);
    expect(result.stderr).toContain('draftleak demo: scanning');
  });

  it('exits 2 with one line on stderr for a closed port, and a report marked not scanned', async () => {
    const result = await draftleak(['scan', 'http://127.0.0.1:9/']);
    expect(result.code).toBe(2);
    const sarif = JSON.parse(result.stdout) as { runs: { invocations: { executionSuccessful: boolean }[] }[] };
    expect(sarif.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    // The reason, then the summary line every scan ends with.
    expect(result.stderr.trim().split('\n')).toHaveLength(2);
    expect(result.stderr.trim().split('\n')[1]).toMatch(/^draftleak: 1 target, \d+ requests?, 1 failure \(1 DL_CONNECTION_FAILED\)/);
  });
});
