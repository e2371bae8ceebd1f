import { readFile, writeFile } from 'node:fs/promises';
import { baselineFileSchema, type BaselineFile } from '../core/baseline.js';
import { DraftleakError } from '../core/errors.js';
import { parseYamlFile } from '../core/yaml-file.js';

/** A baseline file that cannot be used: each problem as file:line:column: message (field). */
export class BaselineError extends DraftleakError {
  constructor(file: string, problems: string[]) {
    super('DL_BASELINE_INVALID', problems.length === 1 ? (problems[0] ?? file) : `${problems.length} problems in ${file}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}

/** Reads and validates a baseline (JSON, read by the YAML parser so that errors keep their line). */
export async function loadBaselineFile(file: string): Promise<BaselineFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BaselineError(file, [`${file}: cannot read the baseline (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); create one with draftleak baseline create`]);
  }
  const { data, errors } = parseYamlFile(file, text, baselineFileSchema);
  if (data === undefined || errors.length > 0) throw new BaselineError(file, errors.length > 0 ? errors.map((error) => error.message) : [`${file}: not a baseline file`]);
  return data;
}

export function renderBaseline(baseline: BaselineFile): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

/** Writes the file; `overwrite: false` refuses to replace one (its reasons and owners would be lost). */
export async function writeBaselineFile(file: string, baseline: BaselineFile, overwrite: boolean): Promise<void> {
  try {
    await writeFile(file, renderBaseline(baseline), { flag: overwrite ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BaselineError(file, [`${file} exists: its reasons, owners and expiries would be lost; give --force to replace it, or another -o`]);
    }
    throw error;
  }
}
