import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { startDemoSites, type DemoSites } from '../../src/demo/demo-site.js';
import { toSarif, toSarifFiles } from '../../src/report/sarif.js';
import { githubLimits } from '../../src/report/sarif-limits.js';
import { captureIo } from '../support/capture-io.js';
import { tempDir } from '../support/temp-dir.js';
import { cleanTarget, leakyTarget, scanResult } from './fixtures.js';
import { manyFindings, manyTargets } from './large-scan.js';
import { blocking, locateMultitool, multitoolRuleKinds, multitoolValidateLogs } from './sarif-multitool.js';
import { validateSarif } from './sarif-schema.js';

const multitool = locateMultitool();
const unavailable = 'reason' in multitool ? multitool.reason : undefined;
const multitoolIt = unavailable === undefined ? it : it.skip;
const skipped = unavailable === undefined ? '' : ` (skipped: ${unavailable})`;

/** Runs the CLI in-process and returns the SARIF file it wrote. */
async function scanToSarif(args: string[]): Promise<{ code: number; sarif: string }> {
  const file = path.join(await tempDir('multitool-scan'), 'out.sarif');
  const code = await runCli(['scan', ...args, '-o', file, '--rate-limit', '0', '--no-config'], captureIo());
  return { code, sarif: await readFile(file, 'utf8') };
}

describe(`SARIF Multitool 5.7.0, rule kinds ${multitoolRuleKinds}`, () => {
  let demo: DemoSites;
  beforeAll(async () => {
    demo = await startDemoSites();
  });
  afterAll(async () => {
    await demo.close();
  });

  // Guards the guard: a validator that reports nothing would make the next test pass on anything.
  multitoolIt(`reports GitHub's refusal of an absolute https URI as an error${skipped}`, async () => {
    const log = toSarif(scanResult([leakyTarget]));
    const result = log.runs[0]?.results[0];
    if (result?.locations[0]) result.locations[0].physicalLocation.artifactLocation = { uri: 'https://example.com/blog/wp-json/wp/v2/posts' };
    const { broken } = await multitoolValidateLogs({ broken: log });
    expect(blocking(broken ?? []).join('\n')).toMatch(/error GH1005: .*'https:\/\/example\.com\/blog\/wp-json\/wp\/v2\/posts' is not a file path/);
  }, 180_000);

  multitoolIt(`passes every SARIF draftleak writes with no error or warning${skipped}`, async () => {
    const wordpressStrapiDirectus = await scanToSarif([demo.origin('wordpress'), demo.origin('strapi'), demo.origin('directus')]);
    expect(wordpressStrapiDirectus.code).toBe(1);
    const closedPort = await scanToSarif(['http://127.0.0.1:9/']);
    expect(closedPort.code).toBe(2);
    const [firstOf45, , lastOf45] = toSarifFiles(manyTargets(45));
    const logs: Record<string, unknown> = {
      // A real scan of three demo sites: findings, logical locations, CWE taxonomy, discovery notes.
      'demo-scan': wordpressStrapiDirectus.sarif,
      // A scan that could not run: error notifications, executionSuccessful false.
      'closed-port': closedPort.sarif,
      // Failed probes (warnings), a suppressed finding, an unscannable target, --insecure.
      failures: toSarif({
        ...scanResult([
          { ...leakyTarget, findings: leakyTarget.findings.map((f, i) => (i === 0 ? { ...f, suppression: { reason: 'accepted', owner: 'web-team', expires: '2030-01-01' } } : f)) },
          { ...cleanTarget, executionSuccessful: false, incomplete: 'interrupted (SIGINT)', discovery: { detections: [], notes: ['every path answers 200: a catch-all host'], skippedRules: [], pagesCrawled: 1, publishedInventory: 0, apiRoots: [], assetHosts: [] } },
        ]),
        insecure: true,
      }),
      clean: toSarif(scanResult([])),
      'split-1-of-3': firstOf45,
      'split-3-of-3': lastOf45,
      // A run cut to GitHub's 25,000 results, with the notification saying so.
      truncated: toSarif(manyFindings(githubLimits.maxResultsPerRun + 10, 20)),
    };
    for (const [name, log] of Object.entries(logs)) {
      expect(validateSarif(typeof log === 'string' ? JSON.parse(log) : JSON.parse(JSON.stringify(log))), name).toEqual([]);
    }
    const verdicts = await multitoolValidateLogs(logs);
    for (const [name, results] of Object.entries(verdicts)) expect(blocking(results), name).toEqual([]);
  }, 300_000);
});
