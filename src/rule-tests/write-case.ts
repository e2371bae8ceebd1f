import { readFile, writeFile } from 'node:fs/promises';
import { yaml } from '../core/yaml-source.js';
import { DraftleakError } from '../core/errors.js';
import type { RuleCase } from './case-schema.js';

/**
 * Adds a case to a case file, or replaces the case of the same name, keeping everything else in
 * the file (other cases, comments) as it was. A new file gets the rule id and a source line.
 */
export async function writeCase(caseFile: string, ruleId: string, source: string, ruleCase: RuleCase): Promise<'created' | 'added' | 'replaced'> {
  const existing = await readFile(caseFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new DraftleakError('DL_CASE_FILE', `cannot read ${caseFile}: ${error.message}`);
  });
  // An empty discovered list is the default: not written, so recorded cases stay as they were.
  // Defaults are not written, so recorded cases stay as they were.
  const { discovered, verify_tokens: verifyTokens, not_named: notNamed, findings, ...rest } = ruleCase;
  const value = JSON.parse(
    JSON.stringify({
      ...rest,
      findings: findings.map(({ exact, ...finding }) => (exact ? { ...finding, exact } : finding)),
      ...(notNamed.length > 0 ? { not_named: notNamed } : {}),
      ...(discovered.length > 0 ? { discovered } : {}),
      ...(verifyTokens ? { verify_tokens: true } : {}),
    }),
  ) as unknown;
  if (existing === undefined) {
    await writeFile(caseFile, yaml().stringify({ rule: ruleId, source, cases: [value] }, { lineWidth: 0 }));
    return 'created';
  }
  const { isMap, isSeq, parseDocument } = yaml();
  const document = parseDocument(existing);
  const cases = document.get('cases');
  if (document.errors.length > 0 || !isMap(document.contents) || !isSeq(cases)) {
    // Never rewrite a file we cannot read back whole: the user's cases would be lost.
    throw new DraftleakError('DL_CASE_FILE', `${caseFile} is not a case file with a cases: list; fix it (draftleak rules validate) or give another -o`);
  }
  const index = cases.items.findIndex((item) => isMap(item) && item.get('name') === ruleCase.name);
  const node = document.createNode(value);
  if (index >= 0) cases.items[index] = node;
  else cases.items.push(node);
  await writeFile(caseFile, document.toString({ lineWidth: 0 }));
  return index >= 0 ? 'replaced' : 'added';
}
