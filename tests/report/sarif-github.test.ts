import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toSarif, toSarifFiles } from '../../src/report/sarif.js';
import { githubLimits, numberedSarifFile, truncatedNotificationId } from '../../src/report/sarif-limits.js';
import { objectKind } from '../../src/report/sarif-logical.js';
import type { SarifLog } from '../../src/report/sarif-types.js';
import { writeReports } from '../../src/cli/scan-options.js';
import { captureIo } from '../support/capture-io.js';
import { tempDir } from '../support/temp-dir.js';
import { cleanTarget, leakyTarget, rules, scanResult } from './fixtures.js';
import { manyFindings, manyTargets } from './large-scan.js';
import { validateSarif } from './sarif-schema.js';

function expectValid(log: SarifLog): void {
  const errors = validateSarif(JSON.parse(JSON.stringify(log)) as unknown);
  expect(errors, errors.join('\n')).toEqual([]);
}

function gzipped(log: SarifLog): number {
  return gzipSync(`${JSON.stringify(log, null, 2)}\n`).length;
}

describe('rules per run', () => {
  it('describes only the rules that ran on the target, that its results use or that its failures name', () => {
    const target = {
      ...leakyTarget,
      rulesRun: ['wp-draft-media'],
      findings: leakyTarget.findings.filter((f) => f.ruleId === 'strapi-draft-entries' || f.ruleId === 'wp-draft-media'),
    };
    const [run] = toSarif(scanResult([target])).runs;
    // In the scan's rule order; wp-rest-drafts only through its failed probe.
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual(['wp-rest-drafts', 'strapi-draft-entries', 'wp-draft-media']);
    for (const result of run?.results ?? []) expect(run?.tool.driver.rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    expect(run?.invocations[0]?.toolExecutionNotifications.find((n) => n.associatedRule)?.associatedRule).toEqual({ id: 'wp-rest-drafts', index: 0 });
    expectValid(toSarif(scanResult([target])));
  });

  it('gives a target where nothing ran an empty rule list', () => {
    const [run] = toSarif(scanResult([{ ...cleanTarget, rulesRun: [], failures: [] }])).runs;
    expect(run?.tool.driver.rules).toEqual([]);
    expect(run).not.toHaveProperty('taxonomies');
  });
});

describe('logical locations', () => {
  it('name the CMS object of each exposed item', () => {
    const [run] = toSarif(scanResult()).runs;
    const byRule = Object.fromEntries((run?.results ?? []).map((r) => [r.ruleId, r.locations[0]?.logicalLocations]));
    expect(byRule['wp-rest-drafts']).toHaveLength(7);
    expect(byRule['wp-rest-drafts']?.[6]).toEqual({ name: '106', fullyQualifiedName: 'wordpress.post.106', kind: 'object' });
    expect(byRule['strapi-draft-entries']?.[0]).toEqual({ name: '1', fullyQualifiedName: 'strapi.article.1', kind: 'object' });
    // generic-sitemap-scheduled lists generic first: the first CMS that is not generic names it.
    expect(byRule['generic-sitemap-scheduled']?.[0]?.fullyQualifiedName).toBe('wordpress.post.1');
  });

  it('take the object type from the API route', () => {
    expect(objectKind('wordpress', 'https://x.test/wp-json/wp/v2/pages?status=draft')).toBe('page');
    expect(objectKind('wordpress', 'https://x.test/?rest_route=/wp/v2/posts')).toBe('post');
    expect(objectKind('wordpress', 'https://x.test/')).toBe('post');
    expect(objectKind('strapi', 'https://x.test/api/categories?status=draft')).toBe('category');
    expect(objectKind('directus', 'https://x.test/items/news?filter=1')).toBe('news');
    expect(objectKind('directus', 'https://x.test/files?limit=100')).toBe('file');
    expect(objectKind('ghost', 'https://x.test/ghost/api/content/posts/')).toBe('post');
    expect(objectKind('drupal', 'https://x.test/jsonapi/node/article')).toBe('article');
    expect(objectKind('sitecore', 'https://x.test/en/some-page')).toBe('item');
  });

  it('name an item known only by its URL as a file, and stop at 100', () => {
    const items = [...Array.from({ length: 150 }, (_, i) => ({ id: `doc-${i}` })), { url: 'https://x.test/uploads/a.pdf' }];
    const finding = { ...leakyTarget.findings[0]!, items };
    const [run] = toSarif(scanResult([{ ...leakyTarget, findings: [finding, { ...finding, ruleId: 'wp-preview-links', items: [{ url: 'https://cdn.test/uploads/2024/a.pdf' }], fingerprint: 'x' }] }])).runs;
    const [first, second] = run?.results ?? [];
    expect(first?.locations[0]?.logicalLocations).toHaveLength(100);
    expect(first?.properties.items).toHaveLength(151);
    expect(second?.locations[0]?.logicalLocations).toEqual([{ name: '/uploads/2024/a.pdf', fullyQualifiedName: 'wordpress.file./uploads/2024/a.pdf', kind: 'resource' }]);
  });
});

describe('CWE taxonomy', () => {
  it('holds the CWE ids the run\'s rules cite, and each rule relates to its own', () => {
    const withCwe = rules.map((rule, i) => (i === 1 ? { ...rule, cwe: ['CWE-284', 'CWE-200'] } : rule));
    const log = toSarif({ ...scanResult(), rules: withCwe });
    const run = log.runs[0];
    const taxonomy = run?.taxonomies?.[0];
    expect(run?.taxonomies).toHaveLength(1);
    expect(taxonomy).toMatchObject({ name: 'CWE', organization: 'MITRE', isComprehensive: false });
    expect(taxonomy?.taxa.map((t) => t.id)).toEqual(['200', '284']);
    expect(taxonomy?.taxa[0]?.shortDescription?.text).toBe('Exposure of Sensitive Information to an Unauthorized Actor');
    for (const rule of run?.tool.driver.rules ?? []) {
      const cited = withCwe.find((r) => r.id === rule.id)?.cwe.map((c) => c.slice(4)) ?? [];
      expect(rule.relationships?.map((rel) => rel.target.id) ?? []).toEqual(cited);
      for (const relationship of rule.relationships ?? []) {
        expect(relationship.kinds).toEqual(['superset']);
        const component = run?.taxonomies?.[relationship.target.toolComponent.index];
        expect(component?.name).toBe(relationship.target.toolComponent.name);
        expect(component?.taxa.some((taxon) => taxon.id === relationship.target.id)).toBe(true);
      }
    }
    expectValid(log);
  });

  it('is left out of a run whose rules cite no CWE', () => {
    const log = toSarif({ ...scanResult(), rules: rules.map((rule) => ({ ...rule, cwe: [] })) });
    expect(log.runs[0]).not.toHaveProperty('taxonomies');
    expect(log.runs[0]?.tool.driver.rules[0]).not.toHaveProperty('relationships');
  });
});

describe('GitHub code scanning limits', () => {
  it('splits past 20 targets into files of at most 20 runs, each valid, in target order', () => {
    const result = manyTargets(45);
    const files = toSarifFiles(result);
    expect(files.map((log) => log.runs.length)).toEqual([20, 20, 5]);
    const ids = files.flatMap((log) => log.runs.map((run) => run.automationDetails.id));
    expect(new Set(ids).size).toBe(45);
    expect(files.flatMap((log) => log.runs.map((run) => run.properties.target))).toEqual(result.targets.map((t) => t.target));
    for (const log of files) expectValid(log);
    // 20 targets still fit one file; no target still writes one file with no run.
    expect(toSarifFiles(manyTargets(20))).toHaveLength(1);
    expect(toSarifFiles(scanResult([]))).toEqual([toSarif(scanResult([]))]);
  });

  it('keeps the 25,000 most severe results of a run and says how many were left out', () => {
    const result = manyFindings(30_000);
    const [run] = toSarif(result).runs;
    expect(run?.results).toHaveLength(githubLimits.maxResultsPerRun);
    expect(run?.properties.resultsOmitted).toBe(5_000);
    // 6,000 of each severity: every critical, high, medium and low is kept, 1,000 infos are.
    expect(run?.results.filter((r) => r.properties.severity === 'info')).toHaveLength(1_000);
    const notification = run?.invocations[0]?.toolExecutionNotifications[0];
    expect(notification).toMatchObject({ level: 'warning', descriptor: { id: truncatedNotificationId } });
    expect(notification?.message.text).toContain('at most 25,000 results per run');
    expect(notification?.message.text).toContain('25,000 most severe results of 30,000 findings (5,000 left out)');
  }, 60_000);

  it('cuts a run that is over the gzipped size on its own, and packs runs into files by size', () => {
    const limits = { ...githubLimits, maxGzipBytes: 300_000 };
    const result = manyFindings(2_000, 400);
    const [big] = toSarifFiles(result, limits);
    const run = big?.runs[0];
    expect(gzipped(big!)).toBeLessThanOrEqual(limits.maxGzipBytes);
    expect(run?.results.length).toBeGreaterThan(0);
    expect(run?.results.length).toBeLessThan(2_000);
    expect(run?.properties.resultsOmitted).toBe(2_000 - (run?.results.length ?? 0));
    expect(run?.invocations[0]?.toolExecutionNotifications[0]?.message.text).toContain('SARIF files of at most 0.3 MB gzipped');
    expectValid(big!);

    // Three targets of ~120 KB gzipped each: two fit under 300 KB, the third goes to a second file.
    const medium = manyFindings(400, 400).targets[0]!;
    const three = scanResult([0, 1, 2].map((i) => ({ ...medium, target: `https://m${i}.example.org/` })));
    const files = toSarifFiles(three, limits);
    expect(files.map((log) => log.runs.length)).toEqual([2, 1]);
    for (const log of files) expect(gzipped(log)).toBeLessThanOrEqual(limits.maxGzipBytes);
    expect(files.flatMap((log) => log.runs.map((r) => r.results.length))).toEqual([400, 400, 400]);
  }, 60_000);

  it('keeps a real run under 10 MB gzipped', () => {
    const result = manyFindings(12_000, 1_500);
    const files = toSarifFiles(result);
    expect(files).toHaveLength(1);
    const bytes = gzipped(files[0]!);
    expect(bytes).toBeLessThanOrEqual(10_000_000);
    expect(bytes).toBeGreaterThan(8_000_000);
    expect(files[0]?.runs[0]?.properties.resultsOmitted).toBeGreaterThan(0);
  }, 120_000);

  it('names the files of a split after the -o file', () => {
    expect(numberedSarifFile('out/results.sarif', 1)).toBe('out/results.sarif');
    expect(numberedSarifFile('out/results.sarif', 2)).toBe('out/results-2.sarif');
    expect(numberedSarifFile('results.sarif.json', 3)).toBe('results-3.sarif.json');
    expect(numberedSarifFile('report', 2)).toBe('report-2');
  });

  it('-o writes results.sarif, results-2.sarif, results-3.sarif for 45 targets and says so', async () => {
    const dir = await tempDir('split');
    const io = captureIo();
    await writeReports(manyTargets(45), [{ format: 'sarif', file: path.join(dir, 'results.sarif') }], { color: false }, io);
    expect((await readdir(dir)).sort()).toEqual(['results-2.sarif', 'results-3.sarif', 'results.sarif']);
    const counts = await Promise.all(['results.sarif', 'results-2.sarif', 'results-3.sarif'].map(async (name) => (JSON.parse(await readFile(path.join(dir, name), 'utf8')) as SarifLog).runs.length));
    expect(counts).toEqual([20, 20, 5]);
    expect(io.err).toContain('the SARIF of 45 targets is split into files GitHub code scanning takes');
    expect(io.err).toContain('results-3.sarif');

    const stdoutIo = captureIo();
    await writeReports(manyTargets(45), [{ format: 'sarif' }], { color: false }, stdoutIo);
    expect((JSON.parse(stdoutIo.out) as SarifLog).runs).toHaveLength(45);
    expect(stdoutIo.err).toContain('write it with -o results.sarif to have it split');
  });
});
