import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { RuleError } from '../core/errors.js';
import { ruleSchema, type Rule } from './rule-schema.js';
import { checkRule } from './rule-checks.js';
import { problemsFromZod } from '../core/zod-problems.js';
import { parseYamlSource, positionOf, positionWithin, type Position, type YamlSource } from '../core/yaml-source.js';

export interface LoadedRule {
  rule: Rule;
  file: string;
}

/** The folder of the rules that ship with draftleak. */
export const builtinRulesDir = fileURLToPath(new URL('../../rules/', import.meta.url));

/** Files beside rules that are not rules: test cases, fixtures, fingerprints, partials. */
function isRuleFile(file: string): boolean {
  const base = path.basename(file);
  return base.endsWith('.yaml') && !base.endsWith('.cases.yaml') && !base.startsWith('_') && base !== 'fingerprint.yaml';
}

async function listRuleFiles(target: string): Promise<string[]> {
  const info = await stat(target).catch(() => null);
  if (!info) throw new RuleError(target, 'no such file or directory');
  if (info.isFile()) return [target];
  const entries = await readdir(target, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && !/[\\/](cases|fixtures)([\\/]|$)/.test(entry.parentPath))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter(isRuleFile)
    .sort();
}

/** A copy of `input` without the keys zod called unknown (outside unions), or null if none. */
function withoutUnknownKeys(input: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
  const unknown = issues.filter((issue) => issue.code === 'unrecognized_keys');
  if (unknown.length === 0) return null;
  const copy = structuredClone(input) as Record<string | number, unknown>;
  for (const issue of unknown) {
    let holder: unknown = copy;
    for (const segment of issue.path) holder = (holder as Record<PropertyKey, unknown> | undefined)?.[segment as PropertyKey];
    if (holder && typeof holder === 'object') for (const key of issue.keys) delete (holder as Record<string, unknown>)[key];
  }
  return copy;
}

export interface ParseRuleOptions {
  /** The folder the rule lives in, which names its CMS (`rules/<cms>/<id>.yaml`). */
  folderCms?: string;
}

/** Parses and checks one rule file, returning every problem found (not only the first). */
export function parseRuleText(file: string, text: string, options: ParseRuleOptions = {}): { rule?: Rule; errors: RuleError[] } {
  const { source, errors: yamlErrors } = parseYamlSource(file, text);
  if (yamlErrors.length > 0) {
    return { errors: yamlErrors.map((error) => new RuleError(file, error.message, error.position)) };
  }
  const input: unknown = source.document.toJS();
  const parsed = ruleSchema.safeParse(input);
  const problems = parsed.success ? [] : problemsFromZod(parsed.error.issues, input);
  // A typo in a key must not hide the other problems of the file: check again without it.
  const retry = parsed.success ? null : withoutUnknownKeys(input, parsed.error.issues);
  const rule = parsed.success ? parsed.data : retry ? ruleSchema.safeParse(retry).data : undefined;
  if (rule) {
    problems.push(...checkRule(rule));
    const expectedId = path.basename(file, '.yaml');
    if (rule.id !== expectedId) problems.push({ path: ['id'], message: `id "${rule.id}" must equal the file name "${expectedId}"` });
    if (options.folderCms !== undefined && !rule.cms.includes(options.folderCms)) {
      problems.push({ path: ['cms'], message: `cms must include "${options.folderCms}", the name of the folder the rule is in` });
    }
  }
  const errors = problems.map((problem) => toRuleError(source, problem.path, problem.message, problem.atKey, problem.within));
  return parsed.success && errors.length === 0 ? { rule: parsed.data, errors } : { errors };
}

function toRuleError(source: YamlSource, at: (string | number)[], message: string, atKey = false, within?: Position): RuleError {
  const position = within ? positionWithin(source, at, within) : positionOf(source, at, atKey);
  return new RuleError(source.file, message, { ...position, field: at.join('.') || '(root)' });
}

/**
 * Loads every rule under the given files or folders. All problems of all files are collected
 * before failing, so an author fixes them in one pass; duplicate ids across files are errors.
 */
export async function loadRules(targets: string[]): Promise<{ rules: LoadedRule[]; errors: RuleError[] }> {
  const rules: LoadedRule[] = [];
  const errors: RuleError[] = [];
  const seen = new Map<string, string>();
  for (const target of targets) {
    let files: string[];
    try {
      files = await listRuleFiles(target);
    } catch (error) {
      errors.push(error instanceof RuleError ? error : new RuleError(target, String(error)));
      continue;
    }
    for (const file of files) {
      // A rule in a sub-folder of what was given is filed under its CMS; a file given alone is not.
      const folderCms = path.resolve(path.dirname(file)) === path.resolve(target) || files.length === 1 && file === target
        ? undefined
        : path.basename(path.dirname(file));
      const result = parseRuleText(file, await readFile(file, 'utf8'), folderCms === undefined ? {} : { folderCms });
      errors.push(...result.errors);
      if (!result.rule) continue;
      const earlier = seen.get(result.rule.id);
      if (earlier) {
        errors.push(new RuleError(file, `duplicate rule id "${result.rule.id}" (also in ${earlier})`, { line: 1, field: 'id' }));
        continue;
      }
      seen.set(result.rule.id, file);
      rules.push({ rule: result.rule, file });
    }
  }
  return { rules, errors };
}
