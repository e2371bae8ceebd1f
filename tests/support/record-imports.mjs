// Loaded with `node --import` by tests: every module the process resolves is appended, one URL
// per line, to the file named by DRAFTLEAK_RECORD_IMPORTS. The ESM hook runs on Node's loader
// thread, hence a file rather than a variable. Modules loaded by require() (CommonJS packages,
// and the ones our code loads lazily with createRequire) do not pass that hook: they are read off
// require's cache when the process exits, as file:// URLs too.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const hook = `
import { appendFileSync } from 'node:fs';
const file = process.env.DRAFTLEAK_RECORD_IMPORTS;
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (file) appendFileSync(file, resolved.url + '\\n');
  return resolved;
}
`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const file = process.env.DRAFTLEAK_RECORD_IMPORTS;
const requireCache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  if (file) appendFileSync(file, Object.keys(requireCache).map((path) => `${pathToFileURL(path).href}\n`).join(''));
});
