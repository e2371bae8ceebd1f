import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Frontier } from '../../src/crawl/frontier.js';
import { builtinLinkPolicy, builtinLinkPolicyFile, parseLinkPolicy } from '../../src/crawl/link-policy.js';
import { linkParts, normalizeUrl, UrlAdmission } from '../../src/crawl/normalize.js';

const origin = 'https://site.example';
const casesFile = builtinLinkPolicyFile.replace(/\.yaml$/, '.cases.yaml');

const casesSchema = z.strictObject({
  follow: z.array(z.strictObject({ url: z.string(), why: z.string().optional() })).min(1),
  refuse: z
    .array(
      z.strictObject({
        url: z.string(),
        reason: z.enum(['token-parameter', 'acting-parameter', 'acting-word', 'admin-area']),
        why: z.string().optional(),
      }),
    )
    .min(1),
});
const cases = casesSchema.parse(parseYaml(readFileSync(casesFile, 'utf8')));

/** As the crawl sees a link: resolved against the page and normalised. */
function normalised(raw: string): string {
  const url = normalizeUrl(raw, `${origin}/`);
  if (url === undefined) throw new Error(`case URL does not resolve: ${raw}`);
  return url;
}

function frontier(): Frontier {
  return new Frontier(origin, new UrlAdmission(), 3);
}

describe('the shipped link policy', () => {
  it('parses', () => {
    expect(() => builtinLinkPolicy()).not.toThrow();
  });

  describe('follows', () => {
    for (const { url } of cases.follow) {
      it(url, () => {
        expect(builtinLinkPolicy().refusal(normalised(url))).toBeUndefined();
        const queue = frontier();
        expect(queue.offer(normalised(url), 1)).toBe('queued');
        expect(queue.skippedByPolicy).toBe(0);
      });
    }
  });

  describe('refuses', () => {
    for (const { url, reason } of cases.refuse) {
      it(`${url} (${reason})`, () => {
        expect(builtinLinkPolicy().refusal(normalised(url))).toMatchObject({ reason });
        const queue = frontier();
        expect(queue.offer(`${origin}${url.startsWith('/') ? '' : '/'}${url}`, 1)).toBe('refused-by-policy');
        expect(queue.skippedByPolicy).toBe(1);
        expect(queue.takeWave().urls).toEqual([]);
      });
    }
  });

  it('refuses every case however its letters are cased or percent-encoded', () => {
    // Each plain character is kept, upper-cased or percent-encoded; existing %XX escapes stay whole.
    const spellings = (url: string) =>
      fc.tuple(...(url.match(/%[0-9a-f]{2}|./gi) ?? []).map((unit) => fc.constantFrom(...variantsOf(unit)))).map((units) => units.join(''));
    for (const { url } of cases.refuse) {
      fc.assert(
        fc.property(spellings(url), (spelling) => {
          expect(builtinLinkPolicy().refusal(normalised(spelling)), `${spelling} (from ${url})`).toBeDefined();
        }),
        { numRuns: 50, seed: 9 },
      );
    }
  });

  it('counts a refused link once however often it is offered', () => {
    const queue = frontier();
    for (let time = 0; time < 3; time += 1) queue.offer(`${origin}/wp-admin/`, 1);
    queue.offer(`${origin}/WP-ADMIN/`, 1); // normalised to another URL: the path keeps its case
    expect(queue.skippedByPolicy).toBe(2);
  });
});

describe('parseLinkPolicy', () => {
  const valid = readFileSync(builtinLinkPolicyFile, 'utf8');

  it('reports a schema problem with its line and field', () => {
    const broken = valid.replace('  - { path: /typo3, where: anywhere, cms: typo3 }', '  - { path: /typo3, where: everywhere, cms: typo3 }');
    expect(broken).not.toBe(valid);
    const { policy, errors } = parseLinkPolicy('policy.yaml', broken);
    expect(policy).toBeUndefined();
    const line = broken.split('\n').findIndex((text) => text.includes('where: everywhere')) + 1;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(new RegExp(`^policy\\.yaml:${line}:\\d+`));
    expect(errors[0]?.message).toContain('adminAreas');
  });

  it('refuses an unknown key instead of ignoring it', () => {
    const { errors } = parseLinkPolicy('policy.yaml', `${valid}\nallowEverything: true\n`);
    expect(errors.map((error) => error.message).join('\n')).toMatch(/allowEverything/);
  });

  it('reports broken YAML', () => {
    const { policy, errors } = parseLinkPolicy('policy.yaml', 'tokenParameters: [unclosed');
    expect(policy).toBeUndefined();
    expect(errors.length).toBeGreaterThan(0);
  });
});

