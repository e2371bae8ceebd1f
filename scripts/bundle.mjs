// Builds dist/cli/entry.bundle.mjs (and the list of its inputs beside it): dist/cli/entry.js and
// every module it imports, ours and our
// dependencies', in one ES module file, which src/cli/load-entry.ts loads instead of the ~300
// files it is made of (their resolution, reads and linking were a third of a one-page scan).
// It runs after tsc, on tsc's output, so the bundle holds exactly the code the tests type-check.
// It sits in dist/cli/ like the modules it replaces, so their `new URL('../../rules/',
// import.meta.url)` paths resolve to the same places. What our code loads lazily with
// createRequire (the YAML parser, graphql-js, undici's Agent) is left out and loaded from
// node_modules when first used, as before.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/cli/', import.meta.url));

const result = await build({
  entryPoints: [`${dist}entry.js`],
  outfile: `${dist}entry.bundle.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (pino, commander) call require() for Node's own modules; an ES module
  // has no require, so the bundle makes one.
  banner: { js: "import { createRequire as draftleakCreateRequire } from 'node:module';\nconst require = draftleakCreateRequire(import.meta.url);" },
  legalComments: 'eof',
  // Whitespace and syntax only: names stay, so a stack trace still names its functions. V8 reads
  // 1.9 MB instead of 2.7 (a one-page scan 0.44 -> 0.40 s, 0.55 -> 0.50 s of CPU).
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
});

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
