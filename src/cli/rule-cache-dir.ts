// Where the rule cache (engine/rule-cache) lives, from the environment, and the cache a command
// uses: none when it is turned off, or nothing tells one build's parses from another's.
import { homedir } from 'node:os';
import path from 'node:path';
import { precompiledBuild } from '../core/precompiled.js';
import { ownedByUser } from '../core/private-file.js';
import { openRuleCache, type RuleCache } from '../engine/index.js';

/** The home folder, and whether it is the user's own; tests give their own. */
export interface HomeLookup {
  home(): string;
  ownedByUser(folder: string): boolean;
}

const nodeHome: HomeLookup = { home: homedir, ownedByUser };

/**
 * $DRAFTLEAK_CACHE_DIR (a whole path; none for a relative one), else $XDG_CACHE_HOME/draftleak,
 * else ~/.cache/draftleak; none when DRAFTLEAK_NO_CACHE=1. Not in a home that is another user's
 * (`sudo` keeping the caller's HOME): the folders made there would be root's, in their home.
 */
export function ruleCacheDir(env: NodeJS.ProcessEnv = process.env, lookup: HomeLookup = nodeHome): string | undefined {
  if (env.DRAFTLEAK_NO_CACHE === '1') return undefined;
  // Only a whole path: a relative one would put the cache in whatever folder the scan runs from
  // (a CI `env:` block passes "~/.cache" as it is, not expanded).
  if (env.DRAFTLEAK_CACHE_DIR) return path.isAbsolute(env.DRAFTLEAK_CACHE_DIR) ? env.DRAFTLEAK_CACHE_DIR : undefined;
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'draftleak');
  let home: string;
  try {
    home = lookup.home();
  } catch {
    return undefined;
  }
  return home !== '' && lookup.ownedByUser(home) ? path.join(home, '.cache', 'draftleak') : undefined;
}

/**
 * The cache `scan`, `baseline` and `rules list` load rules with: for the build dist/precompiled.json
 * names (core/precompiled; none without a current table) and the Node that runs it.
 */
export function commandRuleCache(env: NodeJS.ProcessEnv = process.env): RuleCache | undefined {
  const build = precompiledBuild();
  const dir = ruleCacheDir(env);
  // Node's major version: its URL parser, which the schema's URL checks use, changes with it.
  const node = process.versions.node.split('.')[0] ?? process.versions.node;
  return build === undefined || dir === undefined ? undefined : openRuleCache(dir, `${build}-node${node}`);
}
