import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256OfText } from '../../src/core/text-digest.js';
import { builtinRulesDir, loadRules, openRuleCache, type Rule } from '../../src/engine/index.js';
import { maxRuleCacheFiles } from '../../src/engine/rule-cache.js';
import { tempDir } from '../support/temp-dir.js';

// A user's rule files are parsed once and read back from a cache on later starts (engine/rule-cache).
// What comes back must be exactly the parse of that very text at that path by that build, and a
// cache that is damaged, foreign, a symlink or another build's must never be read.

function ruleText(id: string, cms = 'generic'): string {
  return `id: ${id}
name: Rule ${id}
severity: high
confidence: high
cms: [${cms}]
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

/** The cache's files (one per rules folder loaded, in its `rules` folder), without writes' leftovers. */
function cacheFiles(dir: string): string[] {
  return readdirSync(path.join(dir, 'rules'))
    .filter((name) => /^[0-9a-f]{40}\.json$/.test(name))
    .map((name) => path.join(dir, 'rules', name))
    .filter((file) => lstatSync(file).isFile());
}

/** The one cache file in `dir`, as the test reads it (header line, then JSON). */
function readCacheFile(dir: string): { file: string; header: string[]; entries: Record<string, Rule> } {
  const [file, ...others] = cacheFiles(dir);
  expect(others).toEqual([]);
  const text = readFileSync(file as string, 'utf8');
  const newline = text.indexOf('\n');
  return { file: file as string, header: text.slice(0, newline).split(' '), entries: JSON.parse(text.slice(newline + 1)) as Record<string, Rule> };
}

/** Rewrites the cache file with its entries changed by `change`, with a matching digest unless `keepDigest`. */
function rewriteCacheFile(dir: string, change: (entries: Record<string, unknown>) => void, options: { keepDigest?: boolean } = {}): void {
  const { file, header, entries } = readCacheFile(dir);
  change(entries);
  const body = JSON.stringify(entries);
  writeFileSync(file, `${header[0]} ${header[1]} ${options.keepDigest ? header[2] : sha256OfText(body)}\n${body}`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function markAll(entries: Record<string, unknown>): void {
  for (const rule of Object.values(entries)) (rule as Rule).name = 'from the cache';
}

const names = (result: Awaited<ReturnType<typeof loadRules>>) => result.rules.map(({ rule }) => rule.name);

async function load(targets: string | string[], cacheDir: string, build = 'build-1', options: { knownCms?: ReadonlySet<string> } = {}) {
  return loadRules(typeof targets === 'string' ? [targets] : targets, { ...options, cache: openRuleCache(cacheDir, build) });
}

describe('the rule cache', () => {
  it('gives back exactly what parsing gives, and later loads read it rather than parse', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a'), 'rule-b': ruleText('rule-b') });
    const cacheDir = path.join(await tempDir('cache'), 'draftleak');
    const parsed = await loadRules([rulesDir]);
    const first = await load(rulesDir, cacheDir);
    expect(first.errors).toEqual([]);
    expect(first.rules).toStrictEqual(parsed.rules);
    // Made for its owner only.
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(cacheDir, 'rules')).mode & 0o777).toBe(0o700);
    expect(statSync(readCacheFile(cacheDir).file).mode & 0o777).toBe(0o600);
    expect(Object.keys(readCacheFile(cacheDir).entries)).toHaveLength(2);
    expect((await load(rulesDir, cacheDir)).rules).toStrictEqual(parsed.rules);
    // Marked in the file (with a digest that matches): what loads is the file's, so it was read, not parsed.
    rewriteCacheFile(cacheDir, markAll);
    expect(names(await load(rulesDir, cacheDir))).toEqual(['from the cache', 'from the cache']);
  });

  it('never serves an entry for another text, another path or another build', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a'), 'rule-b': ruleText('rule-b') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    rewriteCacheFile(cacheDir, markAll);
    // An edited file is parsed afresh; the other still comes from the cache.
    writeFileSync(path.join(rulesDir, 'rule-a.yaml'), `${ruleText('rule-a')}# edited\n`);
    expect(names(await load(rulesDir, cacheDir))).toEqual(['Rule rule-a', 'from the cache']);
    // The same text in another folder: parsed (and that folder has a cache file of its own).
    const copy = await rulesFolder({ 'rule-b': ruleText('rule-b') });
    expect(names(await load(copy, cacheDir))).toEqual(['Rule rule-b']);
    expect(cacheFiles(cacheDir)).toHaveLength(2);
    // Another build: nothing of this one's is read.
    expect(names(await load(rulesDir, cacheDir, 'build-2'))).toEqual(['Rule rule-a', 'Rule rule-b']);
  });

  it('finds an entry only for the same file, text, folder CMS and build, whichever file holds it', async () => {
    const cacheDir = await tempDir('cache');
    const rule = (await loadRules([await rulesFolder({ 'rule-a': ruleText('rule-a') })])).rules[0]?.rule as Rule;
    const file = '/virtual/rules/rule-a.yaml';
    const writer = openRuleCache(cacheDir, 'build-1').forTarget('/virtual/rules');
    writer.put(file, 'text', 'strapi', rule);
    writer.save();
    const reader = openRuleCache(cacheDir, 'build-1').forTarget('/virtual/rules');
    expect(reader.get(file, 'text', 'strapi')).toStrictEqual(rule);
    expect(reader.get(file, 'text', 'ghost')).toBeUndefined();
    expect(reader.get(file, 'text', undefined)).toBeUndefined();
    expect(reader.get(file, 'other text', 'strapi')).toBeUndefined();
    expect(reader.get('/virtual/elsewhere/rule-a.yaml', 'text', 'strapi')).toBeUndefined();
    expect(openRuleCache(cacheDir, 'build-2').forTarget('/virtual/rules').get(file, 'text', 'strapi')).toBeUndefined();
  });

  it('does not write its file again when a start read everything from it', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a'), 'rule-b': ruleText('rule-b') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    const { file } = readCacheFile(cacheDir);
    utimesSync(file, new Date(1_000_000), new Date(1_000_000));
    const before = statSync(file);
    await load(rulesDir, cacheDir);
    const after = statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('keys an entry by the folder its rule was loaded as part of: a file given alone is checked otherwise', async () => {
    // Given alone, a rule is not filed under its folder's CMS; loaded with its folder, it must name it.
    const root = await tempDir('rules');
    mkdirSync(path.join(root, 'strapi'));
    const file = path.join(root, 'strapi', 'rule-a.yaml');
    writeFileSync(file, ruleText('rule-a', 'generic'));
    const cacheDir = await tempDir('cache');
    expect((await load(file, cacheDir)).errors).toEqual([]);
    const asFolder = await load(root, cacheDir);
    expect(asFolder.errors.map((error) => error.message)).toEqual([expect.stringMatching(/cms must include "strapi"/)]);
    expect(asFolder.rules).toEqual([]);
  });

  it('drops the entries of rules no longer there', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a'), 'rule-b': ruleText('rule-b') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    unlinkSync(path.join(rulesDir, 'rule-b.yaml'));
    await load(rulesDir, cacheDir);
    expect(Object.values(readCacheFile(cacheDir).entries).map((rule) => rule.id)).toEqual(['rule-a']);
  });

  it('does not read a damaged file, and writes a sound one in its place', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    rewriteCacheFile(cacheDir, markAll, { keepDigest: true });
    expect(names(await load(rulesDir, cacheDir))).toEqual(['Rule rule-a']);
    // That load parsed and wrote the cache again, with a digest of what it holds.
    const { file, header, entries } = readCacheFile(cacheDir);
    expect(header[2]).toBe(sha256OfText(JSON.stringify(entries)));
    expect(Object.values(entries).map((rule) => rule.name)).toEqual(['Rule rule-a']);
    // Not JSON at all, or empty: parsed, no error.
    for (const junk of ['', 'draftleak-rule-cache-2 build-1\n{', '\u0000\u0001garbage']) {
      writeFileSync(file, junk);
      const result = await load(rulesDir, cacheDir);
      expect(result.errors).toEqual([]);
      expect(names(result)).toEqual(['Rule rule-a']);
    }
  });

  it('does not take an entry that is not a rule of that file: the rule is parsed, never lost', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    for (const value of [null, 0, '', 'a string', [], { id: 'another-rule', steps: [] }, { id: 'rule-a' }]) {
      rewriteCacheFile(cacheDir, (entries) => {
        for (const key of Object.keys(entries)) entries[key] = value;
      });
      const result = await load(rulesDir, cacheDir);
      expect(result.errors).toEqual([]);
      expect(result.rules.map(({ rule }) => [rule.id, rule.name])).toEqual([['rule-a', 'Rule rule-a']]);
    }
  });

  it('keeps no rule that JSON would not give back as it is (a cycle, NaN), and loading it does not fail', async () => {
    const withVariables = (id: string, variables: string) =>
      ruleText(id).replace('    request: { path: /api/' + id + ' }', `    request:\n      method: POST\n      path: /graphql\n      graphql:\n        query: "query Q { items { id } }"\n        variables: ${variables}`);
    const rulesDir = await rulesFolder({
      'rule-cycle': withVariables('rule-cycle', '&v { self: *v }'),
      'rule-nan': withVariables('rule-nan', '{ n: .nan }'),
      'rule-ok': ruleText('rule-ok'),
    });
    const cacheDir = await tempDir('cache');
    for (let run = 0; run < 2; run += 1) {
      const result = await load(rulesDir, cacheDir);
      expect(result.errors).toEqual([]);
      expect(result.rules.map(({ rule }) => rule.id)).toEqual(['rule-cycle', 'rule-nan', 'rule-ok']);
    }
    expect(Object.values(readCacheFile(cacheDir).entries).map((rule) => rule.id)).toEqual(['rule-ok']);
  });

  it('does not read a file that others may write, nor one in a folder others may write, which it does not write either', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    rewriteCacheFile(cacheDir, markAll);
    chmodSync(readCacheFile(cacheDir).file, 0o666);
    expect(names(await load(rulesDir, cacheDir))).toEqual(['Rule rule-a']);
    // That load wrote the file afresh, for its owner only.
    expect(statSync(readCacheFile(cacheDir).file).mode & 0o777).toBe(0o600);
    rewriteCacheFile(cacheDir, markAll);
    chmodSync(cacheDir, 0o777);
    expect(names(await load(rulesDir, cacheDir))).toEqual(['Rule rule-a']);
    chmodSync(cacheDir, 0o700);
    expect(names(await load(rulesDir, cacheDir))).toEqual(['from the cache']);
    chmodSync(path.join(cacheDir, 'rules'), 0o770);
    expect(names(await load(rulesDir, cacheDir))).toEqual(['Rule rule-a']);
  });

  it.runIf(process.getuid?.() === 0)('does not read a file another user owns', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    rewriteCacheFile(cacheDir, markAll);
    chownSync(readCacheFile(cacheDir).file, 65534, 65534);
    expect(names(await load(rulesDir, cacheDir))).toEqual(['Rule rule-a']);
  });

  it('follows no symlink: neither a linked folder nor a linked file is read or written', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const realDir = await tempDir('cache');
    await load(rulesDir, realDir);
    rewriteCacheFile(realDir, markAll);
    const before = readFileSync(readCacheFile(realDir).file, 'utf8');
    const linkedDir = path.join(await tempDir('cache-link'), 'draftleak');
    symlinkSync(realDir, linkedDir);
    expect(names(await load(rulesDir, linkedDir))).toEqual(['Rule rule-a']);
    writeFileSync(path.join(rulesDir, 'rule-b.yaml'), ruleText('rule-b'));
    await load(rulesDir, linkedDir);
    expect(readFileSync(readCacheFile(realDir).file, 'utf8')).toBe(before);
    // A cache file that is a link to the user's own sound file: not read either.
    unlinkSync(path.join(rulesDir, 'rule-b.yaml'));
    const otherDir = await tempDir('cache');
    await load(rulesDir, otherDir);
    const ownFile = readCacheFile(otherDir).file;
    rmSync(ownFile);
    symlinkSync(readCacheFile(realDir).file, ownFile);
    expect(names(await load(rulesDir, otherDir))).toEqual(['Rule rule-a']);
  });

  it('does not wait on a FIFO where its file would be', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir);
    const { file } = readCacheFile(cacheDir);
    rmSync(file);
    execFileSync('mkfifo', ['-m', '600', file]);
    expect(names(await load(rulesDir, cacheDir))).toEqual(['Rule rule-a']);
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

  it('is neither read nor written when rules are validated against the known CMSs', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const cacheDir = await tempDir('cache');
    await load(rulesDir, cacheDir, 'build-1', { knownCms: new Set(['generic']) });
    expect(readdirSync(cacheDir)).toEqual([]);
    await load(rulesDir, cacheDir);
    rewriteCacheFile(cacheDir, markAll);
    expect(names(await load(rulesDir, cacheDir, 'build-1', { knownCms: new Set(['generic']) }))).toEqual(['Rule rule-a']);
  });

  it('costs nothing but speed when it cannot be written', async () => {
    const rulesDir = await rulesFolder({ 'rule-a': ruleText('rule-a') });
    const notAFolder = path.join(await tempDir('cache'), 'file');
    writeFileSync(notAFolder, 'a file where the cache folder would be');
    for (const cacheDir of [path.join(notAFolder, 'draftleak'), notAFolder]) {
      const result = await load(rulesDir, cacheDir);
      expect(result.errors).toEqual([]);
      expect(result.rules.map(({ rule }) => rule.id)).toEqual(['rule-a']);
    }
  });

  it(`keeps at most ${maxRuleCacheFiles} files, the most recently written, and removes writes' old leftovers`, async () => {
    const cacheDir = await tempDir('cache');
    const folders = await Promise.all(Array.from({ length: maxRuleCacheFiles + 3 }, (_, index) => rulesFolder({ [`rule-${index}`]: ruleText(`rule-${index}`) })));
    // Leftovers named as a write names them (core/private-file), and files that are none of the cache's.
    const rulesFolderOfCache = path.join(cacheDir, 'rules');
    mkdirSync(rulesFolderOfCache, { mode: 0o700 });
    const oldLeftover = path.join(rulesFolderOfCache, `${'a'.repeat(40)}.json.123.1700000000000.1.partial`);
    const newLeftover = path.join(rulesFolderOfCache, `${'b'.repeat(40)}.json.123.1700000000000.2.partial`);
    const notOurs = ['package.json', 'notes.partial', `${'c'.repeat(40)}.json.old`];
    // A folder with a cache file's name, and a link with one: not files the sweep removes, nor a reason to stop.
    mkdirSync(path.join(rulesFolderOfCache, `${'d'.repeat(40)}.json`));
    symlinkSync('/nonexistent', path.join(rulesFolderOfCache, `${'e'.repeat(40)}.json`));
    const oldFiles = [oldLeftover, ...notOurs.map((name) => path.join(rulesFolderOfCache, name)), ...notOurs.map((name) => path.join(cacheDir, name))];
    for (const file of [newLeftover, ...oldFiles]) writeFileSync(file, '');
    for (const file of oldFiles) utimesSync(file, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const start = Date.now() - 3_600_000;
    for (const [index, folder] of folders.entries()) {
      await load(folder, cacheDir);
      // Written one after another: each file's time a second after the last, whatever the clock's grain.
      const written = cacheFiles(cacheDir).find((file) => readFileSync(file, 'utf8').includes(`"rule-${index}"`));
      utimesSync(written as string, new Date(start + 1000 * index), new Date(start + 1000 * index));
    }
    expect(cacheFiles(cacheDir)).toHaveLength(maxRuleCacheFiles);
    const kept = cacheFiles(cacheDir).map((file) => readFileSync(file, 'utf8'));
    expect(kept.some((text) => text.includes('"rule-0"'))).toBe(false);
    expect(kept.some((text) => text.includes(`"rule-${folders.length - 1}"`))).toBe(true);
    expect(readdirSync(rulesFolderOfCache)).not.toContain(path.basename(oldLeftover));
    expect(readdirSync(rulesFolderOfCache)).toContain(path.basename(newLeftover));
    // Old as they are, files the cache did not write are never removed, in its folder or beside it.
    expect(readdirSync(rulesFolderOfCache)).toEqual(expect.arrayContaining([...notOurs, `${'d'.repeat(40)}.json`, `${'e'.repeat(40)}.json`]));
    expect(readdirSync(cacheDir)).toEqual(expect.arrayContaining(notOurs));
    // One start loading more folders than are kept removes none of those it reads or writes.
    const all = await loadRules(folders, { cache: openRuleCache(cacheDir, 'build-1') });
    expect(all.rules).toHaveLength(folders.length);
    expect(cacheFiles(cacheDir)).toHaveLength(folders.length);
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
    expect(fromCache.rules).toStrictEqual(fresh.rules);
    // And they were read from the file: each marked entry comes back marked.
    rewriteCacheFile(cacheDir, markAll);
    expect(new Set(names(await load(copy, cacheDir)))).toEqual(new Set(['from the cache']));
  });
});
