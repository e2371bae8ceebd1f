import { tempDir } from '../support/temp-dir.js';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules, parseRuleText } from '../../src/engine/index.js';

const valid = `id: broken-rule
name: Broken rule
severity: high
confidence: high
cms: [generic]
description: Used to test error positions.
remediation: None.
references: [https://example.org/doc]
steps:
  - id: probe
    request:
      path: /x
    match:
      all:
        - status: 200
        - regex: "ok"
finding:
  message: "found"
`;

function messages(text: string, file = '/rules/generic/broken-rule.yaml'): string[] {
  return parseRuleText(file, text).errors.map((error) => error.message);
}

describe('rule loading', () => {
  it('accepts a valid rule', () => {
    expect(messages(valid)).toEqual([]);
  });

  it('reports a typo in a key, a bad regex and an unknown variable, each with file, line and column', () => {
    const broken = valid
      .replace('    request:\n      path: /x', '    requets: {}\n    request:\n      path: "/x/{{nope}}"')
      .replace('regex: "ok"', 'regex: "(unclosed"');
    expect(messages(broken)).toEqual([
      '/rules/generic/broken-rule.yaml:11:5: unknown key "requets" (did you mean "request"?) (steps.0.requets)',
      '/rules/generic/broken-rule.yaml:13:13: unknown variable "nope" in template "{{nope}}" (steps.0.request.path)',
      '/rules/generic/broken-rule.yaml:17:18: invalid regex: missing closing ): `(unclosed` (steps.0.match.all.1.regex)',
    ]);
  });

  it('refuses a CSS selector css-select cannot compile, in a matcher and in an extractor, with its position', () => {
    // At scan time an invalid selector throws on the pages where it is reached and not where an
    // `any` already held, so a scan (which stops early) and --explain (which does not) disagreed.
    const broken = valid
      .replace('        - regex: "ok"', '        - any:\n            - word: ok\n            - css: "p[["')
      .replace('      path: /x\n', '      path: /x\n    extract:\n      - { name: links, css: "a[href" }\n');
    expect(messages(broken)).toEqual([
      '/rules/generic/broken-rule.yaml:14:17: the value of extractor "links" is never used (steps.0.extract.0.name)',
      "/rules/generic/broken-rule.yaml:14:29: invalid CSS selector: Attribute selector didn't terminate (steps.0.extract.0.css)",
      '/rules/generic/broken-rule.yaml:20:20: invalid CSS selector: Expected name, found [ (steps.0.match.all.1.any.1.css)',
    ]);
    expect(messages(valid.replace('        - regex: "ok"', '        - css: "a[href*=\'/wp-content/\']"'))).toEqual([]);
  });

  it('reports every problem past a schema error: checks still run on the parts that parsed, with "did you mean"', () => {
    const text = valid
      .replace('severity: high', 'severity: hgh')
      .replace(
        /steps:[\s\S]*$/,
        `steps:
  - id: list
    request: { path: /x }
    extract:
      - { name: ids, json: "json[].id" }
      - { name: leftover, json: "json.items" }
    match: { status: 200 }
  - id: probe
    for_each: { in: ids, as: id, max: 500 }
    request:
      method: PUT
      path: "/x/{{id}}/{{nope}}"
    matchs: { status: 200 }
    match:
      all:
        - status: 999
        - json: "json[?"
        - regex: "ok"
finding:
  message: "found {{id}} {{missing}}"
`,
      );
    expect(messages(text).map((message) => message.replace('/rules/generic/broken-rule.yaml:', ''))).toEqual([
      '3:11: Invalid option: expected one of "info"|"low"|"medium"|"high"|"critical" (severity)',
      '14:17: the value of extractor "leftover" is never used (steps.0.extract.1.name)',
      '17:39: Too big: expected number to be <=100 (steps.1.for_each.max)',
      '19:15: the safety policy allows only GET and HEAD (and POST for a read-only graphql query): draftleak never writes (steps.1.request.method)',
      '20:13: unknown variable "nope" in template "{{nope}}" (steps.1.request.path)',
      '21:5: unknown key "matchs" (did you mean "match"?) (steps.1.matchs)',
      '24:19: Too big: expected number to be <=599 (steps.1.match.all.0.status)',
      expect.stringMatching(/^25:17: invalid JMESPath: .*\(steps\.1\.match\.all\.1\.json\)$/),
      '28:12: unknown variable "missing" in template "{{missing}}" (finding.message)',
    ]);
  });

  it('checks the rest of a step whose request the schema refused, without reports about the stand-in', () => {
    const text = valid.replace('      path: /x', '      method: POST\n      path: /x').replace('regex: "ok"', 'json: "json[?"');
    expect(messages(text)).toEqual([
      expect.stringContaining('POST is allowed only for a read-only graphql query'),
      expect.stringMatching(/:17:\d+: invalid JMESPath/),
    ]);
  });

  it('refuses a cms name no fingerprint knows, with the closest known one', () => {
    const [message] = parseRuleText('/rules/broken-rule.yaml', valid.replace('cms: [generic]', 'cms: [generic, sanityy]'), { knownCms: new Set(['generic', 'sanity', 'strapi']) }).errors.map((error) => error.message);
    expect(message).toMatch(/^\/rules\/broken-rule\.yaml:5:16: unknown CMS "sanityy" \(did you mean "sanity"\?\): no fingerprint recognises it/);
  });

  it('names the matcher keys it expected when a matcher is unknown', () => {
    const [message] = messages(valid.replace('- status: 200', '- stauts: 200'));
    expect(message).toMatch(/broken-rule\.yaml:15:11: unknown key "stauts" \(did you mean "status"\? expected one of: status, header, word, regex, json, css, size, all, any, not\)/);
  });

  it('reports invalid JMESPath and an id that differs from the file name', () => {
    const text = valid.replace('id: broken-rule', 'id: other-id').replace('- regex: "ok"', '- json: "json[?"');
    const found = messages(text);
    expect(found).toContainEqual(expect.stringMatching(/broken-rule\.yaml:16:\d+: invalid JMESPath/));
    expect(found).toContainEqual('/rules/generic/broken-rule.yaml:1:5: id "other-id" must equal the file name "broken-rule" (id)');
  });

  it('reports YAML syntax errors with their position', () => {
    expect(messages('id: [unclosed\n')[0]).toMatch(/^\/rules\/generic\/broken-rule\.yaml:\d+:\d+: /);
  });

  it('refuses a rule that declares POST without a GraphQL query', () => {
    const found = messages(valid.replace('      path: /x', '      method: POST\n      path: /x'));
    expect(found).toEqual([expect.stringContaining('POST is allowed only for a read-only graphql query')]);
  });

  it('reports an extractor whose value no step reads', () => {
    const text = valid.replace("    match:\n      all:", "    extract:\n      - { name: leftover, json: json.items }\n    match:\n      all:");
    expect(messages(text)).toEqual(['/rules/generic/broken-rule.yaml:14:17: the value of extractor "leftover" is never used (steps.0.extract.0.name)']);
    expect(messages(text.replace('message: "found"', 'message: "found {{length(leftover)}}"'))).toEqual([]);
  });

  it('refuses a method the safety policy forbids, saying why', () => {
    const [message] = messages(valid.replace('      path: /x', '      method: DELETE\n      path: /x'));
    expect(message).toMatch(/broken-rule\.yaml:12:15: the safety policy allows only GET and HEAD .*draftleak never writes \(steps\.0\.request\.method\)/);
  });

  it('collects problems from every file and catches duplicate ids across folders', async () => {
    const root = await tempDir('rules');
    const a = path.join(root, 'generic');
    const b = path.join(root, 'more', 'generic');
    await mkdir(a, { recursive: true });
    await mkdir(b, { recursive: true });
    await mkdir(path.join(root, 'wordpress'));
    await writeFile(path.join(a, 'broken-rule.yaml'), valid);
    await writeFile(path.join(b, 'broken-rule.yaml'), valid);
    await writeFile(path.join(b, 'typo-rule.yaml'), valid.replace('id: broken-rule', 'id: typo-rule').replace('severity: high', 'severity: hgh'));
    await writeFile(path.join(b, 'broken-rule.cases.yaml'), 'not: a rule');
    await writeFile(path.join(root, 'wordpress', 'misfiled-rule.yaml'), valid.replace('id: broken-rule', 'id: misfiled-rule'));
    const { rules, errors } = await loadRules([root]);
    expect(rules.map((loaded) => loaded.rule.id)).toEqual(['broken-rule']);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/more\/generic\/broken-rule\.yaml:1: duplicate rule id "broken-rule"/),
      expect.stringMatching(/more\/generic\/typo-rule\.yaml:3:11: Invalid option: expected one of .*\(severity\)/),
      expect.stringMatching(/wordpress\/misfiled-rule\.yaml:5:6: cms must include "wordpress", the name of the folder the rule is in \(cms\)/),
    ]);
  });
});
