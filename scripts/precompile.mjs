// Run by `npm run build` after tsc: parses the built-in rules and fingerprints once and writes
// dist/precompiled.json, which scans read instead of parsing them on every start (see
// src/core/precompiled.ts). Entries are keyed by each file's SHA-256, so a stale table only
// costs speed, never correctness.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { usePrecompiledTable } from '../dist/core/precompiled.js';
import { precompileBuiltin } from '../dist/scan/precompile.js';

usePrecompiledTable(null); // parse everything afresh, whatever an earlier build wrote
const table = await precompileBuiltin();
writeFileSync(fileURLToPath(new URL('../dist/precompiled.json', import.meta.url)), JSON.stringify(table));
