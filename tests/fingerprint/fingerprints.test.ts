import { tempDir } from '../support/temp-dir.js';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ProbeError } from '../../src/core/errors.js';
import type { HttpRequest, HttpResponse, Transport } from '../../src/core/http-types.js';
import { loadRules, builtinRulesDir } from '../../src/engine/index.js';
import {
  detectCms,
  fingerprintsDir,
  formatDetections,
  loadFingerprints,
  parseFingerprintText,
  runFingerprintCases,
  type Detection,
  type FingerprintCasesResult,
} from '../../src/fingerprint/index.js';

const { fingerprints: loaded, errors } = await loadFingerprints();
const all = loaded.map((entry) => entry.fingerprint);

/** Case names, read up front so that each case becomes its own vitest test. */
const caseNames = new Map<string, string[]>();
for (const { fingerprint, file } of loaded) {
  try {
    const parsed = parseYaml(readFileSync(file.replace(/\.yaml$/, '.cases.yaml'), 'utf8')) as { cases?: { name?: string }[] };
    caseNames.set(fingerprint.cms, (parsed.cases ?? []).map((entry) => entry.name ?? '(unnamed)'));
  } catch {
    caseNames.set(fingerprint.cms, ['(no case file)']);
  }
}

/** Every case of every fingerprint, run once with all fingerprints (as a scan runs them). */
const results = new Map<string, Promise<FingerprintCasesResult>>();
function casesOf(cms: string): Promise<FingerprintCasesResult> {
  let result = results.get(cms);
  if (!result) {
    const entry = loaded.find((candidate) => candidate.fingerprint.cms === cms);
    if (!entry) throw new Error(`no fingerprint ${cms}`);
    result = runFingerprintCases(entry.fingerprint, entry.file, all);
    results.set(cms, result);
  }
  return result;
}

function response(url: string, status: number, body = '', headers: Record<string, string> = {}): HttpResponse {
  return {
    requestedUrl: url,
    url,
    status,
    statusText: '',
    headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
    body,
    truncated: false,
    bytes: Buffer.byteLength(body),
    redirects: [],
    durationMs: 0,
  };
}

