// Loaded with `node --import` by tests: every module the process resolves is appended, one URL
// per line, to the file named by DRAFTLEAK_RECORD_IMPORTS. The hook runs on Node's loader thread,
// hence a file rather than a variable.
import { register } from 'node:module';

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
