import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type JSONValue } from '../../src/engine/expression.js';
import type { ResponseDocument } from '../../src/engine/response-document.js';
import { keptForLaterSteps, stepReadsOf } from '../../src/engine/step-reads.js';
import { fuzzParameters } from './fuzz-settings.js';

// A branch carries its earlier answers without the body or parsed JSON that no expression of
// the rule can read (engine/step-reads). The property: for any expression, its value (or its
// error, word for word) on the document a branch carries is the one it has on the document with
// every answer whole. The expressions are built from the shapes that can reach an answer: field
// paths, pipes, projections of every kind, filters, functions, `||`, lists, hashes, let, `$` and
// `@`, over a document whose answers have a body and JSON worth dropping.

const answer = (name: string): ResponseDocument => ({
  url: `http://127.0.0.1/${name}`,
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: `{"items":[{"id":1,"body":"${name} nested"}]}`,
  json: { items: [{ id: 1, body: `${name} nested` }], status: 'draft', body: `${name} json body` },
  truncated: false,
  redirects: [],
});

function documentWith(steps: Record<string, ResponseDocument>): JSONValue {
  return {
    target: 'http://127.0.0.1',
    site: { published: ['/a'] },
    steps: steps as unknown as JSONValue,
    x: [{ id: 1, body: 'x body', steps: { a: { body: 'not a step' } } }],
    url: 'http://127.0.0.1/now',
    status: 200,
    body: 'current body',
    json: [{ id: 1, body: 'current json' }],
  };
}

const atom = fc.constantFrom('steps', 'steps.a', 'steps.b', 'steps.a.body', 'steps.a.json', 'steps.b.json.items', 'steps.a.status', 'steps.b.url', '@', '$', '$.steps.a', '$.steps', 'json', 'body', 'x', 'site', 'status');
const field = fc.constantFrom('body', 'json', 'status', 'url', 'a', 'b', 'items', 'id', 'steps', 'headers');

const expression: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: atom },
    { weight: 2, arbitrary: fc.tuple(tie('node'), field).map(([left, name]) => `(${left}).${name}`) },
    { weight: 1, arbitrary: fc.tuple(tie('node'), tie('node')).map(([left, right]) => `${left} | ${right}`) },
    { weight: 1, arbitrary: fc.tuple(tie('node'), field).map(([left, name]) => `(${left})[*].${name}`) },
    { weight: 1, arbitrary: fc.tuple(tie('node'), field).map(([left, name]) => `(${left}).*.${name}`) },
    { weight: 1, arbitrary: fc.tuple(tie('node'), field).map(([left, name]) => `(${left})[].${name}`) },
    { weight: 1, arbitrary: fc.tuple(tie('node'), tie('node')).map(([left, condition]) => `(${left})[?${condition}]`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('length', 'to_string', 'keys', 'values', 'type', 'not_null', 'json_encode'), tie('node')).map(([name, argument]) => `${name}(${argument})`) },
    { weight: 1, arbitrary: fc.tuple(tie('node'), tie('node')).map(([left, right]) => `${left} || ${right}`) },
    { weight: 1, arbitrary: fc.tuple(tie('node'), tie('node')).map(([left, right]) => `${left} == ${right}`) },
    { weight: 1, arbitrary: fc.tuple(tie('node'), tie('node')).map(([left, right]) => `[${left}, ${right}]`) },
    { weight: 1, arbitrary: tie('node').map((value) => `{k: ${value}}`) },
    { weight: 1, arbitrary: tie('node').map((value) => `(${value})[0]`) },
    { weight: 1, arbitrary: fc.tuple(tie('node'), field).map(([value, name]) => `let $v = ${value} in $v.${name}`) },
    { weight: 1, arbitrary: fc.tuple(tie('node'), tie('node')).map(([list, key]) => `sort_by(${list}, &to_string(${key}))`) },
  ),
})).node;

function outcome(text: string, document: JSONValue): { value: JSONValue } | { error: string } {
  try {
    return { value: evaluate(text, document) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('step reads (fuzz)', () => {
  it('an expression reads the same from the answers a branch carries as from whole ones', () => {
    const whole = { a: answer('a'), b: answer('b') };
    fc.assert(
      fc.property(expression, (text) => {
        const reads = stepReadsOf({ steps: [], finding: { message: 'm', items: text } });
        const carried = { a: keptForLaterSteps(whole.a, 'a', reads), b: keptForLaterSteps(whole.b, 'b', reads) };
        expect(outcome(text, documentWith(carried))).toEqual(outcome(text, documentWith(whole)));
      }),
      fuzzParameters(3000),
    );
  });

  it('drops a body or JSON only where nothing reads it (the property is not vacuous)', () => {
    // The same generator gives expressions whose answers are carried lighter: without these, the
    // property above would also hold for an analysis that keeps everything.
    const reads = (text: string) => stepReadsOf({ steps: [], finding: { message: 'm', items: text } });
    const light = (text: string, step: 'a' | 'b') => keptForLaterSteps(answer(step), step, reads(text));
    expect(light('steps.a.status', 'a')).toMatchObject({ body: '', json: null, status: 200 });
    expect(light('steps.a.json.items[0].id', 'a')).toMatchObject({ body: '' });
    expect(light('steps.a.json.items[0].id', 'a').json).not.toBeNull();
    expect(light('steps.a | body', 'a').body).not.toBe('');
    expect(light('steps.a.status', 'b')).toMatchObject({ body: '', json: null });
    expect(light('json[*].steps.a.body', 'a')).toMatchObject({ body: '', json: null });
  });
});
