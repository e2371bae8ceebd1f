// Builds dist/cli/entry.bundle.cjs (and the list of its inputs beside it): dist/cli/entry.js and
// every module it imports, ours and our dependencies', in one CommonJS file, which
// src/cli/bundle-loader.ts compiles instead of the ~300 files it is made of (their resolution,
// reads and linking were a third of a one-page scan). Then dist/cli/entry.bundle.cache: V8's code
// cache of that file after a run of the demo, so a start does not compile again what every
// start compiles (see src/cli/bundle-loader.ts).
// It runs after tsc, on tsc's output, so the bundle holds exactly the code the tests type-check.
// It sits in dist/cli/ like the modules it replaces, so their `new URL('../../rules/',
// import.meta.url)` paths resolve to the same places. What our code loads lazily with
// createRequire (the YAML parser, graphql-js, undici's Agent) is left out and loaded from
// node_modules when first used, as before.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/cli/', import.meta.url));
const bundleFile = `${dist}entry.bundle.cjs`;
const cacheFile = `${dist}entry.bundle.cache`;
// The cache of an older bundle must never sit beside a new one; the ES module bundle of earlier builds goes too.
rmSync(cacheFile, { force: true });
rmSync(`${dist}entry.bundle.mjs`, { force: true });

const result = await build({
  entryPoints: [`${dist}entry.js`],
  bundle: true,
  platform: 'node',
  // CommonJS, because Node can compile a script with V8's code cache (vm.Script's cachedData) and
  // not, without an experimental flag, an ES module. Our modules are ES modules with no top-level
  // await, so esbuild converts them; import.meta.url is the bundle's own URL, set by the banner.
  format: 'cjs',
  target: 'node20',
  define: { 'import.meta.url': 'draftleakBundleUrl' },
  // "use strict" first, where a directive counts: our modules are ES modules, strict wherever they
  // run, and esbuild's own directive would come after the banner, as a plain string.
  banner: { js: "'use strict';\nvar draftleakBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'eof',
  // Whitespace and syntax only: names stay, so a stack trace still names its functions. V8 reads
  // 1.9 MB instead of 2.7 (a one-page scan 0.44 -> 0.40 s, 0.55 -> 0.50 s of CPU).
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  write: false,
  logLevel: 'warning',
});
const code = result.outputFiles[0]?.text ?? '';
// A dynamic import() would need the loader's import callback; our lazy modules use createRequire.
if (/\bimport\(/.test(code)) throw new Error('scripts/bundle.mjs: the bundle holds a dynamic import(), which its loader (src/cli/bundle-loader.ts) does not serve');
// The first line names this build, and its code cache is only ever used with it: V8 itself checks
// little more than the source's length.
const buildId = createHash('sha256').update(code).digest('hex').slice(0, 32);
writeFileSync(bundleFile, `// draftleak bundle ${buildId}\n${code}`);

// What went into the bundle, for tests/cli/lazy-modules.test.ts: the modules loaded on first use
// (yaml, graphql-js, undici) must not be among them.
writeFileSync(`${dist}entry.bundle.inputs.json`, `${JSON.stringify(Object.keys(result.metafile.inputs).sort(), null, 1)}\n`);

// The YAML parser in one file too, loaded on first use as before (src/core/yaml-source.ts):
// require() of the package resolved and read some 40 modules, 28 to 61 ms of each run that parses
// YAML (the user's rules, the demo's site, `rules lint`, `rules test`); one file took 11 to 14 ms
// (BENCHMARKS.md, ninth session). The same package, at the version the lock file installed.
await build({
  stdin: { contents: "module.exports = require('yaml');", resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' },
  outfile: fileURLToPath(new URL('../dist/vendor/yaml.cjs', import.meta.url)),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  legalComments: 'eof',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

// The code cache, written by a run of the demo (its sites on 127.0.0.1, a scan of each, the
// reports) from the bundle just built: the functions that run compiled, and kept. Without it
// (the demo failed here, or V8 refuses the cache of another Node or other flags) the program
// compiles as it always did, only slower to start.
// Under the flags every run starts with: no V8 flags from NODE_OPTIONS, the scanner's heap policy.
const { NODE_OPTIONS: _nodeOptions, DRAFTLEAK_V8_DEFAULT_HEAP: _defaultHeap, ...environment } = process.env;
const warm = spawnSync(process.execPath, [fileURLToPath(new URL('../bin/draftleak.js', import.meta.url)), 'demo', '--format', 'json'], {
  env: { ...environment, DRAFTLEAK_WRITE_CODE_CACHE: '1', DRAFTLEAK_NO_BUNDLE: '0', DRAFTLEAK_NO_CACHE: '1' },
  stdio: ['ignore', 'ignore', 'pipe'],
  timeout: 120_000,
});
if (warm.status !== 0 || warm.error) {
  rmSync(cacheFile, { force: true });
  process.stderr.write(`scripts/bundle.mjs: no code cache (the demo run that writes it exited ${warm.status ?? warm.error?.message}): ${String(warm.stderr).slice(0, 500)}\n`);
}
