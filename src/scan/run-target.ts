import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { ProbeError } from '../core/errors.js';
import type { Discovery, Finding, ProbeFailure, TargetResult } from '../core/finding.js';
import type { SpentBudget, Transport } from '../core/http-types.js';
import { BranchSlots, runRule, targetBase, type LoadedRule, type RuleOutcome } from '../engine/index.js';
import type { LoadedFingerprint } from '../fingerprint/index.js';
import { discoverTarget, type CrawlLimits } from './discover.js';
import type { TargetFigures } from './progress.js';
import { selectRules, type RuleChoice } from './select-rules.js';

/** Codes that mean the target itself did not answer, not that one probe went wrong. */
const unreachableCodes = new Set(['DL_CONNECTION_FAILED', 'DL_CONNECT_TIMEOUT', 'DL_INVALID_URL', 'DL_TLS_ERROR']);

/** What the transport tells the orchestrator about one target's traffic. */
export interface TrafficStats {
  requestsSent: number;
  answers: number;
  usefulAnswers: number;
}

export interface RunTargetOptions {
  target: string;
  rules: LoadedRule[];
  fingerprints: LoadedFingerprint[];
  transport: Transport;
  concurrency: number;
  crawlLimits: CrawlLimits;
  /** --verify-tokens: verify steps are sent. */
  verifyTokens?: boolean;
  /** Keep each rule's trace (--explain reads it); default true. */
  keepTraces?: boolean;
  /** Which rules the user chose (--all-rules, --rule, --tags, --cms …). */
  choice: RuleChoice;
  logger: Logger;
  traffic: () => TrafficStats;
  spentBudgets?: () => SpentBudget[];
  /** Why the scan of this target was stopped (a signal, a deadline), once it was. */
  stopped?: () => string | undefined;
  /** Told the target's figures after discovery and after each rule, for a progress display. */
  onProgress?: (figures: TargetFigures) => void;
}

export interface TargetRun {
  result: TargetResult;
  outcomes: RuleOutcome[];
  /** Set when the target could not be reached at all. */
  unreachable?: string;
  /** Set when the target's own page redirects out of scope: where to (nothing else was run). */
  redirectedTo?: string;
}

/** Checks that the target answers at all; a dead target is reported once, not once per rule. */
async function reach(target: string, transport: Transport, logger: Logger): Promise<ProbeError | undefined> {
  try {
    await transport.send({ method: 'GET', url: `${targetBase(target)}/`, purpose: 'crawl' });
  } catch (error) {
    if (error instanceof ProbeError && unreachableCodes.has(error.code)) return error;
    if (error instanceof ProbeError && error.code === 'DL_REDIRECT_OUT_OF_SCOPE' && error.redirectTo !== undefined) return error;
    // A redirect out of scope or a timeout on the home page alone does not stop the rules.
    logger.info({ target, code: error instanceof ProbeError ? error.code : 'unknown' }, 'base URL probe failed');
  }
  return undefined;
}

/** Requests that were never answered because we stopped: counted, not listed one by one. */
/**
 * Characters of crawled pages, scripts and source maps kept for rules that read them: bundles
 * of a big front-end fit (a Next.js site ships a few MiB), a site of 5 MiB bundles cannot take
 * memory past it. What did not fit is said in the report.
 */
const keptDocumentChars = 16 * 1024 * 1024;

/** The note that lists what rules skipped as out of scope; `scan --strict` fails on it. */
export const outOfScopeNote = 'not probed, out of scope (allow with --allow-host to include them)';

const notSentCodes = new Set<ProbeFailure['code']>(['DL_ABORTED', 'DL_REQUEST_BUDGET', 'DL_HOST_ERROR_BUDGET']);

/**
 * Scans one target: reach it, discover it (calibration, crawl, fingerprints), run the rules its
 * CMS calls for with bounded concurrency, and gather findings and failed probes. Nothing here
 * throws for a bad site, and nothing gathered is dropped when the scan is stopped part-way.
 */
