// The user's own rule files, parsed once and kept on disk, as the built-in ones are at build
// time (core/precompiled). Reading 200 rule files' YAML and running their schema is 0.25 to
// 0.3 s of every scan's start and a sixth of a 20,000-probe scan's CPU, most of it V8 compiling
// and running the YAML parser cold (BENCHMARKS.md, twelfth session); a parsed rule read back is
// a JSON value.
//
// An entry is the parse of exactly one text at one path by one build: its key is the SHA-256 of
// all three, so an edited file, a moved one or a new draftleak parses afresh and nothing stale is
// ever used. Only a rule with neither an error nor a warning is kept, so problems are always said
// by the parser, with their lines. The file is the user's own: one that another user owns or may
// write, or whose digest does not match its contents, is not read.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { precompiledBuild } from '../core/precompiled.js';
import { sha256OfText } from '../core/text-digest.js';
import type { Rule } from './rule-schema.js';

/** Parsed rules looked up by the text they were made from. */
export interface RuleCache {
  get(file: string, text: string, folderCms: string | undefined): Rule | undefined;
  put(file: string, text: string, folderCms: string | undefined, rule: Rule): void;
  /** Writes what this run added; never throws (the cache only makes later starts faster). */
  save(): void;
}

/** Entries kept at most: those this run used, then others up to this many (about 2 KiB each). */
export const maxRuleCacheEntries = 2000;

const fileName = 'rules.json';
const formatTag = 'draftleak-rule-cache-1';

/**
 * Where the cache lives: $DRAFTLEAK_CACHE_DIR, else $XDG_CACHE_HOME/draftleak, else
 * ~/.cache/draftleak; none when DRAFTLEAK_NO_CACHE=1 or there is no home to put it in.
 */
export function ruleCacheDir(env: NodeJS.ProcessEnv = process.env, home: () => string = homedir): string | undefined {
  if (env.DRAFTLEAK_NO_CACHE === '1') return undefined;
  if (env.DRAFTLEAK_CACHE_DIR) return path.resolve(env.DRAFTLEAK_CACHE_DIR);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'draftleak');
  let userHome: string;
  try {
    userHome = home();
  } catch {
    return undefined;
  }
  return userHome ? path.join(userHome, '.cache', 'draftleak') : undefined;
}

function entryKey(build: string, file: string, text: string, folderCms: string | undefined): string {
  // Each part prefixed with its length, so no two triples read the same.
  const where = path.resolve(file);
  const folder = folderCms ?? '';
  return sha256OfText(`${build.length}:${build}${where.length}:${where}${folder.length}:${folder}${text}`);
}

/** Whether another user owns `file` or may write it: then it is not trusted. */
function othersMayWrite(file: string): boolean {
  const stats = statSync(file);
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o022) !== 0;
}

/** Whether the cache's folder is the user's own, or not there yet (it is then made so). */
function folderTrusted(dir: string): boolean {
  try {
    return !othersMayWrite(dir);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** The entries of a cache file made by `build`, or none when it is absent, foreign, damaged or another build's. */
function readEntries(file: string, build: string): Map<string, Rule> {
  try {
    if (othersMayWrite(file)) return new Map();
    const text = readFileSync(file, 'utf8');
    const newline = text.indexOf('\n');
    const [tag, fileBuild, digest] = text.slice(0, newline).split(' ');
    const body = text.slice(newline + 1);
    if (newline < 0 || tag !== formatTag || fileBuild !== build || digest !== sha256OfText(body)) return new Map();
    const parsed: unknown = JSON.parse(body);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return new Map();
    return new Map(Object.entries(parsed as Record<string, Rule>));
  } catch {
    return new Map();
  }
}

/**
 * The cache in `dir` for rules parsed by `build` (core/precompiled's precompiledBuild: a digest
 * of the program). Read once, when first asked.
 */
export function openRuleCache(dir: string, build: string): RuleCache {
  const file = path.join(dir, fileName);
  let entries: Map<string, Rule> | undefined;
  const used = new Set<string>();
  let added = false;
  let trusted = false;
  // A folder others may write is neither read nor written: what it held could be anyone's.
  const loaded = (): Map<string, Rule> => {
    if (entries === undefined) {
      trusted = folderTrusted(dir);
      entries = trusted ? readEntries(file, build) : new Map();
    }
    return entries;
  };
  return {
    get(ruleFile, text, folderCms) {
      const key = entryKey(build, ruleFile, text, folderCms);
      const rule = loaded().get(key);
      if (rule !== undefined) used.add(key);
      return rule;
    },
    put(ruleFile, text, folderCms, rule) {
      // Kept only when JSON gives back exactly this value: what is read back must be the parse.
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(rule)), rule)) return;
      const key = entryKey(build, ruleFile, text, folderCms);
      loaded().set(key, rule);
      used.add(key);
      added = true;
    },
    save() {
      if (!added || entries === undefined || !trusted) return;
      const kept: Record<string, Rule> = {};
      let count = 0;
      for (const key of used) {
        const rule = entries.get(key);
        if (rule !== undefined) {
          kept[key] = rule;
          count += 1;
        }
      }
      for (const [key, rule] of entries) {
        if (count >= maxRuleCacheEntries) break;
        if (used.has(key)) continue;
        kept[key] = rule;
        count += 1;
      }
      const body = JSON.stringify(kept);
      // Written beside it and renamed over it, so a reader never sees half a file.
      const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeFileSync(partial, `${formatTag} ${build} ${sha256OfText(body)}\n${body}`, { mode: 0o600, flag: 'wx' });
        renameSync(partial, file);
        added = false;
      } catch {
        try {
          rmSync(partial, { force: true });
        } catch {
          // No folder to write in at all: nothing was left behind.
        }
      }
    },
  };
}

/**
 * The cache a scan, an audit or `rules list` uses: in ruleCacheDir(env), for the build that
 * dist/precompiled.json names. None without that table (tests from src/, a tree built by tsc
 * alone), since nothing would then tell one build's parses from another's.
 */
export function defaultRuleCache(env: NodeJS.ProcessEnv = process.env): RuleCache | undefined {
  const build = precompiledBuild();
  const dir = ruleCacheDir(env);
  return build === undefined || dir === undefined ? undefined : openRuleCache(dir, build);
}
