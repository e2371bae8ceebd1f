// Writes the generated files (JSON Schemas, rule index). `npm test` fails when they drift.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { builtinRulesDir, loadRules } from '../dist/engine/index.js';
import { generatedFiles } from '../dist/generated-artifacts.js';
import { loadFingerprints } from '../dist/fingerprint/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const { rules, errors: ruleErrors } = await loadRules([builtinRulesDir]);
const { fingerprints, errors: fingerprintErrors } = await loadFingerprints();
const errors = [...ruleErrors, ...fingerprintErrors];
if (errors.length > 0) {
  for (const error of errors) console.error(error.message);
  process.exit(2);
}
for (const [file, content] of generatedFiles(rules, fingerprints)) {
  await writeFile(root + file, content);
  console.log(`wrote ${file}`);
}
