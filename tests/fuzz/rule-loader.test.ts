import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { RuleError } from '../../src/core/errors.js';
import { builtinRulesDir, parseRuleText } from '../../src/engine/load-rules.js';
import { anyText, fuzzParameters, textFrom } from './fuzz-settings.js';

/**
 * The rule loader under generated files: whatever the text, the answer is a rule or RuleError
 * problems that name the file and a line, never an exception of another kind.
 */

const file = 'rules/wordpress/fuzzed-rule.yaml';

function checkAnswer(text: string): void {
  const result = parseRuleText(file, text, { folderCms: 'wordpress' });
  if (result.rule) {
    expect(result.errors).toEqual([]);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(error).toBeInstanceOf(RuleError);
    expect(error.file).toBe(file);
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.message).toContain(file);
  }
}

const yamlPieces = [
  'id: fuzzed-rule\n', 'name: x\n', 'cms: [wordpress]\n', 'severity: high\n', 'steps:\n', '  - id: s\n', '    request:\n', '      method: GET\n', '      path: /{{target}}\n',
  '    match:\n', '      status: 200\n', '      json: length(@) > `0`\n', '    extract:\n', '      - name: v\n', '        regex: "(a+)+$"\n', '        json: "["\n',
  '---\n', '...\n', '%YAML 1.2\n', '&a ', '*a', '<<: *a\n', '!!binary ', '!!js/function ', '? ', ': ', '- ', '{', '}', '[', ']', ',', '"', "'", '|\n', '>-\n',
  '\t', '  ', '\n', '#', '~', 'null', '1e999', '0x1F', '.nan', '2026-01-01', '{{', '}}', '\u0000', '\ufeff', '\u2028',
];

/** A billion-laughs document: each level refers to the previous one ten times. */
function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level <= levels; level++) lines.push(`a${level}: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(', ')}]`);
  return `id: fuzzed-rule\n${lines.join('\n')}\n`;
}

function builtinRuleObjects(): unknown[] {
  const folder = path.join(builtinRulesDir, 'wordpress');
  return ['wp-rest-unpublished-posts.yaml', 'wp-debug-log-exposed.yaml']
    .map((name) => path.join(folder, name))
    .flatMap((rulePath) => {
      try {
        return [parse(readFileSync(rulePath, 'utf8')) as unknown];
      } catch {
        return [];
      }
    });
}

/** Every path to a value inside a parsed rule, so a mutation can replace any one of them. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => out.push(...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...prefix, key]));
  return out;
}

function replaceAt(value: unknown, at: (string | number)[], replacement: unknown): unknown {
  if (at.length === 0) return replacement;
  const [head, ...rest] = at;
  if (Array.isArray(value)) return value.map((item, index) => (index === head ? replaceAt(item, rest, replacement) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [head as string]: replaceAt(record[head as string], rest, replacement) };
}

describe('parseRuleText under generated input', () => {
  it('answers arbitrary text with a rule or RuleErrors naming the file and a line', () => {
    fc.assert(fc.property(fc.oneof(textFrom(yamlPieces, 50), anyText(300)), (text) => checkAnswer(text)), fuzzParameters(150));
  });

  it('answers YAML alias bombs with RuleErrors, not an exception', () => {
    for (const levels of [3, 6, 9]) checkAnswer(aliasBomb(levels));
  });

  const rules = builtinRuleObjects();
  it('has real rules to mutate', () => {
    expect(rules).toHaveLength(2);
  });

  it('answers a real rule with any one value replaced by arbitrary data', () => {
    const mutation = fc.record({
      rule: fc.constantFrom(...rules),
      pick: fc.nat(),
      value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('', '{{', '{{ [ }}', '(a+)+$', '[', 'length(', -1, 1e308, '\u0000', 'raw {{x}}')),
    });
    fc.assert(
      fc.property(mutation, ({ rule, pick, value }) => {
        const paths = pathsOf(rule);
        const at = paths[pick % paths.length] ?? [];
        checkAnswer(stringify(replaceAt({ ...(rule as object), id: 'fuzzed-rule' }, at, value)));
      }),
      fuzzParameters(100),
    );
  });

  it('answers rule-shaped objects of arbitrary values', () => {
    const shaped = fc.record(
      {
        id: fc.oneof(fc.constant('fuzzed-rule'), fc.jsonValue({ maxDepth: 1 })),
        name: fc.jsonValue({ maxDepth: 1 }),
        cms: fc.oneof(fc.constant(['wordpress']), fc.jsonValue({ maxDepth: 2 })),
        severity: fc.oneof(fc.constantFrom('low', 'medium', 'high', 'critical'), fc.jsonValue({ maxDepth: 1 })),
        steps: fc.array(
          fc.record(
            {
              id: fc.oneof(fc.constantFrom('a', 'b'), fc.jsonValue({ maxDepth: 1 })),
              request: fc.oneof(fc.record({ method: fc.constantFrom('GET', 'POST', 'DELETE'), path: fc.constantFrom('/', '/{{target}}', '{{', '/x/{{raw v}}') }), fc.jsonValue({ maxDepth: 2 })),
              match: fc.jsonValue({ maxDepth: 3 }),
              extract: fc.jsonValue({ maxDepth: 3 }),
              for_each: fc.jsonValue({ maxDepth: 2 }),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
        description: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(shaped, (rule) => checkAnswer(stringify(rule))), fuzzParameters(100));
  });
});