export async function runTarget(options: RunTargetOptions): Promise<TargetRun> {
  const { target, rules, transport, concurrency, logger, traffic } = options;
  const stopped = options.stopped ?? (() => undefined);
  const startedAt = new Date().toISOString();
  const dead = await reach(target, transport, logger);
  if (dead?.redirectTo !== undefined) {
    // The caller decides whether this is the site's canonical origin (followed) or another site.
    const failure: ProbeFailure = { url: dead.url, code: dead.code, message: dead.message };
    return {
      result: { target, startedAt, endedAt: new Date().toISOString(), findings: [], failures: [failure], rulesRun: [], requestsSent: traffic().requestsSent, executionSuccessful: false },
      outcomes: [],
      redirectedTo: dead.redirectTo,
    };
  }
  if (dead) {
    const failure: ProbeFailure = { url: `${targetBase(target)}/`, code: dead.code, message: dead.message };
    return {
      result: {
        target,
        startedAt,
        endedAt: new Date().toISOString(),
        findings: [],
        failures: [failure],
        rulesRun: [],
        requestsSent: traffic().requestsSent,
        executionSuccessful: false,
        incomplete: `not scanned: ${dead.message}`,
      },
      outcomes: [],
      unreachable: dead.message,
    };
  }

  // Crawled bodies are kept whole only when some rule reads them (a discovered step), and only
  // as many of each kind as the most any of those steps reads: the built-in ones read 200, and
  // 300 more pages of 20 KB were 6 MB held to the end of the crawl for no rule.
  const documentReads = rules.flatMap(({ rule }) => rule.steps.flatMap((step) => (step.discovered === undefined ? [] : [step.discovered.max])));
  const keepDocumentChars = documentReads.length > 0 ? keptDocumentChars : 0;
  const keepDocumentsPerKind = Math.max(0, ...documentReads);
  const discovered = await discoverTarget({ target, transport, fingerprints: options.fingerprints, ...options.crawlLimits, keepDocumentChars, keepDocumentsPerKind, logger });
  const { selected, skipped } = selectRules(rules, discovered.detect.detections.map((detection) => detection.cms), options.choice);
  logger.info({ target, detected: discovered.detect.detections.map((detection) => detection.cms), rules: selected.length }, 'discovery done');

  const limit = pLimit(concurrency);
  // Twice the connections: enough waiting that no connection idles, few enough that none waits long.
  const branchSlots = new BranchSlots(concurrency * 2);
  const ran: string[] = [];
  const figures: TargetFigures = { pagesCrawled: discovered.crawl.budget.pagesFetched, findings: 0, rulesDone: 0, rules: selected.length };
  options.onProgress?.({ ...figures });
  const tally = (outcome: RuleOutcome): RuleOutcome => {
    figures.rulesDone += 1;
    figures.findings += outcome.findings.length;
    options.onProgress?.({ ...figures });
    return outcome;
  };
  const outcomes = await Promise.all(
    selected.map(({ rule, file }) =>
      limit(async (): Promise<RuleOutcome> => {
        // A stopped scan starts no new rule; the rules already running finish with what they have.
        const why = stopped();
        if (why !== undefined) return { ruleId: rule.id, findings: [], failures: [], trace: [{ step: '(none)', stopped: `not run: ${why}` }] };
        ran.push(rule.id);
        try {
          return await runRule(rule, { target, transport, site: discovered.site, rejectProof: discovered.rejectProof, documents: discovered.crawl.documents, verifyTokens: options.verifyTokens === true, keepTrace: options.keepTraces !== false, branchSlots });
        } catch (error) {
          // A bug in one rule must not cost the user the other rules' results.
          logger.error({ rule: rule.id, file, err: error }, 'rule crashed');
          return {
            ruleId: rule.id,
            findings: [],
            failures: [{ ruleId: rule.id, url: target, code: 'DL_RULE_RUNTIME', message: `${file}: ${error instanceof Error ? error.message : String(error)}` }],
            trace: [],
          };
        }
      }).then(tally),
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
  const forced = options.choice.forceCms ?? [];
  if (forced.length > 0) notes.push(`--cms ${forced.join(', ')}: rules for it run as if it was detected`);
  if (outOfScope.length > 0) {
    notes.push(`${outOfScopeNote}: ${outOfScope.join(', ')}`);
  }
  notes.push(...otherHostNotes(target, [...discovered.crawl.assetHosts, ...discovered.crawl.apiHosts], transport));
  // What a rule left unprobed on purpose (for_each caps, its request budget) is part of the result.
  for (const outcome of outcomes) for (const note of outcome.notes ?? []) notes.push(`rule ${outcome.ruleId} ${note}`);
  const allFailures = [...discovered.failures, ...outcomes.flatMap((outcome) => outcome.failures)];
  const failures = allFailures.filter((failure) => !notSentCodes.has(failure.code));
  const notSent = allFailures.length - failures.length;
  const budgetsSpent = options.spentBudgets?.() ?? [];
  for (const spent of budgetsSpent) notes.push(`${spent.detail}; raise ${spent.flag} to probe more`);
  const stopReason = stopped();
  const notRun = selected.length - ran.length;
  if (stopReason !== undefined) {
    notes.push(`scan stopped (${stopReason}): ${notSent} request(s) not completed, ${notRun} of ${selected.length} rule(s) not run`);
  }
  const seen = traffic();
  // Nothing but refusals (a WAF answering 403 to everything, every request timing out) means
  // nothing was scanned: that must never read as a clean result.
  const nothingScanned = seen.usefulAnswers === 0 ? describeNothingScanned(seen, failures) : undefined;
  const incomplete = stopReason !== undefined ? `scan stopped (${stopReason}) before it finished` : nothingScanned;

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
      failures,
      rulesRun: ran,
      requestsSent: seen.requestsSent,
      executionSuccessful: incomplete === undefined,
      ...(incomplete === undefined ? {} : { incomplete }),
      ...(budgetsSpent.length > 0 ? { budgetsSpent } : {}),
      discovery,
    },
    outcomes: [...outcomes, ...skippedOutcomes],
  };
}

