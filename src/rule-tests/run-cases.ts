import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from '../core/finding.js';
import type { Rule } from '../engine/rule-schema.js';
import { runRule, type StepTrace } from '../engine/run-rule.js';
import type { DiscoveredDocument } from '../core/discovered.js';
import type { JSONValue } from '../engine/expression.js';
import { HoneypotTransport, honeypots } from './honeypots.js';
import type { RuleCase } from './case-schema.js';
import { readRuleCaseFile } from './load-cases.js';
import { ReplayTransport, toReplayEntries } from './replay-transport.js';

/** Cases run against this nominal target; the replay transport never opens a socket. */
export const caseTarget = 'http://127.0.0.1:65535';

export interface CaseResult {
  name: string;
  expect: 'finding' | 'none';
  todo?: string;
  passed: boolean;
  problems: string[];
  findings: Finding[];
  /** What the rule did, for --explain. */
  trace: StepTrace[];
}

export interface HoneypotResult {
  honeypot: string;
  description: string;
  passed: boolean;
  findings: Finding[];
  trace: StepTrace[];
}

export interface RuleCasesResult {
  ruleId: string;
  caseFile: string;
  /** Problems with the case file as a whole (missing, malformed, lacking a kind of case). */
  problems: string[];
  cases: CaseResult[];
  honeypots: HoneypotResult[];
  passed: boolean;
}

export function caseFileFor(ruleFile: string): string {
  return ruleFile.replace(/\.yaml$/, '.cases.yaml');
}


function itemMatches(expected: Record<string, string | undefined>, actual: Record<string, string | undefined>): boolean {
  return Object.entries(expected).every(([key, value]) => value === undefined || actual[key] === value);
}

function checkExpectations(ruleCase: RuleCase, findings: Finding[]): string[] {
  const problems: string[] = [];
  if (ruleCase.expect === 'none' && findings.length > 0) {
    problems.push(`expected no finding, got ${findings.length}: ${findings.map((finding) => finding.url).join(', ')}`);
  }
  if (ruleCase.expect === 'finding' && findings.length === 0) problems.push('expected a finding, got none');
  for (const expected of ruleCase.findings) {
    const wantedUrl = expected.url ?? (expected.path !== undefined ? `${caseTarget}${expected.path}` : undefined);
    const candidates = findings.filter((finding) => wantedUrl === undefined || decodeURI(finding.url) === decodeURI(wantedUrl));
    if (candidates.length === 0) {
      problems.push(`no finding at ${wantedUrl ?? '(any url)'}; got ${findings.map((finding) => finding.url).join(', ') || 'none'}`);
      continue;
    }
    for (const item of expected.items) {
      if (!candidates.some((finding) => finding.items.some((actual) => itemMatches(item, actual)))) {
        problems.push(`no finding names the item ${JSON.stringify(item)}`);
      }
    }
    if (expected.severity !== undefined && !candidates.some((finding) => finding.severity === expected.severity)) {
      problems.push(`no finding at ${wantedUrl ?? '(any url)'} has severity ${expected.severity}; got ${candidates.map((finding) => finding.severity).join(', ')}`);
    }
    if (expected.verification !== undefined && !candidates.some((finding) => finding.verification === expected.verification)) {
      problems.push(`no finding at ${wantedUrl ?? '(any url)'} has verification ${expected.verification}; got ${candidates.map((finding) => finding.verification ?? 'none').join(', ')}`);
    }
    if (expected.exact && !candidates.some((finding) => finding.items.length === expected.items.length && expected.items.every((item) => finding.items.some((actual) => itemMatches(item, actual))))) {
      problems.push(`no finding at ${wantedUrl ?? '(any url)'} names exactly ${expected.items.length} item(s) ${JSON.stringify(expected.items)}; got ${candidates.map((finding) => JSON.stringify(finding.items)).join(' | ')}`);
    }
  }
  for (const forbidden of ruleCase.not_named) {
    for (const finding of findings) {
      const named = finding.items.find((actual) => itemMatches(forbidden, actual));
      if (named !== undefined) problems.push(`the finding at ${finding.url} names ${JSON.stringify(named)}, which must not be named (not_named)`);
    }
  }
  return problems;
}

/**
 * Runs one case. A rule that breaks at run time (a template that gives no URL, say) fails this
 * case with the rule file and step named; the other cases still run.
 */
