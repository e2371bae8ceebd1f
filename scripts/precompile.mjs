// Run by `npm run build` after tsc: parses the built-in rules and fingerprints once and writes
// dist/precompiled.json, which scans read instead of parsing them on every start (see
// src/core/precompiled.ts). Entries are keyed by each file's SHA-256, and a table older than a
// module in dist is not read, so an edited rule or a rebuild by tsc alone is parsed afresh.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { usePrecompiledTable } from '../dist/core/precompiled.js';
import { precompileBuiltin } from '../dist/scan/precompile.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

/**
 * The build's digest: every module tsc wrote, and package.json with its pinned dependencies (zod,
 * and the yaml that scripts/bundle.mjs vendors afterwards, shape what a rule parses to). A rule
 * parsed at run time is kept under it (src/engine/rule-cache.ts), so another build never reads
 * it. What bundle.mjs writes from these files afterwards (the bundle, dist/vendor) is left out.
 */
function buildDigest() {
  const hash = createHash('sha256');
  const files = readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.c?js$/.test(entry.name) && !entry.name.startsWith('entry.bundle.'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !path.relative(dist, file).startsWith(`vendor${path.sep}`))
    .sort();
  for (const file of [...files, path.join(root, 'package.json')]) {
    const text = readFileSync(file);
    hash.update(`${path.relative(root, file)}\0${text.length}\0`).update(text);
  }
  return hash.digest('hex').slice(0, 32);
}

usePrecompiledTable(null); // parse everything afresh, whatever an earlier build wrote
const table = await precompileBuiltin();
writeFileSync(path.join(dist, 'precompiled.json'), JSON.stringify({ build: buildDigest(), ...table }));
