import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuleError } from '../core/errors.js';
import { listDefinitionFiles } from '../core/list-definition-files.js';
import { precompiledValue } from '../core/precompiled.js';
import { problemsFromZod } from '../core/zod-problems.js';
import { parseYamlSource, positionOf, type YamlSource } from '../core/yaml-source.js';
import { fingerprintSchema, type Fingerprint } from './fingerprint-schema.js';
import { checkFingerprint } from './fingerprint-checks.js';

export interface LoadedFingerprint {
  fingerprint: Fingerprint;
  file: string;
}

/** The folder that ships with draftleak: `rules/<cms>/fingerprint.yaml`. */
export const fingerprintsDir = fileURLToPath(new URL('../../rules/', import.meta.url));

export const fingerprintFileName = 'fingerprint.yaml';

export function listFingerprintFiles(target: string): string[] {
  return listDefinitionFiles(target, (name) => name === fingerprintFileName);
}

function toError(source: YamlSource, at: (string | number)[], message: string, atKey = false): RuleError {
  const position = positionOf(source, at, atKey);
  return new RuleError(source.file, message, { ...position, field: at.join('.') || '(root)' });
}

/**
 * Parses and checks one fingerprint file, returning every problem found (not only the first),
 * each with file:line:column. The `cms` must equal the name of the folder holding the file.
 */
export function parseFingerprintText(file: string, text: string): { fingerprint?: Fingerprint; errors: RuleError[] } {
  const { source, errors: yamlErrors } = parseYamlSource(file, text);
  if (yamlErrors.length > 0) {
    return { errors: yamlErrors.map((error) => new RuleError(file, error.message, error.position)) };
  }
  let input: unknown;
  try {
    input = source.document.toJS();
  } catch (error) {
    return { errors: [new RuleError(file, `the YAML cannot be read: ${(error as Error).message}`, { line: 1, column: 1 })] };
  }
  const parsed = fingerprintSchema.safeParse(input);
  // The schema lets problemsFromZod say "did you mean" for a misspelt key, as in rule files.
  const problems = parsed.success ? checkFingerprint(parsed.data) : problemsFromZod(parsed.error.issues, input, [], { schema: fingerprintSchema });
  const folder = path.basename(path.dirname(file));
  if (parsed.success && parsed.data.cms !== folder) {
    problems.push({ path: ['cms'], message: `cms "${parsed.data.cms}" must equal the folder name "${folder}"` });
  }
  const errors = problems.map((problem) => toError(source, problem.path, problem.message, problem.atKey));
  return parsed.success && errors.length === 0 ? { fingerprint: parsed.data, errors } : { errors };
}

/**
 * Loads every `fingerprint.yaml` under the given folders (default: the built-in rules folder).
 * All problems of all files are collected before anything fails; a cms id defined twice is an error.
 */
export async function loadFingerprints(
  targets: string[] = [fingerprintsDir],
): Promise<{ fingerprints: LoadedFingerprint[]; errors: RuleError[] }> {
  const fingerprints: LoadedFingerprint[] = [];
  const errors: RuleError[] = [];
  const seen = new Map<string, string>();
  for (const target of targets) {
    let files: string[];
    try {
      files = listFingerprintFiles(target);
    } catch (error) {
      errors.push(error instanceof RuleError ? error : new RuleError(target, String(error)));
      continue;
    }
    // Read synchronously, as rules are (engine/load-rules.ts): fs/promises cost 30 ms more.
    const texts = files.map((file) => readFileSync(file, 'utf8'));
    for (const [index, file] of files.entries()) {
      const text = texts[index] ?? '';
      // A built-in fingerprint as parsed at build time, when its text is unchanged (core/precompiled).
      const precompiled = precompiledValue('fingerprint', file, text);
      const result = precompiled !== undefined ? { fingerprint: precompiled as Fingerprint, errors: [] } : parseFingerprintText(file, text);
      errors.push(...result.errors);
      if (!result.fingerprint) continue;
      const earlier = seen.get(result.fingerprint.cms);
      if (earlier) {
        errors.push(new RuleError(file, `duplicate cms "${result.fingerprint.cms}" (also in ${earlier})`, { line: 1, field: 'cms' }));
        continue;
      }
      seen.set(result.fingerprint.cms, file);
      fingerprints.push({ fingerprint: result.fingerprint, file });
    }
  }
  return { fingerprints, errors };
}
