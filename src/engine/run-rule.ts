import { ProbeError } from '../core/errors.js';
import type { Finding, ProbeFailure } from '../core/finding.js';
import type { HttpRequest, HttpResponse, Transport } from '../core/http-types.js';
import type { DiscoveredDocument } from '../core/discovered.js';
import type { Rule, Step } from './rule-schema.js';
import { evaluateLenient, type JSONValue } from './expression.js';
import { renderTemplate, TemplateError } from './template.js';
import { evaluateMatcher, judgeMatcher, missBeforeExtraction, type MatchTrace } from './matchers.js';
import { runExtractor } from './extractors.js';
import { toResponseDocument, type ResponseDocument } from './response-document.js';
import { buildFinding } from './build-finding.js';
import { tokenFingerprint } from './functions.js';
import { BranchSlots } from './branch-slots.js';
import { joinedEntries, withEntry } from '../core/objects.js';
import { keptForLaterSteps, stepReadsOf, type StepReads } from './step-reads.js';

/** What one step did on one branch, for --explain. */
export interface StepTrace {
  step: string;
  method?: string;
  url?: string;
  status?: number;
  error?: string;
  extracted?: Record<string, JSONValue>;
  match?: MatchTrace;
  /** Why the branch stopped here, when it did. */
  stopped?: string;
}

export interface RuleOutcome {
  ruleId: string;
  findings: Finding[];
  failures: ProbeFailure[];
  trace: StepTrace[];
  /** Origins a step would have probed but that are out of scope (not allowed by the user). */
  outOfScope?: string[];
  /**
   * What the rule left unprobed on purpose, for the report (`step <id>: ...`): items past a
   * for_each cap, branches past the request budget. Absent when nothing was dropped.
   */
  notes?: string[];
}

/**
 * Requests one rule may send to one target. Nested for_each caps multiply (100 x 100 x ...),
 * so a cap per step does not bound a rule; this does. Branches past it are not probed, and
 * the report says how many.
 */
export const maxRequestsPerRule = 200;

/** One line of evaluation: a for_each step forks a branch per item. */
interface Branch {
  variables: Record<string, JSONValue>;
  steps: Record<string, ResponseDocument>;
  urls: string[];
  last?: { request: HttpRequest; response: HttpResponse; document: JSONValue };
  /** For a discovered step: the crawl's document this branch reads instead of a request. */
  reading?: DiscoveredDocument;
  /** What a verify step said of the token this branch found. */
  verification?: Verification;
}

type Verification = NonNullable<Finding['verification']>;

/** The target as rules see it: origin plus base path, without a trailing slash. */
export function targetBase(target: string): string {
  const url = new URL(target);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function documentFor(base: string, branch: Branch, current?: ResponseDocument, site: JSONValue = {}): JSONValue {
  // `{ ...variables, target, site, steps, ...current }`, which as a literal V8 built in 4-14 µs
  // (see core/objects.ts). The key order is the literal's: rules can see it (`keys(@)`).
  return joinedEntries<JSONValue>(branch.variables, { target: base, site, steps: branch.steps as unknown as JSONValue }, current);
}

function buildRequest(step: Step, base: string, document: JSONValue): HttpRequest {
  const { request } = step;
  if (request === undefined) throw new Error(`step ${step.id} has no request`);
  const url = request.url !== undefined ? renderTemplate(request.url, document, 'url') : `${base}${renderTemplate(request.path ?? '/', document, 'path')}`;
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, renderTemplate(value, document, 'header')]),
  );
  if (request.graphql) {
    return {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(request.graphql),
      readOnlyGraphql: true,
      identity: request.identity,
      ...(request.verify ? { verifyToken: true } : {}),
    };
  }
  return { method: request.method, url, headers, identity: request.identity, ...(request.verify ? { verifyToken: true } : {}) };
}

