import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { precompiledValue, usePrecompiledTable } from '../../src/core/precompiled.js';
import { builtinRulesDir, loadRules } from '../../src/engine/index.js';
import { loadFingerprints } from '../../src/fingerprint/load-fingerprints.js';
import { buildDigest, precompileBuiltin } from '../../src/scan/precompile.js';
import { tempDir } from '../support/temp-dir.js';
import { builtinLinkPolicyFile, parseLinkPolicyData, readBuiltinLinkPolicy } from '../../src/crawl/link-policy.js';

// Scans read the built-in rules from dist/precompiled.json (made by npm run build): what they
// load must be exactly what parsing the YAML gives, and an edited file must never be read from it.
afterEach(() => usePrecompiledTable(null));

describe('precompiled built-in rules and fingerprints', () => {
  it('load exactly as parsed: every rule and fingerprint, deep-equal, through the JSON file format', async () => {
    usePrecompiledTable(null);
    const parsedRules = await loadRules([builtinRulesDir]);
    const parsedFingerprints = await loadFingerprints();
    const table = await precompileBuiltin();
    // Every rule, every fingerprint, and the crawl's link policy.
    expect(Object.keys(table.entries).length).toBe(parsedRules.rules.length + parsedFingerprints.fingerprints.length + 1);
    usePrecompiledTable(JSON.parse(JSON.stringify(table)));
    const fromTable = await loadRules([builtinRulesDir]);
    expect(fromTable.errors).toEqual([]);
    expect(fromTable.rules).toEqual(parsedRules.rules);
    expect((await loadFingerprints()).fingerprints).toEqual(parsedFingerprints.fingerprints);
    // And the loaders do read the table, not parse again: an entry marked here comes back marked.
    const marked = JSON.parse(JSON.stringify(table)) as typeof table;
    const [ruleKey] = Object.keys(marked.entries).filter((key) => key.startsWith('rule:'));
    const [fingerprintKey] = Object.keys(marked.entries).filter((key) => key.startsWith('fingerprint:'));
    Object.assign(marked.entries[ruleKey as string]?.value as object, { name: 'from the table' });
    Object.assign(marked.entries[fingerprintKey as string]?.value as object, { name: 'from the table' });
    usePrecompiledTable(marked);
    expect((await loadRules([builtinRulesDir])).rules.filter(({ rule }) => rule.name === 'from the table')).toHaveLength(1);
    expect((await loadFingerprints()).fingerprints.filter(({ fingerprint }) => fingerprint.name === 'from the table')).toHaveLength(1);
  });

  it('hold the link policy as parsing gives it, and the crawl reads it from there', async () => {
    const text = await readFile(builtinLinkPolicyFile, 'utf8');
    const table = JSON.parse(JSON.stringify(await precompileBuiltin())) as Awaited<ReturnType<typeof precompileBuiltin>>;
    usePrecompiledTable(table);
    const parsed = parseLinkPolicyData(builtinLinkPolicyFile, text).data;
    expect(parsed?.adminAreas.length).toBeGreaterThan(0);
    expect(precompiledValue('link-policy', builtinLinkPolicyFile, text)).toEqual(parsed);
    expect(readBuiltinLinkPolicy().allows('http://127.0.0.1/wp-admin/')).toBe(false);
    // Marked in the table (no admin areas at all): the policy read is the table's.
    (table.entries['link-policy:_link-policy.yaml:']?.value as { adminAreas: unknown[] }).adminAreas = [];
    expect(readBuiltinLinkPolicy().allows('http://127.0.0.1/wp-admin/')).toBe(true);
    expect(precompiledValue('link-policy', builtinLinkPolicyFile, `${text}\n# edited`)).toBeUndefined();
  });

  it('are not used for a changed text, for a file outside the built-in folder, or for another folder CMS', async () => {
    const file = path.join(builtinRulesDir, 'wordpress', 'fingerprint.yaml');
    const text = await readFile(file, 'utf8');
    usePrecompiledTable(await precompileBuiltin());
    expect(precompiledValue('fingerprint', file, text)).toMatchObject({ cms: 'wordpress' });
    expect(precompiledValue('fingerprint', file, `${text}\n# edited`)).toBeUndefined();
    expect(precompiledValue('fingerprint', '/elsewhere/wordpress/fingerprint.yaml', text)).toBeUndefined();
    const [ruleFile] = (await loadRules([path.join(builtinRulesDir, 'wordpress')])).rules.map((loaded) => loaded.file);
    expect(ruleFile).toBeDefined();
    const ruleText = await readFile(ruleFile as string, 'utf8');
    expect(precompiledValue('rule', ruleFile as string, ruleText, 'wordpress')).toBeDefined();
    expect(precompiledValue('rule', ruleFile as string, ruleText, 'ghost')).toBeUndefined();
  });

});

describe("the build's digest, which the rule cache's entries are kept under", () => {
  it('changes with any module, package.json, the lock file and an installed parsing package, not with what the build writes after the table', async () => {
    const root = await tempDir('digest');
    const dist = path.join(root, 'dist');
    for (const folder of ['engine', 'cli', 'vendor']) mkdirSync(path.join(dist, folder), { recursive: true });
    const write = (relative: string, text: string) => writeFileSync(path.join(root, relative), text);
    write('dist/engine/rule-schema.js', 'export const a = 1;');
    write('dist/cli/entry.js', 'export {};');
    write('package.json', '{"dependencies":{"zod":"4.0.0"}}');
    const first = buildDigest(dist, root);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(buildDigest(dist, root)).toBe(first);
    // What bundle.mjs writes after the table, and what is not a module, leave it as it is.
    write('dist/vendor/yaml.cjs', 'module.exports = {};');
    write('dist/cli/entry.bundle.cjs', '// draftleak bundle x');
    write('dist/precompiled.json', '{}');
    expect(buildDigest(dist, root)).toBe(first);
    write('dist/engine/rule-schema.js', 'export const a = 2;');
    const edited = buildDigest(dist, root);
    expect(edited).not.toBe(first);
    write('package.json', '{"dependencies":{"zod":"4.0.1"}}');
    expect(buildDigest(dist, root)).not.toBe(edited);
    write('package.json', '{"dependencies":{"zod":"4.0.0"}}');
    expect(buildDigest(dist, root)).toBe(edited);
    mkdirSync(path.join(root, 'node_modules', 'zod'), { recursive: true });
    write('node_modules/zod/package.json', '{"version":"4.0.0"}');
    const installed = buildDigest(dist, root);
    expect(installed).not.toBe(edited);
    write('node_modules/zod/package.json', '{"version":"4.0.2"}');
    const upgraded = buildDigest(dist, root);
    expect(upgraded).not.toBe(installed);
    write('package-lock.json', '{}');
    expect(buildDigest(dist, root)).not.toBe(upgraded);
    rmSync(path.join(root, 'node_modules'), { recursive: true });
    rmSync(path.join(root, 'package-lock.json'));
    // A module's name counts too: the same text moved is another build.
    write('package.json', '{"dependencies":{"zod":"4.0.0"}}');
    write('dist/engine/rule-schema.js', 'export const a = 1;');
    expect(buildDigest(dist, root)).toBe(first);
    write('dist/engine/extra.js', '');
    expect(buildDigest(dist, root)).not.toBe(first);
  });
});
