import { statSync } from 'node:fs';

type Entry = typeof import('./entry.js');

/** The one-file build of entry.js and everything it imports (scripts/bundle.mjs). */
const bundleUrl = new URL('./entry.bundle.mjs', import.meta.url);
const entryUrl = new URL('./entry.js', import.meta.url);

/**
 * The bundle is used only when it was built after the modules now in dist: tsc rewrites every
 * file it emits, so a `tsc` run after the last bundle (a build that stopped half-way, a watch
 * session) makes entry.js the newer one, and the modules themselves are loaded rather than a
 * bundle of older code. npm gives every file of an installed package the same time.
 */
export function bundleIsCurrent(bundle: URL | string = bundleUrl, entry: URL | string = entryUrl): boolean {
  try {
    return statSync(bundle).mtimeMs >= statSync(entry).mtimeMs;
  } catch {
    return false;
  }
}

/**
 * Loads the program: from its bundle when there is a current one, otherwise module by module.
 * Resolving, reading and linking some 300 modules one by one was 0.3 to 0.4 s of every scan's
 * start on a 2-core machine (BENCHMARKS.md, eighth session); one pre-linked file is read and
 * compiled once. DRAFTLEAK_NO_BUNDLE=1 loads the modules, to compare the two or to debug.
 */
export async function loadEntry(): Promise<Entry> {
  if (process.env.DRAFTLEAK_NO_BUNDLE !== '1' && bundleIsCurrent()) return (await import(bundleUrl.href)) as Entry;
  return import('./entry.js');
}
