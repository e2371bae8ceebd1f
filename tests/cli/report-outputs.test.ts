import * as cheerio from 'cheerio';
import { XMLValidator } from 'fast-xml-parser';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo, type CapturedIo } from '../support/capture-io.js';
import { startLoopbackServer, type LoopbackServer } from '../support/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';
import { validateSarif } from '../report/sarif-schema.js';

/** Several reports from one run, each format from its file's extension, and the flags around it. */

let site: LoopbackServer;
beforeAll(async () => {
  site = await startLoopbackServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>plain site</body></html>');
  });
});
afterAll(() => site.close());

async function run(args: string[], io: CapturedIo = captureIo()): Promise<{ code: number; io: CapturedIo }> {
  return { code: await runCli(args, io), io };
}

describe('one demo run with an -o per format', () => {
  let dir: string;
  let result: { code: number; io: CapturedIo };
  const files = ['report.html', 'results.sarif', 'summary.md', 'findings.jsonl', 'junit.xml', 'report.txt', 'report.json', 'upload.sarif.json'];
  beforeAll(async () => {
    dir = await tempDir('outputs');
    result = await run(['demo', ...files.flatMap((file) => ['-o', path.join(dir, file)])]);
  }, 60_000);

  it('writes every file, nothing on stdout, and says what it wrote', async () => {
    expect(result.code).toBe(0);
    expect(result.io.out).toBe('');
    expect((await readdir(dir)).sort()).toEqual([...files].sort());
    for (const [file, format] of [['report.html', 'html'], ['results.sarif', 'sarif'], ['summary.md', 'markdown'], ['findings.jsonl', 'jsonl'], ['junit.xml', 'junit'], ['report.txt', 'text'], ['report.json', 'json'], ['upload.sarif.json', 'sarif']]) {
      expect(result.io.err).toContain(`draftleak: wrote ${path.join(dir, file!)} (${format}): 8 finding(s) on 3 target(s)`);
    }
  });

  it('each file is its format, and all tell of the same findings', async () => {
    const read = (file: string): Promise<string> => readFile(path.join(dir, file), 'utf8');
    const json = JSON.parse(await read('report.json')) as { summary: { findings: number }; targets: { findings: { ruleId: string; rule: { remediation: string } }[] }[] };
    const ruleIds = json.targets.flatMap((target) => target.findings.map((finding) => finding.ruleId)).sort();
    expect(json.summary.findings).toBe(8);
    expect(json.targets.flatMap((target) => target.findings).every((finding) => finding.rule.remediation.length > 20)).toBe(true);

    const sarif = JSON.parse(await read('results.sarif')) as { runs: { results: { ruleId: string }[] }[] };
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.runs.flatMap((one) => one.results.map((r) => r.ruleId)).sort()).toEqual(ruleIds);
    expect(await read('upload.sarif.json')).toBe(await read('results.sarif'));

    const jsonl = (await read('findings.jsonl')).trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; ruleId?: string });
    expect(jsonl.filter((line) => line.type === 'finding').map((line) => line.ruleId).sort()).toEqual(ruleIds);

    const $ = cheerio.load(await read('report.html'));
    expect($('.finding')).toHaveLength(8);
    expect($('.rule-head code').map((_, c) => $(c).text()).get().sort()).toEqual([...new Set(ruleIds)].sort());

    const markdown = await read('summary.md');
    expect(markdown.startsWith('## draftleak report\n\n**8 findings (2 critical, 2 high, 4 medium), 0 failed probes** on 3 targets')).toBe(true);
    for (const ruleId of ruleIds) expect(markdown).toContain(`\`${ruleId}\``);

    const junit = await read('junit.xml');
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(junit.match(/<failure /g)).toHaveLength(8);

    const text = await read('report.txt');
    expect(text).toContain('How to fix (8 rules with findings)');
    expect(text).not.toContain('\u001b[');
  });
});

describe('choosing formats', () => {
  it('an unknown extension is refused before any request, naming the accepted ones', async () => {
    const dir = await tempDir('outputs-bad');
    const before = site.requests.length;
    const { code, io } = await run(['scan', site.origin, '-o', path.join(dir, 'report.htm'), '--rate-limit', '0']);
    expect(code).toBe(2);
    expect(io.err).toContain(`cannot tell the report format of "${path.join(dir, 'report.htm')}" from its name: end it in .sarif.json, gl-dast-report.json, .gitlab-dast.json, .sarif, .jsonl, .json, .txt, .md, .html, .xml, or give --format with a single -o`);
    expect(site.requests.length).toBe(before);
    expect(await readdir(dir)).toEqual([]);
  });

  it('--format names the format of a single -o whatever its name; with several -o it is refused', async () => {
    const dir = await tempDir('outputs-format');
    const file = path.join(dir, 'report');
    const single = await run(['scan', site.origin, '--format', 'html', '-o', file, '--rate-limit', '0', '--fail-on', 'none']);
    expect(single.code, single.io.err).toBe(0);
    expect(await readFile(file, 'utf8')).toMatch(/^<!doctype html>/);
    const before = site.requests.length;
    const several = await run(['scan', site.origin, '--format', 'json', '-o', path.join(dir, 'a.json'), '-o', path.join(dir, 'b.md')]);
    expect(several.code).toBe(2);
    expect(several.io.err).toContain('--format applies to stdout or a single -o; with 2 -o files each takes its format from its extension');
    expect(site.requests.length).toBe(before);
  });

  it('the same file twice, or a folder that does not exist, is refused before the scan', async () => {
    const dir = await tempDir('outputs-twice');
    const twice = await run(['scan', site.origin, '-o', path.join(dir, 'a.md'), '-o', path.join(dir, '.', 'a.md')]);
    expect(twice.code).toBe(2);
    expect(twice.io.err).toContain('is given twice');
    const missing = await run(['scan', site.origin, '-o', path.join(dir, 'nope', 'a.md')]);
    expect(missing.code).toBe(2);
    expect(missing.io.err).toContain(`the folder ${path.join(dir, 'nope')} does not exist`);
  });

  it('stdout gets one report: --format, else text on a terminal, else SARIF', async () => {
    const piped = await run(['scan', site.origin, '--rate-limit', '0', '--fail-on', 'none']);
    expect(JSON.parse(piped.io.out)).toMatchObject({ version: '2.1.0' });
    const markdown = await run(['scan', site.origin, '--format', 'markdown', '--rate-limit', '0', '--fail-on', 'none']);
    expect(markdown.io.out.startsWith('## draftleak report')).toBe(true);
    const tty = captureIo();
    tty.stdoutIsTty = true;
    const terminal = await run(['scan', site.origin, '--rate-limit', '0', '--fail-on', 'none'], tty);
    expect(terminal.io.out).toContain('Target: ');
  });
});

describe('colour', () => {
  const terminal = (): CapturedIo => {
    const io = captureIo();
    io.stdoutIsTty = true;
    io.color = true;
    return io;
  };

  it('text on a colour terminal is coloured; --no-color turns it off; a file is never coloured', async () => {
    const coloured = await run(['demo'], terminal());
    expect(coloured.io.out).toContain('\u001b[');
    const plain = await run(['demo', '--no-color'], terminal());
    expect(plain.io.out).not.toContain('\u001b[');
    expect(plain.io.out).toContain('How to fix');
    const dir = await tempDir('outputs-color');
    await run(['demo', '-o', path.join(dir, 'r.txt')], terminal());
    expect(await readFile(path.join(dir, 'r.txt'), 'utf8')).not.toContain('\u001b[');
  }, 60_000);
});
