import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256OfText } from '../../src/core/text-digest.js';
import { builtinRulesDir, loadRules, maxRuleCacheEntries, openRuleCache, ruleCacheDir, type Rule } from '../../src/engine/index.js';
import { tempDir } from '../support/temp-dir.js';

// A user's rule files are parsed once and read back from a cache on later starts (engine/rule-cache).
// What comes back must be exactly the parse of that very text at that path by that build, and a
// cache that is damaged, foreign or another build's must never be read.

function ruleText(id: string): string {
  return `id: ${id}
name: Rule ${id}
severity: high
confidence: high
cms: [generic]
description: A rule written for the rule cache test.
remediation: Nothing to fix.
references: [https://example.org/doc]
steps:
  - id: list
    request: { path: /api/${id} }
    match: { status: 200 }
finding:
  message: "found"
`;
}

async function rulesFolder(rules: Record<string, string>): Promise<string> {
  const dir = await tempDir('rules');
  for (const [id, text] of Object.entries(rules)) writeFileSync(path.join(dir, `${id}.yaml`), text);
  return dir;
}

/** The cache file's entries, as the test reads them (header line, then JSON). */
function readCacheFile(dir: string): { header: string[]; entries: Record<string, Rule> } {
  const text = readFileSync(path.join(dir, 'rules.json'), 'utf8');
  const newline = text.indexOf('\n');
  return { header: text.slice(0, newline).split(' '), entries: JSON.parse(text.slice(newline + 1)) as Record<string, Rule> };
}

/** Rewrites the cache file with its entries changed by `change`, with a matching digest unless `keepDigest`. */
function rewriteCacheFile(dir: string, change: (entries: Record<string, Rule>) => void, options: { build?: string; keepDigest?: boolean } = {}): void {
  const { header, entries } = readCacheFile(dir);
  change(entries);
  const body = JSON.stringify(entries);
  const digest = options.keepDigest ? header[2] : sha256OfText(body);
  writeFileSync(path.join(dir, 'rules.json'), `${header[0]} ${options.build ?? header[1]} ${digest}\n${body}`, { mode: 0o600 });
}

function markAll(entries: Record<string, Rule>): void {
  for (const rule of Object.values(entries)) rule.name = 'from the cache';
}

async function load(rulesDir: string, cacheDir: string, build = 'build-1', options: { knownCms?: ReadonlySet<string> } = {}) {
  return loadRules([rulesDir], { ...options, cache: openRuleCache(cacheDir, build) });
}

