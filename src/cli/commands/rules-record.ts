import { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { createLogger, type LogLevel } from '../../core/logger.js';
import { redactUrl } from '../../core/redact.js';
import { parseHeaderFlag, scanConfigSchema } from '../../config/scan-config.js';
import { loadRules } from '../../engine/index.js';
import { recordCase } from '../../rule-tests/record-case.js';
import { caseFileFor } from '../../rule-tests/run-cases.js';
import { writeCase } from '../../rule-tests/write-case.js';
import { createScanTransport, withUrlCredentials } from '../../scan/scan.js';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { safeLine } from '../safe-text.js';
import { collect, parseNumber } from '../scan-options.js';

interface RecordFlags {
  rule: string;
  output?: string;
  name?: string;
  allowHost?: string[];
  rateLimit?: number;
  header?: string[];
  logLevel: LogLevel;
}

/** `draftleak rules record URL --rule FILE`: one rule against a live site, written down as a case. */
export function rulesRecordCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('record')
    .description('run one rule against a site you may test and write its exchanges as a case (secrets masked, bodies trimmed)')
    .argument('<url>', 'the site (http or https)')
    .requiredOption('--rule <file>', 'the rule file')
    .option('-o, --output <casefile>', 'the case file to add the case to (default <id>.cases.yaml beside the rule)')
    .option('--name <name>', 'the case name (default "recorded from <origin>"; a case of that name is replaced)')
    .option('--allow-host <host>', 'also probe this host (repeatable)', collect)
    .option('--rate-limit <rps>', 'requests per second per host (default 10)', parseNumber('--rate-limit', 0, 1000))
    .option('--header <header>', 'send "Name: value" with every request; never written to the case (repeatable)', collect)
    .option('--log-level <level>', 'pino log level', 'warn')
    .action(async (url: string, flags: RecordFlags) => {
      const { rules, errors } = await loadRules([flags.rule]);
      if (errors.length > 0) throw new UsageError(errors.map((error) => error.message).join('\n'));
      const loaded = rules[0];
      if (loaded === undefined || rules.length !== 1) throw new UsageError(`--rule ${flags.rule}: give one rule file (found ${rules.length} rules)`);
      const parsed = scanConfigSchema.safeParse({
        targets: [url],
        allowHosts: flags.allowHost ?? [],
        ...(flags.rateLimit !== undefined ? { rateLimit: flags.rateLimit } : {}),
      });
      if (!parsed.success) throw new UsageError(parsed.error.issues[0]?.message ?? 'invalid options');
      const userHeaders = Object.fromEntries(
        (flags.header ?? []).map((header) => {
          try {
            return parseHeaderFlag(header);
          } catch (error) {
            throw new UsageError((error as Error).message);
          }
        }),
      );
      const { target, headers } = withUrlCredentials(url, userHeaders);
      const transport = createScanTransport(parsed.data, target, headers, createLogger(flags.logLevel));
      const origin = new URL(target).origin;
      const name = flags.name ?? `recorded from ${redactUrl(origin)}`;
      try {
        const recorded = await recordCase(loaded.rule, target, transport, name);
        const caseFile = flags.output ?? caseFileFor(loaded.file);
        const how = await writeCase(caseFile, loaded.rule.id, `Recorded with draftleak rules record from ${redactUrl(origin)} on ${new Date().toISOString().slice(0, 10)}.`, recorded.ruleCase);
        const exchanges = recorded.ruleCase.exchanges.length;
        io.stderr(`draftleak: ${how} case "${safeLine(name)}" in ${caseFile}: expect ${recorded.ruleCase.expect}, ${exchanges} exchange(s)${recorded.trimmed ? '' : ', bodies kept whole (the rule reads past the cut)'}\n`);
        if (recorded.replayProblems.length > 0) {
          io.stderr(`draftleak: the recorded case does not replay as the live run went:\n${recorded.replayProblems.map((problem) => `  ${safeLine(problem)}`).join('\n')}\n`);
          setExitCode(exitCodes.error);
        }
      } finally {
        await transport.close();
      }
    });
}
