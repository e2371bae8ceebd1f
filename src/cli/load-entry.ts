import { fileURLToPath } from 'node:url';
import { builtAfter, installedPackage } from '../core/build-freshness.js';
import { loadBundle } from './bundle-loader.js';

type Entry = typeof import('./entry.js');

/** The program. */
export interface LoadedEntry {
  entry: Entry;
  /** Writes the bundle's code cache (scripts/bundle.mjs's warm-up run); nothing when loaded module by module. */
  saveCodeCache(): void;
}

/** The one-file build of entry.js and everything it imports, and V8's code cache of it (scripts/bundle.mjs). */
const bundleUrl = new URL('./entry.bundle.cjs', import.meta.url);
const codeCacheUrl = new URL('./entry.bundle.cache', import.meta.url);
const entryUrl = new URL('./entry.js', import.meta.url);

/**
 * Whether the bundle holds the code now in dist: in a checkout, only when it was built after the
 * modules (a tsc run after the last bundle makes entry.js the newer one, and the modules
 * themselves are loaded rather than a bundle of older code); in an installed package, whenever
 * it is there (core/build-freshness).
 */
export function bundleIsCurrent(bundle: URL | string = bundleUrl, entry: URL | string = entryUrl, installed = installedPackage): boolean {
  return builtAfter(bundle, entry, installed);
}

/**
 * Loads the program: from its bundle when there is a current one, otherwise module by module.
 * Resolving, reading and linking some 300 modules one by one was 0.3 to 0.4 s of every scan's
 * start on a 2-core machine (BENCHMARKS.md, eighth session); one pre-linked file is read and
 * compiled once, with its code cache when it has one (cli/bundle-loader.ts).
 * DRAFTLEAK_NO_BUNDLE=1 loads the modules, to compare the two or to debug.
 */
export async function loadEntry(): Promise<LoadedEntry> {
  if (process.env.DRAFTLEAK_NO_BUNDLE !== '1' && bundleIsCurrent()) {
    const bundle = loadBundle<Entry>(fileURLToPath(bundleUrl), fileURLToPath(codeCacheUrl));
    return { entry: bundle.exports, saveCodeCache: bundle.saveCodeCache };
  }
  return { entry: await import('./entry.js'), saveCodeCache: () => undefined };
}
