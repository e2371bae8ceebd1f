import { Command, Option } from 'commander';
import { baselineEntrySchema, createBaseline, expiryInstant, type AcceptedFinding } from '../../core/baseline.js';
import { UsageError } from '../../core/errors.js';
import { createLogger, logLevels, type LogLevel } from '../../core/logger.js';
import { writeBaselineFile } from '../../config/baseline-file.js';
import { scan } from '../../scan/scan.js';
import { exitCodes } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { readDraftleakSarif, resultUrl, runTarget } from '../sarif-file.js';
import { explicitOptions, resolveScanPlan } from '../scan-plan.js';
import { redactedCommandLine } from '../scan-options.js';
import { safeLine, safeUrl } from '../safe-text.js';
import { addScanOptions, toScanConfig, type ScanFlags } from './scan.js';
import { commandRuleCache } from '../rule-cache-dir.js';

// Its -o is the one baseline file, not the report list of scan's -o.
interface BaselineFlags extends Omit<ScanFlags, 'output'> {
  from?: string;
  output: string;
  reason?: string;
  owner?: string;
  expires?: string;
  force?: boolean;
  logLevel: LogLevel;
}

export const defaultBaselineFile = '.draftleak-baseline.json';
const unassigned = 'unassigned';

/** Findings from a SARIF file draftleak wrote: its fingerprint, rule, target and URL. */
async function findingsFromSarif(file: string): Promise<AcceptedFinding[]> {
  const log = await readDraftleakSarif(file);
  const found: AcceptedFinding[] = [];
  log.runs.forEach((run, runIndex) => {
    const target = runTarget(run);
    run.results.forEach((result, resultIndex) => {
      const fingerprint = result.partialFingerprints?.['draftleak/v1'];
      if (fingerprint === undefined || target === undefined) {
        throw new UsageError(`${file}: runs.${runIndex}.results.${resultIndex}: no draftleak/v1 fingerprint or target; was it written by draftleak scan?`);
      }
      const url = resultUrl(run, result);
      found.push({ fingerprint, ruleId: result.ruleId, target, ...(url === undefined ? {} : { url }) });
    });
  });
  return found;
}

function checkedExpiry(expires: string | undefined, io: CliIo): string | undefined {
  if (expires === undefined) return undefined;
  const parsed = baselineEntrySchema.shape.expires.safeParse(expires);
  if (!parsed.success) throw new UsageError(`--expires "${expires}": a date (2025-12-31, valid through that day, UTC) or an ISO date-time with offset`);
  if (expiryInstant(expires) <= Date.now()) io.stderr(`draftleak: --expires ${expires} is already past: no entry will suppress anything\n`);
  return expires;
}

export function baselineCommand(io: CliIo, argv: readonly string[], setExitCode: (code: number) => void): Command {
  const create = new Command('create')
    .description('accept the findings a scan makes now (or that a SARIF file holds): write them as a baseline for scan --baseline')
    .argument('[url...]', 'scan these targets (else --targets FILE or the configuration file\'s targets), unless --from is given')
    .option('--from <sarif>', 'take the findings from this SARIF file written by draftleak scan instead of scanning')
    .option('-o, --output <file>', 'the baseline file to write', defaultBaselineFile)
    .option('--reason <text>', 'why these findings are accepted (written into every entry)')
    .option('--owner <name>', `who answers for the acceptance (default "${unassigned}")`)
    .option('--expires <date>', 'entries stop suppressing after this date (YYYY-MM-DD, through that day UTC) or ISO date-time')
    .option('--force', 'replace the output file if it exists (its reasons and owners are lost)')
    .addOption(new Option('--log-level <level>', 'log level; logs go to stderr').choices(logLevels).default('warn'));
  addScanOptions(create);
  create.action(async (urls: string[], allFlags: BaselineFlags, self: Command) => {
    const flags = { ...explicitOptions<BaselineFlags>(self), output: allFlags.output, logLevel: allFlags.logLevel } as BaselineFlags;
    const expires = checkedExpiry(flags.expires, io);
    const acceptance = {
      reason: flags.reason ?? `accepted when the baseline was created (${new Date().toISOString().slice(0, 10)})`,
      owner: flags.owner ?? unassigned,
      ...(expires === undefined ? {} : { expires }),
    };
    let findings: AcceptedFinding[];
    let complete = true;
    if (flags.from !== undefined) {
      if (urls.length > 0 || flags.targets !== undefined) throw new UsageError('give either --from SARIF or targets to scan, not both');
      findings = await findingsFromSarif(flags.from);
    } else {
      const plan = await resolveScanPlan(urls, flags, io, { useBaseline: false });
      const config = toScanConfig(plan.targets, flags, plan.fileInput);
      const ruleCache = commandRuleCache();
      const output = await scan(config, createLogger(flags.logLevel), redactedCommandLine(argv), { ...(io.stop ? { signal: io.stop } : {}), ruleCache });
      for (const { target, reason } of output.unreachable) io.stderr(`draftleak: cannot scan ${safeUrl(target)}: ${safeLine(reason)}\n`);
      findings = output.result.targets.flatMap((target) => target.findings);
      complete = output.result.stopped === undefined && output.result.targets.every((target) => target.executionSuccessful);
    }
    const baseline = createBaseline(findings, acceptance);
    await writeBaselineFile(flags.output, baseline, flags.force === true);
    const count = Object.keys(baseline.entries).length;
    io.stderr(`draftleak: wrote ${safeLine(flags.output)}: ${count} accepted finding(s), owner ${safeLine(acceptance.owner)}${expires === undefined ? '' : `, until ${expires}`}\n`);
    if (flags.owner === undefined || flags.reason === undefined) {
      io.stderr(`draftleak: give each entry its real reason and owner (--reason, --owner, or edit ${safeLine(flags.output)}) before committing it\n`);
    }
    if (!complete) {
      // A baseline of a partial scan would let what it missed fail later builds as "new": say so.
      io.stderr('draftleak: the scan did not complete (a target not scanned or cut short): the baseline may lack findings\n');
    }
    setExitCode(complete ? exitCodes.clean : exitCodes.error);
  });
  const command = new Command('baseline').description('accepted findings: scan --baseline FILE reports them as suppressed and does not fail on them');
  // Commander copies no settings to a command added with addCommand: errors must reach io, not exit the process.
  command.addCommand(create.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr }));
  return command;
}
