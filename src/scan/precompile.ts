import { readFile } from 'node:fs/promises';
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
