import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtAfterEveryModule } from './build-freshness.js';
import { sha256OfText } from './text-digest.js';

/**
 * The built-in rules, fingerprints and link policy, parsed and checked once at build time (`npm run build`
 * runs scripts/precompile.mjs after tsc and writes dist/precompiled.json), so that a scan does
 * not parse 130 YAML files, run their schemas and compile every regex to check it on each
 * start: that was about 1 s of every scan's start-up (BENCHMARKS.md).
 *
 * An entry is used only for the very text it was made from (its SHA-256), so an edited or
 * replaced built-in file is parsed and checked as any other file is, with its errors. Without
 * the table (tests run from src/), or with one older than a module in dist (a tree rebuilt by
 * tsc alone), every file is parsed.
 */
export interface PrecompiledTable {
  entries: Record<string, { sha256: string; value: unknown }>;
  /**
   * A digest of the program that made the table (scan/precompile's buildDigest: dist's modules
   * and the parsing packages): what a parse made at run time is kept under (engine/rule-cache).
   */
  build?: string;
}

export type PrecompiledKind = 'rule' | 'fingerprint' | 'link-policy';

/** The folder the table's keys are relative to: the built-in rules (and their fingerprints). */
export const precompiledRoot = fileURLToPath(new URL('../../rules/', import.meta.url));
const tableFile = fileURLToPath(new URL('../precompiled.json', import.meta.url));

/** The table once read: null when there is none, or it is stale (remembered too: a stale table is not looked at again). */
let table: PrecompiledTable | null | undefined;

function currentTable(): PrecompiledTable | null {
  if (table === undefined) table = readTable();
  return table;
}

function readTable(): PrecompiledTable | null {
  // A table older than a module was made by other code: after a `tsc` without the rest of the
  // build, a schema's new default would not be in it. Every file is then parsed, as without one.
  if (!builtAfterEveryModule(tableFile, path.dirname(tableFile))) return null;
  try {
    const parsed = JSON.parse(readFileSync(tableFile, 'utf8')) as PrecompiledTable;
    return parsed !== null && typeof parsed === 'object' && typeof parsed.entries === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

/** The table key of a file under the built-in folder, or undefined for any other file. */
export function precompiledKey(kind: PrecompiledKind, file: string, variant = ''): string | undefined {
  const relative = path.relative(precompiledRoot, path.resolve(file));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return `${kind}:${relative.split(path.sep).join('/')}:${variant}`;
}

/** The parsed value made at build time from exactly this text, or undefined. */
export function precompiledValue(kind: PrecompiledKind, file: string, text: string, variant = ''): unknown {
  const key = precompiledKey(kind, file, variant);
  if (key === undefined) return undefined;
  const entry = currentTable()?.entries[key];
  return entry !== undefined && entry.sha256 === sha256OfText(text) ? entry.value : undefined;
}

/** The build the table names, or undefined without a table (tests from src/, a tree built by tsc alone). */
export function precompiledBuild(): string | undefined {
  const build = currentTable()?.build;
  return typeof build === 'string' && build !== '' ? build : undefined;
}

/** For tests and the build script: use this table (null: none) instead of dist/precompiled.json. */
export function usePrecompiledTable(replacement: PrecompiledTable | null): void {
  table = replacement;
}
