import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { ProbeError } from '../core/errors.js';
import type { Discovery, Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { Transport } from '../core/http-types.js';
import { runRule, targetBase, type LoadedRule, type RuleOutcome } from '../engine/index.js';
import type { LoadedFingerprint } from '../fingerprint/index.js';
import { discoverTarget } from './discover.js';
import { selectRules } from './select-rules.js';

/** Codes that mean the target itself did not answer, not that one probe went wrong. */
const unreachableCodes = new Set(['DL_CONNECTION_FAILED', 'DL_CONNECT_TIMEOUT', 'DL_INVALID_URL']);

export interface RunTargetOptions {
  target: string;
  rules: LoadedRule[];
  fingerprints: LoadedFingerprint[];
  transport: Transport;
  concurrency: number;
  maxPages: number;
  allRules: boolean;
  logger: Logger;
  requestsSent: () => number;
}

export interface TargetRun {
  result: TargetResult;
  outcomes: RuleOutcome[];
  /** Set when the target could not be reached at all. */
  unreachable?: string;
}

/** Checks that the target answers at all; a dead target is reported once, not once per rule. */
async function reach(target: string, transport: Transport, logger: Logger): Promise<ProbeError | undefined> {
  try {
    await transport.send({ method: 'GET', url: `${targetBase(target)}/` });
  } catch (error) {
    if (error instanceof ProbeError && unreachableCodes.has(error.code)) return error;
    // A redirect out of scope or a timeout on the home page alone does not stop the rules.
    logger.info({ target, code: error instanceof ProbeError ? error.code : 'unknown' }, 'base URL probe failed');
  }
  return undefined;
}

/**
 * Scans one target: reach it, discover it (calibration, crawl, fingerprints), run the rules its
 * CMS calls for with bounded concurrency, and gather findings and failed probes. Nothing here
 * throws for a bad site.
 */
export async function runTarget(options: RunTargetOptions): Promise<TargetRun> {
  const { target, rules, transport, concurrency, logger, requestsSent } = options;
  const startedAt = new Date().toISOString();
  const dead = await reach(target, transport, logger);
  if (dead) {
    const failure: ProbeFailure = { url: `${targetBase(target)}/`, code: dead.code as ProbeFailure['code'], message: dead.message };
    return {
      result: {
        target,
        startedAt,
        endedAt: new Date().toISOString(),
        findings: [],
        failures: [failure],
        rulesRun: [],
        requestsSent: requestsSent(),
        executionSuccessful: false,
      },
      outcomes: [],
      unreachable: dead.message,
    };
  }

  const discovered = await discoverTarget({ target, transport, fingerprints: options.fingerprints, maxPages: options.maxPages, logger });
  const { selected, skipped } = selectRules(rules, discovered.detect.detections.map((detection) => detection.cms), options.allRules);
  logger.info({ target, detected: discovered.detect.detections.map((detection) => detection.cms), rules: selected.length }, 'discovery done');

  const limit = pLimit(concurrency);
  const outcomes = await Promise.all(
    selected.map(({ rule }) =>
      limit(async (): Promise<RuleOutcome> => {
        try {
          return await runRule(rule, { target, transport, site: discovered.site, rejectProof: discovered.rejectProof });
        } catch (error) {
          // A bug in one rule must not cost the user the other rules' results.
          logger.error({ rule: rule.id, err: error }, 'rule crashed');
          return {
            ruleId: rule.id,
            findings: [],
            failures: [{ ruleId: rule.id, url: target, code: 'DL_RULE_RUNTIME', message: String(error) }],
            trace: [],
          };
        }
      }),
    ),
  );
  const skippedOutcomes: RuleOutcome[] = skipped.map(({ ruleId, reason }) => ({
    ruleId,
    findings: [],
    failures: [],
    trace: [{ step: '(none)', stopped: `skipped: ${reason}` }],
  }));
  const findings: Finding[] = outcomes.flatMap((outcome) => outcome.findings);
  const outOfScope = [...new Set(outcomes.flatMap((outcome) => outcome.outOfScope ?? []))].sort();
  const notes = [...discovered.notes];
  if (outOfScope.length > 0) {
    notes.push(`not probed, out of scope (allow with --allow-host to include them): ${outOfScope.join(', ')}`);
  }
  const discovery: Discovery = {
    detections: discovered.detect.detections.map(({ cms, name, version, confidence, signals }) => ({
      cms,
      name,
      ...(version !== undefined ? { version } : {}),
      confidence,
      signals,
    })),
    notes,
    skippedRules: skipped,
    pagesCrawled: discovered.crawl.budget.pagesFetched,
    publishedInventory: discovered.crawl.inventory.size,
    apiRoots: discovered.detect.apiRoots,
    assetHosts: discovered.crawl.assetHosts,
  };
  return {
    result: {
      target,
      startedAt,
      endedAt: new Date().toISOString(),
      findings,
      failures: [...discovered.failures, ...outcomes.flatMap((outcome) => outcome.failures)],
      rulesRun: selected.map(({ rule }) => rule.id),
      requestsSent: requestsSent(),
      executionSuccessful: true,
      discovery,
    },
    outcomes: [...outcomes, ...skippedOutcomes],
  };
}
