import { tempDir } from '../support/temp-dir.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo } from '../support/capture-io.js';

/** A custom rule written outside the repository, as a rule author would. */
const customRule = `id: acme-preview-drafts
name: ACME CMS preview API lists drafts
severity: critical
confidence: high
cms: [acme]
description: The ACME preview endpoint answers anonymous visitors with draft entries.
remediation: Require a preview token on /preview/entries.
references: [https://docs.acme.example/preview]
steps:
  - id: entries
    request:
      path: /preview/entries
    match:
      all:
        - status: 200
        - header: { name: x-acme-version }
        - json: "length(json.entries[?state == 'draft']) > \`0\`"
finding:
  message: "{{count}} ACME draft(s) are readable"
  items: "json.entries[?state == 'draft'].{id: to_string(id), status: state}"
`;

const customCases = `rule: acme-preview-drafts
source: responses written for this test
cases:
  - name: the preview API lists a draft
    expect: finding
    findings:
      - path: /preview/entries
        items: [{ id: "42", status: draft }]
    exchanges:
      - request: { path: /preview/entries }
        response:
          status: 200
          headers: { x-acme-version: "3.1" }
          json: { entries: [{ id: 42, state: draft }, { id: 7, state: live }] }
  - name: the preview API asks for a token
    expect: none
    exchanges:
      - request: { path: /preview/entries }
        response: { status: 401, json: { error: token required } }
`;

async function customRulesDir(rule = customRule): Promise<string> {
  const root = await tempDir('custom');
  await mkdir(path.join(root, 'acme'));
  await writeFile(path.join(root, 'acme', 'acme-preview-drafts.yaml'), rule);
  await writeFile(path.join(root, 'acme', 'acme-preview-drafts.cases.yaml'), customCases);
  return root;
}

describe('draftleak rules validate', () => {
  it('prints one file:line:column line per problem and exits 2: a key typo, a bad regex, an unknown variable', async () => {
    const broken = customRule
      .replace('    request:\n      path: /preview/entries', '    requst: {}\n    request:\n      path: /preview/{{collection}}')
      .replace("        - header: { name: x-acme-version }", '        - regex: "[unclosed"');
    const dir = await customRulesDir(broken);
    const file = path.join(dir, 'acme', 'acme-preview-drafts.yaml');
    const io = captureIo();
    expect(await runCli(['rules', 'validate', dir], io)).toBe(2);
    expect(io.out.trim().split('\n')).toEqual([
      `${file}:11:5: unknown key "requst" (did you mean "request"?) (steps.0.requst)`,
      `${file}:13:13: unknown variable "collection" in template "{{collection}}" (steps.0.request.path)`,
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:17:18: invalid regex: .*\\(steps\\.0\\.match\\.all\\.1\\.regex\\)$`)),
    ]);
    expect(io.err).toContain('3 problem(s) in 1 file(s)');
  });

  it('exits 0 on the built-in rules', async () => {
    const io = captureIo();
    expect(await runCli(['rules', 'validate'], io)).toBe(0);
    expect(io.out).toBe('');
    expect(io.err).toMatch(/\d+ rule\(s\) valid/);
  });
});

describe('draftleak rules test', () => {
  it('passes a custom rule outside the repository with its cases and the honeypots', async () => {
    const dir = await customRulesDir();
    const io = captureIo();
    expect(await runCli(['rules', 'test', dir], io)).toBe(0);
    expect(io.out).toContain('PASS acme-preview-drafts');
    expect(io.out).toContain('✓ fires: the preview API lists a draft');
    expect(io.out).toContain('✓ honeypot catch-all-json: silent');
    expect(io.out).toContain('rules: 1 passed, 0 failed');
  });

  it('fails the same rule loosened to `status: 200` alone, on the honeypot suite', async () => {
    const loose = customRule.replace(/    match:\n[\s\S]*?\nfinding:/, '    match:\n      status: 200\nfinding:');
    const dir = await customRulesDir(loose);
    const io = captureIo();
    expect(await runCli(['rules', 'test', dir], io)).toBe(1);
    expect(io.out).toContain('FAIL acme-preview-drafts');
    for (const honeypot of ['catch-all-html', 'catch-all-json', 'soft-404', 'login-redirect', 'echo']) {
      expect(io.out).toContain(`✗ honeypot ${honeypot}: FIRED`);
    }
    expect(io.out).toContain('✓ honeypot waf-block: silent');
  });

  it('reports results as JSON with --json and explains with --explain', async () => {
    const dir = await customRulesDir();
    const io = captureIo();
    expect(await runCli(['rules', 'test', dir, '--json', '--explain'], io)).toBe(0);
    const [result] = JSON.parse(io.out) as { ruleId: string; passed: boolean; cases: { name: string; passed: boolean }[] }[];
    expect(result?.ruleId).toBe('acme-preview-drafts');
    expect(result?.cases.map((entry) => entry.passed)).toEqual([true, true]);
    expect(io.err).toContain('step entries: GET http://127.0.0.1:65535/preview/entries -> 200');
    expect(io.err).toContain('✓ json: "length(json.entries[?state == \'draft\']) > `0`"');
  });

  it('fails a case whose recorded exchange the rule never requests (stale fixture)', async () => {
    const dir = await customRulesDir();
    const casesFile = path.join(dir, 'acme', 'acme-preview-drafts.cases.yaml');
    await writeFile(casesFile, (await readFile(casesFile, 'utf8')).replace('response: { status: 401', 'response: { status: 401 }\n      - request: { path: /preview/old }\n        response: { status: 404'));
    const io = captureIo();
    expect(await runCli(['rules', 'test', dir], io)).toBe(1);
    expect(io.out).toContain('exchange never requested (stale fixture?): GET http://127.0.0.1:65535/preview/old');
  });
});

describe('draftleak rules new', () => {
  it('scaffolds a rule and its cases that validate, and that fail rules test until filled in', async () => {
    const dir = await tempDir('new');
    const io = captureIo();
    expect(await runCli(['rules', 'new', '--cms', 'strapi', '--id', 'strapi-my-check', '--dir', dir], io)).toBe(0);
    const ruleFile = path.join(dir, 'strapi', 'strapi-my-check.yaml');
    expect(io.out).toContain(`created ${ruleFile}`);
    expect(await readFile(ruleFile, 'utf8')).toMatch(/^# yaml-language-server: \$schema=.*schemas\/rule\.schema\.json\nid: strapi-my-check\n/);
    expect(await runCli(['rules', 'validate', dir], captureIo())).toBe(0);
    const tested = captureIo();
    expect(await runCli(['rules', 'test', dir], tested)).toBe(1);
    expect(tested.out).toContain('needs at least one case that must fire');
    const again = captureIo();
    expect(await runCli(['rules', 'new', '--cms', 'strapi', '--id', 'strapi-my-check', '--dir', dir], again)).toBe(2);
    expect(again.err).toContain('already exists');
  });
});
