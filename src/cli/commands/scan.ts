import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import { parseHeaderFlag, scanConfigSchema, type ScanConfig, type ScanConfigInput } from '../../config/scan-config.js';
import { renderReport } from '../../report/index.js';
import { scan, type ScanOutput } from '../../scan/scan.js';
import { exitCodeFor, exitCodes } from '../exit-codes.js';
import { renderExplain } from '../explain.js';
import { safeLine, safeUrl } from '../safe-text.js';
import type { CliIo } from '../io.js';
import {
  addOutputOptions,
  chooseFormat,
  collect,
  parseInteger,
  parseNumber,
  redactedCommandLine,
  writeReport,
  type OutputFlags,
} from '../scan-options.js';

interface ScanFlags extends OutputFlags {
  failOn: ScanConfig['failOn'];
  rules?: string[];
  builtinRules: boolean;
  allowHost?: string[];
  concurrency?: number;
  rateLimit?: number;
  timeout?: number;
  header?: string[];
  allRules?: boolean;
  maxPages?: number;
}

export function toScanConfig(targets: string[], flags: ScanFlags): ScanConfig {
  const input: ScanConfigInput = {
    targets,
    failOn: flags.failOn,
    rulePaths: flags.rules ?? [],
    builtinRules: flags.builtinRules,
    allowHosts: flags.allowHost ?? [],
    allRules: flags.allRules === true,
    ...(flags.maxPages !== undefined ? { maxPages: flags.maxPages } : {}),
    headers: Object.fromEntries(
      (flags.header ?? []).map((header) => {
        try {
          return parseHeaderFlag(header);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
      }),
    ),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.rateLimit !== undefined ? { rateLimit: flags.rateLimit } : {}),
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
  };
  const parsed = scanConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Runs a scan, writes the report, prints explain traces, and says which exit code applies. */
export async function runScanAndReport(
  config: ScanConfig,
  flags: OutputFlags,
  io: CliIo,
  commandLine: string,
  fallbackFormat?: 'text',
): Promise<{ output: ScanOutput; exitCode: number }> {
  const logger = createLogger(flags.logLevel);
  const output = await scan(config, logger, commandLine);
  const format = chooseFormat(flags, io, fallbackFormat);
  const allUnreachable = output.unreachable.length === config.targets.length;
  if (allUnreachable) {
    // Nothing was scanned: one clear line per target, and no empty report pretending to be clean.
    for (const { target, reason } of output.unreachable) io.stderr(`draftleak: cannot scan ${safeUrl(target)}: ${safeLine(reason)}\n`);
    return { output, exitCode: exitCodes.error };
  }
  await writeReport(renderReport(output.result, format, { color: io.color && !flags.output }), flags, io);
  if (flags.explain) {
    for (const [target, outcomes] of output.outcomes) io.stderr(renderExplain(target, outcomes));
  }
  for (const { target, reason } of output.unreachable) io.stderr(`draftleak: cannot scan ${safeUrl(target)}: ${safeLine(reason)}\n`);
  if (flags.output) {
    const count = output.result.targets.reduce((sum, target) => sum + target.findings.length, 0);
    io.stderr(`draftleak: wrote ${flags.output} (${format}): ${count} finding(s) on ${output.result.targets.length} target(s)\n`);
  }
  const exitCode = output.unreachable.length > 0 ? exitCodes.error : exitCodeFor(output.result, config.failOn);
  return { output, exitCode };
}

export function scanCommand(io: CliIo, argv: readonly string[], setExitCode: (code: number) => void): Command {
  const command = new Command('scan')
    .description('scan one or more sites for unpublished content an anonymous visitor can reach')
    .argument('<url...>', 'target URLs (http or https)')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['low', 'medium', 'high', 'critical', 'none']).default('low'),
    )
    .option('--rules <path>', 'load rules from this file or folder too (repeatable)', collect)
    .option('--no-builtin-rules', 'run only the rules given with --rules')
    .option('--all-rules', 'run every rule, not only those for the CMS detected')
    .option('--max-pages <n>', 'requests the discovery crawl may send per target (default 40)', parseInteger('--max-pages', 1, 100_000))
    .option('--allow-host <host>', 'also probe this host ("host" or "host:port"; repeatable)', collect)
    .option('--concurrency <n>', 'rules and connections at once per host (default 4)', parseInteger('--concurrency', 1, 64))
    .option('--rate-limit <rps>', 'requests per second per host (default 10; 0 = no limit)', parseNumber('--rate-limit', 0, 1000))
    .option('--timeout <ms>', 'connect, headers and body timeout in ms (default 10000)', parseInteger('--timeout', 100, 300_000))
    .option('--header <header>', 'send "Name: value" with every request; never written to reports (repeatable)', collect);
  addOutputOptions(command).action(async (targets: string[], flags: ScanFlags) => {
    const config = toScanConfig(targets, flags);
    const { exitCode } = await runScanAndReport(config, flags, io, redactedCommandLine(argv));
    setExitCode(exitCode);
  });
  return command;
}
