import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuleError } from '../core/errors.js';
import { listDefinitionFiles } from '../core/list-definition-files.js';
import { precompiledValue } from '../core/precompiled.js';
import { ruleSchema, type Rule } from './rule-schema.js';
import { checkRule } from './rule-checks.js';
import { problemsFromZod } from '../core/zod-problems.js';
import { parseYamlSource, positionOf, positionWithin, type Position, type YamlProblem, type YamlSource } from '../core/yaml-source.js';
import { parseRepairing, touchesRepair } from '../core/schema-repair.js';
import { didYouMean } from '../core/suggest.js';
import { rulePlaceholder, ruleBodySchema } from './rule-placeholders.js';
import type { RuleCache, TargetRuleCache } from './rule-cache.js';

export interface LoadedRule {
  rule: Rule;
  file: string;
}

/** The folder of the rules that ship with draftleak. */
export const builtinRulesDir = fileURLToPath(new URL('../../rules/', import.meta.url));

/** Files beside rules that are not rules: test cases, fixtures, fingerprints, partials. */
function isRuleFile(base: string): boolean {
  return base.endsWith('.yaml') && !base.endsWith('.cases.yaml') && !base.startsWith('_') && base !== 'fingerprint.yaml';
}

/** A rule in a sub-folder of what was given is filed under its CMS; a file given alone is not. */
export function folderCmsOf(file: string, target: string, fileCount: number): string | undefined {
  return path.resolve(path.dirname(file)) === path.resolve(target) || (fileCount === 1 && file === target) ? undefined : path.basename(path.dirname(file));
}

export function listRuleFiles(target: string): string[] {
  return listDefinitionFiles(target, isRuleFile);
}

export interface ParseRuleOptions {
  /** The folder the rule lives in, which names its CMS (`rules/<cms>/<id>.yaml`). */
  folderCms?: string;
  /**
   * The CMS names a scan can select rules for (fingerprinted CMSs and `generic`); when given, a
   * `cms` entry outside it is a problem, since the rule would never run. The folder's own name
   * is not checked here: the caller reports an unknown folder once, for the whole folder.
   */
  knownCms?: ReadonlySet<string>;
}

function field(input: unknown, key: string): unknown {
  return input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>)[key] : undefined;
}

/**
 * Parses and checks one rule file, returning every problem found (not only the first). A schema
 * error does not stop the checks: the parts the schema refused are set aside (see
 * parseRepairing) and the rest is checked as if they were fine.
 */
export function parseRuleText(file: string, text: string, options: ParseRuleOptions = {}): { rule?: Rule; errors: RuleError[]; warnings?: RuleError[] } {
  const { source, errors: yamlErrors } = parseYamlSource(file, text);
  if (yamlErrors.length > 0) {
    return { errors: yamlErrors.map((error) => new RuleError(file, error.message, error.position)) };
  }
  let input: unknown;
  try {
    input = source.document.toJS();
  } catch (error) {
    // yaml refuses an alias bomb or an unresolved merge alias (`<<: *a`) only when it builds the
    // value, and says nothing of where: the file is unreadable as a whole.
    return { errors: [new RuleError(file, `the YAML cannot be read: ${(error as Error).message}`, { line: 1, column: 1 })] };
  }
  const parsed = ruleSchema.safeParse(input);
  const problems: YamlProblem[] = parsed.success ? [] : problemsFromZod(parsed.error.issues, input, [], { schema: ruleSchema });
  const said = new Set(problems.map((problem) => `${JSON.stringify(problem.path)} ${problem.message}`));
  const body = parsed.success
    ? { data: parsed.data, problems: [], repaired: [] }
    : parseRepairing(ruleBodySchema, { steps: field(input, 'steps'), finding: field(input, 'finding') }, rulePlaceholder);
  problems.push(...body.problems.filter((problem) => !said.has(`${JSON.stringify(problem.path)} ${problem.message}`)));
  if (body.data) problems.push(...checkRule(body.data).filter((problem) => !touchesRepair(problem.path, body.repaired)));
  const schemaSaid = (key: string) => problems.some((problem) => problem.path[0] === key);
  const id = field(input, 'id');
  const expectedId = path.basename(file, '.yaml');
  if (typeof id === 'string' && id !== expectedId && !schemaSaid('id')) problems.push({ path: ['id'], message: `id "${id}" must equal the file name "${expectedId}"` });
  const cms = field(input, 'cms');
  if (Array.isArray(cms) && !schemaSaid('cms')) {
    if (options.folderCms !== undefined && !cms.includes(options.folderCms)) {
      problems.push({ path: ['cms'], message: `cms must include "${options.folderCms}", the name of the folder the rule is in` });
    }
    const { knownCms } = options;
    cms.forEach((name, index) => {
      // An unknown folder is reported once for the folder (validate-files), not again per rule.
      if (name === options.folderCms) return;
      if (knownCms && typeof name === 'string' && !knownCms.has(name)) problems.push({ path: ['cms', index], message: unknownCmsMessage(name, knownCms) });
    });
  }
  const located = (list: YamlProblem[]) =>
    list
      .map((problem) => toRuleError(source, problem.path, problem.message, problem.atKey, problem.within))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  // Warnings do not refuse the rule: it loads and runs, and validate shows them.
  const errors = located(problems.filter((problem) => problem.severity !== 'warning'));
  const warnings = located(problems.filter((problem) => problem.severity === 'warning'));
  const warned = warnings.length > 0 ? { warnings } : {};
  return parsed.success && errors.length === 0 ? { rule: parsed.data, errors, ...warned } : { errors, ...warned };
}

