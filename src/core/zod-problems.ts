import type { z } from 'zod';
import type { YamlProblem } from './yaml-source.js';
import { closest, didYouMean } from './suggest.js';

type Issue = z.core.$ZodIssue;
type Path = (string | number)[];

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** The last segment of `path` is a key that the object holding it does not have. */
function isAbsentKey(input: unknown, path: Path): boolean {
  const key = path[path.length - 1];
  const holder = valueAt(input, path.slice(0, -1));
  return typeof key === 'string' && holder !== null && typeof holder === 'object' && !Array.isArray(holder) && !(key in holder);
}

/** An issue about a key the input does not have at all: the key is required by this branch. */
function missingKey(issue: Issue, value: unknown): string | undefined {
  const key = issue.path[0];
  if (typeof key !== 'string' || value === null || typeof value !== 'object') return undefined;
  return key in value ? undefined : key;
}

/** What a zod schema's internals look like, as far as finding the keys of an object goes. */
interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  element?: unknown;
  innerType?: unknown;
  in?: unknown;
  valueType?: unknown;
  options?: unknown[];
  getter?: () => unknown;
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
}

/** The schemas that can stand at `path` inside `schema` (several where a union does not decide). */
function schemasAt(schema: unknown, path: readonly (string | number)[]): unknown[] {
  const def = defOf(schema);
  if (!def) return [];
  if (def.type === 'lazy' && def.getter) return schemasAt(def.getter(), path);
  if (def.innerType !== undefined) return schemasAt(def.innerType, path);
  if (def.type === 'pipe') return schemasAt(def.in, path);
  if (def.type === 'union') return (def.options ?? []).flatMap((option) => schemasAt(option, path));
  if (path.length === 0) return [schema];
  const [segment, ...rest] = path;
  if (def.type === 'object' && typeof segment === 'string' && def.shape && segment in def.shape) return schemasAt(def.shape[segment], rest);
  if (def.type === 'array' && typeof segment === 'number') return schemasAt(def.element, rest);
  if (def.type === 'record') return schemasAt(def.valueType, rest);
  return [];
}

/** The keys an object at `path` may have, according to the schema; empty when unknown. */
export function keysAt(schema: unknown, path: readonly (string | number)[]): string[] {
  const keys = new Set<string>();
  for (const found of schemasAt(schema, path)) {
    const shape = defOf(found)?.shape;
    if (shape) Object.keys(shape).forEach((key) => keys.add(key));
  }
  return [...keys];
}

export interface ZodProblemOptions {
  /** The schema that was parsed, to say "did you mean" for an unknown key. */
  schema?: unknown;
}

/**
 * Turns zod issues into problems a rule author can act on. A union (which matcher? which
 * extractor?) reports the branch the author evidently meant (the one whose keys are all present),
 * or, when no branch fits, the unknown keys and the keys that were expected, instead of zod's
 * bare "Invalid input".
 */
export function problemsFromZod(issues: readonly Issue[], input: unknown, base: Path = [], options: ZodProblemOptions = {}): YamlProblem[] {
  const problems: YamlProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))];
    const missing = missingKey(issue, valueAt(input, base));
    if (issue.code === 'unrecognized_keys') {
      const known = options.schema === undefined ? [] : keysAt(options.schema, path);
      for (const key of issue.keys) problems.push({ path: [...path, key], message: `unknown key "${key}"${didYouMean(key, known)}`, atKey: true });
    } else if (missing !== undefined && issue.path.length === 1) {
      problems.push({ path: base, message: `missing required key "${missing}"` });
    } else if (issue.code === 'invalid_type' && isAbsentKey(input, path)) {
      problems.push({ path: path.slice(0, -1), message: `missing required key "${String(path[path.length - 1])}"` });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      problems.push(...problemsFromUnion(issue.errors, input, path, options));
    } else {
      problems.push({ path, message: issue.message });
    }
  }
  return problems;
}

function problemsFromUnion(branches: Issue[][], input: unknown, path: Path, options: ZodProblemOptions): YamlProblem[] {
  const value = valueAt(input, path);
  const fitting = branches
    .filter((branch) => branch.every((issue) => missingKey(issue, value) === undefined))
    .sort((a, b) => a.length - b.length)[0];
  if (fitting) return problemsFromZod(fitting, input, path, options);
  const expected = new Set<string>();
  const unknown = new Set<string>();
  for (const branch of branches) {
    for (const issue of branch) {
      const missing = missingKey(issue, value);
      if (missing !== undefined) expected.add(missing);
      if (issue.code === 'unrecognized_keys' && issue.path.length === 0) issue.keys.forEach((key) => unknown.add(key));
    }
  }
  const expectedList = [...expected].join(', ');
  if (unknown.size > 0) {
    return [...unknown].map((key) => ({
      path: [...path, key],
      message: `unknown key "${key}" (${hintFor(key, expected)}expected one of: ${expectedList})`,
      atKey: true,
    }));
  }
  // Not an object at all (a string where a matcher was expected, say): the first branch's word.
  return [{ path, message: expected.size > 0 ? `expected one of: ${expectedList}` : (branches[0]?.[0]?.message ?? 'invalid value') }];
}

function hintFor(key: string, candidates: Iterable<string>): string {
  const match = closest(key, candidates);
  return match === undefined ? '' : `did you mean "${match}"? `;
}
