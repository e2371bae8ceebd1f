import type { RuleCase } from './case-schema.js';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { RuleError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { builtinRulesDir, loadRules, type LoadedRule } from '../engine/index.js';
import { fingerprintFileName, parseFingerprintText } from '../fingerprint/load-fingerprints.js';
import { readFingerprintCaseFile, readRuleCaseFile } from './load-cases.js';

/**
 * `rules validate` (and `rules test`, before it runs anything): every file an author writes
 * beside the rules is checked against its own schema, each problem as file:line:column: rules,
 * their case files (`<id>.cases.yaml`, `<id>.recorded.cases.yaml`), fingerprints
 * (`fingerprint.yaml`) and their cases (`fingerprint.cases.yaml`). Folders name CMSs, and a
 * folder no fingerprint knows is refused, since a scan would never select its rules.
 */

export type AuthoredKind = 'rule' | 'rule-cases' | 'fingerprint' | 'fingerprint-cases';

export function kindOf(file: string): AuthoredKind | undefined {
  const base = path.basename(file);
  if (base === fingerprintFileName) return 'fingerprint';
  if (base === 'fingerprint.cases.yaml') return 'fingerprint-cases';
  if (base.endsWith('.cases.yaml')) return 'rule-cases';
  if (base.endsWith('.yaml')) return 'rule';
  return undefined;
}

export interface Validation {
  rules: LoadedRule[];
  /** How many files of each kind were checked. */
  counts: Record<AuthoredKind, number>;
  errors: RuleError[];
  /** Problems that do not refuse a file (a rule that probably does not mean what it says). */
  warnings: RuleError[];
}

/** Partials (`_name.yaml`) and the folders that hold recordings and fixtures are not authored rules. */
function isSkipped(file: string, root: string): boolean {
  if (path.basename(file).startsWith('_')) return true;
  const relative = path.relative(root, path.dirname(file));
  return relative.split(path.sep).some((segment) => segment === 'cases' || segment === 'fixtures' || segment === 'recordings');
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** CMS folders with a fingerprint: the built-in ones and any under `roots`, plus `generic`. */
export async function knownCmsNames(roots: string[] = []): Promise<Set<string>> {
  const known = new Set<string>(['generic']);
  for (const root of [builtinRulesDir, ...roots]) {
    const entries = await readdir(root, { withFileTypes: true, recursive: true }).catch(() => []);
    for (const entry of entries) if (entry.isFile() && entry.name === fingerprintFileName) known.add(path.basename(entry.parentPath));
  }
  return known;
}

interface Found {
  file: string;
  kind: AuthoredKind;
  /** The folder given on the command line that this file was found under, if any. */
  root?: string;
}

async function findFiles(targets: string[], errors: RuleError[]): Promise<Found[]> {
  const found: Found[] = [];
  for (const target of targets) {
    const info = await stat(target).catch(() => null);
    if (!info) {
      errors.push(new RuleError(target, 'no such file or directory'));
      continue;
    }
    if (info.isFile()) {
      const kind = kindOf(target);
      if (!kind) errors.push(new RuleError(target, 'not a rule, case or fingerprint file (those end in .yaml)'));
      else found.push({ file: target, kind });
      // A rule given alone brings its cases: `rules test x.yaml` runs them.
      if (kind === 'rule') {
        for (const cases of [target.replace(/\.yaml$/, '.cases.yaml'), target.replace(/\.yaml$/, '.recorded.cases.yaml')]) {
          if (await exists(cases)) found.push({ file: cases, kind: 'rule-cases' });
        }
      }
      continue;
    }
    const entries = await readdir(target, { withFileTypes: true, recursive: true });
    for (const entry of entries) {
      const file = path.join(entry.parentPath, entry.name);
      const kind = entry.isFile() ? kindOf(file) : undefined;
      if (kind && !isSkipped(file, target)) found.push({ file, kind, root: target });
    }
  }
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

/** The CMS folder of a file found under a root: its parent, unless that is the root itself. */
function cmsFolderOf({ file, root }: Found): string | undefined {
  if (root === undefined || path.resolve(path.dirname(file)) === path.resolve(root)) return undefined;
  return path.basename(path.dirname(file));
}

export async function validateAuthoredFiles(targets: string[]): Promise<Validation> {
  const errors: RuleError[] = [];
  const found = await findFiles(targets, errors);
  const roots = [...new Set(found.map((entry) => entry.root).filter((root): root is string => root !== undefined))];
  const knownCms = await knownCmsNames(roots);
  const counts: Record<AuthoredKind, number> = { rule: 0, 'rule-cases': 0, fingerprint: 0, 'fingerprint-cases': 0 };
  for (const entry of found) counts[entry.kind] += 1;

  const unknownFolders = new Map<string, string>();
  for (const entry of found) {
    const folder = cmsFolderOf(entry);
    if (folder !== undefined && !knownCms.has(folder) && entry.kind !== 'fingerprint') unknownFolders.set(path.dirname(entry.file), folder);
  }
  for (const [dir, folder] of unknownFolders) {
    errors.push(new RuleError(dir, `unknown CMS folder "${folder}"${didYouMean(folder, knownCms)}: no fingerprint recognises it, so a scan would never select the rules in it (known: ${[...knownCms].sort().join(', ')}; a new CMS needs ${folder}/fingerprint.yaml)`));
  }

  // Rules load as a scan loads them (same listing, duplicate ids across files), with the CMS check.
  const ruleTargets = [...found.filter((entry) => entry.kind === 'rule' && entry.root === undefined).map((entry) => entry.file), ...roots];
  const loaded = ruleTargets.length > 0 ? await loadRules(ruleTargets, { knownCms }) : { rules: [], errors: [], warnings: [] };
  errors.push(...loaded.errors);

  const seenCms = new Map<string, string>();
  const warnings = [...loaded.warnings];
  for (const entry of found) {
    if (entry.kind === 'rule-cases') {
      const { errors: caseErrors, caseFile } = await readRuleCaseFile(entry.file);
      errors.push(...caseErrors);
      warnings.push(...unprovenCases(entry.file, caseFile?.cases ?? []));
      const ruleFile = entry.file.replace(/(\.recorded)?\.cases\.yaml$/, '.yaml');
      if (!(await exists(ruleFile))) errors.push(new RuleError(entry.file, `no rule beside this case file (expected ${path.basename(ruleFile)})`, { line: 1 }));
    } else if (entry.kind === 'fingerprint-cases') {
      errors.push(...(await readFingerprintCaseFile(entry.file)).errors);
    } else if (entry.kind === 'fingerprint') {
      const result = parseFingerprintText(entry.file, await readFile(entry.file, 'utf8'));
      errors.push(...result.errors);
      const cms = result.fingerprint?.cms;
      if (cms === undefined) continue;
      const earlier = seenCms.get(cms);
      if (earlier) errors.push(new RuleError(entry.file, `duplicate cms "${cms}" (also in ${earlier})`, { line: 1, field: 'cms' }));
      else seenCms.set(cms, entry.file);
    }
  }
  return { rules: loaded.rules, counts, errors, warnings };
}

/**
 * A must-fire case that names items but says neither which items must not be named (not_named)
 * nor that the finding names exactly these (exact) passes a rule that also names the published
 * item beside them: the overclaim the cases exist to catch.
 */
function unprovenCases(file: string, cases: RuleCase[]): RuleError[] {
  return cases
    .filter((ruleCase) => ruleCase.expect === 'finding' && ruleCase.todo === undefined && ruleCase.not_named.length === 0 && ruleCase.findings.some((finding) => finding.items.length > 0) && !ruleCase.findings.some((finding) => finding.exact))
    .map((ruleCase) => new RuleError(file, `case "${ruleCase.name}" names items but has no not_named or exact: a rule that also named the published item beside them would pass it`));
}
