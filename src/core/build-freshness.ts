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

/** A JavaScript module under dist (its path relative to dist, with / between folders). */
export function isCompiledModule(relative: string): boolean {
  return /\.c?js$/.test(relative);
}

/**
 * The modules the build writes from the others after compiling them (scripts/bundle.mjs): the
 * bundle and the vendored YAML parser. They come after the precompiled table.
 */
export function writtenAfterCompiling(relative: string): boolean {
  return relative.startsWith('vendor/') || relative.startsWith('cli/entry.bundle.');
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
 * Whether `file` was written at or after every JavaScript module under `dist` (a watch session
 * rewrites only the modules whose sources changed) but those `ignored` says were written after
 * it by the build itself (their paths relative to `dist`, with / between folders).
 */
export function builtAfterEveryModule(file: string, dist: string, ignored: (relative: string) => boolean = () => false, installed = installedPackage): boolean {
  if (installed) return true;
  let fileTime: number;
  try {
    fileTime = statSync(file).mtimeMs;
  } catch {
    return false;
  }
  try {
    for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !isCompiledModule(entry.name)) continue;
      const full = path.join(entry.parentPath, entry.name);
      if (ignored(path.relative(dist, full).split(path.sep).join('/'))) continue;
      if (statSync(full).mtimeMs > fileTime) return false;
    }
  } catch {
    return false;
  }
  return true;
}
