import { http, HttpResponse as MswResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ProbeError } from '../../src/core/errors.js';
import type { HttpResponse, Transport } from '../../src/core/http-types.js';
import { builtinRulesDir, loadRules, parseRuleText, runRule, type Rule } from '../../src/engine/index.js';
import { checkedRegex, compileRegex, maxRegexMatches, maxRegexTextLength, UnsupportedRegexError } from '../../src/engine/safe-regex.js';
import { detectCms, loadFingerprints, parseFingerprintText } from '../../src/fingerprint/index.js';
import { MswTransport } from '../support/msw-transport.js';

// The pathological pages below made the old backtracking regexes run for minutes; vitest's
// timeout is the guard here (speed itself is measured in the benchmarks, not asserted).

const target = 'http://127.0.0.1:65535';
const { fingerprints: loadedFingerprints, errors: fingerprintErrors } = await loadFingerprints();
const fingerprints = loadedFingerprints.map((entry) => entry.fingerprint);

function page(body: string, url = `${target}/`): HttpResponse {
  return {
    requestedUrl: url,
    url,
    status: 200,
    statusText: 'OK',
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body,
    truncated: false,
    bytes: Buffer.byteLength(body),
    redirects: [],
    durationMs: 0,
  };
}

/** Probes find nothing: detection rests on the page alone. */
const noProbes: Transport = {
  send: (request) => Promise.reject(new ProbeError('DL_CONNECTION_FAILED', request.url, 'no probes in this test')),
};

/** `<meta name="generator" ` over and over with no `>`: cubic for `<meta\s[^>]*name=…[^>]*content=…`. */
function metaWithoutEnd(bytes: number): string {
  const unit = '<meta name="generator" data-a="b" ';
  return unit.repeat(Math.ceil(bytes / unit.length));
}

describe('regexes of built-in fingerprints on hostile pages', () => {
  it('loads every built-in fingerprint (all patterns run on RE2)', () => {
    expect(fingerprintErrors.map((error) => error.message)).toEqual([]);
  });

  it('gets through 92 KB of <meta attributes without a closing > and detects nothing', async () => {
    const result = await detectCms({ target, responses: [page(`<html><head>${metaWithoutEnd(92_000)}`)], transport: noProbes, fingerprints });
    expect(result.detections).toEqual([]);
  });

  it('still reads the generator and its version after that junk', async () => {
    const body = `<html><head>${metaWithoutEnd(92_000)}<meta name="generator" content="Ghost 5.87"></head><body></body></html>`;
    const result = await detectCms({ target, responses: [page(body)], transport: noProbes, fingerprints });
    const ghost = result.detections.find((detection) => detection.cms === 'ghost');
    expect(ghost?.version).toBe('5.87');
    expect(ghost?.signals).toContain('generator-meta: Ghost 5.87');
  });

  it('gets through a version of 200,000 dots (trimming trailing dots must not backtrack)', async () => {
    const body = `<meta name="generator" content="WordPress 6${'.'.repeat(200_000)}1">`;
    const result = await detectCms({ target, responses: [page(body)], transport: noProbes, fingerprints });
    const wordpress = result.detections.find((detection) => detection.cms === 'wordpress');
    expect(wordpress?.version).toBe(`6${'.'.repeat(38)}…`);
  });

  it('tells a Prismic repository host from static.cdn.prismic.io without lookahead', async () => {
    const signalsOf = async (host: string) => {
      const body = `<script src="https://static.cdn.prismic.io/prismic.js"></script><script>fetch("https://${host}.cdn.prismic.io/api/v2")</script>`;
      const result = await detectCms({ target, responses: [page(body)], transport: noProbes, fingerprints });
      return result.detections.find((detection) => detection.cms === 'prismic')?.signals ?? [];
    };
    expect(await signalsOf('static')).toEqual(['toolbar']);
    for (const repository of ['stat', 'statics', 'stadium', 'my-repo', 's']) {
      expect(await signalsOf(repository)).toContain(`repository-api: ${repository}.cdn.prismic.io`);
    }
  });
});

