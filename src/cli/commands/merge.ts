import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { terminalSafeJson } from '../../core/terminal-safe.js';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { readDraftleakSarif, type SarifInputLog, type SarifInputRun } from '../sarif-file.js';
import { safeLine } from '../safe-text.js';

/** GitHub code scanning refuses a file with more runs than this. */
export const githubMaxRunsPerFile = 20;

/**
 * A run's automation id made unique within the merged file, the way the SARIF writer does it
 * for two targets with the same host and path: `draftleak/host/path/` -> `draftleak/host/path~2/`.
 * The trailing "/" stays: it is what makes GitHub read the id as a category.
 */
function uniqueId(id: string, used: ReadonlySet<string>): string {
  if (!used.has(id)) return id;
  const stem = id.endsWith('/') ? id.slice(0, -1) : id;
  const tail = id.endsWith('/') ? '/' : '';
  let n = 2;
  while (used.has(`${stem}~${n}${tail}`)) n += 1;
  return `${stem}~${n}${tail}`;
}

/**
 * A run whose driver lists a rule more than once keeps its first entry, and every index into
 * the list (result.ruleIndex, result.rule.index, a notification's associatedRule.index) is
 * renumbered to match.
 */
export function dedupeRules(run: SarifInputRun): SarifInputRun {
  const rules = run.tool.driver.rules;
  if (rules === undefined) return run;
  const kept: typeof rules = [];
  const newIndexOfId = new Map<string, number>();
  const newIndexOfOld = rules.map((rule) => {
    if (!newIndexOfId.has(rule.id)) {
      newIndexOfId.set(rule.id, kept.length);
      kept.push(rule);
    }
    return newIndexOfId.get(rule.id) ?? 0;
  });
  if (kept.length === rules.length) return run;
  const remap = (index: number | undefined, id: string | undefined): number | undefined =>
    index === undefined ? undefined : (newIndexOfOld[index] ?? (id === undefined ? undefined : newIndexOfId.get(id)));
  const results = run.results.map((result) => {
    const out = { ...result };
    const ruleIndex = remap(result.ruleIndex, result.ruleId);
    if (ruleIndex !== undefined) out.ruleIndex = ruleIndex;
    if (result.rule?.index !== undefined) out.rule = { ...result.rule, index: remap(result.rule.index, result.rule.id ?? result.ruleId) ?? result.rule.index };
    return out;
  });
  const invocations = run.invocations?.map((invocation) => ({
    ...invocation,
    ...(invocation.toolExecutionNotifications === undefined
      ? {}
      : {
          toolExecutionNotifications: invocation.toolExecutionNotifications.map((notification) => {
            const associated = notification.associatedRule;
            if (associated?.index === undefined) return notification;
            return { ...notification, associatedRule: { ...associated, index: remap(associated.index, associated.id) ?? associated.index } };
          }),
        }),
  }));
  return {
    ...run,
    tool: { ...run.tool, driver: { ...run.tool.driver, rules: kept } },
    results,
    ...(invocations === undefined ? {} : { invocations }),
  };
}

export interface MergeOutcome {
  log: SarifInputLog;
  /** Runs whose automation id was already taken, and the id they were given. */
  renamed: { file: string; from: string; to: string }[];
}

/** Concatenates the runs of every log, in the order given, each with a unique automation id. */
export function mergeSarifLogs(inputs: readonly { file: string; log: SarifInputLog }[]): MergeOutcome {
  const used = new Set<string>();
  const renamed: MergeOutcome['renamed'] = [];
  const runs: SarifInputRun[] = [];
  for (const { file, log } of inputs) {
    for (const run of log.runs) {
      const from = run.automationDetails.id;
      const id = uniqueId(from, used);
      used.add(id);
      if (id !== from) renamed.push({ file, from, to: id });
      runs.push(dedupeRules(id === from ? run : { ...run, automationDetails: { ...run.automationDetails, id } }));
    }
  }
  const schema = inputs.find(({ log }) => log.$schema !== undefined)?.log.$schema;
  return { log: { ...(schema === undefined ? {} : { $schema: schema }), version: '2.1.0', runs }, renamed };
}

export function mergeCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('merge')
    .description('merge SARIF files written by draftleak (one per shard, say) into one: runs concatenated, automation ids kept unique')
    .argument('<file...>', 'SARIF 2.1.0 files written by draftleak scan')
    .option('-o, --output <file>', 'write the merged SARIF to this file instead of stdout')
    .action(async (files: string[], flags: { output?: string }) => {
      const inputs = [];
      for (const file of files) inputs.push({ file, log: await readDraftleakSarif(file) });
      const { log, renamed } = mergeSarifLogs(inputs);
      for (const { file, from, to } of renamed) {
        io.stderr(`draftleak merge: ${safeLine(file)}: automation id ${safeLine(from)} is already used by an earlier run (the same target twice?); renamed ${safeLine(to)}\n`);
      }
      if (log.runs.length > githubMaxRunsPerFile) {
        io.stderr(
          `draftleak merge: warning: ${log.runs.length} runs; GitHub code scanning refuses a file with more than ${githubMaxRunsPerFile}: merge at most ${githubMaxRunsPerFile} targets per file, or upload each shard's file with its own category\n`,
        );
      }
      const text = `${terminalSafeJson(JSON.stringify(log, null, 2))}\n`;
      if (flags.output === undefined) io.stdout(text);
      else {
        await writeFile(flags.output, text);
        const results = log.runs.reduce((sum, run) => sum + run.results.length, 0);
        io.stderr(`draftleak merge: wrote ${safeLine(flags.output)}: ${log.runs.length} run(s), ${results} result(s) from ${files.length} file(s)\n`);
      }
      setExitCode(exitCodes.clean);
    });
}
