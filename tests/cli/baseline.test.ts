import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { applyBaseline, isExpired, type BaselineFile } from '../../src/core/baseline.js';
import type { Finding } from '../../src/core/finding.js';
import type { ScanResult } from '../../src/core/scan-result.js';
import { captureIo } from '../support/capture-io.js';
import { tempDir } from '../support/temp-dir.js';
import { validateSarif } from '../report/sarif-schema.js';
import { startWordpressLikeSite, type WordpressLikeSite } from './wordpress-like-site.js';

const sites: WordpressLikeSite[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((site) => site.close()));
});

async function site(leakDrafts: boolean): Promise<WordpressLikeSite> {
  const started = await startWordpressLikeSite({ leakDrafts });
  sites.push(started);
  return started;
}

interface SarifResult {
  ruleId: string;
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; status: string; justification: string; properties: { owner: string; expires?: string } }[];
}
interface SarifLog {
  runs: { results: SarifResult[]; invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[];
}

async function scanSarif(args: string[]): Promise<{ code: number; sarif: SarifLog; err: string }> {
  const io = captureIo();
  const code = await runCli(['scan', ...args, '--format', 'sarif', '--rate-limit', '0', '--no-config'], io);
  const sarif = JSON.parse(io.out) as SarifLog;
  expect(validateSarif(sarif)).toEqual([]);
  return { code, sarif, err: io.err };
}

describe('baselines: scan, accept, scan again', () => {
  it('round trip: exit 0 with every finding kept as suppressed; a new exposure fails naming only itself; an expired entry is reported and no longer suppresses', async () => {
    const wordpress = await site(false);
    const dir = await tempDir('baseline');
    const file = path.join(dir, '.draftleak-baseline.json');

    const first = await scanSarif([wordpress.origin]);
    expect(first.code).toBe(1);
    expect(first.sarif.runs[0]?.results.map((result) => result.ruleId)).toEqual(['wp-uploads-directory-listing']);

    const createIo = captureIo();
    const created = await runCli(
      ['baseline', 'create', wordpress.origin, '-o', file, '--reason', 'public media folder, by design', '--owner', 'web-team', '--rate-limit', '0', '--no-config'],
      createIo,
    );
    expect(created, createIo.err).toBe(0);
    expect(createIo.out).toBe('');
    const baseline = JSON.parse(await readFile(file, 'utf8')) as BaselineFile;
    const fingerprint = first.sarif.runs[0]?.results[0]?.partialFingerprints['draftleak/v1'] ?? '';
    expect(Object.keys(baseline.entries)).toEqual([fingerprint]);
    expect(baseline.entries[fingerprint]).toEqual({
      ruleId: 'wp-uploads-directory-listing',
      target: wordpress.origin,
      url: `${wordpress.origin}/wp-content/uploads/`,
      reason: 'public media folder, by design',
      owner: 'web-team',
    });

    // The same site again: nothing new, exit 0, the finding still reported but suppressed.
    const again = await scanSarif([wordpress.origin, '--baseline', file]);
    expect(again.code).toBe(0);
    expect(again.sarif.runs[0]?.results).toHaveLength(1);
    expect(again.sarif.runs[0]?.results[0]?.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'public media folder, by design', properties: { owner: 'web-team' } },
    ]);
    expect(again.err).toContain('1 finding(s) suppressed, 0 expired entries');

    // JSON and text say so too.
    const jsonIo = captureIo();
    expect(await runCli(['scan', wordpress.origin, '--baseline', file, '--format', 'json', '--rate-limit', '0', '--no-config'], jsonIo)).toBe(0);
    const json = JSON.parse(jsonIo.out) as { targets: { findings: { ruleId: string; suppression?: unknown }[] }[] };
    expect(json.targets[0]?.findings.map((finding) => [finding.ruleId, finding.suppression])).toEqual([
      ['wp-uploads-directory-listing', { reason: 'public media folder, by design', owner: 'web-team' }],
    ]);
    const textIo = captureIo();
    expect(await runCli(['scan', wordpress.origin, '--baseline', file, '--format', 'text', '--rate-limit', '0', '--no-config'], textIo)).toBe(0);
    expect(textIo.out).toContain('Suppressed by the baseline: public media folder, by design (owner web-team)');

    // A new exposure: exit 1, and the only unsuppressed finding is the new one.
    wordpress.state.leakDrafts = true;
    const withNew = await scanSarif([wordpress.origin, '--baseline', file]);
    expect(withNew.code).toBe(1);
    const unsuppressed = withNew.sarif.runs[0]?.results.filter((result) => result.suppressions === undefined).map((result) => result.ruleId);
    expect(unsuppressed).toEqual(['wp-rest-unpublished-posts']);
    expect(withNew.sarif.runs[0]?.results).toHaveLength(2);

    // The entry expires: reported (stderr and the report), and it suppresses nothing any more.
    wordpress.state.leakDrafts = false;
    const entry = baseline.entries[fingerprint];
    if (entry === undefined) throw new Error('no entry');
    await writeFile(file, JSON.stringify({ ...baseline, entries: { [fingerprint]: { ...entry, expires: '2001-02-03' } } }, null, 2));
    const expired = await scanSarif([wordpress.origin, '--baseline', file]);
    expect(expired.code).toBe(1);
    expect(expired.sarif.runs[0]?.results[0]?.suppressions).toBeUndefined();
    const notes = expired.sarif.runs[0]?.invocations[0]?.toolExecutionNotifications.filter((note) => note.message.text.includes('expired'));
    expect(notes?.map((note) => [note.level, note.message.text])).toEqual([
      ['note', `baseline entry ${fingerprint} (wp-uploads-directory-listing, owner web-team) expired on 2001-02-03: the finding is reported again, not suppressed`],
    ]);
    expect(expired.err).toContain(`baseline entry ${fingerprint} (wp-uploads-directory-listing, owner web-team) expired on 2001-02-03: reported, not suppressed`);
    expect(expired.err).toContain('0 finding(s) suppressed, 1 expired entry');

    // --new-only: the expired entry's finding is not new, so it does not fail; a new one does.
    expect((await scanSarif([wordpress.origin, '--baseline', file, '--new-only'])).code).toBe(0);
    wordpress.state.leakDrafts = true;
    expect((await scanSarif([wordpress.origin, '--baseline', file, '--new-only'])).code).toBe(1);
    // --fail-on still applies to what is new: the new finding is critical.
    expect((await scanSarif([wordpress.origin, '--baseline', file, '--new-only', '--fail-on', 'critical'])).code).toBe(1);
  });

