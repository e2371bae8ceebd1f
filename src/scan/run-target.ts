import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { ProbeError } from '../core/errors.js';
import type { Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { Transport } from '../core/http-types.js';
import { runRule, targetBase, type LoadedRule, type RuleOutcome } from '../engine/index.js';

/** Codes that mean the target itself did not answer, not that one probe went wrong. */
const unreachableCodes = new Set(['DL_CONNECTION_FAILED', 'DL_CONNECT_TIMEOUT', 'DL_INVALID_URL']);

export interface RunTargetOptions {
  target: string;
  rules: LoadedRule[];
  transport: Transport;
  concurrency: number;
  logger: Logger;
  requestsSent: () => number;
}

export interface TargetRun {
  result: TargetResult;
  outcomes: RuleOutcome[];
  /** Set when the target could not be reached at all. */
  unreachable?: string;
}

/**
 * Scans one target: a first request to its base URL tells a dead target from a live one (a dead
 * target is reported once, not as one failure per rule), then every rule runs with bounded
 * concurrency. Findings and failed probes are collected; nothing here throws for a bad site.
 */
export async function runTarget({ target, rules, transport, concurrency, logger, requestsSent }: RunTargetOptions): Promise<TargetRun> {
  const startedAt = new Date().toISOString();
  const base = `${targetBase(target)}/`;
  try {
    await transport.send({ method: 'GET', url: base });
  } catch (error) {
    if (error instanceof ProbeError && unreachableCodes.has(error.code)) {
      const failure: ProbeFailure = { url: base, code: error.code, message: error.message };
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
        unreachable: error.message,
      };
    }
    // A redirect out of scope or a timeout on the home page alone does not stop the rules.
    logger.info({ target, code: error instanceof ProbeError ? error.code : 'unknown' }, 'base URL probe failed');
  }

  const limit = pLimit(concurrency);
  const outcomes = await Promise.all(
    rules.map(({ rule }) =>
      limit(async (): Promise<RuleOutcome> => {
        try {
          const outcome = await runRule(rule, { target, transport });
          logger.debug({ rule: rule.id, findings: outcome.findings.length, failures: outcome.failures.length }, 'rule done');
          return outcome;
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
  const findings: Finding[] = outcomes.flatMap((outcome) => outcome.findings);
  return {
    result: {
      target,
      startedAt,
      endedAt: new Date().toISOString(),
      findings,
      failures: outcomes.flatMap((outcome) => outcome.failures),
      rulesRun: rules.map(({ rule }) => rule.id),
      requestsSent: requestsSent(),
      executionSuccessful: true,
    },
    outcomes,
  };
}