/** Ways a server reads the same character: as written, upper-cased, percent-encoded. */
function variantsOf(unit: string): string[] {
  if (!/^[a-z0-9._-]$/i.test(unit)) return [unit];
  const encoded = `%${unit.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  return [...new Set([unit, unit.toUpperCase(), encoded])];
}

describe('the admin-area check', () => {
  // The check compares each segment with the areas that begin with it (or with its stem); the
  // model compares every area at every allowed start, as the policy once did. They must agree.
  const policy = builtinLinkPolicy();
  const stem = (segment: string) => segment.replace(/(?<=.)\.[a-z0-9]{1,5}$/, '');
  const areas = policy.data.adminAreas.map((area) => ({ segments: area.path.split('/').slice(1), where: area.where }));
  const modelAdminArea = (segments: string[]): boolean =>
    areas.some((area) => {
      const rootStarts = segments.length > 1 && /^(?:[a-z]{2,3}(?:[-_][a-z0-9]{2,4})?|index\.php)$/.test(segments[0] ?? '') ? [0, 1] : [0];
      const starts = area.where === 'anywhere' ? segments.map((_, index) => index) : rootStarts;
      return starts.some((start) => area.segments.every((want, offset) => segments[start + offset] !== undefined && (segments[start + offset] === want || stem(segments[start + offset] as string) === want)));
    });
  const vocabulary = [...new Set(areas.flatMap((area) => area.segments))].flatMap((segment) => [segment, `${segment}.php`, `${segment}.html`, `${segment}x`]);
  const segment = fc.constantFrom(...vocabulary, 'en', 'pt-br', 'index.php', 'blog', 'post-1', 'console', 'granite', 'a.b');

  it('refuses exactly the paths a comparison of every area at every start refuses', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const refusal = policy.refusal(`${origin}/${segments.join('/')}`);
        // Only paths no acting word refuses: the model is of the area check alone.
        fc.pre(refusal?.reason !== 'acting-word');
        expect(refusal?.reason === 'admin-area', segments.join('/')).toBe(modelAdminArea(segments));
      }),
      { seed: 20261201, numRuns: 3000 },
    );
  });
});


describe('the policy read from a parsed link', () => {
  // The frontier hands the policy the path and query of linkParts' one parse; the verdict must be
  // the one the normalised URL's text gets when parsed again.
  const policy = builtinLinkPolicy();
  const data = policy.data;
  const words = data.actingWords.flatMap((entry) => entry.words);
  const areaSegments = data.adminAreas.flatMap((area) => area.path.split('/').slice(1));
  const segment = fc.oneof(
    fc.constantFrom(...words, ...areaSegments, 'blog', 'post-1', 'en', '.', '..', '%2e%2E', 'a;b', 'x%2Fwp-admin', 'Logout.PHP', '', 'é', '%zz'),
    fc.string({ maxLength: 6 }),
  );
  const name = fc.oneof(
    fc.constantFrom(...data.tokenParameters.names, ...data.actingParameters.map((entry) => entry.name), ...words, 'page', 'q', 'a[b]', 'utm_source', 'x.y', '%74oken'),
    fc.string({ maxLength: 5 }),
  );
  const value = fc.oneof(fc.constantFrom(...data.actingParameters.flatMap((entry) => entry.readOnlyValues), 'delete', '1', ''), fc.string({ maxLength: 4 }));
  const link = fc
    .tuple(fc.array(segment, { maxLength: 4 }), fc.array(fc.tuple(name, value), { maxLength: 3 }), fc.boolean())
    .map(([segments, pairs, withQuery]) => `${origin}/${segments.join('/')}${withQuery ? `?${pairs.map(([key, val]) => `${key}=${val}`).join('&')}` : ''}`);

  it('gives every link the verdict its normalised text gets', () => {
    fc.assert(
      fc.property(link, (raw) => {
        const parts = linkParts(raw);
        fc.pre(parts !== undefined);
        expect(policy.refusal(parts), raw).toEqual(policy.refusal(parts.href));
        // And the frontier, which asks with the parts, refuses exactly those.
        const refused = frontier().offer(raw, 1) === 'refused-by-policy';
        expect(refused, raw).toBe(policy.refusal(parts.href) !== undefined);
      }),
      { seed: 20261207, numRuns: 3000 },
    );
  });
});
