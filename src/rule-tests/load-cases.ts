import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { RuleError } from '../core/errors.js';
import { byPosition, parseYamlFile, problemToError } from '../core/yaml-file.js';
import type { YamlProblem } from '../core/yaml-source.js';
import { fingerprintCaseFileSchema, type FingerprintCaseFile } from '../fingerprint/case-schema.js';
import { caseFileSchema, type CaseFile } from './case-schema.js';

/** `<id>.cases.yaml` and `<id>.recorded.cases.yaml` are the cases of the rule `<id>.yaml`. */
export function ruleIdOfCaseFile(file: string): string {
  return path.basename(file).replace(/(\.recorded)?\.cases\.yaml$/, '');
}

function stringAt(input: unknown, key: string): string | undefined {
  const value = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function ruleCaseProblems(input: unknown, data: CaseFile | undefined, ruleId: string): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const named = stringAt(input, 'rule');
  if (named !== undefined && named !== ruleId) problems.push({ path: ['rule'], message: `rule "${named}" should be "${ruleId}", the rule this file is beside` });
  data?.cases.forEach((ruleCase, index) => {
    if (ruleCase.expect === 'none' && ruleCase.findings.length > 0) {
      problems.push({ path: ['cases', index, 'findings'], message: 'findings are what a case with expect: finding must produce; this case expects none' });
    }
  });
  return problems;
}

/** body_file names a file beside the case file; a missing one is a problem of the case file. */
async function bodyFileProblems(file: string, cases: { exchanges: { response: { body_file?: string | undefined } }[] }[]): Promise<YamlProblem[]> {
  const problems: YamlProblem[] = [];
  for (const [caseIndex, ruleCase] of cases.entries()) {
    for (const [exchangeIndex, exchange] of ruleCase.exchanges.entries()) {
      const bodyFile = exchange.response.body_file;
      if (bodyFile === undefined) continue;
      const exists = await access(path.join(path.dirname(file), bodyFile)).then(() => true, () => false);
      if (!exists) problems.push({ path: ['cases', caseIndex, 'exchanges', exchangeIndex, 'response', 'body_file'], message: `no such file beside the case file: ${bodyFile}` });
    }
  }
  return problems;
}

async function readText(file: string): Promise<string | RuleError> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    return new RuleError(file, `cannot read: ${(error as Error).message}`);
  }
}

/** Reads a rule's case file, checking it against its schema and its rule, each problem at file:line:column. */
export async function readRuleCaseFile(file: string, ruleId = ruleIdOfCaseFile(file)): Promise<{ caseFile?: CaseFile; errors: RuleError[] }> {
  const text = await readText(file);
  if (text instanceof RuleError) return { errors: [text] };
  const parsed = parseYamlFile(file, text, caseFileSchema, (input, data) => ruleCaseProblems(input, data, ruleId));
  if (!parsed.source) return { errors: parsed.errors };
  const source = parsed.source;
  const bodies = parsed.data ? await bodyFileProblems(file, parsed.data.cases) : [];
  const errors = [...parsed.errors, ...bodies.map((problem) => problemToError(source, problem))].sort(byPosition);
  return errors.length === 0 && parsed.data ? { caseFile: parsed.data, errors } : { errors };
}

/** Reads `<cms>/fingerprint.cases.yaml`, whose `fingerprint` must name the folder it is in. */
export async function readFingerprintCaseFile(file: string): Promise<{ caseFile?: FingerprintCaseFile; errors: RuleError[] }> {
  const text = await readText(file);
  if (text instanceof RuleError) return { errors: [text] };
  const folder = path.basename(path.dirname(path.resolve(file)));
  const parsed = parseYamlFile(file, text, fingerprintCaseFileSchema, (input) => {
    const named = stringAt(input, 'fingerprint');
    return named !== undefined && named !== folder ? [{ path: ['fingerprint'], message: `fingerprint "${named}" should be "${folder}", the folder this file is in` }] : [];
  });
  if (!parsed.source) return { errors: parsed.errors };
  const source = parsed.source;
  const bodies = parsed.data ? await bodyFileProblems(file, parsed.data.cases) : [];
  const errors = [...parsed.errors, ...bodies.map((problem) => problemToError(source, problem))].sort(byPosition);
  return errors.length === 0 && parsed.data ? { caseFile: parsed.data, errors } : { errors };
}
