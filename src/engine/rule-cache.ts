// The user's own rule files, parsed once and kept on disk, as the built-in ones are at build
// time (core/precompiled). Reading 200 rule files' YAML and running their schema is 0.25 to
// 0.3 s of every scan's start and a sixth of a 20,000-probe scan's CPU, most of it V8 compiling
// and running the YAML parser cold (BENCHMARKS.md, twelfth session); a parsed rule read back is
// a JSON value.
//
// One file per rules folder (or file) given, holding that folder's rules only, so a start reads
// what it loads and no more. An entry is the parse of exactly one text at one path by one build:
// its key is the SHA-256 of all of them, so an edited file, a moved one or a new draftleak is
// parsed afresh. Only a rule with neither an error nor a warning is kept, so problems are always
// said by the parser, with their lines. The files are the user's own (core/private-file): one
// that another user owns or may write, a symlink, or one whose digest does not match is not read.
import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { folderTrust, mayMakeFolder, readPrivateFile, writeFileAtomically, type FolderTrust } from '../core/private-file.js';
import { sha256OfText } from '../core/text-digest.js';
import type { Rule } from './rule-schema.js';

/** Parsed rules by the text they were made from, one rules folder (or file) at a time. */
export interface RuleCache {
  forTarget(target: string): TargetRuleCache;
}

/** What one rules folder's loading reads and keeps. None of it throws: the cache only saves time. */
export interface TargetRuleCache {
  get(file: string, text: string, folderCms: string | undefined): Rule | undefined;
  put(file: string, text: string, folderCms: string | undefined, rule: Rule): void;
  /** Writes the entries this load used, when they are not what the file holds already. */
  save(): void;
}

/**
 * Cache files kept at most (one per rules folder and build); the least recently written go
 * first, never one the running process uses.
 */
export const maxRuleCacheFiles = 256;
/** A cache file larger than this is not read (200 rules are about 0.5 MiB). */
export const maxRuleCacheFileBytes = 16 * 1024 * 1024;
/** A write's leftover (a process killed while writing) older than this is removed. */
const partialMaxAgeMs = 10 * 60 * 1000;

const formatTag = 'draftleak-rule-cache-2';

function lengthPrefixed(...parts: string[]): string {
  // Each part prefixed with its length, so no two lists of parts read the same.
  return parts.map((part) => `${part.length}:${part}`).join('');
}

function entryKey(build: string, file: string, text: string, folderCms: string | undefined): string {
  return sha256OfText(lengthPrefixed(build, path.resolve(file), folderCms ?? '', text));
}

/** Whether a value read back can be the parse of `file`: a rule object named as the file is. */
function plausibleRule(value: unknown, file: string): value is Rule {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const { id, steps } = value as { id?: unknown; steps?: unknown };
  return id === path.basename(file, '.yaml') && Array.isArray(steps);
}

/** Whether JSON gives back exactly `rule` (no NaN, -0, undefined or cycle in it): what is read back must be the parse. */
function survivesJson(rule: Rule): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(JSON.stringify(rule)), rule);
  } catch {
    return false;
  }
}

/** A cache file's entries, or none when it is absent, not the user's own, damaged or another build's. */
function readEntries(file: string, build: string): Map<string, unknown> {
  const text = readPrivateFile(file, maxRuleCacheFileBytes);
  if (text === undefined) return new Map();
  const newline = text.indexOf('\n');
  if (newline < 0) return new Map();
  const [tag, fileBuild, digest] = text.slice(0, newline).split(' ');
  const body = text.slice(newline + 1);
  if (tag !== formatTag || fileBuild !== build || digest !== sha256OfText(body)) return new Map();
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? new Map(Object.entries(parsed)) : new Map();
  } catch {
    return new Map();
  }
}

/**
 * A cache file's name, and a write's leftover of one (core/private-file names it by pid, time and
 * count): nothing else in the folder is ever removed.
 */
const cacheFileName = /^[0-9a-f]{40}\.json$/;
const leftoverName = /^[0-9a-f]{40}\.json\.\d+\.\d+\.\d+\.partial$/;

