import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dedupeRules, mergeSarifLogs } from '../../src/cli/commands/merge.js';
import { runCli } from '../../src/cli/program.js';
import type { SarifInputLog, SarifInputRun } from '../../src/cli/sarif-file.js';
import { captureIo } from '../support/capture-io.js';
import { tempDir } from '../support/temp-dir.js';
import { validateSarif } from '../report/sarif-schema.js';
import { startWordpressLikeSite, type WordpressLikeSite } from './wordpress-like-site.js';

const sites: WordpressLikeSite[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((site) => site.close()));
});

interface Sarif {
  runs: { automationDetails: { id: string }; properties: { target: string }; results: { ruleId: string; ruleIndex?: number }[]; tool: { driver: { rules: { id: string }[] } } }[];
}

describe('many sites: --targets, --shard and merge', () => {
  it('shards 1/3, 2/3 and 3/3 of a target list cover every target exactly once, and merge gives one valid SARIF with a run per target', async () => {
    const started = await Promise.all([false, true, false, true].map((leakDrafts) => startWordpressLikeSite({ leakDrafts })));
    sites.push(...started);
    const dir = await tempDir('shards');
    const list = path.join(dir, 'sites.txt');
    await writeFile(list, ['# every staging site', ...started.map((site, index) => `${site.origin}/  # site ${index + 1}`), ''].join('\n'));

    const shardFiles: string[] = [];
    const shardTargets: string[][] = [];
    for (const index of [1, 2, 3]) {
      const file = path.join(dir, `shard-${index}.sarif`);
      const io = captureIo();
      const code = await runCli(['scan', '--targets', list, '--shard', `${index}/3`, '--format', 'sarif', '-o', file, '--rate-limit', '0', '--fail-on', 'none', '--no-config'], io);
      expect(code, io.err).toBe(0);
      expect(io.err).toContain(`shard ${index}/3: ${index === 1 ? 2 : 1} of 4 target(s)`);
      const sarif = JSON.parse(await readFile(file, 'utf8')) as Sarif;
      shardTargets.push(sarif.runs.map((run) => run.properties.target));
      shardFiles.push(file);
    }
    const everyTarget = started.map((site) => `${site.origin}/`);
    expect(shardTargets).toEqual([[everyTarget[0], everyTarget[3]], [everyTarget[1]], [everyTarget[2]]]);

    const merged = path.join(dir, 'all.sarif');
    const io = captureIo();
    expect(await runCli(['merge', ...shardFiles, '-o', merged], io)).toBe(0);
    expect(io.err).toBe(`draftleak merge: wrote ${merged}: 4 run(s), 6 result(s) from 3 file(s)\n`);
    const all = JSON.parse(await readFile(merged, 'utf8')) as Sarif;
    expect(validateSarif(all)).toEqual([]);
    expect(all.runs.map((run) => run.properties.target).sort()).toEqual([...everyTarget].sort());
    expect(new Set(all.runs.map((run) => run.automationDetails.id)).size).toBe(4);
    // Each run's results still point at the right rule.
    for (const run of all.runs) {
      for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    }
  });

  it('keeps automation ids unique when the same target comes twice, and says so', async () => {
    const site = await startWordpressLikeSite({ leakDrafts: false });
    sites.push(site);
    const dir = await tempDir('merge-dup');
    const file = path.join(dir, 'a.sarif');
    await runCli(['scan', site.origin, '--format', 'sarif', '-o', file, '--rate-limit', '0', '--no-config'], captureIo());
    const io = captureIo();
    expect(await runCli(['merge', file, file], io)).toBe(0);
    const merged = JSON.parse(io.out) as Sarif;
    expect(validateSarif(merged)).toEqual([]);
    const id = merged.runs[0]?.automationDetails.id ?? '';
    expect(id).toMatch(/\/$/);
    expect(merged.runs.map((run) => run.automationDetails.id)).toEqual([id, `${id.slice(0, -1)}~2/`]);
    expect(io.err).toContain(`automation id ${id} is already used by an earlier run`);
  });

  it('refuses what is not SARIF 2.1.0 written by draftleak, naming the file and the field', async () => {
    const dir = await tempDir('merge-bad');
    const nuclei = path.join(dir, 'nuclei.sarif');
    await writeFile(nuclei, JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'nuclei' } }, automationDetails: { id: 'x/' }, results: [] }] }));
    const old = path.join(dir, 'old.sarif');
    await writeFile(old, JSON.stringify({ version: '2.0.0', runs: [] }));
    const notJson = path.join(dir, 'broken.sarif');
    await writeFile(notJson, '{"runs": [');
    const io = captureIo();
    expect(await runCli(['merge', nuclei], io)).toBe(2);
    expect(io.err).toContain(`${nuclei}: runs.0.tool.driver.name: is not "draftleak"`);
    const oldIo = captureIo();
    expect(await runCli(['merge', old], oldIo)).toBe(2);
    expect(oldIo.err).toContain(`${old}: version: is not "2.1.0"`);
    const brokenIo = captureIo();
    expect(await runCli(['merge', notJson, '-o', path.join(dir, 'out.sarif')], brokenIo)).toBe(2);
    expect(brokenIo.err).toContain(`${notJson}: not JSON`);
  });

  it('warns past GitHub\'s 20 runs per file, and still writes it', async () => {
    const run = (n: number): SarifInputRun => ({ tool: { driver: { name: 'draftleak', rules: [] } }, automationDetails: { id: `draftleak/h${n}/` }, results: [] });
    const dir = await tempDir('merge-many');
    const file = path.join(dir, 'many.sarif');
    await writeFile(file, JSON.stringify({ version: '2.1.0', runs: Array.from({ length: 21 }, (_, n) => run(n)) } satisfies SarifInputLog));
    const io = captureIo();
    expect(await runCli(['merge', file], io)).toBe(0);
    expect((JSON.parse(io.out) as Sarif).runs).toHaveLength(21);
    expect(io.err).toContain('21 runs; GitHub code scanning refuses a file with more than 20');
    expect(mergeSarifLogs([{ file, log: { version: '2.1.0', runs: [run(1)] } }]).renamed).toEqual([]);
  });
});

describe('dedupeRules', () => {
  it('keeps the first of each rule id and renumbers every index into the list', () => {
    const run: SarifInputRun = {
      tool: { driver: { name: 'draftleak', rules: [{ id: 'a' }, { id: 'b' }, { id: 'a', extra: true }, { id: 'c' }] } },
      automationDetails: { id: 'draftleak/h/' },
      results: [
        { ruleId: 'c', ruleIndex: 3 },
        { ruleId: 'a', ruleIndex: 2, rule: { id: 'a', index: 2 } },
        { ruleId: 'b', ruleIndex: 1 },
      ],
      invocations: [{ toolExecutionNotifications: [{ associatedRule: { id: 'a', index: 2 } }, { associatedRule: { id: 'c', index: 3 } }, {}] }],
    };
    const deduped = dedupeRules(run);
    expect(deduped.tool.driver.rules).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(deduped.results.map((result) => [result.ruleId, result.ruleIndex, result.rule?.index])).toEqual([
      ['c', 2, undefined],
      ['a', 0, 0],
      ['b', 1, undefined],
    ]);
    expect(deduped.invocations?.[0]?.toolExecutionNotifications?.map((note) => note.associatedRule?.index)).toEqual([0, 2, undefined]);
    // A run without duplicates is returned as it was.
    expect(dedupeRules(deduped)).toBe(deduped);
  });
});