/** Why a CMS name is refused, with the closest known one. */
export function unknownCmsMessage(name: string, knownCms: ReadonlySet<string>): string {
  return `unknown CMS "${name}"${didYouMean(name, knownCms)}: no fingerprint recognises it, so a scan would never select rules for it (known: ${[...knownCms].sort().join(', ')}; a new CMS needs <cms>/fingerprint.yaml)`;
}

function toRuleError(source: YamlSource, at: (string | number)[], message: string, atKey = false, within?: Position): RuleError {
  const position = within ? positionWithin(source, at, within) : positionOf(source, at, atKey);
  return new RuleError(source.file, message, { ...position, field: at.join('.') || '(root)' });
}

/**
 * Loads every rule under the given files or folders. All problems of all files are collected
 * before failing, so an author fixes them in one pass; duplicate ids across files are errors.
 */
export async function loadRules(
  targets: string[],
  options: Pick<ParseRuleOptions, 'knownCms'> & {
    /** Parses kept from earlier runs (engine/rule-cache); not used when knownCms is asked for. */
    cache?: RuleCache;
  } = {},
): Promise<{ rules: LoadedRule[]; errors: RuleError[]; warnings: RuleError[] }> {
  const { cache: givenCache, ...parseOptions } = options;
  // Validation (rules validate, rules test) checks each cms against the known ones, which the
  // cache's entries were not checked for: it always parses.
  const cache = parseOptions.knownCms === undefined ? givenCache : undefined;
  const rules: LoadedRule[] = [];
  const errors: RuleError[] = [];
  const warnings: RuleError[] = [];
  const seen = new Map<string, string>();
  for (const target of targets) {
    let files: string[];
    try {
      files = listRuleFiles(target);
    } catch (error) {
      errors.push(error instanceof RuleError ? error : new RuleError(target, String(error)));
      continue;
    }
    // Read synchronously: a few hundred small local files take 6-9 ms so, and 37-42 ms through
    // fs/promises (four thread-pool round trips each), at the start of every scan. Nothing else
    // runs while rules load. (One after another with await was slower still.)
    const texts = files.map((file) => readFileSync(file, 'utf8'));
    const targetCache = cache?.forTarget(target);
    for (const [index, file] of files.entries()) {
      const text = texts[index] ?? '';
      const folderCms = folderCmsOf(file, target, files.length);
      // A built-in rule as it was parsed at build time, when its text is unchanged (core/precompiled).
      // Not when knownCms is asked for (rules validate): that check is not in the table.
      const precompiled = parseOptions.knownCms === undefined ? precompiledValue('rule', file, text, folderCms ?? '') : undefined;
      const result = precompiled !== undefined ? { rule: precompiled as Rule, errors: [] } : parseWithCache(file, text, folderCms, parseOptions, targetCache);
      errors.push(...result.errors);
      warnings.push(...(result.warnings ?? []));
      if (!result.rule) continue;
      const earlier = seen.get(result.rule.id);
      if (earlier) {
        errors.push(new RuleError(file, `duplicate rule id "${result.rule.id}" (also in ${earlier})`, { line: 1, field: 'id' }));
        continue;
      }
      seen.set(result.rule.id, file);
      rules.push({ rule: result.rule, file });
    }
    targetCache?.save();
  }
  return { rules, errors, warnings };
}

/** A user's rule: from the cache when this very text was parsed before, else parsed (and kept when clean). */
function parseWithCache(
  file: string,
  text: string,
  folderCms: string | undefined,
  options: Pick<ParseRuleOptions, 'knownCms'>,
  cache: TargetRuleCache | undefined,
): ReturnType<typeof parseRuleText> {
  const cached = cache?.get(file, text, folderCms);
  if (cached !== undefined) return { rule: cached, errors: [] };
  const result = parseRuleText(file, text, { ...options, ...(folderCms === undefined ? {} : { folderCms }) });
  // Only a clean parse is kept: a file with problems is parsed each time, so they are said with their lines.
  if (cache !== undefined && result.rule !== undefined && result.errors.length === 0 && (result.warnings ?? []).length === 0) {
    cache.put(file, text, folderCms, result.rule);
  }
  return result;
}
