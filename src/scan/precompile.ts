import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compiledModules } from '../core/build-freshness.js';
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
 * `dist`, and the files that say which packages shape what a rule parses to (zod, and the yaml
 * that scripts/bundle.mjs vendors afterwards): package.json, the lock file, and each of those
 * packages' own package.json as installed. A rule parsed at run time is kept under it
 * (engine/rule-cache), so another build never reads it. What bundle.mjs writes afterwards is
 * left out. `root` holds package.json, package-lock.json and node_modules; absent ones count as absent.
 */
export function buildDigest(dist: string, root: string): string {
  const hash = createHash('sha256');
  const modules = compiledModules(dist);
  const described = ['package.json', 'package-lock.json', ...parsingPackages.map((name) => `node_modules/${name}/package.json`)];
  const files = [...modules.map((relative) => [`dist/${relative}`, path.join(dist, relative)]), ...described.map((relative) => [relative, path.join(root, relative)])];
  for (const [name, file] of files as [string, string][]) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      hash.update(`${name}\0absent\0`);
      continue;
    }
    hash.update(`${name}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex').slice(0, 32);
}

/** The packages whose code decides what a rule file parses to. */
const parsingPackages = ['zod', 'yaml', 're2js', '@jmespath-community/jmespath'];
