import type { z } from 'zod';
import { problemsFromZod } from './zod-problems.js';
import type { YamlProblem } from './yaml-source.js';

type Path = (string | number)[];

/**
 * A value to put at `path` in place of an invalid one, so the rest of the file can still be
 * checked; undefined when the value may simply be removed (an optional key, a key with a default).
 */
export type Placeholder = (path: Path, current: unknown) => unknown;

export interface RepairedParse<T> {
  /** The input as parsed once its invalid parts were removed or replaced; undefined if it could not be. */
  data?: T;
  /** Every schema problem, of the input as written (later passes add only problems unrelated to a repair). */
  problems: YamlProblem[];
  /** Paths whose values were removed or replaced: checks of what lies there would check a stand-in. */
  repaired: Path[];
}

function isPrefix(prefix: readonly (string | number)[], path: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => segment === path[index]);
}

/** A path at, under or above a repaired one: what is said about it may be about a stand-in. */
export function touchesRepair(path: readonly (string | number)[], repaired: readonly Path[]): boolean {
  return repaired.some((fixed) => isPrefix(fixed, path) || isPrefix(path, fixed));
}

function holderOf(root: { value: unknown }, path: Path): Record<string | number, unknown> | undefined {
  let holder: unknown = root;
  for (const segment of ['value', ...path.slice(0, -1)]) {
    if (holder === null || typeof holder !== 'object') return undefined;
    holder = (holder as Record<string | number, unknown>)[segment];
  }
  return holder !== null && typeof holder === 'object' ? (holder as Record<string | number, unknown>) : undefined;
}

/**
 * Parses `input` with `schema` and, while it fails, removes each invalid value (or replaces it
 * with a placeholder) and parses again, so that one schema error does not hide the problems a
 * later check would find in the parts that are fine. An invalid value that cannot be removed (a
 * required key, a list element) makes its parent the one to remove or replace, up to the root.
 */
export function parseRepairing<T>(schema: z.ZodType<T>, input: unknown, placeholder: Placeholder = () => undefined, maxPasses = 30): RepairedParse<T> {
  const root = { value: structuredClone(input) };
  const problems: YamlProblem[] = [];
  const said = new Set<string>();
  const repaired: Path[] = [];

  const repairAt = (path: Path, thisPass: Path[]): boolean => {
    if (thisPass.some((fixed) => isPrefix(fixed, path))) return false;
    // A problem inside what was already repaired means the repair itself did not hold: go up.
    const earlier = repaired.find((fixed) => isPrefix(fixed, path));
    for (let at = earlier ? earlier.slice(0, -1) : path; at.length > 0; at = at.slice(0, -1)) {
      const holder = holderOf(root, at);
      const key = at[at.length - 1] as string | number;
      if (!holder || repaired.some((fixed) => fixed.length === at.length && isPrefix(fixed, at))) continue;
      const current = holder[key];
      const stand = placeholder(at, current);
      if (stand !== undefined) holder[key] = structuredClone(stand);
      else if (Array.isArray(holder) || current === undefined) continue;
      else delete holder[key];
      repaired.push(at);
      thisPass.push(at);
      return true;
    }
    return false;
  };

  for (let pass = 0; pass < maxPasses; pass += 1) {
    const parsed = schema.safeParse(root.value);
    if (parsed.success) return { data: parsed.data, problems, repaired };
    const found = problemsFromZod(parsed.error.issues, root.value, [], { schema });
    for (const problem of found) {
      if (pass > 0 && touchesRepair(problem.path, repaired)) continue;
      const key = `${JSON.stringify(problem.path)} ${problem.message}`;
      if (said.has(key)) continue;
      said.add(key);
      problems.push(problem);
    }
    const thisPass: Path[] = [];
    let changed = false;
    for (const problem of found) changed = repairAt(problem.path, thisPass) || changed;
    if (!changed) break;
  }
  return { problems, repaired };
}