export async function runCase(rule: Rule, ruleCase: RuleCase, caseDir: string, ruleFile = `${rule.id}.yaml`): Promise<CaseResult> {
  const failed = (problem: string): CaseResult => ({
    name: ruleCase.name,
    expect: ruleCase.expect,
    ...(ruleCase.todo ? { todo: ruleCase.todo } : {}),
    passed: false,
    problems: [problem],
    findings: [],
    trace: [],
  });
  let entries: Awaited<ReturnType<typeof toReplayEntries>>;
  let documents: DiscoveredDocument[];
  try {
    entries = await toReplayEntries(ruleCase.exchanges, caseDir, caseTarget);
    const read = await toReplayEntries(ruleCase.discovered, caseDir, caseTarget);
    documents = read.map((entry, index) => ({ kind: ruleCase.discovered[index]!.kind, url: entry.url, status: entry.response.status, headers: lowerCased(entry.response.headers), body: entry.response.body, truncated: false }));
  } catch (error) {
    return failed(`cannot read the case's exchanges: ${(error as Error).message}`);
  }
  const scope = [caseTarget, ...entries.map((entry) => new URL(entry.url).origin)];
  const transport = new ReplayTransport(entries, scope);
  let outcome: Awaited<ReturnType<typeof runRule>>;
  try {
    outcome = await runRule(rule, { target: caseTarget, transport, site: (ruleCase.site ?? {}) as JSONValue, documents, verifyTokens: ruleCase.verify_tokens });
  } catch (error) {
    return failed(`${ruleFile}: the rule broke at run time: ${(error as Error).message}`);
  }
  const problems = checkExpectations(ruleCase, outcome.findings);
  for (const failure of outcome.failures) {
    // A rule's own failure names the rule file and step; a failed probe names the URL.
    problems.push(failure.code === 'DL_RULE_RUNTIME' ? `${ruleFile}: ${failure.message}` : `probe failed: ${failure.code} ${failure.message}`);
  }
  for (const unused of transport.unusedExchanges()) problems.push(`exchange never requested (stale fixture?): ${unused}`);
  return {
    name: ruleCase.name,
    expect: ruleCase.expect,
    ...(ruleCase.todo ? { todo: ruleCase.todo } : {}),
    passed: problems.length === 0,
    problems,
    findings: outcome.findings,
    trace: outcome.trace,
  };
}

/** Runs a rule against every honeypot site; it must stay silent on each. */
export async function runHoneypots(rule: Rule): Promise<HoneypotResult[]> {
  return Promise.all(
    honeypots.map(async (honeypot) => {
      const outcome = await runRule(rule, { target: caseTarget, transport: new HoneypotTransport(honeypot, caseTarget) });
      return {
        honeypot: honeypot.name,
        description: honeypot.description,
        passed: outcome.findings.length === 0,
        findings: outcome.findings,
        trace: outcome.trace,
      };
    }),
  );
}

/**
 * The honeypots again, reaching every step: the rule's first must-fire case answers the steps
 * before step j (so extracted ids, collection names and tokens are the plausible ones a real
 * site gives), and each honeypot answers step j and every step after it (for a discovered step:
 * its pages at the case's document URLs). A rule whose proof holds on a deceptive answer once it
 * is handed real values fires here; a rule that proves what it names stays silent.
 */
