import { readFile } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';

/**
 * Target lists and shards: a file of URLs (one a line) and a deterministic split of a list across
 * the jobs of a CI matrix or Kubernetes indexed job, so hundreds of sites run on a scheduler the
 * user already has.
 */

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * One URL a line; blank lines and lines starting with `#` are skipped, and so is a ` # comment`
 * after a URL (a `#` with whitespace before it: a fragment `#x` has none). Every bad line is
 * named with its number.
 */
export function parseTargetList(file: string, text: string): string[] {
  const targets: string[] = [];
  const problems: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = raw.replace(/\s#.*$/, '').trim();
      if (line === '' || line.startsWith('#')) return;
      if (isWebUrl(line)) targets.push(line);
      else problems.push(`${file}:${index + 1}: "${line.slice(0, 80)}" is not an http:// or https:// URL`);
    });
  if (problems.length > 0) throw new UsageError(problems.length === 1 ? (problems[0] ?? file) : `${problems.length} problems in ${file}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  return targets;
}

export async function readTargetList(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--targets ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseTargetList(file, text);
}

/** The same URL twice would be scanned twice and reported as two runs; the first one is kept. */
export function uniqueTargets(targets: readonly string[]): { targets: string[]; duplicates: string[] } {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const unique: string[] = [];
  for (const target of targets) {
    if (seen.has(target)) duplicates.push(target);
    else {
      seen.add(target);
      unique.push(target);
    }
  }
  return { targets: unique, duplicates };
}

/** `--shard i/n`: this job is the i-th (1-based) of n. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n (this job is the i-th of n), got "${text}"`);
  }
  return { index, count };
}

/**
 * The targets of shard i of n: those at 0-based position k of the (de-duplicated) list with
 * k mod n = i - 1. Round robin, so every shard gets within one target of the same number, and
 * the n shards together cover every target exactly once. It depends only on the list's order:
 * every job of the matrix must be given the same list.
 */
export function shardTargets(targets: readonly string[], shard: Shard): string[] {
  return targets.filter((_, position) => position % shard.count === shard.index - 1);
}