  it('creates the same baseline from a SARIF file as from a scan, and refuses to overwrite one without --force', async () => {
    const wordpress = await site(true);
    const dir = await tempDir('baseline-from');
    const sarifFile = path.join(dir, 'results.sarif');
    expect(await runCli(['scan', wordpress.origin, '--format', 'sarif', '-o', sarifFile, '--rate-limit', '0', '--no-config'], captureIo())).toBe(1);
    const fromSarif = path.join(dir, 'from-sarif.json');
    const fromScan = path.join(dir, 'from-scan.json');
    const args = ['--reason', 'accepted', '--owner', 'sec', '--expires', '2999-12-31'];
    expect(await runCli(['baseline', 'create', '--from', sarifFile, '-o', fromSarif, ...args], captureIo())).toBe(0);
    expect(await runCli(['baseline', 'create', wordpress.origin, '-o', fromScan, '--rate-limit', '0', '--no-config', ...args], captureIo())).toBe(0);
    const a = JSON.parse(await readFile(fromSarif, 'utf8')) as BaselineFile;
    const b = JSON.parse(await readFile(fromScan, 'utf8')) as BaselineFile;
    expect(Object.values(a.entries).map((entry) => entry.ruleId).sort()).toEqual(['wp-rest-unpublished-posts', 'wp-uploads-directory-listing']);
    expect(a).toEqual(b);
    expect(Object.values(a.entries).every((entry) => entry.expires === '2999-12-31')).toBe(true);

    const refused = captureIo();
    expect(await runCli(['baseline', 'create', '--from', sarifFile, '-o', fromSarif], refused)).toBe(2);
    expect(refused.err).toContain('exists');
    expect(await runCli(['baseline', 'create', '--from', sarifFile, '-o', fromSarif, '--force'], captureIo())).toBe(0);
    // Defaults are said to need editing.
    const defaults = JSON.parse(await readFile(fromSarif, 'utf8')) as BaselineFile;
    expect(Object.values(defaults.entries).every((entry) => entry.owner === 'unassigned')).toBe(true);
  });

