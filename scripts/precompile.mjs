// Run by `npm run build` after tsc: parses the built-in rules and fingerprints once and writes
// dist/precompiled.json, which scans read instead of parsing them on every start (see
// src/core/precompiled.ts). Entries are keyed by each file's SHA-256, and a table older than a
// module in dist is not read, so an edited rule or a rebuild by tsc alone is parsed afresh.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { usePrecompiledTable } from '../dist/core/precompiled.js';
import { buildDigest, precompileBuiltin } from '../dist/scan/precompile.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

usePrecompiledTable(null); // parse everything afresh, whatever an earlier build wrote
const table = await precompileBuiltin();
writeFileSync(path.join(dist, 'precompiled.json'), JSON.stringify({ build: buildDigest(dist, root), ...table }));