/** A server that answers 404 to everything and counts what it was asked. */
class CountingTransport implements Transport {
  readonly requests: HttpRequest[] = [];
  constructor(private readonly answer: (request: HttpRequest) => HttpResponse | Error = (request) => response(request.url, 404, '<h1>Not Found</h1>')) {}
  async send(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    const answer = this.answer(request);
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

const target = 'https://www.example.org';

describe('fingerprints', () => {
  it('all load without problems', () => {
    expect(errors.map((error) => error.message)).toEqual([]);
    const ids = all.map((fingerprint) => fingerprint.cms);
    for (const required of [
      'wordpress', 'drupal', 'joomla', 'ghost', 'strapi', 'directus', 'payload', 'keystone', 'contentful', 'sanity',
      'storyblok', 'prismic', 'hygraph', 'datocms', 'contentstack', 'kontent-ai', 'aem', 'sitecore', 'umbraco', 'craft',
      'typo3', 'statamic', 'kentico', 'magnolia', 'bolt', 'nextjs', 'nuxt', 'gatsby', 'astro',
    ]) {
      expect(ids).toContain(required);
    }
  });

  it('keep the always-sent probes to a handful', () => {
    const always = all.flatMap((fingerprint) => fingerprint.signals.filter((signal) => signal.probe?.always).map((signal) => `${fingerprint.cms}:${signal.probe?.path}`));
    expect(always.length).toBeGreaterThan(0);
    expect(new Set(always.map((entry) => entry.split(':').slice(1).join(':'))).size).toBeLessThanOrEqual(12);
  });

  it('are not mistaken for rules by the rule loader', async () => {
    const { errors: ruleErrors } = await loadRules([builtinRulesDir]);
    expect(ruleErrors.filter((error) => /fingerprint/.test(error.file)).map((error) => error.message)).toEqual([]);
  });

  for (const { fingerprint } of loaded) {
    describe(fingerprint.cms, () => {
      it('has a case file with must-match and must-not-match cases', async () => {
        const result = await casesOf(fingerprint.cms);
        expect(result.problems).toEqual([]);
        expect(result.cases.length).toBeGreaterThanOrEqual(2);
      });

      it('every must-match case detects no unrelated CMS', async () => {
        const result = await casesOf(fingerprint.cms);
        const unrelated = result.cases.filter((entry) => entry.expect === 'match').flatMap((entry) => entry.unrelated.map((other) => `${entry.name}: ${other}`));
        expect(unrelated).toEqual([]);
      });

      // One vitest test per case; the names are only known once the case file is read.
      it.each(caseNames.get(fingerprint.cms) ?? ['(no cases)'])('case: %s', async (name) => {
        const result = await casesOf(fingerprint.cms);
        const entry = result.cases.find((candidate) => candidate.name === name);
        expect(entry, `case "${name}" ran`).toBeDefined();
        if (!entry || entry.todo) return;
        expect(entry.problems).toEqual([]);
        expect(entry.probesSent).toBeLessThanOrEqual(30);
      });
    });
  }
});

describe('fingerprint loading', () => {
  const valid = `cms: broken
name: Broken
kind: cms
references: [https://example.org/doc]
signals:
  - id: generator
    passive: {}
    match: { regex: 'Broken ([0-9.]+)' }
    weight: 0.5
`;

  it('accepts a valid fingerprint', () => {
    expect(parseFingerprintText('/rules/broken/fingerprint.yaml', valid).errors).toEqual([]);
  });

  it('reports a CSS selector css-select cannot compile, with its position', () => {
    const broken = valid.replace("match: { regex: 'Broken ([0-9.]+)' }", "match: { any: [{ regex: 'Broken' }, { css: 'meta[name' }] }");
    expect(parseFingerprintText('/rules/broken/fingerprint.yaml', broken).errors.map((error) => error.message)).toEqual([
      "/rules/broken/fingerprint.yaml:8:48: invalid CSS selector: Attribute selector didn't terminate (signals.0.match.any.1.css)",
    ]);
  });

  it('reports a typo, a bad regex, a version regex without a group and a wrong folder with file:line:column', () => {
    const typo = valid.replace('    passive: {}', '    pasive: {}');
    expect(parseFingerprintText('/rules/broken/fingerprint.yaml', typo).errors.map((error) => error.message)).toEqual([
      '/rules/broken/fingerprint.yaml:7:5: unknown key "pasive" (did you mean "passive"?) (signals.0.pasive)',
      '/rules/broken/fingerprint.yaml:6:5: give exactly one of passive or probe (signals.0)',
    ]);
    const semantic = valid
      .replace("match: { regex: 'Broken ([0-9.]+)' }", "match: { regex: '(unclosed' }\n    version: { regex: 'Broken [0-9.]+' }")
      .replace('cms: broken', 'cms: other');
    expect(parseFingerprintText('/rules/broken/fingerprint.yaml', semantic).errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^\/rules\/broken\/fingerprint\.yaml:8:21: invalid regex: .*\(signals\.0\.match\.regex\)$/),
      '/rules/broken/fingerprint.yaml:9:23: a version regex needs a capture group around the version (signals.0.version.regex)',
      '/rules/broken/fingerprint.yaml:1:6: cms "other" must equal the folder name "broken" (cms)',
    ]);
  });

  it('an alias bomb is refused as unreadable YAML, naming the file, instead of expanding', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, index) => `${String.fromCharCode(98 + index)}: &${String.fromCharCode(98 + index)} [*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)}]`), `${valid}`].join('\n');
    const errors = parseFingerprintText('/rules/broken/fingerprint.yaml', bomb).errors.map((error) => error.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\/rules\/broken\/fingerprint\.yaml:1:1: the YAML cannot be read: /);
  });

  it('refuses a signal that is both passive and a probe, and a weight above 1', () => {
    const both = valid.replace('    passive: {}', '    passive: {}\n    probe: { path: /x }').replace('weight: 0.5', 'weight: 1.5');
    const messages = parseFingerprintText('/rules/broken/fingerprint.yaml', both).errors.map((error) => error.message);
    expect(messages).toEqual([
      '/rules/broken/fingerprint.yaml:10:13: Too big: expected number to be <=1 (signals.0.weight)',
      '/rules/broken/fingerprint.yaml:6:5: give exactly one of passive or probe (signals.0)',
    ]);
  });

  it('collects problems of every file under a folder, each with its position', async () => {
    const root = await tempDir('fingerprints');
    await mkdir(path.join(root, 'broken'));
    await mkdir(path.join(root, 'fine'));
    await writeFile(path.join(root, 'broken', 'fingerprint.yaml'), valid.replace('kind: cms', 'kind: blog'));
    await writeFile(path.join(root, 'fine', 'fingerprint.yaml'), valid.replace('cms: broken', 'cms: fine'));
    await writeFile(path.join(root, 'fine', 'fingerprint.cases.yaml'), 'not: a fingerprint');
    const { fingerprints, errors: loadErrors } = await loadFingerprints([root]);
    expect(fingerprints.map((entry) => entry.fingerprint.cms)).toEqual(['fine']);
    expect(loadErrors.map((error) => error.message)).toEqual([
      expect.stringMatching(new RegExp(`^${path.join(root, 'broken', 'fingerprint.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:7: .*\\(kind\\)$`)),
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(parseFingerprintText('/rules/broken/fingerprint.yaml', 'cms: [unclosed\n').errors[0]?.message).toMatch(/^\/rules\/broken\/fingerprint\.yaml:\d+:\d+: /);
  });

  it('defaults to the repository rules folder', () => {
    expect(path.resolve(fingerprintsDir)).toBe(path.resolve(builtinRulesDir));
  });
});

