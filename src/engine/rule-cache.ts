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
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { folderTrust, readPrivateFile, writeFileAtomically } from '../core/private-file.js';
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

/** Cache files kept at most (one per rules folder and build); the least recently written go first. */
export const maxRuleCacheFiles = 64;
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

/** Removes writes' leftovers, and the least recently written cache files past the most kept. */
function sweep(dir: string, justWritten: string): void {
  const files: { file: string; mtimeMs: number }[] = [];
  for (const name of readdirSync(dir)) {
    const leftover = leftoverName.test(name);
    if (!leftover && !cacheFileName.test(name)) continue;
    const file = path.join(dir, name);
    const { mtimeMs } = statSync(file);
    if (leftover) {
      if (Date.now() - mtimeMs > partialMaxAgeMs) rmSync(file, { force: true });
    } else if (file !== justWritten) {
      files.push({ file, mtimeMs });
    }
  }
  files.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { file } of files.slice(maxRuleCacheFiles - 1)) rmSync(file, { force: true });
}

/**
 * The cache in `dir` for rules parsed by `build`: a digest of the program and the Node that runs
 * it (what a schema accepts can differ between Node versions). A folder that is a symlink, or
 * another user's, or writable by others, is neither read nor written.
 */
export function openRuleCache(dir: string, build: string): RuleCache {
  let trust: ReturnType<typeof folderTrust> | undefined;
  const trusted = (): boolean => (trust ??= folderTrust(dir)) !== 'refused';
  return {
    forTarget(target) {
      const file = path.join(dir, `${sha256OfText(lengthPrefixed(build, path.resolve(target))).slice(0, 40)}.json`);
      let stored: Map<string, unknown> | undefined;
      const used = new Map<string, Rule>();
      let changed = false;
      const entries = (): Map<string, unknown> => (stored ??= trusted() ? readEntries(file, build) : new Map());
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
          if (!trusted() || (!changed && used.size === entries().size)) return;
          try {
            const body = JSON.stringify(Object.fromEntries(used));
            if (trust === 'absent') {
              mkdirSync(dir, { recursive: true, mode: 0o700 });
              // Looked at again: another process may have made it first, and not as ours.
              trust = folderTrust(dir);
              if (trust !== 'own') return;
            }
            writeFileAtomically(file, `${formatTag} ${build} ${sha256OfText(body)}\n${body}`, 0o600);
            sweep(dir, file);
          } catch {
            // Not written: the next start parses these rules again.
          }
        },
      };
    },
  };
}
