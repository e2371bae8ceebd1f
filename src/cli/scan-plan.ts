import path from 'node:path';
import type { Command } from 'commander';
import { applyBaseline, knownToBaseline, type BaselineFile } from '../core/baseline.js';
import { UsageError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import { loadBaselineFile } from '../config/baseline-file.js';
import { findConfigFile, loadConfigFile, resolveFromConfig, scanInputFromConfigFile, type LoadedConfigFile } from '../config/config-file.js';
import type { ScanConfigInput } from '../config/scan-config.js';
import { parseShard, readTargetList, shardTargets, uniqueTargets, type Shard } from '../config/targets.js';
import type { CliIo } from './io.js';
import { safeLine } from './safe-text.js';

/**
 * What a `scan` (or `baseline create`) run is made of before the scan configuration is built:
 * the configuration file, the target list (arguments, --targets, the file's), the shard, and the
 * baseline. Flags override the file; the file overrides the defaults.
 */

/** The flags this module reads; every other flag goes to toScanConfig. */
export interface PlanFlags {
  /** `--config FILE`, or false for `--no-config`. */
  config?: string | false;
  targets?: string;
  shard?: string;
  baseline?: string;
  newOnly?: boolean;
}

export interface ScanPlan {
  targets: string[];
  /** The configuration file's settings, as scan configuration input (flags still to be applied). */
  fileInput: Partial<ScanConfigInput>;
  configFile?: string;
  shard?: Shard;
  baseline?: { file: string; data: BaselineFile };
  newOnly: boolean;
}

/** Only the options given on the command line, not commander's defaults: those must not override the file. */
export function explicitOptions<T extends object>(command: Command): Partial<T> {
  const options = command.opts();
  return Object.fromEntries(Object.entries(options).filter(([name]) => command.getOptionValueSource(name) !== 'default')) as Partial<T>;
}

async function configFileFor(flags: PlanFlags, cwd: string): Promise<LoadedConfigFile | undefined> {
  if (flags.config === false) return undefined;
  const file = flags.config ?? (await findConfigFile(cwd));
  return file === undefined ? undefined : loadConfigFile(file);
}

async function targetsFor(urls: readonly string[], flags: PlanFlags, loaded: LoadedConfigFile | undefined): Promise<string[]> {
  // Targets on the command line replace the file's, as any other flag does.
  if (urls.length > 0 || flags.targets !== undefined) return [...urls, ...(flags.targets === undefined ? [] : await readTargetList(flags.targets))];
  const config = loaded?.config;
  const fromList = config?.targetsFile === undefined || loaded === undefined ? [] : await readTargetList(resolveFromConfig(loaded, config.targetsFile));
  return [...(config?.targets ?? []), ...fromList];
}

export async function resolveScanPlan(
  urls: readonly string[],
  flags: PlanFlags,
  io: Pick<CliIo, 'stderr'>,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; useBaseline?: boolean } = {},
): Promise<ScanPlan> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = await configFileFor(flags, cwd);
  const fileInput = loaded === undefined ? {} : scanInputFromConfigFile(loaded, options.env ?? process.env);
  const { targets: listed, duplicates } = uniqueTargets(await targetsFor(urls, flags, loaded));
  for (const duplicate of duplicates) io.stderr(`draftleak: ${safeLine(duplicate)} is listed more than once; scanned once\n`);
  if (listed.length === 0) {
    throw new UsageError(`give at least one target: URL arguments, --targets FILE, or targets/targetsFile in ${loaded ? path.basename(loaded.file) : 'draftleak.config.yaml'}`);
  }
  let targets = listed;
  let shard: Shard | undefined;
  if (flags.shard !== undefined) {
    shard = parseShard(flags.shard);
    targets = shardTargets(listed, shard);
    if (targets.length === 0) throw new UsageError(`--shard ${shard.index}/${shard.count} selects no target: the list has ${listed.length}; use at most ${listed.length} shards`);
    io.stderr(`draftleak: shard ${shard.index}/${shard.count}: ${targets.length} of ${listed.length} target(s)\n`);
  }
  const plan: ScanPlan = { targets, fileInput, newOnly: flags.newOnly ?? loaded?.config.newOnly ?? false, ...(loaded ? { configFile: loaded.file } : {}), ...(shard ? { shard } : {}) };
  if (options.useBaseline === false) return plan;
  const baselineFile = flags.baseline ?? (loaded?.config.baseline === undefined ? undefined : resolveFromConfig(loaded, loaded.config.baseline));
  if (baselineFile !== undefined) plan.baseline = { file: baselineFile, data: await loadBaselineFile(baselineFile) };
  if (plan.newOnly && plan.baseline === undefined) throw new UsageError('--new-only needs a baseline: --baseline FILE (or baseline: in the configuration file)');
  return plan;
}

/**
 * Applies the plan's baseline to a scan result, says on stderr what it did (expired entries
 * one by one), and returns the result with the findings it accepts marked suppressed, and which
 * findings do not count for --fail-on (suppressed ones; with --new-only, every one the baseline
 * names, expired or not).
 */
export function applyPlanBaseline(
  result: ScanResult,
  plan: Pick<ScanPlan, 'baseline' | 'newOnly'>,
  io: Pick<CliIo, 'stderr'>,
  now = new Date(),
): { result: ScanResult; ignoredForFailOn?: (finding: Finding) => boolean } {
  if (plan.baseline === undefined) return { result };
  const outcome = applyBaseline(result, plan.baseline.data, now);
  for (const expired of outcome.expired) {
    io.stderr(`draftleak: baseline entry ${expired.fingerprint} (${safeLine(expired.entry.ruleId)}, owner ${safeLine(expired.entry.owner)}) expired on ${expired.entry.expires ?? '?'}${expired.found ? ': reported, not suppressed' : ''}\n`);
  }
  io.stderr(
    `draftleak: baseline ${safeLine(plan.baseline.file)}: ${outcome.suppressed} finding(s) suppressed, ${outcome.expired.length} expired entr${outcome.expired.length === 1 ? 'y' : 'ies'}, ${outcome.unmatched} entr${outcome.unmatched === 1 ? 'y' : 'ies'} not found again${plan.newOnly ? '; --new-only: only findings absent from the baseline fail' : ''}\n`,
  );
  return plan.newOnly ? { result: outcome.result, ignoredForFailOn: knownToBaseline(plan.baseline.data) } : { result: outcome.result };
}
