// Writes the generated files (JSON Schemas, rule index). `npm test` fails when they drift.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { builtinRulesDir, loadRules } from '../dist/engine/index.js';
import { generatedFiles } from '../dist/generated-artifacts.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const { rules, errors } = await loadRules([builtinRulesDir]);
if (errors.length > 0) {
  for (const error of errors) console.error(error.message);
  process.exit(2);
}
for (const [file, content] of generatedFiles(rules)) {
  await writeFile(root + file, content);
  console.log(`wrote ${file}`);
}