describe('regexes of built-in rules on hostile pages', async () => {
  const { rules } = await loadRules([builtinRulesDir]);
  const previewRule = rules.find((entry) => entry.rule.id === 'ghost-preview-link-leaked')?.rule as Rule;
  const link = `${target}/p/4f1c2a9e-3b7d-4c55-9a0e-1d2b3c4d5e6f/`;
  const run = (body: string) =>
    runRule(previewRule, {
      target,
      site: { preview_links: [link] },
      transport: new MswTransport([http.get(link, () => MswResponse.text(body, { headers: { 'content-type': 'text/html' } }))]),
    });
  const generator = '<html><head><meta name="generator" content="Ghost 5.87"></head>';

  it('gets through a megabyte of <body starts without a closing > (quadratic for <body[^>]*class=)', async () => {
    const outcome = await run(`${generator}${'<body class=x '.repeat(Math.ceil(maxRegexTextLength / 14))}`);
    expect(outcome.failures).toEqual([]);
    expect(outcome.findings).toEqual([]);
  });

  it('still finds the post-template class behind 128 KB of other attributes', async () => {
    const outcome = await run(`${generator}<body${' data-a=b'.repeat(128_000 / 9)} class="post-template tag-news"></body></html>`);
    expect(outcome.findings.map((finding) => finding.urls.at(-1))).toEqual([link]);
  });
});

