import type { Finding, TargetResult } from '../../src/core/finding.js';
import type { ScanResult } from '../../src/core/scan-result.js';
import type { Severity } from '../../src/core/severity.js';
import { cleanTarget, rules, scanResult } from './fixtures.js';

/**
 * Generated scan results past GitHub's SARIF limits: many targets, many findings, big bodies.
 * Deterministic (a seeded generator), so sizes and cut points are the same on every run.
 */

const severities: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** A small linear congruential generator: the same "random" text on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Text that gzip cannot shrink much: random words of random letters, no token-like runs. */
export function noisyText(length: number, seed: number): string {
  const next = seeded(seed);
  let out = '';
  while (out.length < length) {
    const word = Array.from({ length: 3 + Math.floor(next() * 6) }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');
    out += `${word} `;
  }
  return out.slice(0, length);
}

export function manyTargets(count: number): ScanResult {
  const targets: TargetResult[] = Array.from({ length: count }, (_, i) => ({
    ...cleanTarget,
    target: `https://site-${String(i + 1).padStart(3, '0')}.example.org/`,
    failures: [],
  }));
  return scanResult(targets);
}

/** One target with `count` findings over the fixture rules, severities mixed, each with `bodyBytes` of body. */
export function manyFindings(count: number, bodyBytes = 40): ScanResult {
  const findings: Finding[] = Array.from({ length: count }, (_, i) => {
    const rule = rules[i % rules.length];
    const url = `https://big.example.org/wp-json/wp/v2/posts/${i}`;
    return {
      ruleId: rule?.id ?? 'wp-rest-drafts',
      severity: severities[i % severities.length] ?? 'info',
      confidence: 'high',
      target: 'https://big.example.org/',
      url,
      urls: [url],
      message: `Exposure number ${i}`,
      items: [{ id: String(i), status: 'draft' }],
      request: { method: 'GET', url, headers: {} },
      response: { status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, bodyExcerpt: noisyText(bodyBytes, i + 1) },
      fingerprint: `fp-${String(i).padStart(8, '0')}`,
    };
  });
  return scanResult([{ ...cleanTarget, target: 'https://big.example.org/', findings, failures: [] }]);
}