export interface RunRuleOptions {
  target: string;
  transport: Transport;
  /**
   * What discovery learnt about the site (published URLs, asset hosts, preview links...),
   * visible to expressions as `site`.
   */
  site?: JSONValue;
  /**
   * Says why a proving response must not count (it looks like this host's not-found or
   * catch-all page), or undefined when it may. Findings on such responses are dropped.
   */
  rejectProof?: (response: HttpResponse) => string | undefined;
  /** What the discovery crawl fetched (pages, scripts, source maps), for discovered steps. */
  documents?: readonly DiscoveredDocument[];
  /** --verify-tokens: send verify steps (one call to a token's vendor API). Default false. */
  verifyTokens?: boolean;
  /**
   * For the honeypot suite: who answers step `index` (its transport and, for a discovered step,
   * its documents) when not the run's own, so early steps can meet a rule's recorded case and
   * later ones a deceptive site.
   */
  stepSource?: (index: number) => { transport: Transport; documents: readonly DiscoveredDocument[] } | undefined;
  /**
   * Keep what each step did, for --explain (default true). A scan without --explain says false:
   * 20,000 probes kept 20,000 traces alive to the end of the scan for nobody to read.
   */
  keepTrace?: boolean;
  /**
   * Runs each branch of a step (its request, its match): shared by every rule of a scan, so the
   * requests built and waiting for a connection stay about as many as the connections. Started
   * all at once, a 100-item for_each in each of 16 rules held 1,600 requests waiting for 16
   * connections for a third of a second each: they outlived V8's young generation, and copying
   * them was most of a probe scan's GC (engine/branch-slots.ts). Default: 16 at a time, for this
   * run alone.
   */
  branchSlots?: BranchSlots;
}

/** A trace that keeps nothing: what runRule writes to when no one will read the trace. */
function discardedTrace(): StepTrace[] {
  const trace: StepTrace[] = [];
  trace.push = () => 0;
  return trace;
}

/**
 * Runs one rule against one target. Steps run in order; each branch that passes every step's
 * match produces a finding. A failed probe ends its branch and is recorded, never thrown.
 */
