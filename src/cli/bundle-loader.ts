import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';
import { detachedHead } from '../core/detach.js';
import { writeFileAtomically } from '../core/private-file.js';

/**
 * Loads the program's one-file build (dist/cli/entry.bundle.cjs, scripts/bundle.mjs) as a
 * CommonJS module compiled with V8's code cache (dist/cli/entry.bundle.cache). Compiling the
 * 1.9 MB file, and then each function as it is first called, was a fifth of a `rules list` and a
 * sixth of a one-page scan (BENCHMARKS.md, eleventh session); with the cache V8 deserialises the
 * functions a run of the demo compiled instead. Node compiles a required file without a cache,
 * hence vm.Script here rather than require().
 *
 * The bundle's first line names its build (`// draftleak bundle <id>`), and the cache file starts
 * with a line of the id of the bundle it was made from and the CRC-32 of V8's data: a cache is
 * used only with its own build, and only whole. V8 checks the source's length, its own version
 * and its flags, and refuses a cache that fails them (the program is then compiled as without
 * one); but a cache of another build of the same length would pass, and V8 as Node ships it
 * does not check the data's own checksum: 64 flipped bytes in the middle of the cache ended the
 * process (SIGTRAP, then SIGSEGV) at start. The checksum is ours to compare too (1 ms for 2 MB).
 */

export type CodeCacheUse = 'accepted' | 'rejected by V8' | 'of another build' | 'damaged' | 'none';

export interface LoadedBundle<T> {
  exports: T;
  /** What became of the code cache. */
  codeCache: CodeCacheUse;
  /** Writes the code cache of what has been compiled so far (the build's warm-up run calls it at the end). */
  saveCodeCache(): void;
}

const idLine = /^\/\/ draftleak bundle ([0-9a-f]+)\n/;

/** Enough of a bundle's start for its id line: `// draftleak bundle `, 32 hex digits, a newline. */
const idLineChars = 80;

/**
 * The build id a bundle's first line names, or undefined for a file without one. Read from a copy
 * of the text's head, never from the text itself: a capture is a view of the string it was cut
 * from, and V8 keeps the last string a regular expression ran on (RegExp.input) until the next
 * match. The loader keeps the id for the whole run (saveCodeCache), and either kept the file's
 * 1.9 MB text alive beside the compiled script's own copy of it (a heap snapshot of a
 * 50,000-page crawl).
 */
export function bundleBuildId(source: string): string | undefined {
  return idLine.exec(detachedHead(source, idLineChars))?.[1];
}

/** The cache file's bytes: the build id, a space, the CRC-32 of V8's data (hex) and a newline, then V8's data. */
export function codeCacheFor(buildId: string, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${buildId} ${crc32(data).toString(16)}\n`), data]);
}

/** V8's data from a cache file, when the file is that build's and whole. */
function cachedDataOf(cache: Buffer | undefined, buildId: string | undefined): { data?: Buffer; use: CodeCacheUse } {
  if (cache === undefined) return { use: 'none' };
  const newline = cache.indexOf(0x0a);
  const [id, checksum] = (newline < 0 ? '' : cache.toString('latin1', 0, newline)).split(' ');
  if (buildId === undefined || id !== buildId) return { use: 'of another build' };
  const data = cache.subarray(newline + 1);
  if (checksum !== crc32(data).toString(16)) return { use: 'damaged' };
  return { data, use: 'accepted' };
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

export function loadBundle<T>(bundleFile: string, cacheFile: string): LoadedBundle<T> {
  const source = readFileSync(bundleFile, 'utf8');
  const buildId = bundleBuildId(source);
  const cached = cachedDataOf(readIfThere(cacheFile), buildId);
  // The same wrapper Node puts around a CommonJS file, called as Node calls it (`this` is
  // module.exports), so the bundle sees what it would there.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundleFile,
    ...(cached.data === undefined ? {} : { cachedData: cached.data }),
  });
  const codeCache: CodeCacheUse = cached.data !== undefined && script.cachedDataRejected === true ? 'rejected by V8' : cached.use;
  const module = new Module(bundleFile);
  module.filename = bundleFile;
  const require = createRequire(bundleFile);
  // In require's cache as a required file would be: a require() of the bundle gets this instance.
  require.cache[bundleFile] = module;
  (script.runInThisContext() as (this: unknown, ...args: unknown[]) => void).call(module.exports, module.exports, require, module, bundleFile, path.dirname(bundleFile));
  module.loaded = true;
  return {
    exports: module.exports as T,
    codeCache,
    saveCodeCache: () => {
      if (buildId === undefined) return;
      // Whole or not at all: a reader never sees half a file (the checksum would refuse it anyway).
      writeFileAtomically(cacheFile, codeCacheFor(buildId, script.createCachedData()), 0o644);
    },
  };
}
