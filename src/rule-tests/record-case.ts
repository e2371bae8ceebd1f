import type { HttpRequest, HttpResponse, Transport } from '../core/http-types.js';
import { isCredentialHeader, maskSecrets } from '../core/redact.js';
import { runRule } from '../engine/run-rule.js';
import type { Rule } from '../engine/rule-schema.js';
import type { Exchange, RuleCase } from './case-schema.js';
import { caseTarget, runCase } from './run-cases.js';

/**
 * Response headers never written: cookies (sessions), and what changes on every answer or only
 * describes the connection. Any other header may be what a rule's matcher reads.
 */
const droppedHeaders = new Set(['set-cookie', 'date', 'etag', 'expires', 'age', 'last-modified', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'x-request-id', 'cf-ray', 'report-to', 'nel', 'server-timing']);

/** Bodies are cut to this many characters when the rule still decides the same on the cut case. */
export const trimmedBodyLength = 4000;

/** Wraps a transport and keeps every exchange that got an answer, once per method and URL. */
export class RecordingTransport implements Transport {
  readonly exchanges: { request: HttpRequest; response: HttpResponse }[] = [];
  constructor(private readonly inner: Transport) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const response = await this.inner.send(request);
    if (!this.exchanges.some((entry) => entry.request.method === request.method && entry.request.url === request.url)) this.exchanges.push({ request, response });
    return response;
  }

  // In scope only if it parses (core/http-types: the engine does not parse an in-scope URL again).
  isInScope(url: string): boolean {
    return this.inner.isInScope ? this.inner.isInScope(url) : URL.canParse(url);
  }
}

export interface RecordedCase {
  ruleCase: RuleCase;
  /** Whether the rule fired on the live site (the case's `expect`). */
  fired: boolean;
  /** Bodies were cut to `trimmedBodyLength` (the cut case replays to the same answer). */
  trimmed: boolean;
  /** Set when even the untrimmed, masked case does not replay as the live run went. */
  replayProblems: string[];
}

/**
 * Runs one rule against a live site through `transport` and turns what it exchanged into a case:
 * origins rewritten to the case target, secrets masked, cookies and noise headers dropped, and bodies
 * cut when the cut case still replays to the same outcome.
 */
export async function recordCase(rule: Rule, target: string, transport: Transport, name: string): Promise<RecordedCase> {
  const recorder = new RecordingTransport(transport);
  const outcome = await runRule(rule, { target, transport: recorder });
  const fired = outcome.findings.length > 0;
  const origin = new URL(target).origin;
  // JSON from PHP escapes slashes ("http:\/\/host\/?p=8"): both spellings are rewritten.
  const escaped = (text: string): string => text.replaceAll('/', '\\/');
  const rewrite = (text: string): string => text.split(origin).join(caseTarget).split(escaped(origin)).join(escaped(caseTarget));
  const build = (limit: number | undefined): RuleCase => ({
    name,
    expect: fired ? 'finding' : 'none',
    findings: outcome.findings.map((finding) => ({
      ...(new URL(finding.url).origin === origin ? { path: rewrite(finding.url).slice(caseTarget.length) || '/' } : { url: finding.url }),
      items: finding.items.slice(0, 5).map((item) => JSON.parse(maskSecrets(rewrite(JSON.stringify(item)))) as Record<string, string>),
      exact: false,
    })),
    // Recording runs the rule alone, without a crawl: a discovered step reads nothing here.
    not_named: [],
    discovered: [],
    verify_tokens: false,
    exchanges: recorder.exchanges.map(({ request, response }) => toExchange(request, response, origin, rewrite, limit)),
  });
  // No body is written to a file beside the case, so the folder the replay reads from is moot.
  const caseDir = process.cwd();
  const trimmed = build(trimmedBodyLength);
  if ((await runCase(rule, trimmed, caseDir)).passed) return { ruleCase: trimmed, fired, trimmed: true, replayProblems: [] };
  const whole = build(undefined);
  const replay = await runCase(rule, whole, caseDir);
  return { ruleCase: whole, fired, trimmed: false, replayProblems: replay.passed ? [] : replay.problems };
}

function toExchange(request: HttpRequest, response: HttpResponse, origin: string, rewrite: (text: string) => string, limit: number | undefined): Exchange {
  const headers = Object.fromEntries(
    Object.entries(response.headers)
      .filter(([key]) => !droppedHeaders.has(key) && !isCredentialHeader(key))
      .map(([key, value]) => [key, maskSecrets(rewrite(value))]),
  );
  const binary = /^(image|audio|video|font|application\/(pdf|octet-stream|zip|gzip|wasm))/.test(headers['content-type'] ?? '');
  const text = binary ? '' : maskSecrets(rewrite(response.body));
  const body = limit !== undefined && text.length > limit ? text.slice(0, limit) : text;
  const sameOrigin = new URL(request.url).origin === origin;
  return {
    request: { method: request.method, ...(sameOrigin ? { path: rewrite(request.url).slice(caseTarget.length) || '/' } : { url: maskSecrets(request.url) }) },
    response: { status: response.status, headers, ...(body.length > 0 ? { body } : {}) },
  };
}