  it('refuses a baseline that is not one, naming file, line, column and field', async () => {
    const dir = await tempDir('baseline-bad');
    const file = path.join(dir, 'baseline.json');
    await writeFile(
      file,
      `{\n  "version": 1,\n  "entries": {\n    "0123456789abcdef0123456789abcdef": {\n      "ruleId": "x",\n      "target": "http://127.0.0.1/",\n      "reason": "",\n      "owner": "me",\n      "expires": "next week"\n    }\n  }\n}\n`,
    );
    const io = captureIo();
    expect(await runCli(['scan', 'http://127.0.0.1:9/', '--baseline', file, '--no-config'], io)).toBe(2);
    expect(io.err).toContain(`${file}:7:17: give the reason this finding is accepted (entries.0123456789abcdef0123456789abcdef.reason)`);
    expect(io.err).toContain(`${file}:9:18: expires must be a date`);
    const missing = captureIo();
    expect(await runCli(['scan', 'http://127.0.0.1:9/', '--new-only', '--no-config'], missing)).toBe(2);
    expect(missing.err).toContain('--new-only needs a baseline');
  });
});

describe('applyBaseline', () => {
  const finding = (ruleId: string, fingerprint: string): Finding => ({
      ruleId,
      fingerprint,
      severity: 'high',
      confidence: 'high',
      target: 'https://a.example/',
      url: 'https://a.example/x',
      urls: [],
      message: 'm',
      items: [],
      request: { method: 'GET', url: 'https://a.example/x', headers: {} },
      response: { status: 200, statusText: 'OK', headers: {}, bodyExcerpt: '' },
    });
  const result = (targets: { target: string; findings: Finding[] }[]): ScanResult => ({
    tool: { name: 'draftleak', version: '0', informationUri: 'https://example.org' },
    rules: [],
    commandLine: '',
    targets: targets.map(({ target, findings }) => ({
      target,
      startedAt: '',
      endedAt: '',
      findings: [...findings],
      failures: [],
      rulesRun: [],
      requestsSent: 0,
      executionSuccessful: true,
      discovery: { detections: [], notes: [], skippedRules: [], pagesCrawled: 0, publishedInventory: 0, apiRoots: [], assetHosts: [] },
    })),
  });
  const fp = (n: number) => n.toString(16).padStart(32, '0');
  const entry = (ruleId: string, target: string, expires?: string) => ({ ruleId, target, reason: 'r', owner: 'o', ...(expires ? { expires } : {}) });

  it('a bare date is valid through that day (UTC); a date-time to the instant', () => {
    const e = entry('r', 't', '2030-06-30');
    expect(isExpired(e, new Date('2030-06-30T23:59:59Z'))).toBe(false);
    expect(isExpired(e, new Date('2030-07-01T00:00:00Z'))).toBe(true);
    expect(isExpired(entry('r', 't', '2030-06-30T12:00:00+02:00'), new Date('2030-06-30T10:00:00Z'))).toBe(true);
    expect(isExpired(entry('r', 't'), new Date('2999-01-01'))).toBe(false);
  });

  it('matches by fingerprint and rule id, notes expired entries of scanned targets only, and counts entries not found again', () => {
    const scanned = result([{ target: 'https://a.example/', findings: [finding('rule-a', fp(1)), finding('rule-b', fp(2)), finding('rule-c', fp(3))] }]);
    const baseline: BaselineFile = {
      version: 1,
      entries: {
        [fp(1)]: entry('rule-a', 'https://a.example/'),
        [fp(2)]: entry('another-rule', 'https://a.example/'), // same fingerprint, other rule: not a match
        [fp(4)]: entry('rule-d', 'https://a.example/', '2001-01-01'), // expired, not found
        [fp(5)]: entry('rule-e', 'https://other-shard.example/', '2001-01-01'), // another shard's target
        [fp(6)]: entry('rule-f', 'https://a.example/'), // fixed since
      },
    };
    const outcome = applyBaseline(scanned, baseline, new Date('2025-01-01'));
    expect(outcome.result.targets[0]?.findings.map((f) => [f.ruleId, f.suppression?.owner])).toEqual([
      ['rule-a', 'o'],
      ['rule-b', undefined],
      ['rule-c', undefined],
    ]);
    expect(outcome.suppressed).toBe(1);
    expect(outcome.expired.map((e) => [e.fingerprint, e.found])).toEqual([[fp(4), false]]);
    expect(outcome.result.targets[0]?.discovery?.notes).toEqual([
      `baseline entry ${fp(4)} (rule-d, owner o) expired on 2001-01-01: its finding was not found in this scan: the entry can be removed`,
    ]);
    expect(outcome.unmatched).toBe(2); // fp(2) (its rule differs) and fp(6)
    // The input is left as it was.
    expect(scanned.targets[0]?.findings[0]?.suppression).toBeUndefined();
  });
});
