import type { Finding, TargetResult } from '../../src/core/finding.js';
import type { RuleMeta } from '../../src/core/rule-meta.js';
import type { ScanResult } from '../../src/core/scan-result.js';
import type { Severity } from '../../src/core/severity.js';

/**
 * Hand-built scan results. The first target leaks at every severity, including one file on an
 * allowed asset host and one URL outside the target path; its critical finding carries
 * credentials that every renderer must strip. The second target is clean but had a probe fail.
 */

/** Strings that must never appear in any rendered report. */
export const secrets = {
  bearer: 'abcdefghijklmnopqrstuvwxyz0123',
  cookie: 'cookiesecretvalue987',
  body: 'supersecretvalue123',
  query: 'urlsecretvalue456',
  setCookie: 'setcookiesecret555',
} as const;

function rule(id: string, severity: Severity, overrides: Partial<RuleMeta> = {}): RuleMeta {
  return {
    id,
    name: `Rule ${id}`,
    severity,
    confidence: 'high',
    cms: ['wordpress'],
    tags: ['exposure:draft'],
    cwe: ['CWE-200'],
    description: `Description of ${id}.`,
    remediation: `Fix ${id}.`,
    references: [`https://docs.example.com/${id}`, 'https://owasp.org/Top10/A01_2021-Broken_Access_Control/'],
    ...overrides,
  };
}

export const rules: RuleMeta[] = [
  rule('wp-rest-drafts', 'critical', { confidence: 'very-high' }),
  rule('strapi-draft-entries', 'high', { cms: ['strapi'], cwe: [] }),
  rule('wp-draft-media', 'medium', { confidence: 'medium' }),
  rule('wp-preview-links', 'low', { confidence: 'low' }),
  rule('generic-sitemap-scheduled', 'info', {
    cms: ['generic', 'wordpress', 'ghost'],
    tags: Array.from({ length: 25 }, (_, i) => `tag-${i}`),
  }),
];

function finding(overrides: Partial<Finding> & Pick<Finding, 'ruleId' | 'severity' | 'url'>): Finding {
  return {
    confidence: 'high',
    target: 'https://example.com/blog',
    urls: [overrides.url],
    message: `Exposure by ${overrides.ruleId}`,
    items: [{ id: '1', status: 'draft' }],
    request: { method: 'GET', url: overrides.url, headers: { accept: 'application/json' } },
    response: { status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, bodyExcerpt: '[]' },
    fingerprint: `fp-${overrides.ruleId}`,
    ...overrides,
  };
}

export const leakyTarget: TargetResult = {
  target: 'https://example.com/blog',
  startedAt: '2025-05-01T10:00:00.000Z',
  endedAt: '2025-05-01T10:00:05.000Z',
  findings: [
    // Deliberately out of severity order: renderers sort.
    finding({ ruleId: 'wp-draft-media', severity: 'medium', url: 'https://cdn.example.net/uploads/2024/05/draft.png' }),
    finding({
      ruleId: 'wp-rest-drafts',
      severity: 'critical',
      confidence: 'very-high',
      url: 'https://example.com/blog/wp-json/wp/v2/posts?status=draft',
      message: 'Draft posts are readable anonymously',
      items: Array.from({ length: 7 }, (_, i) => ({
        id: String(100 + i),
        status: 'draft',
        date: '2025-04-30',
        url: `https://example.com/blog/?p=${100 + i}`,
      })),
      request: {
        method: 'GET',
        url: `https://example.com/blog/wp-json/wp/v2/posts?status=draft&access_token=${secrets.query}`,
        headers: { authorization: `Bearer ${secrets.bearer}`, cookie: `wordpress_logged_in=${secrets.cookie}` },
      },
      response: {
        status: 200,
        statusText: 'OK',
        headers: { 'content-type': 'application/json', 'set-cookie': `sid=${secrets.setCookie}` },
        bodyExcerpt: `[{"id":100,"status":"draft","link":"/blog/?p=100&token=${secrets.body}"}]`,
      },
      fingerprint: '3f2a9c0d1e4b5a6f',
    }),
    finding({ ruleId: 'generic-sitemap-scheduled', severity: 'info', url: 'https://example.com/blog/sitemap.xml' }),
    finding({ ruleId: 'wp-preview-links', severity: 'low', url: 'https://example.com/?p=42&preview=true' }),
    finding({ ruleId: 'strapi-draft-entries', severity: 'high', url: 'https://example.com/blog/api/articles?status=draft' }),
  ],
  failures: [
    {
      ruleId: 'wp-rest-drafts',
      url: 'https://example.com/blog/wp-json/wp/v2/pages?status=draft',
      code: 'DL_HEADERS_TIMEOUT',
      message: 'no headers within 10s',
    },
  ],
  rulesRun: rules.map((r) => r.id),
  requestsSent: 23,
  executionSuccessful: true,
};

export const cleanTarget: TargetResult = {
  target: 'https://clean.example.org/',
  startedAt: '2025-05-01T10:00:00.000Z',
  endedAt: '2025-05-01T10:00:02.000Z',
  findings: [],
  failures: [
    { url: 'https://clean.example.org/ghost/api/content/posts/', code: 'DL_CONNECT_TIMEOUT', message: 'connect timed out' },
  ],
  rulesRun: rules.map((r) => r.id),
  requestsSent: 9,
  executionSuccessful: true,
};

export function scanResult(targets: TargetResult[] = [leakyTarget, cleanTarget]): ScanResult {
  return {
    tool: { name: 'draftleak', version: '0.1.0', informationUri: 'https://github.com/draftleak/draftleak' },
    rules,
    targets,
    commandLine: 'draftleak scan https://example.com/blog https://clean.example.org/ --format sarif',
  };
}
