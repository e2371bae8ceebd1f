import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { HttpRequest, HttpResponse, Transport } from '../../../src/core/http-types.js';
import { builtinRulesDir, loadRules, runRule } from '../../../src/engine/index.js';
import type { JSONValue } from '../../../src/engine/expression.js';
import { createUndiciTransport } from '../../../src/http/index.js';
import { caseFileSchema, type CaseFile, type RuleCase } from '../../../src/rule-tests/case-schema.js';
import { caseTarget, recordedCaseFileFor } from '../../../src/rule-tests/run-cases.js';

/** Response headers worth keeping in a recording; the rest (dates, cookies, etags) is noise. */
const keptHeaders = new Set(['content-type', 'x-powered-by', 'server', 'link', 'location', 'x-wp-total', 'x-wp-totalpages', 'strapi', 'x-generator', 'x-ghost-cache-status', 'access-control-allow-origin']);
/** Bodies longer than this go to a file beside the case file. */
const inlineLimit = 1500;

interface Recorded {
  request: HttpRequest;
  response: HttpResponse;
}

/** Wraps a transport and keeps every exchange that got an answer. */
class RecordingTransport implements Transport {
  readonly exchanges: Recorded[] = [];
  constructor(private readonly inner: Transport) {}
  async send(request: HttpRequest): Promise<HttpResponse> {
    const response = await this.inner.send(request);
    if (!this.exchanges.some((entry) => entry.request.method === request.method && entry.request.url === request.url)) {
      this.exchanges.push({ request, response });
    }
    return response;
  }
}

export interface RecordOptions {
  ruleId: string;
  cms: string;
  version: string;
  /** The lab state, e.g. "default" or "misconfig rest-drafts". */
  state: string;
  baseUrl: string;
  expect: 'finding' | 'none';
  site?: JSONValue;
  allowHosts?: string[];
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Runs one rule against a live lab instance, records every exchange, and writes (or replaces) a
 * case in `<id>.recorded.cases.yaml`, so offline rule tests rest on real responses. Origins are
 * rewritten to the case target. Refuses to record a case whose outcome is not the expected one.
 */
export async function recordRuleCase(options: RecordOptions): Promise<void> {
  const { rules } = await loadRules([builtinRulesDir]);
  const loaded = rules.find(({ rule }) => rule.id === options.ruleId);
  if (!loaded) throw new Error(`no built-in rule ${options.ruleId}`);
  const undici = createUndiciTransport({ target: options.baseUrl, allowedHosts: options.allowHosts ?? [], rateLimitPerHost: 50 });
  const transport = new RecordingTransport(undici);
  const origin = new URL(options.baseUrl).origin;
  // JSON from PHP (WordPress) escapes slashes: "http:\/\/127.0.0.1:8081\/?p=8". Rewrite both forms.
  const escaped = (text: string) => text.replaceAll('/', '\\/');
  const rewrite = (text: string) => text.split(origin).join(caseTarget).split(escaped(origin)).join(escaped(caseTarget));
  try {
    // The live run sees the site as discovered (real origin); only the written case is rewritten.
    const outcome = await runRule(loaded.rule, { target: options.baseUrl, transport, ...(options.site ? { site: options.site } : {}) });
    const fired = outcome.findings.length > 0 ? 'finding' : 'none';
    if (fired !== options.expect) throw new Error(`${options.ruleId} on ${options.cms} ${options.state}: expected ${options.expect}, got ${fired}`);
    const caseFile = recordedCaseFileFor(loaded.file);
    const dir = path.dirname(caseFile);
    const name = `lab ${options.cms} ${options.version}: ${options.state}`;
    const exchanges = [];
    let index = 0;
    for (const { request, response } of transport.exchanges) {
      index += 1;
      const headers = Object.fromEntries(Object.entries(response.headers).filter(([key]) => keptHeaders.has(key)).map(([key, value]) => [key, rewrite(value)]));
      const binary = /^(image|audio|video|application\/(pdf|octet-stream|zip|gzip))/.test(headers['content-type'] ?? '');
      const body = binary ? '' : rewrite(response.body);
      const sameOrigin = new URL(request.url).origin === origin;
      const exchangeRequest = { method: request.method, ...(sameOrigin ? { path: rewrite(request.url).slice(caseTarget.length) || '/' } : { url: request.url }) };
      let bodyField: Record<string, string> = body.length > 0 ? { body } : {};
      if (body.length > inlineLimit) {
        // Named by content, so identical bodies (a CMS's 404 page answered to many probes) are stored once.
        const bodyFile = path.join('recordings', options.ruleId, `${slug(options.cms)}-${createHash('sha256').update(body).digest('hex').slice(0, 12)}.txt`);
        await mkdir(path.join(dir, path.dirname(bodyFile)), { recursive: true });
        await writeFile(path.join(dir, bodyFile), body);
        bodyField = { body_file: bodyFile };
      }
      exchanges.push({ request: exchangeRequest, response: { status: response.status, headers, ...bodyField } });
    }
    const findings = outcome.findings.map((finding) => ({
      path: rewrite(finding.url).slice(caseTarget.length),
      items: finding.items.slice(0, 5).map((item) => JSON.parse(rewrite(JSON.stringify(item))) as Record<string, string>),
    }));
    const ruleCase = {
      name,
      expect: options.expect,
      ...(findings.length > 0 ? { findings } : {}),
      ...(options.site ? { site: JSON.parse(rewrite(JSON.stringify(options.site))) as Record<string, unknown> } : {}),
      exchanges,
    };
    let existing: CaseFile = {
      rule: options.ruleId,
      source: 'Recorded by tests/lab from real CMS instances on loopback (npm run test:lab with DRAFTLEAK_RECORD=1); the CMS version is in each case name.',
      cases: [],
    };
    try {
      existing = caseFileSchema.parse(parseYaml(await readFile(caseFile, 'utf8')));
    } catch {
      // No recording yet: start the file.
    }
    const cases = [...existing.cases.filter((entry) => entry.name !== name), ruleCase as RuleCase];
    const text = stringifyYaml({ rule: existing.rule, source: existing.source, cases }, { lineWidth: 0 });
    await writeFile(caseFile, `# yaml-language-server: $schema=../../schemas/cases.schema.json\n${text}`);
  } finally {
    await undici.close();
  }
}

/** True when the lab run should also write recordings. */
export const recording = process.env.DRAFTLEAK_RECORD === '1';
