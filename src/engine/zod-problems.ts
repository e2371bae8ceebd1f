import type { z } from 'zod';
import type { YamlProblem } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

function isMissingKey(issue: Issue): boolean {
  return issue.code === 'invalid_type' && issue.path.length === 1 && /received undefined/.test(issue.message);
}

/**
 * Turns zod issues into problems a rule author can act on. A union (which matcher? which
 * extractor?) reports the branch the author evidently meant, or, when no branch fits, the unknown
 * keys and the keys that were expected, instead of zod's bare "Invalid input".
 */
export function problemsFromZod(issues: readonly Issue[], base: (string | number)[] = []): YamlProblem[] {
  const problems: YamlProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: [...path, key], message: `unknown key "${key}"`, atKey: true });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      problems.push(...problemsFromUnion(issue.errors, path));
    } else if (isMissingKey(issue)) {
      problems.push({ path: path.slice(0, -1), message: `missing required key "${String(path.at(-1))}"` });
    } else {
      problems.push({ path, message: issue.message });
    }
  }
  return problems;
}

function problemsFromUnion(branches: Issue[][], path: (string | number)[]): YamlProblem[] {
  // A branch whose own keys are all present is the one the author meant; report its problems.
  const fitting = branches
    .filter((branch) => !branch.some(isMissingKey))
    .sort((a, b) => a.length - b.length)[0];
  if (fitting) return problemsFromZod(fitting, path);
  const expected = new Set<string>();
  const unknown = new Set<string>();
  for (const branch of branches) {
    for (const issue of branch) {
      if (isMissingKey(issue)) expected.add(String(issue.path[0]));
      if (issue.code === 'unrecognized_keys' && issue.path.length === 0) issue.keys.forEach((key) => unknown.add(key));
    }
  }
  const expectedList = [...expected].join(', ');
  if (unknown.size > 0) {
    return [...unknown].map((key) => ({
      path: [...path, key],
      message: `unknown key "${key}" (expected one of: ${expectedList})`,
      atKey: true,
    }));
  }
  return [{ path, message: `expected one of: ${expectedList}` }];
}
