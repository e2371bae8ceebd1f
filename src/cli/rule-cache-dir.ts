// Where the rule cache (engine/rule-cache) lives, from the environment, and the cache a command
// uses: none when it is turned off, or nothing tells one build's parses from another's.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { precompiledBuild } from '../core/precompiled.js';
import { openRuleCache, type RuleCache } from '../engine/index.js';

/** The home folder, and whether it is the user's own; tests give their own. */
export interface HomeLookup {
  home(): string;
  ownedByUser(folder: string): boolean;
}

const nodeHome: HomeLookup = {
  home: homedir,
  ownedByUser(folder) {
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    try {
      return uid === undefined || statSync(folder).uid === uid;
    } catch {
      return false;
    }
  },
};

/**
 * $DRAFTLEAK_CACHE_DIR, else $XDG_CACHE_HOME/draftleak, else ~/.cache/draftleak; none when
 * DRAFTLEAK_NO_CACHE=1. Not a home that is another user's (`sudo` keeping the caller's HOME):
 * the folders made there would be root's, in someone else's home.
 */
export function ruleCacheDir(env: NodeJS.ProcessEnv = process.env, lookup: HomeLookup = nodeHome): string | undefined {
  if (env.DRAFTLEAK_NO_CACHE === '1') return undefined;
  if (env.DRAFTLEAK_CACHE_DIR) return path.resolve(env.DRAFTLEAK_CACHE_DIR);
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
  // A folder of its own inside it: the cache removes old files of its own, and a folder the user
  // named may hold theirs.
  return build === undefined || dir === undefined ? undefined : openRuleCache(path.join(dir, 'rules'), `${build}-node${process.versions.node}`);
}
