import type { Logger } from 'pino';
import { DraftleakError, RuleError } from '../core/errors.js';
import type { ScanResult } from '../core/scan-result.js';
import { toolInfo } from '../core/version.js';
import type { ScanConfig } from '../config/scan-config.js';
import { builtinRulesDir, loadRules, type LoadedRule, type RuleOutcome } from '../engine/index.js';
import { loadFingerprints, type LoadedFingerprint } from '../fingerprint/index.js';
import { createUndiciTransport } from '../http/index.js';
import { runTarget } from './run-target.js';

/** Several rule files failed to load; every problem is listed. */
export class RuleLoadError extends DraftleakError {
  readonly errors: RuleError[];
  constructor(errors: RuleError[]) {
    super('DL_RULES_INVALID', `${errors.length} problem(s) in rule files:\n${errors.map((error) => `  ${error.message}`).join('\n')}`);
    this.errors = errors;
  }
}

export interface ScanOutput {
  result: ScanResult;
  /** Per target, the rule outcomes with their traces (for --explain). */
  outcomes: Map<string, RuleOutcome[]>;
  /** Targets that could not be reached at all, with the reason. */
  unreachable: { target: string; reason: string }[];
}

export async function loadConfiguredRules(config: Pick<ScanConfig, 'builtinRules' | 'rulePaths'>): Promise<LoadedRule[]> {
  const paths = [...(config.builtinRules ? [builtinRulesDir] : []), ...config.rulePaths];
  const { rules, errors } = await loadRules(paths);
  if (errors.length > 0) throw new RuleLoadError(errors);
  return rules;
}

/**
 * The orchestrator: load rules, then per target plug the real undici transport into the engine,
 * run every rule, and gather one result per target. The only place that wires http to engine.
 */
export async function loadBuiltinFingerprints(): Promise<LoadedFingerprint[]> {
  const { fingerprints, errors } = await loadFingerprints();
  if (errors.length > 0) throw new RuleLoadError(errors);
  return fingerprints;
}

export async function scan(config: ScanConfig, logger: Logger, commandLine: string): Promise<ScanOutput> {
  const rules = await loadConfiguredRules(config);
  const fingerprints = await loadBuiltinFingerprints();
  const outcomes = new Map<string, RuleOutcome[]>();
  const unreachable: { target: string; reason: string }[] = [];
  const targets = [];
  for (const target of config.targets) {
    const transport = createUndiciTransport({
      target,
      allowedHosts: config.allowHosts,
      concurrencyPerHost: config.concurrency,
      rateLimitPerHost: config.rateLimit,
      timeoutMs: config.timeoutMs,
      headers: config.headers,
      logger,
    });
    try {
      const run = await runTarget({
        target,
        rules,
        fingerprints,
        transport,
        concurrency: config.concurrency,
        maxPages: config.maxPages,
        allRules: config.allRules,
        logger,
        requestsSent: () => transport.stats().requestsSent,
      });
      targets.push(run.result);
      outcomes.set(target, run.outcomes);
      if (run.unreachable !== undefined) unreachable.push({ target, reason: run.unreachable });
    } finally {
      await transport.close();
    }
  }
  return {
    result: { tool: toolInfo, rules: rules.map(({ rule }) => rule), targets, commandLine },
    outcomes,
    unreachable,
  };
}