/** Removes writes' leftovers, and the least recently written cache files past the most kept, but those this process uses. */
function sweep(dir: string, usedHere: ReadonlySet<string>): void {
  const files: { file: string; mtimeMs: number }[] = [];
  for (const name of readdirSync(dir)) {
    const leftover = leftoverName.test(name);
    if (!leftover && !cacheFileName.test(name)) continue;
    const file = path.join(dir, name);
    try {
      const stats = lstatSync(file);
      if (!stats.isFile()) continue;
      if (leftover) {
        if (Date.now() - stats.mtimeMs > partialMaxAgeMs) rmSync(file, { force: true });
      } else if (!usedHere.has(file)) {
        files.push({ file, mtimeMs: stats.mtimeMs });
      }
    } catch {
      // Gone already, or not ours to remove: the next sweep looks again.
    }
  }
  files.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { file } of files.slice(Math.max(0, maxRuleCacheFiles - usedHere.size))) {
    try {
      rmSync(file, { force: true });
    } catch {
      // As above.
    }
  }
}

/**
 * The cache for rules parsed by `build` (a digest of the program and the Node that runs it:
 * what a schema accepts can differ between Node versions), in a `rules` folder of its own inside
 * `dir`, since it removes old files of its own and a folder the user named may hold theirs. A
 * folder (`dir` or its `rules`) that is a symlink, another user's or writable by others is
 * neither read nor written, and one is made only where the user may make it theirs.
 */
export function openRuleCache(dir: string, build: string): RuleCache {
  const cacheDir = path.join(dir, 'rules');
  let trust: FolderTrust | undefined;
  const folder = (): FolderTrust => {
    if (trust === undefined) {
      const outer = folderTrust(dir);
      trust = outer === 'refused' ? 'refused' : outer === 'absent' ? 'absent' : folderTrust(cacheDir);
    }
    return trust;
  };
  /**
   * The cache files this process read from or wrote: never the ones a sweep removes, so a scan of
   * more rules folders than are kept does not throw out, folder by folder, what it just read.
   */
  const usedHere = new Set<string>();
  return {
    forTarget(target) {
      const file = path.join(cacheDir, `${sha256OfText(lengthPrefixed(build, path.resolve(target))).slice(0, 40)}.json`);
      let stored: Map<string, unknown> | undefined;
      const used = new Map<string, Rule>();
      let changed = false;
      const entries = (): Map<string, unknown> => {
        if (stored === undefined) {
          stored = folder() === 'own' ? readEntries(file, build) : new Map();
          if (stored.size > 0) usedHere.add(file);
        }
        return stored;
      };
      return {
        get(ruleFile, text, folderCms) {
          try {
            const key = entryKey(build, ruleFile, text, folderCms);
            const value = entries().get(key);
            if (value === undefined || !plausibleRule(value, ruleFile)) return undefined;
            used.set(key, value);
            return value;
          } catch {
            return undefined;
          }
        },
        put(ruleFile, text, folderCms, rule) {
          try {
            if (!survivesJson(rule)) return;
            used.set(entryKey(build, ruleFile, text, folderCms), rule);
            changed = true;
          } catch {
            // Not kept: parsed again next time.
          }
        },
        save() {
          // Only this load's entries are written: a rule since removed or edited leaves the file.
          if (folder() === 'refused' || (!changed && used.size === entries().size)) return;
          try {
            const body = JSON.stringify(Object.fromEntries(used));
            // What a start would refuse to read is not written.
            if (Buffer.byteLength(body) > maxRuleCacheFileBytes - 256) return;
            if (trust === 'absent') {
              if (!mayMakeFolder(cacheDir)) return;
              mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
              // Looked at again: another process may have made them first, and not as ours.
              trust = undefined;
              if (folder() !== 'own') return;
            }
            writeFileAtomically(file, `${formatTag} ${build} ${sha256OfText(body)}\n${body}`, 0o600);
            usedHere.add(file);
            sweep(cacheDir, usedHere);
          } catch {
            // Not written: the next start parses these rules again.
          }
        },
      };
    },
  };
}
