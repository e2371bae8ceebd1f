import { tempDir } from '../support/temp-dir.js';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
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
    # The live entry beside the draft must not be named.
    not_named: [{ id: "7" }]
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

/** A CMS draftleak does not know needs a fingerprint, or a scan would never select its rules. */
const customFingerprint = `cms: acme
name: ACME CMS
kind: headless
references: [https://docs.acme.example/headers]
signals:
  - id: version-header
    passive: {}
    match: { header: { name: x-acme-version } }
    weight: 0.9
`;

async function customRulesDir(rule = customRule, cases = customCases): Promise<string> {
  const root = await tempDir('custom');
  await mkdir(path.join(root, 'acme'));
  await writeFile(path.join(root, 'acme', 'fingerprint.yaml'), customFingerprint);
  await writeFile(path.join(root, 'acme', 'acme-preview-drafts.yaml'), rule);
  await writeFile(path.join(root, 'acme', 'acme-preview-drafts.cases.yaml'), cases);
  return root;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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

  it('warns on a json matcher that is a bare length(...) (0 is true in JMESPath), without failing validation', async () => {
    const trap = customRule.replace("]) > `0`\"", "])\"");
    expect(trap).not.toBe(customRule);
    const file = path.join(await customRulesDir(trap), 'acme', 'acme-preview-drafts.yaml');
    const io = captureIo();
    expect(await runCli(['rules', 'validate', path.dirname(path.dirname(file))], io)).toBe(0);
    expect(io.out.trim().split('\n')).toEqual([
      `warning: ${file}:17:17: length(...) without a comparison is always true (in JMESPath 0 is true): compare it, e.g. "length(...) > \`0\`" (steps.0.match.all.2.json)`,
    ]);
    // The same rule with its comparison says nothing.
    const clean = captureIo();
    expect(await runCli(['rules', 'validate', await customRulesDir()], clean)).toBe(0);
    expect(clean.out).toBe('');
  });

  it('exits 0 on the built-in rules, their cases and the fingerprints', async () => {
    const io = captureIo();
    expect(await runCli(['rules', 'validate'], io)).toBe(0);
    expect(io.out).toBe('');
    expect(io.err).toMatch(/^\d+ rule\(s\), \d+ case file\(s\), \d+ fingerprint\(s\), \d+ fingerprint case file\(s\): all valid\n$/);
  });

  it('checks case files against their own schema, with file:line:column', async () => {
    const dir = await customRulesDir(customRule, customCases.replace('expect: finding', 'expect: findings').replace('response: { status: 401', 'respone: { status: 401'));
    const casesFile = path.join(dir, 'acme', 'acme-preview-drafts.cases.yaml');
    const io = captureIo();
    expect(await runCli(['rules', 'validate', dir], io)).toBe(2);
    expect(io.out.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${escape(casesFile)}:5:13: Invalid option: expected one of "finding"\\|"none" \\(cases\\.0\\.expect\\)$`)),
      `${casesFile}:20:9: missing required key "response" (cases.1.exchanges.0)`,
      `${casesFile}:21:9: unknown key "respone" (did you mean "response"?) (cases.1.exchanges.0.respone)`,
    ]);
  });

  it('checks a case file given alone as a case file, not as a rule', async () => {
    const dir = await customRulesDir();
    const casesFile = path.join(dir, 'acme', 'acme-preview-drafts.cases.yaml');
    const io = captureIo();
    expect(await runCli(['rules', 'validate', casesFile], io)).toBe(0);
    expect(io.err).toBe('0 rule(s), 1 case file(s), 0 fingerprint(s), 0 fingerprint case file(s): all valid\n');
    await writeFile(casesFile, customCases.replace('rule: acme-preview-drafts', 'rule: acme-other'));
    const broken = captureIo();
    expect(await runCli(['rules', 'validate', casesFile], broken)).toBe(2);
    expect(broken.out).toBe(`${casesFile}:1:7: rule "acme-other" should be "acme-preview-drafts", the rule this file is beside (rule)\n`);
  });

  it('checks fingerprint files too', async () => {
    const dir = await customRulesDir();
    await writeFile(path.join(dir, 'acme', 'fingerprint.yaml'), customFingerprint.replace('weight: 0.9', 'weight: 2').replace('passive: {}', 'pasive: {}'));
    const io = captureIo();
    expect(await runCli(['rules', 'validate', dir], io)).toBe(2);
    expect(io.out).toContain(`${path.join(dir, 'acme', 'fingerprint.yaml')}:7:5: unknown key "pasive"`);
  });

  it('refuses a CMS folder no fingerprint knows, with the closest name', async () => {
    const dir = await tempDir('custom');
    await mkdir(path.join(dir, 'sanityy'));
    await writeFile(path.join(dir, 'sanityy', 'acme-preview-drafts.yaml'), customRule.replace('cms: [acme]', 'cms: [sanityy]'));
    await writeFile(path.join(dir, 'sanityy', 'acme-preview-drafts.cases.yaml'), customCases);
    const io = captureIo();
    expect(await runCli(['rules', 'validate', dir], io)).toBe(2);
    expect(io.out.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${escape(path.join(dir, 'sanityy'))}: unknown CMS folder "sanityy" \\(did you mean "sanity"\\?\\): no fingerprint recognises it`)),
    ]);
  });

  it('exits 2 on a folder with nothing to check', async () => {
    const io = captureIo();
    expect(await runCli(['rules', 'validate', await tempDir('empty')], io)).toBe(2);
    expect(io.err).toMatch(/^no rule, case or fingerprint files in /);
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

  it('exits 2 with file:line:column when a case file is broken, before any case runs', async () => {
    const dir = await customRulesDir(customRule, customCases.replace('response: { status: 401', 'respone: { status: 401'));
    const io = captureIo();
    expect(await runCli(['rules', 'test', dir], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toContain(`${path.join(dir, 'acme', 'acme-preview-drafts.cases.yaml')}:21:9: unknown key "respone" (did you mean "response"?)`);
  });

  it('exits 2 with a message on a folder without rules', async () => {
    const io = captureIo();
    expect(await runCli(['rules', 'test', await tempDir('empty')], io)).toBe(2);
    expect(io.err).toMatch(/^no rules to test in /);
  });

  it('fails the case whose template gives no URL, naming file, step and value, and runs the other cases', async () => {
    const rule = customRule.replace(
      '    match:\n      all:\n        - status: 200\n        - header',
      '    extract: [{ name: routes, json: "json.entries[].routes" }]\n    match:\n      all:\n        - status: 200\n        - header',
    ).replace('finding:\n', `  - id: follow
    for_each: { in: routes, as: route }
    request: { url: "{{route}}" }
    match: { status: 200 }
finding:
`).replace(/message: .*\n  items: .*\n/, 'message: "{{route}} answers"\n');
    const cases = customCases.replace('json: { entries: [{ id: 42, state: draft }, { id: 7, state: live }] }', 'json: { entries: [{ id: 42, state: draft, routes: ["/v1/a"] }] }').replace(/    findings:\n      - path: \/preview\/entries\n        items: .*\n/, '');
    const dir = await customRulesDir(rule, cases);
    const ruleFile = path.join(dir, 'acme', 'acme-preview-drafts.yaml');
    const io = captureIo();
    expect(await runCli(['rules', 'validate', dir], captureIo())).toBe(0);
    expect(await runCli(['rules', 'test', dir], io)).toBe(1);
    expect(io.out).toContain(`✗ fires: the preview API lists a draft\n      expected a finding, got none\n      ${ruleFile}: step follow: template "{{route}}" gave "/v1/a", not a URL\n`);
    expect(io.out).toContain('✓ silent: the preview API asks for a token');
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

  it("scaffolds a rule that stays silent on every honeypot, catch-all-json included", async () => {
    const dir = await tempDir('new');
    expect(await runCli(['rules', 'new', '--cms', 'strapi', '--id', 'strapi-my-check', '--dir', dir], captureIo())).toBe(0);
    const tested = captureIo();
    await runCli(['rules', 'test', dir], tested);
    expect(tested.out).toContain('✓ honeypot catch-all-json: silent');
    expect(tested.out).not.toContain('FIRED');
    expect(tested.out).toContain('✓ silent: TODO the default, safe answer');
  });

  it('refuses a CMS no fingerprint knows, with the closest name', async () => {
    const dir = await tempDir('new');
    const io = captureIo();
    expect(await runCli(['rules', 'new', '--cms', 'sanityy', '--id', 'sanity-my-check', '--dir', dir], io)).toBe(2);
    expect(io.err).toMatch(/unknown CMS "sanityy" \(did you mean "sanity"\?\)/);
    expect(await readdir(dir)).toEqual([]);
  });
});