function describeNothingScanned(seen: TrafficStats, failures: ProbeFailure[]): string {
  if (seen.answers === 0) {
    const codes = [...new Set(failures.map((failure) => failure.code))].sort().join(', ');
    return `not scanned: none of ${seen.requestsSent} request(s) got an answer${codes ? ` (${codes})` : ''}`;
  }
  return `not scanned: all ${seen.answers} answer(s) were refusals (401/403/429/503), as a WAF or an access gate gives; nothing behind it was reached`;
}

/**
 * The other hosts the site's pages and bundles use: which of them rules may probe (hosts of the
 * same site, allowed hosts) and which were seen but are not probed (third parties), so that a
 * reader knows what the scan could not look at.
 */
function otherHostNotes(target: string, seen: string[], transport: Transport): string[] {
  const own = new URL(target).origin;
  const origins = [...new Set(seen.flatMap((value) => {
    try {
      return [new URL(value.includes('://') ? value : `https://${value}`).origin];
    } catch {
      return [];
    }
  }))].filter((origin) => origin !== own).sort();
  if (origins.length === 0 || transport.isInScope === undefined) return [];
  const probed = origins.filter((origin) => transport.isInScope?.(`${origin}/`) === true);
  const notProbed = origins.filter((origin) => !probed.includes(origin));
  const list = (values: string[]): string => (values.length > 20 ? `${values.slice(0, 20).join(', ')} and ${values.length - 20} more` : values.join(', '));
  return [
    ...(probed.length > 0 ? [`other hosts in scope (the same site, or allowed): ${list(probed)}`] : []),
    ...(notProbed.length > 0 ? [`hosts the site uses that are not probed (another site; allow with --allow-host): ${list(notProbed)}`] : []),
  ];
}
