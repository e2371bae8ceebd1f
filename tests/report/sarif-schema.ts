import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Validates a SARIF log against the official 2.1.0 schema shipped in schemas/. Returns one
 * readable string per ajv error; empty when the log is valid. Compiled once and reused, since
 * the schema is large.
 */
let validator: ValidateFunction | undefined;

function compile(): ValidateFunction {
  const schema = JSON.parse(
    readFileSync(new URL('../../schemas/sarif-2.1.0.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  // The schema uses `definitions` and a few keywords Ajv's strict mode objects to.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its default export is the module object under NodeNext typing.
  addFormatsModule.default(ajv);
  return ajv.compile(schema);
}

export function validateSarif(log: unknown): string[] {
  validator ??= compile();
  if (validator(log)) return [];
  return (validator.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`,
  );
}
