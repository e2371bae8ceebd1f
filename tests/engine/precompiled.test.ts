import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { precompiledValue, usePrecompiledTable } from '../../src/core/precompiled.js';
import { builtinRulesDir, loadRules } from '../../src/engine/index.js';
import { loadFingerprints } from '../../src/fingerprint/load-fingerprints.js';
import { precompileBuiltin } from '../../src/scan/precompile.js';
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
