import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateMatcher, regexTextOf, textOf } from '../../src/engine/matchers.js';
import { maxRegexTextLength } from '../../src/engine/safe-regex.js';
import type { ResponseDocument } from '../../src/engine/response-document.js';
import { fuzzParameters } from '../fuzz/fuzz-settings.js';

/**
 * Word matchers on `part: all` search headers and body apart (never copying the body into a
 * joined text) and regexes read a joined head only; both must decide exactly what searching
 * the joined text `textOf('all')` decides.
 */
function responseOf(headers: Record<string, string>, body: string): ResponseDocument {
  return { url: 'http://127.0.0.1/', status: 200, headers, body, json: null, truncated: false, redirects: [] };
}

const pieces = ['a', 'B', 'ab', ':', ' ', '\n', '\n\n', 'x: y', 'Σ', 'σ', 'ς', 'İ', 'ß', 'K', '\u212a', '\ud800', 'é'];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((parts) => parts.join(''));
const headers = fc.dictionary(fc.constantFrom('x', 'content-type', 'a'), text, { maxKeys: 2 });

describe('word matchers on headers and body together', () => {
  it('match exactly when the joined text contains the word', () => {
    fc.assert(
      fc.property(headers, text, fc.array(text, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.constantFrom('any' as const, 'all' as const), (heads, body, words, caseInsensitive, condition) => {
        const response = responseOf(heads, body);
        const joined = textOf('all', response);
        const haystack = caseInsensitive ? joined.toLowerCase() : joined;
        const hit = (word: string) => haystack.includes(caseInsensitive ? word.toLowerCase() : word);
        const expected = condition === 'all' ? words.every(hit) : words.some(hit);
        const matcher = { word: words, part: 'all' as const, condition, case_insensitive: caseInsensitive };
        expect(evaluateMatcher(matcher, response, {}).ok).toBe(expected);
      }),
      fuzzParameters(3000),
    );
  });

  it('find a word that spans the blank line between headers and body', () => {
    const response = responseOf({ server: 'nginx' }, 'Draft post');
    expect(evaluateMatcher({ word: 'nginx\n\nDraft', part: 'all', condition: 'any', case_insensitive: false }, response, {}).ok).toBe(true);
    expect(evaluateMatcher({ word: 'NGINX\n\ndraft', part: 'all', condition: 'any', case_insensitive: true }, response, {}).ok).toBe(true);
    expect(evaluateMatcher({ word: 'nginx\n\nDrafts', part: 'all', condition: 'any', case_insensitive: false }, response, {}).ok).toBe(false);
  });
});

describe('regexTextOf', () => {
  it('is the head of the joined text a regex reads', () => {
    const response = responseOf({ server: 'nginx' }, 'b'.repeat(maxRegexTextLength + 10));
    const joined = textOf('all', response);
    expect(regexTextOf('all', response)).toBe(joined.slice(0, maxRegexTextLength));
    expect(regexTextOf('body', response)).toBe(response.body);
    const small = responseOf({ server: 'nginx' }, 'draft');
    expect(regexTextOf('all', small)).toBe(textOf('all', small));
    expect(evaluateMatcher({ regex: 'nginx\\n\\nd', part: 'all', condition: 'any' }, small, {}).ok).toBe(true);
  });
});