describe('detectCms', () => {
  const plainHome = response(`${target}/`, 200, '<!doctype html><html><head><title>Example</title></head><body><h1>Hello</h1><p>Nothing to see.</p></body></html>');

  it('sends at most 30 probes to a site answering 404 everywhere, and detects nothing', async () => {
    const transport = new CountingTransport();
    const result = await detectCms({ target, responses: [plainHome], transport, fingerprints: all });
    expect(result.detections).toEqual([]);
    expect(result.probesSent).toBe(transport.requests.length);
    expect(transport.requests.length).toBeLessThanOrEqual(30);
    expect(transport.requests.every((request) => request.method === 'GET' && request.url.startsWith(`${target}/`))).toBe(true);
  });

  it('stays within the budget even when a page hints at every CMS at once', async () => {
    const noisy = all
      .flatMap((fingerprint) => fingerprint.signals)
      .map((signal) => `<p>${signal.id}</p>`)
      .join('');
    const hints = response(
      `${target}/`,
      200,
      `<html><head><meta name="generator" content="Joomla! - Open Source Content Management"></head><body>${noisy}
       <img src="/wp-content/uploads/a.png"><img src="/content/images/2024/05/a.png"><img src="/sites/default/files/a.png">
       <img src="/-/media/a.png"><img src="/content/dam/a.png"><img src="/getmedia/0b6b7e8e-7d5f-4f4e-9a4e-3f0f0f0f0f0f/a.png">
       <img src="/uploads/photo_a1b2c3d4e5.png"><img src="/.imaging/a.png"><img src="/fileadmin/a.png"><img src="/img/asset/bWFpbi9h"></body></html>`,
    );
    for (const maxProbes of [30, 3]) {
      const transport = new CountingTransport();
      const result = await detectCms({ target, responses: [hints], transport, fingerprints: all, maxProbes });
      expect(transport.requests.length).toBeLessThanOrEqual(maxProbes);
      expect(result.probesSent).toBe(transport.requests.length);
    }
  });

  it('treats a failed probe as "not matched" and keeps going', async () => {
    const transport = new CountingTransport((request) =>
      request.url.endsWith('/wp-json/')
        ? new ProbeError('DL_CONNECTION_FAILED', request.url, 'reset')
        : request.url.endsWith('/_health')
          ? response(request.url, 204, '', { strapi: 'You are so French!', 'x-powered-by': 'Strapi <strapi.io>' })
          : response(request.url, 404),
    );
    const result = await detectCms({ target, responses: [plainHome], transport, fingerprints: all });
    expect(result.detections.map((detection) => detection.cms)).toEqual(['strapi']);
    expect(result.detections[0]?.signals).toContain('health');
  });

  it('reuses a response the crawl already has instead of probing again', async () => {
    const index = response(`${target}/wp-json/`, 200, JSON.stringify({ name: 'Blog', namespaces: ['oembed/1.0', 'wp/v2'] }), { 'content-type': 'application/json' });
    const transport = new CountingTransport();
    const result = await detectCms({ target, responses: [plainHome, index], transport, fingerprints: all });
    expect(transport.requests.map((request) => request.url)).not.toContain(`${target}/wp-json/`);
    expect(result.detections[0]).toMatchObject({ cms: 'wordpress', apiRoots: [`${target}/wp-json/`] });
  });

  it('resolves probes and path filters against a target with a base path', async () => {
    const blog = 'https://www.example.org/blog/';
    const transport = new CountingTransport((request) =>
      request.url === 'https://www.example.org/blog/ghost/api/admin/site/'
        ? response(request.url, 200, JSON.stringify({ site: { title: 'Blog', url: blog, version: '5.130' } }), { 'content-type': 'application/json' })
        : response(request.url, 404),
    );
    const result = await detectCms({ target: blog, responses: [response(blog, 200, '<p>hi</p>')], transport, fingerprints: all });
    expect(result.detections[0]).toMatchObject({ cms: 'ghost', version: '5.130' });
  });

  it('rethrows errors that are not probe failures', async () => {
    const transport = new CountingTransport(() => new TypeError('bug'));
    await expect(detectCms({ target, responses: [plainHome], transport, fingerprints: all })).rejects.toThrow('bug');
  });
});

describe('formatDetections', () => {
  it('prints one line per CMS with version, confidence and evidence', () => {
    const detections: Detection[] = [
      { cms: 'wordpress', name: 'WordPress', kind: 'cms', version: '6.1.9', confidence: 0.976, signals: ['generator-meta: WordPress 6.1.9', 'rest-index'], apiRoots: [] },
      { cms: 'nextjs', name: 'Next.js', kind: 'frontend', confidence: 0.9, signals: ['powered-by'], apiRoots: [] },
    ];
    expect(formatDetections(detections)).toBe(
      'wordpress 6.1.9  confidence 0.98  [generator-meta: WordPress 6.1.9, rest-index]\nnextjs  confidence 0.90  [powered-by]  (frontend)',
    );
    expect(formatDetections([])).toBe('no CMS detected');
  });
});