describe('the rule cache', () => {
  it('gives back exactly what parsing gives, and later loads read it rather than parse', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a'), 'rule-b': ruleText('rule-b') });
    const cacheDir = path.join(await tempDir('cache'), 'draftleak');
    const parsed = await loadRules([rulesDir]);
    const first = await load(rulesDir, cacheDir);
    expect(first.errors).toEqual([]);
    expect(first.rules).toEqual(parsed.rules);
    // Made for its owner only.
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(cacheDir, 'rules.json')).mode & 0o777).toBe(0o600);
    expect(Object.keys(readCacheFile(cacheDir).entries)).toHaveLength(2);
    const second = await load(rulesDir, cacheDir);
    expect(second.rules).toEqual(parsed.rules);
    // Marked in the file (with a digest that matches): what loads is the file's, so it was read, not parsed.
    rewriteCacheFile(cacheDir, markAll);
    const marked = await load(rulesDir, cacheDir);
    expect(marked.rules.map(({ rule }) => rule.name)).toEqual(['from the cache', 'from the cache']);
  });

  it('never serves an entry for another text, another path or another build', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a'), 'rule-b': ruleText('rule-b') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    rewriteCacheFile(cacheDir, markAll);
    // An edited file is parsed afresh; the other still comes from the cache.
    writeFileSync(path.join(rulesDir, 'rule-a.yaml'), `${ruleText('rule-a')}# edited\n`);
    const edited = await load(rulesDir, cacheDir);
    expect(edited.rules.map(({ rule }) => [rule.id, rule.name])).toEqual([
      ['rule-a', 'Rule rule-a'],
      ['rule-b', 'from the cache'],
    ]);
    // The same text in another folder: parsed.
    const copy = await rulesFolder({ 'rule-b': ruleText('rule-b') });
    expect((await load(copy, cacheDir)).rules.map(({ rule }) => rule.name)).toEqual(['Rule rule-b']);
    // Another build: nothing of this one's is read.
    expect((await load(rulesDir, cacheDir, 'build-2')).rules.map(({ rule }) => rule.name)).toEqual(['Rule rule-a', 'Rule rule-b']);
  });

  it('does not read a damaged file, and writes a sound one in its place', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    rewriteCacheFile(cacheDir, markAll, { keepDigest: true });
    expect((await load(rulesDir, cacheDir)).rules.map(({ rule }) => rule.name)).toEqual(['Rule rule-a']);
    // That load parsed and wrote the cache again, with a digest of what it holds.
    const { header, entries } = readCacheFile(cacheDir);
    expect(header[2]).toBe(sha256OfText(JSON.stringify(entries)));
    expect(Object.values(entries).map((rule) => rule.name)).toEqual(['Rule rule-a']);
    // Not JSON at all, or empty: parsed, no error.
    for (const junk of ['', 'draftleak-rule-cache-1 build-1\n{', '\u0000\u0001garbage']) {
      writeFileSync(path.join(cacheDir, 'rules.json'), junk);
      const result = await load(rulesDir, cacheDir);
      expect(result.errors).toEqual([]);
      expect(result.rules.map(({ rule }) => rule.name)).toEqual(['Rule rule-a']);
    }
  });

  it('does not read a file that others may write', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    rewriteCacheFile(cacheDir, markAll);
    chmodSync(path.join(cacheDir, 'rules.json'), 0o666);
    expect((await load(rulesDir, cacheDir)).rules.map(({ rule }) => rule.name)).toEqual(['Rule rule-a']);
    // That load wrote the file afresh, for its owner only.
    expect(statSync(path.join(cacheDir, 'rules.json')).mode & 0o777).toBe(0o600);
    // Nor one in a folder others may write, which is not written either.
    rewriteCacheFile(cacheDir, markAll);
    chmodSync(cacheDir, 0o777);
    expect((await load(rulesDir, cacheDir)).rules.map(({ rule }) => rule.name)).toEqual(['Rule rule-a']);
    chmodSync(cacheDir, 0o700);
    expect((await load(rulesDir, cacheDir)).rules.map(({ rule }) => rule.name)).toEqual(['from the cache']);
  });

  it('keeps no rule with an error or a warning: its problems are said each time, with their lines', async () => {
    const broken = ruleText('rule-broken').replace('severity: high', 'severity: loud');
    const warned = ruleText('rule-warned').replace('match: { status: 200 }', 'match: { json: "length(json.items)" }');
    const rulesDir = await rulesFolder({ 'rule-broken': broken, 'rule-warned': warned, 'rule-ok': ruleText('rule-ok') });
    const cacheDir = await tempDir('cache');
    for (let run = 0; run < 2; run += 1) {
      const result = await load(rulesDir, cacheDir);
      expect(result.errors.map((error) => error.message)).toEqual([expect.stringMatching(/rule-broken\.yaml:3:\d+: .*\(severity\)$/)]);
      expect(result.warnings.map((warning) => warning.message)).toEqual([expect.stringMatching(/rule-warned\.yaml:12:\d+: length\(\.\.\.\) without a comparison/)]);
      expect(result.rules.map(({ rule }) => rule.id).sort()).toEqual(['rule-ok', 'rule-warned']);
    }
    expect(Object.values(readCacheFile(cacheDir).entries).map((rule) => rule.id)).toEqual(['rule-ok']);
  });

  it('is not used when rules are validated against the known CMSs', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir, 'build-1', { knownCms: new Set(['generic']) });
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('costs nothing but speed when it cannot be written', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const notAFolder = path.join(await tempDir('cache'), 'file');
    writeFileSync(notAFolder, 'a file where the cache folder would be');
    const result = await load(rulesDir, path.join(notAFolder, 'draftleak'));
    expect(result.errors).toEqual([]);
    expect(result.rules.map(({ rule }) => rule.id)).toEqual(['rule-a']);
  });

  it(`keeps at most ${maxRuleCacheEntries} entries, and always those a run used`, async () => {
    const cacheDir = await tempDir('cache');
    const filler = openRuleCache(cacheDir, 'build-1');
    const template = (await loadRules([await rulesFolder({ 'rule-x': ruleText('rule-x') })])).rules[0]?.rule as Rule;
    for (let index = 0; index < maxRuleCacheEntries; index += 1) filler.put(`/virtual/rule-${index}.yaml`, `text ${index}`, undefined, template);
    filler.save();
    expect(Object.keys(readCacheFile(cacheDir).entries)).toHaveLength(maxRuleCacheEntries);
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    await load(rulesDir, cacheDir);
    const { entries } = readCacheFile(cacheDir);
    expect(Object.keys(entries)).toHaveLength(maxRuleCacheEntries);
    expect(Object.values(entries).filter((rule) => rule.id === 'rule-a')).toHaveLength(1);
  });

  it('holds every built-in rule exactly as parsed, through its file format', async () => {
    const cacheDir = await tempDir('cache');
    // Copied out of the built-in folder, so the precompiled table has none of them.
    const copy = await tempDir('builtin-copy');
    const parsed = await loadRules([builtinRulesDir]);
    for (const { file } of parsed.rules) {
      const relative = path.relative(builtinRulesDir, file);
      mkdirSync(path.dirname(path.join(copy, relative)), { recursive: true });
      writeFileSync(path.join(copy, relative), readFileSync(file));
    }
    const fresh = await loadRules([copy]);
    await load(copy, cacheDir);
    expect(Object.keys(readCacheFile(cacheDir).entries)).toHaveLength(fresh.rules.length);
    const fromCache = await load(copy, cacheDir);
    expect(fromCache.rules).toEqual(fresh.rules);
    expect(fromCache.rules.map(({ rule }) => rule)).toEqual(parsed.rules.map(({ rule }) => rule));
  });
});

describe('where the rule cache lives', () => {
  const home = () => '/home/someone';
  it.each([
    [{}, '/home/someone/.cache/draftleak'],
    [{ XDG_CACHE_HOME: '/var/cache/me' }, '/var/cache/me/draftleak'],
    [{ XDG_CACHE_HOME: 'relative/path' }, '/home/someone/.cache/draftleak'],
    [{ DRAFTLEAK_CACHE_DIR: '/srv/dl-cache', XDG_CACHE_HOME: '/var/cache/me' }, '/srv/dl-cache'],
    [{ DRAFTLEAK_NO_CACHE: '1', DRAFTLEAK_CACHE_DIR: '/srv/dl-cache' }, undefined],
  ])('%j: %s', (env, expected) => {
    expect(ruleCacheDir(env as NodeJS.ProcessEnv, home)).toBe(expected);
  });

  it('none without a home', () => {
    expect(ruleCacheDir({}, () => '')).toBeUndefined();
    expect(
      ruleCacheDir({}, () => {
        throw new Error('no home');
      }),
    ).toBeUndefined();
  });
});
