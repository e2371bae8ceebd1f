import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { RuleError } from './errors.js';

/**
 * The files a rules or fingerprints argument names: the file itself, or every file under the
 * folder that `accepts` (by its name), sorted, leaving out the rules' `cases` and `fixtures`
 * folders. A missing path is a RuleError naming it.
 */
export function listDefinitionFiles(target: string, accepts: (name: string) => boolean): string[] {
  const info = statSync(target, { throwIfNoEntry: false });
  if (!info) throw new RuleError(target, 'no such file or directory');
  if (info.isFile()) return [target];
  return readdirSync(target, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && accepts(entry.name) && !/[\\/](cases|fixtures)([\\/]|$)/.test(entry.parentPath))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