describe('compileRegex', () => {
  it('keeps the inline (?i) convention and captures groups', () => {
    const regex = compileRegex('(?i)content="Ghost ([0-9]+)\\.([0-9]+)(?:\\.([0-9]+))?"');
    expect(regex.groupCount).toBe(3);
    expect(regex.test('CONTENT="GHOST 5.87"')).toBe(true);
    expect(regex.firstMatch('<meta CONTENT="GHOST 5.87">')).toEqual(['CONTENT="GHOST 5.87"', '5', '87', undefined]);
    expect(compileRegex('content="Ghost').test('CONTENT="GHOST')).toBe(false);
    expect(regex.firstMatch('nothing here')).toBeNull();
  });

  it('lists every match in order, with its groups', () => {
    const matches = compileRegex('<Key>([^<]+)</Key>').allMatches('<Key>a.png</Key><Key>b/c.jpg</Key>');
    expect(matches).toEqual([
      ['<Key>a.png</Key>', 'a.png'],
      ['<Key>b/c.jpg</Key>', 'b/c.jpg'],
    ]);
    expect(compileRegex('x*').allMatches('ab').map((match) => match[0])).toEqual(['', '', '']);
    expect(compileRegex('[0-9]').allMatches('1 2 3', 2)).toEqual([['1'], ['2']]);
  });

  it('reads at most maxRegexTextLength characters and gathers at most maxRegexMatches matches', () => {
    const padding = 'a'.repeat(maxRegexTextLength - 6);
    expect(compileRegex('needle').test(`${padding}needle`)).toBe(true);
    expect(compileRegex('needle').test(`${padding}-needle`)).toBe(false);
    expect(compileRegex('b').allMatches('b'.repeat(maxRegexMatches + 5))).toHaveLength(maxRegexMatches);
  });

  it('refuses what RE2 cannot run, saying what it is', () => {
    const reason = (pattern: string) => {
      try {
        compileRegex(pattern);
        return 'compiled';
      } catch (error) {
        expect(error).toBeInstanceOf(UnsupportedRegexError);
        return (error as Error).message;
      }
    };
    expect(reason('(a)\\1')).toBe('backreference \\1 is not supported: RE2 matches in linear time and has no backreferences');
    expect(reason('(?<n>a)\\k<n>')).toMatch(/^named backreference \\k<…> is not supported/);
    expect(reason('a(?=b)')).toBe('lookahead (?= is not supported: RE2 matches in linear time and has no lookaround');
    expect(reason('a(?!b)')).toBe('lookahead (?! is not supported: RE2 matches in linear time and has no lookaround');
    expect(reason('(?<=a)b')).toBe('lookbehind (?<= is not supported: RE2 matches in linear time and has no lookaround');
    expect(reason('(?<!a)b')).toBe('lookbehind (?<! is not supported: RE2 matches in linear time and has no lookaround');
    expect(reason('a*+')).toBe('possessive quantifier *+ is not supported by RE2');
    expect(reason('(?>a)')).toMatch(/^atomic group \(\?> is not supported/);
    expect(reason('\\u00e9')).toBe('\\u is not RE2 syntax: write a code point as \\x{00e9}');
    expect(reason('(a{100}){100}')).toBe("repeat count {100} is over RE2's limit of 1000 (nested counts multiply)");
    expect(reason('(unclosed')).toBe('missing closing ): `(unclosed`');
    expect(reason('(?P<year>[0-9]{4})')).toBe('compiled');
  });
});

describe('checkedRegex', () => {
  // What matchers and fingerprints use: compiled by the first search of a text holding the
  // pattern's required literal, so a page without it costs no compile (re2js compiles slowly).
  // A pattern RE2 cannot run (refused when rules load) shows when it is compiled.
  it('compiles on the first search that can match, not before', () => {
    const regex = checkedRegex('needle-(?=x)');
    expect(regex.test('no such text')).toBe(false);
    expect(regex.firstMatch('still nothing')).toBeNull();
    expect(regex.allMatches('nothing')).toEqual([]);
    expect(() => regex.test('a needle-x here')).toThrow(UnsupportedRegexError);
    expect(() => compileRegex('other-needle-(?=x)')).toThrow(UnsupportedRegexError);
  });

  it('matches as compileRegex does, and is the same regex for the same pattern', () => {
    const pattern = '(?i)ghost ([0-9]+)';
    expect(checkedRegex(pattern).firstMatch('GHOST 5')).toEqual(compileRegex(pattern).firstMatch('GHOST 5'));
    expect(checkedRegex(pattern)).toBe(compileRegex(pattern));
    expect(checkedRegex('(a)(b)?').groupCount).toBe(2);
  });
});

describe('validation refuses patterns RE2 cannot run, at their line', () => {
  const rule = `id: lookahead-rule
name: Rule with a lookahead
severity: high
confidence: high
cms: [generic]
description: Used to test regex refusals.
remediation: None.
references: [https://example.org/doc]
steps:
  - id: probe
    request:
      path: /x
    extract:
      - name: ids
        regex: 'id=([0-9]+)&id=\\1'
    match:
      all:
        - json: "length(ids) > \`0\`"
        - regex: 'draft(?!ed)'
finding:
  message: "found"
`;

  it('in a rule', () => {
    expect(parseRuleText('/rules/generic/lookahead-rule.yaml', rule).errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^\/rules\/generic\/lookahead-rule\.yaml:15:16: invalid regex: backreference \\1 is not supported: .*\(steps\.0\.extract\.0\.regex\)$/),
      expect.stringMatching(/^\/rules\/generic\/lookahead-rule\.yaml:19:18: invalid regex: lookahead \(\?! is not supported: .*\(steps\.0\.match\.all\.1\.regex\)$/),
    ]);
  });

  it('in a rule: an extractor group the regex does not have', () => {
    const noGroup = rule.replace("regex: 'id=([0-9]+)&id=\\1'", "regex: 'id=[0-9]+'").replace("- regex: 'draft(?!ed)'", "- regex: 'draft'");
    expect(parseRuleText('/rules/generic/lookahead-rule.yaml', noGroup).errors.map((error) => error.message)).toEqual([
      '/rules/generic/lookahead-rule.yaml:14:9: group 1 does not exist: the regex has 0 capture group(s) (steps.0.extract.0.group)',
    ]);
  });

  it('in a fingerprint', () => {
    const fingerprint = `cms: broken
name: Broken
kind: cms
references: [https://example.org/doc]
signals:
  - id: generator
    passive: {}
    match: { regex: '(?<!no-)Broken' }
    version: { regex: 'Broken ([0-9.]+) \\1' }
    weight: 0.5
`;
    expect(parseFingerprintText('/rules/broken/fingerprint.yaml', fingerprint).errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^\/rules\/broken\/fingerprint\.yaml:8:21: invalid regex: lookbehind \(\?<! is not supported: .*\(signals\.0\.match\.regex\)$/),
      expect.stringMatching(/^\/rules\/broken\/fingerprint\.yaml:9:23: invalid regex: backreference \\1 is not supported: .*\(signals\.0\.version\.regex\)$/),
    ]);
  });
});