export async function runHoneypotsAfterCase(rule: Rule, ruleCase: RuleCase, caseDir: string): Promise<HoneypotResult[]> {
  const entries = await toReplayEntries(ruleCase.exchanges, caseDir, caseTarget);
  const read = await toReplayEntries(ruleCase.discovered, caseDir, caseTarget);
  const caseDocuments: DiscoveredDocument[] = read.map((entry, index) => ({ kind: ruleCase.discovered[index]!.kind, url: entry.url, status: entry.response.status, headers: lowerCased(entry.response.headers), body: entry.response.body, truncated: false }));
  const scope = [caseTarget, ...entries.map((entry) => new URL(entry.url).origin)];
  // From step 1 on (step 0 from a honeypot is the plain honeypot run), up to the last step that
  // is not a verify step: a verify step decides no finding.
  const from = rule.steps.map((step, index) => ({ step, index })).filter(({ step, index }) => index > 0 && step.request?.verify !== true);
  const results: HoneypotResult[] = [];
  for (const { step, index: first } of from) {
    for (const honeypot of honeypots) {
      const deceptive = new HoneypotTransport(honeypot, caseTarget);
      const deceptiveDocuments = await Promise.all(caseDocuments.map(async (document) => {
        const answer = await deceptive.send({ method: 'GET', url: document.url }).catch(() => undefined);
        return answer === undefined ? undefined : { ...document, status: answer.status, headers: answer.headers, body: answer.body };
      }));
      const replay = new ReplayTransport(entries, scope);
      const outcome = await runRule(rule, {
        target: caseTarget,
        transport: deceptive,
        site: (ruleCase.site ?? {}) as JSONValue,
        verifyTokens: ruleCase.verify_tokens,
        stepSource: (index) =>
          index < first
            ? { transport: replay, documents: caseDocuments }
            : { transport: deceptive, documents: deceptiveDocuments.filter((document): document is DiscoveredDocument => document !== undefined) },
      });
      results.push({
        honeypot: `${honeypot.name} from step ${step.id}`,
        description: `steps before ${step.id} answered by the case "${ruleCase.name}", ${step.id} and after by: ${honeypot.description}`,
        passed: outcome.findings.length === 0,
        findings: outcome.findings,
        trace: outcome.trace,
      });
    }
  }
  return results;
}

/** Cases recorded from a real lab instance live beside the hand-written ones. */
export function recordedCaseFileFor(ruleFile: string): string {
  return ruleFile.replace(/\.yaml$/, '.recorded.cases.yaml');
}

/** Reads and checks one case file; problems (file:line:column) are pushed, cases returned, undefined if absent. */
async function readCaseFile(file: string, rule: Rule, problems: string[]): Promise<RuleCase[] | undefined> {
  const present = await access(file).then(
    () => true,
    () => false,
  );
  if (!present) return undefined;
  const { caseFile, errors } = await readRuleCaseFile(file, rule.id);
  problems.push(...errors.map((error) => error.message));
  return caseFile?.cases ?? [];
}

/**
 * Runs every case of one rule (hand-written `<id>.cases.yaml` and, when present, lab recordings
 * in `<id>.recorded.cases.yaml`) and the honeypot suite. A rule needs at least one must-fire and
 * one must-not-fire case.
 */
export async function runRuleCases(rule: Rule, ruleFile: string): Promise<RuleCasesResult> {
  const caseFile = caseFileFor(ruleFile);
  const result: RuleCasesResult = { ruleId: rule.id, caseFile, problems: [], cases: [], honeypots: await runHoneypots(rule), passed: false };
  const written = await readCaseFile(caseFile, rule, result.problems);
  if (written === undefined) {
    result.problems.push(`no case file: ${caseFile}`);
    return result;
  }
  const recordedFile = recordedCaseFileFor(ruleFile);
  const recorded = (await readCaseFile(recordedFile, rule, result.problems)) ?? [];
  const all = [...written.map((ruleCase) => ({ ruleCase, file: caseFile })), ...recorded.map((ruleCase) => ({ ruleCase, file: recordedFile }))];
  const active = all.filter(({ ruleCase }) => !ruleCase.todo);
  if (!active.some(({ ruleCase }) => ruleCase.expect === 'finding')) result.problems.push('needs at least one case that must fire');
  if (!active.some(({ ruleCase }) => ruleCase.expect === 'none')) result.problems.push('needs at least one case that must not fire');
  for (const { ruleCase, file } of all) result.cases.push(await runCase(rule, ruleCase, path.dirname(file), ruleFile));
  const fires = active.find(({ ruleCase }) => ruleCase.expect === 'finding');
  if (fires !== undefined) {
    try {
      result.honeypots.push(...(await runHoneypotsAfterCase(rule, fires.ruleCase, path.dirname(fires.file))));
    } catch (error) {
      result.problems.push(`the honeypots after the case "${fires.ruleCase.name}" could not run: ${(error as Error).message}`);
    }
  }
  result.passed =
    result.problems.length === 0 &&
    result.cases.every((entry) => entry.passed || entry.todo !== undefined) &&
    result.honeypots.every((entry) => entry.passed);
  return result;
}

/** The transport hands rules lower-cased header names; a crawled document does the same. */
function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