export async function runRule(rule: Rule, { target, transport: runTransport, site = {}, rejectProof, documents: runDocuments = [], verifyTokens = false, stepSource, keepTrace = true, branchSlots = new BranchSlots(16) }: RunRuleOptions): Promise<RuleOutcome> {
  const base = targetBase(target);
  const failures: ProbeFailure[] = [];
  const trace: StepTrace[] = keepTrace ? [] : discardedTrace();
  const outOfScope = new Set<string>();
  const budget: RequestBudget = { left: maxRequestsPerRule, dropped: new Map() };
  const capped = new Map<string, { dropped: number; total: number; max: number }>();
  /** Discovered steps that had more documents than their max; the crawl keeps only one more, so no count. */
  const documentsCapped = new Map<string, number>();
  const paginationCapped = new Map<string, number>();
  const verifyCalls = new Map<string, Promise<HttpResponse>>();
  let branches: Branch[] = [{ variables: {}, steps: {}, urls: [] }];
  const stepReads = stepReadsOf(rule);
  // By index, not id: nothing makes step ids unique, and an earlier step sharing the proving
  // step's id must not be judged as a proof.
  const provingIndex = rule.steps.findLastIndex((step) => step.request?.verify !== true);

  for (const [index, step] of rule.steps.entries()) {
    const source = stepSource?.(index);
    const transport = source?.transport ?? runTransport;
    const documents = source?.documents ?? runDocuments;
    if (step.request?.verify) {
      // The last step (rule checks): it decides verified or not, never whether there is a finding.
      if (!verifyTokens) {
        trace.push({ step: step.id, stopped: 'not sent: verifying a token with its vendor needs --verify-tokens' });
        branches = branches.map((branch) => ({ ...branch, verification: 'not-asked' }));
      } else {
        const context: StepContext = { rule, base, site, transport, failures, trace, outOfScope, budget, paginationCapped, verifyCalls, keepTrace, stepReads, rejectProof: undefined };
        branches = await Promise.all(branches.map((branch) => verifyBranch(step, branch, context)));
      }
      break;
    }
    const forks: Branch[] = [];
    for (const branch of branches) {
      if (step.discovered) {
        const kinds = new Set(step.discovered.kinds);
        const readable = documents.filter((document) => kinds.has(document.kind));
        if (readable.length === 0) trace.push({ step: step.id, stopped: `discovered: the crawl fetched no ${[...kinds].join(', ')} document` });
        if (readable.length > step.discovered.max) documentsCapped.set(step.id, step.discovered.max);
        for (const reading of readable.slice(0, step.discovered.max)) forks.push({ variables: branch.variables, steps: branch.steps, urls: branch.urls, reading });
        continue;
      }
      if (!step.for_each) {
        forks.push(carried(branch));
        continue;
      }
      const value = evaluateLenient(step.for_each.in, documentFor(base, branch, undefined, site));
      const items = Array.isArray(value) ? value : value === null ? [] : [value];
      if (items.length === 0) trace.push({ step: step.id, stopped: `for_each: "${step.for_each.in}" gave no items` });
      if (items.length > step.for_each.max) {
        const seen = capped.get(step.id) ?? { dropped: 0, total: 0, max: step.for_each.max };
        capped.set(step.id, { ...seen, dropped: seen.dropped + items.length - step.for_each.max, total: seen.total + items.length });
        trace.push({ step: step.id, stopped: `for_each: ${items.length - step.for_each.max} of ${items.length} items skipped (max ${step.for_each.max})` });
      }
      for (const item of items.slice(0, step.for_each.max)) {
        forks.push({ ...carried(branch), variables: withEntry(branch.variables, step.for_each.as, item) });
      }
    }
    const context: StepContext = { rule, base, site, transport, failures, trace, outOfScope, budget, paginationCapped, verifyCalls, keepTrace, stepReads, rejectProof: index === provingIndex ? rejectProof : undefined };
    // The last step's answers are not held while this one runs: the forks carry what they read.
    branches = [];
    const firstPages = await branchSlots.map(forks, (branch) => runStep(step, branch, context));
    const pages = firstPages.map((first) => first.branches);
    const paginated = firstPages.flatMap((first, index) => (first.next === undefined ? [] : [index]));
    const rest = await branchSlots.map(paginated, (index) => restOfPages(step, forks[index] as Branch, firstPages[index] as FirstPage, context));
    for (const [at, index] of paginated.entries()) pages[index] = rest[at] as Branch[];
    branches = pages.flat();
    if (branches.length === 0) break;
  }

  const findings = new Map<string, Finding>();
  for (const branch of branches) {
    // Answers rejectProof refuses never got here (evaluateStep).
    if (!branch.last) continue;
    const { document } = branch.last;
    // The message may say what the vendor answered: {{verification}}.
    const withVerification = branch.verification !== undefined && document !== null && typeof document === 'object' && !Array.isArray(document) ? { ...document, verification: branch.verification } : document;
    const built = buildFinding({ rule, target, ...branch.last, document: withVerification, urls: branch.urls });
    const finding = branch.verification === undefined ? built : { ...built, verification: branch.verification };
    if (!findings.has(finding.fingerprint)) findings.set(finding.fingerprint, finding);
  }
  const notes = [
    ...[...capped].map(([step, { dropped, total, max }]) => `step ${step}: ${dropped} of ${total} items not probed (for_each max ${max})`),
    ...[...documentsCapped].map(([step, max]) => `step ${step}: read the first ${max} crawled documents of its kinds; the crawl fetched more, not read (discovered max ${max})`),
    ...[...budget.dropped].map(([step, dropped]) => `step ${step}: ${dropped} request(s) not sent (budget of ${maxRequestsPerRule} requests per rule spent)`),
    ...[...paginationCapped].map(([step, count]) => `step ${step}: more pages were not read on ${count} branch(es) (paginate max ${rule.steps.find((candidate) => candidate.id === step)?.paginate?.max ?? ''})`),
  ];
  return {
    ruleId: rule.id,
    findings: [...findings.values()],
    failures,
    trace: keepTrace ? trace : [],
    ...(outOfScope.size > 0 ? { outOfScope: [...outOfScope] } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** Shared by every branch of one rule run; counts down as requests are sent. */
interface RequestBudget {
  left: number;
  /** Requests not sent because the budget was spent, per step id. */
  dropped: Map<string, number>;
}

interface StepContext {
  rule: Rule;
  base: string;
  site: JSONValue;
  transport: Transport;
  failures: ProbeFailure[];
  trace: StepTrace[];
  outOfScope: Set<string>;
  budget: RequestBudget;
  /** Per step id: branches whose next page was not read (paginate.max reached). */
  paginationCapped: Map<string, number>;
  /** Verify calls already made in this rule run, by request: one call per token. */
  verifyCalls: Map<string, Promise<HttpResponse>>;
  /** Whether the trace is read (--explain): without, matches are judged, not traced. */
  keepTrace: boolean;
  /** What later expressions read of each step's answer: the rest is not carried. */
  stepReads: StepReads;
  /**
   * On the step whose answers prove the findings (the last one that is not a token's verify
   * call), the check that may reject such an answer as this host's not-found or catch-all page;
   * undefined on the others. Checked as each answer matches, not when the rule ends: a catch-all
   * site answering every probe with a 5 MiB page had each matched branch hold its page until the
   * last branch came.
   */
  rejectProof: ((response: HttpResponse) => string | undefined) | undefined;
}

/**
 * A branch as the next step takes it: its variables, answers and URLs, not the answer that made
 * the last step pass (that step's `last`), which only the finding reads, and which the next step
 * replaces or the branch ends. A verify step, which keeps it, does not fork.
 */
function carried(branch: Branch): Branch {
  return { variables: branch.variables, steps: branch.steps, urls: branch.urls };
}

/** A step's first page on one branch, and where its next page is (paginate), not yet read. */
interface FirstPage {
  branches: Branch[];
  next?: string;
  /** The pages asked for so far on this branch, so a loop of next links ends. */
  seen?: Set<string>;
}

/**
 * One step on one branch: its first page. Whatever hostile data makes it throw costs only this
 * branch: the error is recorded as the rule's failure at this step, and the other branches and
 * rules go on.
 */
async function runStep(step: Step, branch: Branch, context: StepContext): Promise<FirstPage> {
  try {
    const first = await runStepUnguarded(step, branch, context);
    const branches = first.branch === null ? [] : [first.branch];
    if (step.paginate === undefined) return { branches };
    const seen = new Set<string>(first.response ? [first.response.url] : []);
    const next = pageAfter(step, branch, first, context, seen, 1);
    return next === undefined ? { branches } : { branches, next, seen };
  } catch (error) {
    stepFailed(step, context, error);
    return { branches: [] };
  }
}

/**
 * The pages after the first on one branch, each its own branch: a rule sees every item, page by
 * page, and what the page cap left unread is said in the report. Read once every branch of the
 * step has had its first page, so the first pages take the rule's request budget in branch
 * order, every run alike, and a long chain of pages cannot spend it before a later item is asked.
 */
async function restOfPages(step: Step, branch: Branch, first: FirstPage, context: StepContext): Promise<Branch[]> {
  const branches = [...first.branches];
  const seen = first.seen ?? new Set<string>();
  try {
    let next = first.next;
    for (let count = 2; next !== undefined; count += 1) {
      seen.add(next);
      const page = await runStepUnguarded(step, branch, context, next);
      if (page.branch !== null) branches.push(page.branch);
      next = pageAfter(step, branch, page, context, seen, count);
    }
    return branches;
  } catch (error) {
    stepFailed(step, context, error);
    return [];
  }
}

/** The URL of the page after `page` (the `count`th read), or undefined: the last page, a loop, or paginate.max reached (said). */
function pageAfter(step: Step, branch: Branch, page: StepResult, context: StepContext, seen: Set<string>, count: number): string | undefined {
  if (step.paginate === undefined || page.response === undefined || page.current === undefined) return undefined;
  const next = nextPage(step.paginate.next, page.response, context.base, documentFor(context.base, { ...branch, steps: withEntry(branch.steps, step.id, page.current) }, page.current, context.site));
  if (next === undefined || seen.has(next)) return undefined;
  if (count >= step.paginate.max) {
    context.paginationCapped.set(step.id, (context.paginationCapped.get(step.id) ?? 0) + 1);
    context.trace.push({ step: step.id, url: next, stopped: `paginate: not read, ${step.paginate.max} pages read (paginate.max)` });
    return undefined;
  }
  return next;
}

function stepFailed(step: Step, context: StepContext, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  context.failures.push({ ruleId: context.rule.id, step: step.id, url: context.base, code: 'DL_RULE_RUNTIME', message: `step ${step.id}: ${message}` });
  context.trace.push({ step: step.id, error: message, stopped: 'the step failed on this branch' });
}

/** The next page's URL (absolute), from the rule's expression over this page; same origin only. */
function nextPage(expression: string, response: HttpResponse, base: string, document: JSONValue): string | undefined {
  const value = evaluateLenient(expression, document);
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (text === '') return undefined;
  try {
    const url = new URL(text, response.url);
    return url.origin === new URL(response.url).origin || url.origin === new URL(base).origin ? url.href : undefined;
  } catch {
    return undefined;
  }
}

interface StepResult {
  branch: Branch | null;
  /** The answer, when one came (whatever the match said): pagination reads its next link. */
  response?: HttpResponse;
  current?: ResponseDocument;
}

async function runStepUnguarded(step: Step, branch: Branch, context: StepContext, pageUrl?: string): Promise<StepResult> {
  if (branch.reading !== undefined) return { branch: readDocument(step, branch, branch.reading, context) };
  const { rule, base, site, transport, failures, trace, outOfScope, budget } = context;
  let request: HttpRequest;
  try {
    request = buildRequest(step, base, documentFor(base, branch, undefined, site));
    if (pageUrl !== undefined) request = { ...request, url: pageUrl };
  } catch (error) {
    const message = (error as Error).message;
    // An absolute URL that does not parse came from the site (an asset host written as
    // "http://%%%"), not from a broken rule: the branch is dropped as a bad value, and the rule
    // is not counted as failed. Anything else is the rule's own fault.
    const badValueFromSite = error instanceof TemplateError && error.malformedUrl !== undefined;
    failures.push({ ruleId: rule.id, step: step.id, url: base, code: badValueFromSite ? 'DL_INVALID_URL' : 'DL_RULE_RUNTIME', message: `step ${step.id}: ${message}` });
    trace.push({ step: step.id, error: message, stopped: 'request could not be built' });
    return { branch: null };
  }
  // In scope means the transport parsed the URL: only a URL it refuses is parsed here, to say why.
  if (transport.isInScope?.(request.url) !== true) {
    let requestOrigin: string;
    try {
      requestOrigin = new URL(request.url).origin;
    } catch {
      // A value taken from a hostile page (`<img src="http://%%%/x.png">`) is not a URL: this
      // branch ends, recorded; the rule's other branches still run.
      failures.push({ ruleId: rule.id, step: step.id, url: request.url, code: 'DL_INVALID_URL', message: `step ${step.id}: "${request.url}" is not a valid URL; this branch was not probed` });
      trace.push({ step: step.id, url: request.url, stopped: 'not a valid URL' });
      return { branch: null };
    }
    if (transport.isInScope) {
      // Not a failed probe: the user did not allow this host, so it is not asked at all.
      outOfScope.add(requestOrigin);
      trace.push({ step: step.id, method: request.method, url: request.url, stopped: 'not probed: the host is out of scope (allow it with --allow-host)' });
      return { branch: null };
    }
  }
  // Taken before the first await, so branches spend the budget in their order, every run alike.
  if (budget.left <= 0) {
    budget.dropped.set(step.id, (budget.dropped.get(step.id) ?? 0) + 1);
    trace.push({ step: step.id, method: request.method, url: request.url, stopped: `not probed: the rule's budget of ${maxRequestsPerRule} requests is spent` });
    return { branch: null };
  }
  budget.left--;
  let response: HttpResponse;
  try {
    response = await transport.send(request);
  } catch (error) {
    const failure: ProbeFailure =
      error instanceof ProbeError
        ? { ruleId: rule.id, step: step.id, url: error.url, code: error.code, message: error.message }
        : { ruleId: rule.id, step: step.id, url: request.url, code: 'DL_RULE_RUNTIME', message: String(error) };
    failures.push(failure);
    trace.push({ step: step.id, method: request.method, url: request.url, error: `${failure.code}: ${failure.message}`, stopped: 'probe failed' });
    return { branch: null };
  }
  if (response.truncated) {
    // Said, not silent: matchers saw only the head of this body, and JSON cut short reads as null.
    failures.push({
      ruleId: rule.id,
      step: step.id,
      url: response.url,
      code: 'DL_BODY_TRUNCATED',
      message: `step ${step.id}: the body was cut at ${response.bytes} bytes; the rule read only that part`,
    });
  }
  return { branch: evaluateStep(step, branch, request, response, context), ...(step.paginate ? { response, current: toResponseDocument(response) } : {}) };
}

/**
 * A verify step on one branch: one call to the vendor's API with the token the branch found.
 * Its answer never becomes evidence (it may hold the vendor's drafts); it only says whether the
 * vendor accepted the token. A failed call is "unknown", not a clean result.
 */
async function verifyBranch(step: Step, branch: Branch, { rule, base, site, transport, failures, trace, budget, verifyCalls }: StepContext): Promise<Branch> {
  let request: HttpRequest;
  try {
    request = buildRequest(step, base, documentFor(base, branch, undefined, site));
  } catch (error) {
    trace.push({ step: step.id, error: (error as Error).message, stopped: 'verification request could not be built' });
    return { ...branch, verification: 'unknown' };
  }
  if (transport.isInScope && !transport.isInScope(request.url, { verifyToken: true })) {
    trace.push({ step: step.id, method: request.method, url: request.url, stopped: 'not sent: not a token vendor API host' });
    return { ...branch, verification: 'unknown' };
  }
  // One call per token: the same token found in a page, its bundle and its source map is asked
  // once, and every branch that found it reads that one answer.
  const key = JSON.stringify([request.method, request.url, request.headers ?? {}, request.body ?? '']);
  let call = verifyCalls.get(key);
  if (call === undefined) {
    if (budget.left <= 0) {
      budget.dropped.set(step.id, (budget.dropped.get(step.id) ?? 0) + 1);
      return { ...branch, verification: 'unknown' };
    }
    budget.left--;
    call = transport.send(request);
    verifyCalls.set(key, call);
  }
  let response: HttpResponse;
  try {
    response = await call;
  } catch (error) {
    const failure: ProbeFailure =
      error instanceof ProbeError
        ? { ruleId: rule.id, step: step.id, url: error.url, code: error.code, message: error.message }
        : { ruleId: rule.id, step: step.id, url: request.url, code: 'DL_RULE_RUNTIME', message: String(error) };
    failures.push(failure);
    trace.push({ step: step.id, method: request.method, url: request.url, error: `${failure.code}: ${failure.message}`, stopped: 'verification failed: unknown' });
    return { ...branch, verification: 'unknown' };
  }
  const current = toResponseDocument(response);
  const document = documentFor(base, { ...branch, steps: withEntry(branch.steps, step.id, current) }, current, site);
  const match = step.match ? evaluateMatcher(step.match, current, document) : { matcher: 'status 2xx', ok: response.status >= 200 && response.status < 300 };
  const verification: Verification = match.unknown !== undefined ? 'unknown' : match.ok ? 'verified' : 'unverified';
  trace.push({ step: step.id, method: request.method, url: request.url, status: response.status, match, stopped: `token ${verification}` });
  return { ...branch, verification };
}

/** A discovered step's branch: the crawl's document stands for the answer; nothing is sent. */
function readDocument(step: Step, branch: Branch, reading: DiscoveredDocument, context: StepContext): Branch | null {
  const { reading: _done, ...rest } = branch;
  const request: HttpRequest = { method: 'GET', url: reading.url };
  const response: HttpResponse = {
    requestedUrl: reading.url,
    url: reading.url,
    status: reading.status,
    statusText: '',
    headers: reading.headers,
    body: reading.body,
    truncated: reading.truncated,
    bytes: reading.body.length,
    redirects: [],
    durationMs: 0,
    fromCache: true,
  };
  return evaluateStep(step, { ...rest, variables: withEntry<JSONValue>(rest.variables, 'discovered', { kind: reading.kind, url: reading.url }) }, request, response, context);
}

/** Extractors and matchers of one step on the answer it got (or the document it read). */
function evaluateStep(step: Step, branch: Branch, request: HttpRequest, response: HttpResponse, { rule, base, site, failures, trace, keepTrace, stepReads, rejectProof }: StepContext): Branch | null {
  const current = toResponseDocument(response);
  const early = step.match !== undefined && step.extract.length > 0 ? missBeforeExtraction(step.match, current) : undefined;
  if (early !== undefined) {
    trace.push({ step: step.id, method: request.method, url: request.url, status: response.status, extracted: {}, match: early, stopped: 'match did not hold (so the extractors were not run)' });
    return null;
  }
  const steps = withEntry(branch.steps, step.id, keptForLaterSteps(current, step.id, stepReads));
  const variables = { ...branch.variables };
  const extracted: Record<string, JSONValue> = {};
  for (const extractor of step.extract) {
    const value = runExtractor(extractor, current, documentFor(base, { ...branch, variables, steps }, current, site));
    variables[extractor.name] = value;
    extracted[extractor.name] = extractor.secret ? maskedValue(value) : value;
  }
  const next: Branch = { variables, steps, urls: [...branch.urls, response.url] };
  // Built when a json matcher or the finding needs it: a probe that misses on its status never does.
  let built: JSONValue | undefined;
  const document = (): JSONValue => (built ??= documentFor(base, next, current, site));
  const stepTrace: StepTrace = { step: step.id, method: request.method, url: request.url, status: response.status, extracted };
  trace.push(stepTrace);
  if (step.match) {
    // The same verdict either way (tests/fuzz/match-verdict); the trace costs a description of
    // every matcher and runs every child of an `all` that already missed.
    const verdict = keepTrace ? evaluateMatcher(step.match, current, document) : judgeMatcher(step.match, current, document);
    if (keepTrace) stepTrace.match = verdict as MatchTrace;
    const { unknown } = verdict;
    if (unknown !== undefined) {
      // Neither a match nor a miss: the rule could not decide, which is its failure, not "clean".
      failures.push({ ruleId: rule.id, step: step.id, url: response.url, code: 'DL_RULE_RUNTIME', message: `step ${step.id}: match is unknown: ${unknown}` });
      stepTrace.stopped = 'match is unknown (an expression failed)';
      return null;
    }
    if (!verdict.ok) {
      stepTrace.stopped = 'match did not hold';
      return null;
    }
  }
  if (rejectProof !== undefined) {
    const rejected = rejectProof(response);
    if (rejected !== undefined) {
      trace.push({ step: 'finding', url: response.url, status: response.status, stopped: `finding dropped: ${rejected}` });
      return null;
    }
  }
  next.last = { request, response, document: document() };
  return next;
}

/** A secret extractor's value as traces show it: every string masked, the shape kept. */
function maskedValue(value: JSONValue): JSONValue {
  if (typeof value === 'string') return tokenFingerprint(value);
  if (Array.isArray(value)) return value.map(maskedValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskedValue(item as JSONValue)]));
  return value;
}
