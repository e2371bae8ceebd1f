import type { z } from 'zod';
import { RuleError } from './errors.js';
import { parseRepairing, touchesRepair } from './schema-repair.js';
import { parseYamlSource, positionOf, type YamlProblem, type YamlSource } from './yaml-source.js';

export function problemToError(source: YamlSource, problem: YamlProblem): RuleError {
  const position = positionOf(source, problem.path, problem.atKey);
  return new RuleError(source.file, problem.message, { ...position, field: problem.path.join('.') || '(root)' });
}

export function byPosition(a: RuleError, b: RuleError): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/**
 * Parses a YAML file against a schema and reports every problem as file:line:column: YAML
 * syntax, the schema (all of it, not only the first error), and then `check`, which sees the raw
 * input and the data once parsed (with the parts the schema refused removed, or undefined when
 * nothing could be kept); what it says about removed parts is dropped.
 */
export function parseYamlFile<T>(
  file: string,
  text: string,
  schema: z.ZodType<T>,
  check: (input: unknown, data: T | undefined) => YamlProblem[] = () => [],
): { data?: T; errors: RuleError[]; source?: YamlSource } {
  const { source, errors: yamlErrors } = parseYamlSource(file, text);
  if (yamlErrors.length > 0) return { errors: yamlErrors.map((error) => new RuleError(file, error.message, error.position)) };
  let input: unknown;
  try {
    input = source.document.toJS();
  } catch (error) {
    // yaml refuses an alias bomb or an unresolved merge alias only when it builds the value, and
    // says nothing of where: the file is unreadable as a whole.
    return { errors: [new RuleError(file, `the YAML cannot be read: ${(error as Error).message}`, { line: 1, column: 1 })], source };
  }
  const parsed = parseRepairing(schema, input);
  const problems = [...parsed.problems];
  problems.push(...check(input, parsed.data).filter((problem) => !touchesRepair(problem.path, parsed.repaired)));
  const errors = problems.map((problem) => problemToError(source, problem)).sort(byPosition);
  return parsed.repaired.length === 0 && errors.length === 0 && parsed.data !== undefined ? { data: parsed.data, errors, source } : { errors, source };
}
