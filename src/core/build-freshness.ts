// Whether what the build made after compiling (the precompiled table, the bundle) still goes with
// the modules in dist. In a checkout, tsc rewrites each module it emits, and a `tsc` run after the
// build (a build stopped half-way, a watch session) leaves those files older than the modules.
// In an installed package nothing rebuilds dist, and the files' times are only the order npm
// unpacked them in, so what is there goes with it.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Whether this copy of draftleak is an installed package (npm install, npx, a global install). */
export const installedPackage = fileURLToPath(import.meta.url).split(path.sep).includes('node_modules');

/**
 * The modules the build writes from the others after compiling them (scripts/bundle.mjs): the
 * bundle and the vendored YAML parser. They come after the precompiled table.
 */
function writtenAfterCompiling(relative: string): boolean {
  return relative.startsWith('vendor/') || relative.startsWith('cli/entry.bundle.');
}

/**
 * The JavaScript modules tsc wrote under `dist`, as paths relative to it with / between folders,
 * sorted: not those the build writes from them afterwards. Both the table's freshness and the
 * build's digest (scan/precompile) are of these.
 */
export function compiledModules(dist: string): string[] {
  return readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.c?js$/.test(entry.name))
    .map((entry) => path.relative(dist, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((relative) => !writtenAfterCompiling(relative))
    .sort();
}

/** Whether `file` was written at or after `reference` (or this is an installed package). */
export function builtAfter(file: URL | string, reference: URL | string, installed = installedPackage): boolean {
  try {
    const fileTime = statSync(file).mtimeMs;
    return installed || fileTime >= statSync(reference).mtimeMs;
  } catch {
    return false;
  }
}

/**
 * Whether `file` was written at or after every module tsc wrote under `dist` (a watch session
 * rewrites only the modules whose sources changed), or this is an installed package.
 */
export function builtAfterEveryModule(file: string, dist: string, installed = installedPackage): boolean {
  if (installed) return true;
  try {
    const fileTime = statSync(file).mtimeMs;
    return compiledModules(dist).every((relative) => statSync(path.join(dist, relative)).mtimeMs <= fileTime);
  } catch {
    return false;
  }
}
