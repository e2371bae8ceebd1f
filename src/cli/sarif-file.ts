import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';

/**
 * Reading back SARIF that draftleak wrote (for `merge` and `baseline create --from`): only the
 * parts these commands use are checked, and every other field is kept as it was (loose objects),
 * so a merged file loses nothing its inputs had.
 */

const descriptorReference = z.looseObject({ id: z.string().optional(), index: z.number().int().optional() });

export const sarifInputResultSchema = z.looseObject({
  ruleId: z.string(),
  ruleIndex: z.number().int().optional(),
  rule: descriptorReference.optional(),
  partialFingerprints: z.record(z.string(), z.string()).optional(),
  locations: z
    .array(z.looseObject({ physicalLocation: z.looseObject({ artifactLocation: z.looseObject({ uri: z.string(), uriBaseId: z.string().optional() }) }).optional() }))
    .optional(),
});

export const sarifInputRunSchema = z.looseObject({
  tool: z.looseObject({
    driver: z.looseObject({
      name: z.string().refine((name) => name === 'draftleak', { error: 'is not "draftleak": only draftleak\'s own SARIF is accepted' }),
      rules: z.array(z.looseObject({ id: z.string() })).optional(),
    }),
  }),
  automationDetails: z.looseObject({ id: z.string().min(1) }),
  originalUriBaseIds: z.record(z.string(), z.looseObject({ uri: z.string() })).optional(),
  invocations: z.array(z.looseObject({ toolExecutionNotifications: z.array(z.looseObject({ associatedRule: descriptorReference.optional() })).optional() })).optional(),
  results: z.array(sarifInputResultSchema),
  properties: z.looseObject({ target: z.string().optional() }).optional(),
});

export const sarifInputLogSchema = z.looseObject({
  $schema: z.string().optional(),
  version: z.literal('2.1.0', { error: 'is not "2.1.0": only SARIF 2.1.0 is accepted' }),
  runs: z.array(sarifInputRunSchema),
});

export type SarifInputLog = z.infer<typeof sarifInputLogSchema>;
export type SarifInputRun = z.infer<typeof sarifInputRunSchema>;
export type SarifInputResult = z.infer<typeof sarifInputResultSchema>;

/** Reads a SARIF file written by draftleak; a problem names the file and the JSON path. */
export async function readDraftleakSarif(file: string): Promise<SarifInputLog> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
  const parsed = sarifInputLogSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    const more = parsed.error.issues.length > 5 ? `\n  ... and ${parsed.error.issues.length - 5} more` : '';
    throw new UsageError(`${file} is not SARIF 2.1.0 from draftleak:\n${problems.map((problem) => `  ${problem}`).join('\n')}${more}`);
  }
  return parsed.data;
}

/** The absolute URL a result's first location names, resolved through the run's uriBaseIds. */
export function resultUrl(run: SarifInputRun, result: SarifInputResult): string | undefined {
  const artifact = result.locations?.[0]?.physicalLocation?.artifactLocation;
  if (artifact === undefined) return undefined;
  const base = artifact.uriBaseId === undefined ? undefined : run.originalUriBaseIds?.[artifact.uriBaseId]?.uri;
  try {
    return new URL(artifact.uri, base).href;
  } catch {
    return undefined;
  }
}

/** The target a run is for: draftleak writes it in run.properties.target (else the TARGET base). */
export function runTarget(run: SarifInputRun): string | undefined {
  return run.properties?.target ?? run.originalUriBaseIds?.['TARGET']?.uri;
}
