import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateMatcher, judgeMatcher } from '../../src/engine/matchers.js';
import type { Matcher } from '../../src/engine/rule-schema.js';
import type { ResponseDocument } from '../../src/engine/response-document.js';
import type { JSONValue } from '../../src/engine/expression.js';
import { fuzzParameters } from './fuzz-settings.js';

// A scan without --explain judges matches with judgeMatcher, which stops `all` at its first
// miss and `any` at its first hit; --explain and `rules test` read evaluateMatcher's full trace.
// They must never disagree, or a finding depends on whether the user asked for an explanation.
// The property: over match trees of every kind of node, with json leaves that hold, miss and
// fail at run time (unknown), both say the same ok and the same unknown error, on documents that
// make the leaves go either way.

const leaf: fc.Arbitrary<Matcher> = fc.oneof(
  fc.constantFrom<Matcher>({ status: 200 }, { status: [404, 410] }),
  fc.constantFrom<Matcher>(
    { word: 'draft', part: 'body', condition: 'any', case_insensitive: false },
    { word: ['DRAFT', 'x'], part: 'all', condition: 'all', case_insensitive: true },
  ),
  fc.constantFrom<Matcher>({ header: { name: 'X-Status', contains: 'draft' } }, { size: { max: 10 } }, { regex: 'dr[a]ft', part: 'body', condition: 'any' }),
  // Holds, misses, and fails: length() of a number is an error, unknown whatever else holds.
  fc.constantFrom<Matcher>({ json: 'json.draft' }, { json: 'length(json.items) > `0`' }, { json: 'length(json.count) > `0`' }, { json: 'length(json.name) > `0`' }),
);

const tree: fc.Arbitrary<Matcher> = fc.letrec<{ node: Matcher }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((all): Matcher => ({ all })) },
    { weight: 1, arbitrary: fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((any): Matcher => ({ any })) },
    { weight: 1, arbitrary: tie('node').map((not): Matcher => ({ not })) },
  ),
})).node;

const response: fc.Arbitrary<ResponseDocument> = fc
  .record({
    status: fc.constantFrom(200, 404),
    body: fc.constantFrom('', 'a draft', 'Draft x', 'nothing at all here'),
    header: fc.constantFrom(undefined, 'draft', 'published'),
    json: fc.constantFrom<JSONValue>(null, { draft: true, items: [1], count: 3, name: 'n' }, { draft: false, items: [], count: 0, name: '' }),
  })
  .map(({ status, body, header, json }): ResponseDocument => ({
    url: 'http://127.0.0.1/x',
    status,
    headers: header === undefined ? {} : ({ 'x-status': header } as Record<string, string>),
    body,
    json,
    truncated: false,
    redirects: [],
  }));

describe('judgeMatcher', () => {
  it('decides what evaluateMatcher decides, unknowns included, on any match tree', () => {
    let unknowns = 0;
    let holds = 0;
    fc.assert(
      fc.property(tree, response, (matcher, current) => {
        const document = { ...current } as unknown as JSONValue;
        const trace = evaluateMatcher(matcher, current, document);
        const verdict = judgeMatcher(matcher, current, document);
        expect({ ok: verdict.ok, unknown: verdict.unknown }).toEqual({ ok: trace.ok, unknown: trace.unknown });
        if (trace.unknown !== undefined) unknowns += 1;
        if (trace.ok) holds += 1;
      }),
      fuzzParameters(3000),
    );
    // Not vacuous: the trees decide every way.
    expect(unknowns).toBeGreaterThan(100);
    expect(holds).toBeGreaterThan(100);
  });

  it('stops all at its first miss: a later json leaf is never evaluated', () => {
    const current: ResponseDocument = { url: 'http://127.0.0.1/', status: 404, headers: {}, body: '', json: null, truncated: false, redirects: [] };
    let built = 0;
    const document = (): JSONValue => {
      built += 1;
      return {};
    };
    const matcher: Matcher = { all: [{ status: 200 }, { json: 'json.draft' }] };
    expect(judgeMatcher(matcher, current, document)).toEqual({ ok: false });
    expect(built).toBe(0);
    evaluateMatcher(matcher, current, document);
    expect(built).toBe(1);
  });
});
