import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtinRulesDir, loadRules } from '../src/engine/index.js';
import { generatedFiles } from '../src/generated-artifacts.js';
import { loadFingerprints } from '../src/fingerprint/index.js';
import { caseFileFor, recordedCaseFileFor } from '../src/rule-tests/run-cases.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const { rules } = await loadRules([builtinRulesDir]);
const { fingerprints } = await loadFingerprints();
const files = generatedFiles(rules, fingerprints);

describe('generated files', () => {
  for (const [file, expected] of files) {
    it(`${file} matches what the code generates (run \`npm run generate\` if not)`, async () => {
      expect(await readFile(root + file, 'utf8')).toBe(expected);
    });
  }

  it('the rule and case JSON Schemas accept every built-in rule and case file, and reject a typo', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormatsModule.default(ajv);
    const validateRule = ajv.compile(JSON.parse(files.get('schemas/rule.schema.json') ?? '{}') as object);
    const validateCases = ajv.compile(JSON.parse(files.get('schemas/cases.schema.json') ?? '{}') as object);
    for (const { file } of rules) {
      const rule: unknown = parseYaml(await readFile(file, 'utf8'));
      expect(validateRule(rule), `${file}: ${JSON.stringify(validateRule.errors)}`).toBe(true);
      for (const casesFile of [caseFileFor(file), recordedCaseFileFor(file)]) {
        const text = await readFile(casesFile, 'utf8').catch(() => undefined);
        if (text === undefined) continue; // a rule need not have lab recordings
        const cases: unknown = parseYaml(text);
        expect(validateCases(cases), `${casesFile}: ${JSON.stringify(validateCases.errors)}`).toBe(true);
      }
      expect(validateRule({ ...(rule as object), severty: 'high' })).toBe(false);
    }
  });

  it('the fingerprint JSON Schemas accept every fingerprint and case file', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormatsModule.default(ajv);
    const validateFingerprint = ajv.compile(JSON.parse(files.get('schemas/fingerprint.schema.json') ?? '{}') as object);
    const validateCases = ajv.compile(JSON.parse(files.get('schemas/fingerprint-cases.schema.json') ?? '{}') as object);
    expect(fingerprints.length).toBeGreaterThanOrEqual(29);
    for (const { file } of fingerprints) {
      const fingerprint: unknown = parseYaml(await readFile(file, 'utf8'));
      expect(validateFingerprint(fingerprint), `${file}: ${JSON.stringify(validateFingerprint.errors)}`).toBe(true);
      const casesFile = file.replace(/fingerprint\.yaml$/, 'fingerprint.cases.yaml');
      const cases: unknown = parseYaml(await readFile(casesFile, 'utf8'));
      expect(validateCases(cases), `${casesFile}: ${JSON.stringify(validateCases.errors)}`).toBe(true);
    }
  });

  it('every rule file points editors at the schema', async () => {
    for (const { file } of rules) {
      expect((await readFile(file, 'utf8')).split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/rule.schema.json');
      expect((await readFile(caseFileFor(file), 'utf8')).split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/cases.schema.json');
    }
  });
});
