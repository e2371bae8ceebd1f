import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { precompiledKey, precompiledRoot, type PrecompiledTable } from '../core/precompiled.js';
import { sha256OfText } from '../core/text-digest.js';
import { folderCmsOf, listRuleFiles, parseRuleText } from '../engine/load-rules.js';
import { listFingerprintFiles, parseFingerprintText } from '../fingerprint/load-fingerprints.js';
import { builtinLinkPolicyFile, parseLinkPolicyData } from '../crawl/link-policy.js';

/**
 * Parses and checks every built-in rule and fingerprint and the link policy, for dist/precompiled.json (see
 * core/precompiled). Only files with neither an error nor a warning are entered: any other is
 * parsed at load time, so its problems are said exactly as they would be without the table.
 */
export async function precompileBuiltin(root: string = precompiledRoot): Promise<PrecompiledTable> {
  const entries: PrecompiledTable['entries'] = {};
  const ruleFiles = listRuleFiles(root);
  for (const file of ruleFiles) {
    const text = await readFile(file, 'utf8');
    const folderCms = folderCmsOf(file, root, ruleFiles.length);
    const { rule, errors, warnings = [] } = parseRuleText(file, text, folderCms === undefined ? {} : { folderCms });
    const key = precompiledKey('rule', file, folderCms ?? '');
    if (rule !== undefined && errors.length === 0 && warnings.length === 0 && key !== undefined) entries[key] = { sha256: sha256OfText(text), value: rule };
  }
  for (const file of listFingerprintFiles(root)) {
    const text = await readFile(file, 'utf8');
    const { fingerprint, errors } = parseFingerprintText(file, text);
    const key = precompiledKey('fingerprint', file);
    if (fingerprint !== undefined && errors.length === 0 && key !== undefined) entries[key] = { sha256: sha256OfText(text), value: fingerprint };
  }
  // The link policy is the built-in folder's own file: a table for another root has none.
  const policyKey = root === precompiledRoot ? precompiledKey('link-policy', builtinLinkPolicyFile) : undefined;
  if (policyKey !== undefined) {
    const policyText = await readFile(builtinLinkPolicyFile, 'utf8');
    const { data: policy, errors: policyErrors } = parseLinkPolicyData(builtinLinkPolicyFile, policyText);
    if (policy !== undefined && policyErrors.length === 0) entries[policyKey] = { sha256: sha256OfText(policyText), value: policy };
  }
  return { entries };
}

/**
 * The build's digest, written into the table as its `build`: every module tsc wrote under
 * `dist`, and `packageJson` with its pinned dependencies (zod, and the yaml that
 * scripts/bundle.mjs vendors afterwards, shape what a rule parses to). A rule parsed at run time
 * is kept under it (engine/rule-cache), so another build never reads it. What bundle.mjs writes
 * from these files afterwards (the bundle, dist/vendor) is left out.
 */
export function buildDigest(dist: string, packageJson: string): string {
  const hash = createHash('sha256');
  const modules = readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.c?js$/.test(entry.name))
    .map((entry) => path.relative(dist, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((relative) => !relative.startsWith('vendor/') && !relative.startsWith('cli/entry.bundle.'))
    .sort();
  for (const [name, file] of [...modules.map((relative) => [relative, path.join(dist, relative)]), ['package.json', packageJson]] as const) {
    const bytes = readFileSync(file);
    hash.update(`${name}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex').slice(0, 32);
}
