import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { requiredFactor } from '../../src/engine/required-factor.js';
import { containsLiteral, requiredLiteral } from '../../src/engine/required-literal.js';
import { fuzzParameters } from './fuzz-settings.js';

// A regex is skipped on a text without its required literal (engine/required-literal): that must
// never skip a text RE2 would match, or a finding is lost. The property: whenever RE2 finds a
// match, the text contains the literal. Patterns are built from the RE2 syntax rules use, with
// case-insensitive flags and the letters RE2 folds outside ASCII (k to U+212A, s to U+017F).
// Each piece of a pattern comes with the texts it matches, so every generated text surely
// matches (checked), and the property is never vacuous. `fold` spells a letter as RE2's (?i)
// lets it match: either case, and k/s also as U+212A/U+017F.
type Piece = { source: string; text: fc.Arbitrary<string> };
const fold = (char: string): fc.Arbitrary<string> => {
  const lower = char.toLowerCase();
  if (lower === 'k') return fc.constantFrom('k', 'K', '\u212a');
  if (lower === 's') return fc.constantFrom('s', 'S', '\u017f');
  return lower === char.toUpperCase() ? fc.constant(char) : fc.constantFrom(lower, char.toUpperCase());
};
const spelled = (word: string, ignoreCase: boolean): fc.Arbitrary<string> => (ignoreCase ? fc.tuple(...[...word].map(fold)).map((chars) => chars.join('')) : fc.constant(word));
const piece = (ignoreCase: boolean): fc.Arbitrary<Piece> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('a', 'b', 'c', 'k', 's', 'K', 'S', 'x', '-', '"', ':', '1').map((char) => ({ source: char, text: spelled(char, ignoreCase) })) },
    { weight: 2, arbitrary: fc.constantFrom<Piece>({ source: '\\.', text: fc.constant('.') }, { source: '\\/', text: fc.constant('/') }, { source: '\\-', text: fc.constant('-') }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<Piece>(
        { source: '.', text: fc.constantFrom('a', 'z', '.', ' ') },
        { source: '\\d', text: fc.constantFrom('0', '7') },
        { source: '\\s', text: fc.constantFrom(' ', '\t') },
        { source: '[abk]', text: fc.constantFrom('a', 'b', 'k') },
        // Classes a required factor keeps (engine/required-factor): ranges, and a last hyphen.
        { source: '[0-9a-f]', text: fc.constantFrom('0', '9', 'c') },
        { source: '[a-c_-]', text: fc.constantFrom('a', '_', '-') },
        { source: '[^a]', text: fc.constantFrom('b', 'z', ' ') },
        { source: '[]a]', text: fc.constantFrom(']', 'a') },
        { source: '\\x6b', text: ignoreCase ? fold('k') : fc.constant('k') },
        { source: '\\x{73}', text: ignoreCase ? fold('s') : fc.constant('s') },
        { source: '\\Qa.b\\E', text: spelled('a.b', ignoreCase) },
        { source: '(\\Q)|\\E)', text: fc.constant(')|') },
        { source: 'a{b}', text: spelled('a{b}', ignoreCase) },
        { source: '(ab|c)', text: fc.oneof(spelled('ab', ignoreCase), spelled('c', ignoreCase)) },
        { source: '(?i:kab)', text: spelled('kab', true) },
        { source: '(?:sa)', text: spelled('sa', ignoreCase) },
        { source: '(?P<n>ab)', text: spelled('ab', ignoreCase) },
        { source: '(a(b)c)', text: spelled('abc', ignoreCase) },
        { source: '(a|)', text: fc.oneof(spelled('a', ignoreCase), fc.constant('')) },
        // Groups whose literals are long enough to count (engine/required-literal reads into groups).
        { source: '(?:abc|kab)', text: fc.oneof(spelled('abc', ignoreCase), spelled('kab', ignoreCase)) },
        { source: '(xyz)', text: spelled('xyz', ignoreCase) },
        { source: '(abc(?:def|ghk))', text: fc.oneof(spelled('abcdef', ignoreCase), spelled('abcghk', ignoreCase)) },
        { source: '(?i:sab|kac)', text: fc.oneof(spelled('sab', true), spelled('kac', true)) },
        { source: '(?P<n>abc|x.kz)', text: fc.oneof(spelled('abc', ignoreCase), spelled('xakz', ignoreCase)) },
        { source: '(?:a|bcd)', text: fc.oneof(spelled('a', ignoreCase), spelled('bcd', ignoreCase)) },
        { source: '(?:abc)?', text: fc.oneof(spelled('abc', ignoreCase), fc.constant('')) },
        { source: '(?:(?:abcd)*ef|ghij)', text: fc.oneof(spelled('abcdef', ignoreCase), spelled('ef', ignoreCase), spelled('ghij', ignoreCase)) },
        // A flag setting matches nothing: a quantifier after it applies to what came before.
        { source: '(?U)', text: fc.constant('') },
        { source: 'abc(?U)?', text: fc.oneof(spelled('ab', ignoreCase), spelled('abc', ignoreCase)) },
        { source: '(?:abcd)(?U)*', text: fc.oneof(fc.constant(''), spelled('abcd', ignoreCase), spelled('abcdabcd', ignoreCase)) },
        { source: '(xyz)(?U)(?-U){0}', text: fc.constant('') },
      ),
    },
  );
const repeat = (text: fc.Arbitrary<string>, min: number, max: number): fc.Arbitrary<string> => fc.array(text, { minLength: min, maxLength: max }).map((parts) => parts.join(''));
// How many times each quantifier repeats its atom's text; a count with a leading zero ({04},
// {02,3}) is not a repeat to RE2, which reads those characters as themselves.
const repeats: Record<string, [number, number]> = { '': [1, 1], '*': [0, 3], '+': [1, 3], '?': [0, 1], '{2}': [2, 2], '{3}': [3, 3], '{1,3}': [1, 3], '*?': [0, 3], '+?': [1, 3], '{0,}': [0, 3], '{2,}': [2, 4], '{0,2}': [0, 2] };
const literalCounts = new Set(['{04}', '{02,3}']);
const quantify = (pieces: fc.Arbitrary<Piece>, quantifiers: string[]): fc.Arbitrary<Piece> =>
  fc.tuple(pieces, fc.constantFrom(...quantifiers)).map(([{ source, text }, quantifier]) => {
    // A quantifier applies to the last atom only: pieces of several characters are grouped first.
    // A flag setting is not an atom: a quantifier after it would apply to the piece before.
    const atomic = (source.length === 1 || /^(\\.|\[[^\]]*\]|\(.*\))$/.test(source)) && !/^\(\?[A-Za-z-]*\)$/.test(source) ? source : `(?:${source})`;
    if (quantifier === '') return { source, text };
    if (literalCounts.has(quantifier)) return { source: `${atomic}${quantifier}`, text: text.map((value) => `${value}${quantifier}`) };
    const [min, max] = repeats[quantifier] ?? [1, 1];
    return { source: `${atomic}${quantifier}`, text: repeat(text, min, max) };
  });
const quantified = (ignoreCase: boolean): fc.Arbitrary<Piece> => quantify(piece(ignoreCase), ['', '', '', '', '', '', '', '', '', '', '*', '+', '?', '{2}', '{1,3}', '*?', '{0,}']);
const noise = fc.array(fc.constantFrom('a', 'b', 'k', 'S', ' ', '\n', '.', '\u212a', 'abc', 'KAB'), { maxLength: 8 }).map((parts) => parts.join(''));
const matchingCase = fc.constantFrom('', '', '(?i)', '(?s)', '(?is)').chain((flags) => {
  const ignoreCase = flags.includes('i');
  return fc
    .tuple(fc.array(quantified(ignoreCase), { minLength: 1, maxLength: 10 }), fc.constantFrom('none', 'first', 'second'), fc.array(quantified(ignoreCase), { minLength: 1, maxLength: 4 }), noise, noise)
    .chain(([pieces, alternative, others, before, after]) =>
      // With a top-level alternative, the text matches the first or the second one.
      fc.tuple(fc.tuple(...pieces.map((part) => part.text)), fc.tuple(...others.map((part) => part.text))).map(([texts, otherTexts]) => ({
        source: `${flags}${pieces.map((part) => part.source).join('')}${alternative === 'none' ? '' : `|${others.map((part) => part.source).join('')}`}`,
        text: `${before}${(alternative === 'second' ? otherTexts : texts).join('')}${after}`,
      })),
    );
});

// For required factors: no flags, mostly no alternative (either makes requiredFactor give up),
// and the classes a factor keeps often enough that most patterns have one, among the same
// pieces and quantifiers as above.
const factorPiece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c', '-', '/', '"', ':', '1').map((char) => ({ source: char, text: fc.constant(char) })) },
  { weight: 4, arbitrary: fc.constantFrom<Piece>({ source: '[0-9a-f]', text: fc.constantFrom('0', '9', 'c') }, { source: '[a-c_-]', text: fc.constantFrom('a', '_', '-') }, { source: '\\d', text: fc.constantFrom('0', '7') }, { source: '[A-Z]', text: fc.constantFrom('A', 'Q') }) },
  { weight: 3, arbitrary: piece(false) },
  // \Q...\E quoting parentheses and brackets inside a group (engine/required-factor gives up on any \Q).
  { weight: 1, arbitrary: fc.constantFrom<Piece>({ source: '(?:\\Q)[\\E)', text: fc.constant(')[') }, { source: '(\\Q(\\E)?', text: fc.constantFrom('', '(') }, { source: '\\Q[0-9]{4}\\E', text: fc.constant('[0-9]{4}') }) },
);
const factorQuantified = quantify(factorPiece, ['', '', '', '', '', '{3}', '{2}', '+', '*', '?', '{1,3}', '{2,}', '{0,2}', '+?', '{04}', '{02,3}']);
const factorCase = fc
  .tuple(fc.array(factorQuantified, { minLength: 2, maxLength: 12 }), fc.constantFrom('none', 'none', 'none', 'none', 'first'), fc.array(factorQuantified, { minLength: 1, maxLength: 3 }), noise, noise)
  .chain(([pieces, alternative, others, before, after]) =>
    fc.tuple(...pieces.map((part) => part.text)).map((texts) => ({
      source: `${pieces.map((part) => part.source).join('')}${alternative === 'none' ? '' : `|${others.map((part) => part.source).join('')}`}`,
      text: `${before}${texts.join('')}${after}`,
    })),
  );

/** The pattern compiled by RE2, or undefined when it is not RE2 syntax (refused at load time, never run). */
function compiledByRe2(source: string): RE2JS | undefined {
  try {
    return RE2JS.compile(source);
  } catch {
    return undefined;
  }
}

describe('required literals', () => {
  it('never skip a text RE2 matches', () => {
    let withLiteral = 0;
    const parameters = fuzzParameters(20_000);
    fc.assert(
      fc.property(matchingCase, ({ source, text }) => {
        const re2 = compiledByRe2(source);
        if (re2 === undefined) return;
        expect(re2.test(text), `${source} must match ${JSON.stringify(text)}`).toBe(true);
        const literal = requiredLiteral(source);
        if (literal === undefined) return;
        withLiteral += 1;
        expect(containsLiteral(text, literal), `${source} matched ${JSON.stringify(text)} without ${JSON.stringify(literal)}`).toBe(true);
      }),
      parameters,
    );
    // The property is about patterns that have a literal: enough generated ones must (9% with the CI seed).
    expect(withLiteral).toBeGreaterThan((parameters.numRuns ?? 0) * 0.05);
  });

  // The same for the stretch around the literal: a text RE2 matches always holds it.
  it('required factors never skip a text RE2 matches', () => {
    let withFactor = 0;
    const parameters = fuzzParameters(20_000);
    fc.assert(
      fc.property(factorCase, ({ source, text }) => {
        const re2 = compiledByRe2(source);
        if (re2 === undefined) return;
        expect(re2.test(text), `${source} must match ${JSON.stringify(text)}`).toBe(true);
        const factor = requiredFactor(source);
        if (factor === undefined) return;
        withFactor += 1;
        expect(factor.test(text), `${source} matched ${JSON.stringify(text)} without ${String(factor)}`).toBe(true);
      }),
      parameters,
    );
    // Most generated patterns have a factor, or the property would say little.
    expect(withFactor).toBeGreaterThan((parameters.numRuns ?? 0) * 0.15);
  });

  it.each([
    [`(?:src|href|srcset)=["'][^"']*/assets/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:[?"'])`, '/\\/assets\\/[0-9a-f]{8}\\-[0-9a-f]{4}\\-[0-9a-f]{4}\\-[0-9a-f]{4}\\-[0-9a-f]{12}/'],
    ['CFPAT-[A-Za-z0-9_-]{43}', '/CFPAT\\-[A-Za-z0-9_-]{43}/'],
    ['preview_[A-Za-z0-9]{20,}x', '/preview_[A-Za-z0-9]{20}/'],
    ['x\\d{3,5}abc', '/x[0-9]{3}/'],
    ['abc[0-9]+def', '/abc[0-9]/'],
    ['abc.[0-9]{4}', '/[0-9]{4}/'],
    // A zero-padded count is literal text to RE2: the stretch ends before it.
    ['abcd[0-9]{04}', '/abcd[0-9]/'],
    ['id=[0-9]{004}', '/id=[0-9]/'],
  ])('%s requires the stretch %s', (source, expected) => {
    expect(String(requiredFactor(source))).toBe(expected);
  });

  it.each(['(?:\\Q)\\E[0-9]{4}(\\Q(\\E))?x', '(?i)abc[0-9]{4}', '(?s)abc[0-9]{4}', 'abc(?-i:x)[0-9]{4}', 'a|bcd[0-9]{5}', 'abcd', '[0-9a-f]{3}x*', 'abc[^a]{4}', 'abc[a\\-z]{4}', 'abc.[0-9]{3}', 'ab+c[a-z]x', 'abc[0-9]{0,4}', 'abc[0-9]?', '\\x41bc[0-9]{4}', 'abc[z-a]{4}'])('%s requires no stretch', (source) => {
    expect(requiredFactor(source)).toBeUndefined();
  });

  it.each([
    ['accessToken\\\\?["\']?\\s{0,3}:', { anyOf: ['accessToken'], ignoreCase: false }],
    ['preview\\.eu\\.contentful\\.com', { anyOf: ['preview.eu.contentful.com'], ignoreCase: false }],
    ['(?i)x-prismic-ref', { anyOf: ['mic-ref'], ignoreCase: true }],
    ['(?i)__next_data__', { anyOf: ['__next_data__'], ignoreCase: true }],
    ['abcd?e', { anyOf: ['abc'], ignoreCase: false }],
    ['ab{2,3}cde', { anyOf: ['cde'], ignoreCase: false }],
    ['draft|preview', { anyOf: ['draft', 'preview'], ignoreCase: false }],
    ['(?i)kontent|kentico', { anyOf: ['ontent', 'entico'], ignoreCase: true }],
    ['a[|]bcd|efg\\|x', { anyOf: ['bcd', 'efg|x'], ignoreCase: false }],
    ['(?:preview)', { anyOf: ['preview'], ignoreCase: false }],
    ['(?:src|href)=["\'][^"\']*/(?:typo3temp|typo3conf)/', { anyOf: ['typo3temp', 'typo3conf'], ignoreCase: false }],
    ['(?:^|[^A-Za-z0-9_-])(CFPAT-[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)', { anyOf: ['CFPAT-'], ignoreCase: false }],
    ['href=["\']https?://(?:boltcms\\.io|bolt\\.cm)/?', { anyOf: ['boltcms.io', 'bolt.cm'], ignoreCase: false }],
    ['(?i:Preview|Draft)-token', { anyOf: ['preview', 'draft'], ignoreCase: true }],
    ['(abc){2}x', { anyOf: ['abc'], ignoreCase: false }],
    ['(abc)+x', { anyOf: ['abc'], ignoreCase: false }],
    ['(?:a(?:bcd|efg)h)', { anyOf: ['bcd', 'efg'], ignoreCase: false }],
    ['(?:ab|cdef)ghi', { anyOf: ['ghi'], ignoreCase: false }],
  ])('%s requires %j', (source, expected) => {
    expect(requiredLiteral(source)).toEqual(expected);
  });

  it.each(['(\\Q)\\Eaaa|bbb)?', '\\Qa|b\\Eccc', 'draft|', 'draft|pr', 'a(b|c)d', '\\x41BCD', '\\Qa.b\\E', 'ab', '[abc]+', '(?:preview)?', '(abc)*', '(abc){0,2}', '(abc)*?x', '(?i)', 'x(?:ab|cde)', '(?:abc|)', 'x(abcd)(?s)?', '(?:typo3temp)(?U)*', '(abcd)(?i){0}z', 'x(?i:abcd)(?-i)?', '(?s:(abcd)(?i)?)', 'abcd(?s)?', 'abc(?i)*'])('%s requires nothing', (source) => {
    expect(requiredLiteral(source)).toBeUndefined();
  });

  it('a case-insensitive literal is never missed where lower-casing ASCII letters finds it, and found exactly so in ASCII text', () => {
    // The reference: ASCII A-Z lower-cased, nothing else folded (U+212A, U+017F, U+0130 stay).
    // containsLiteral may say yes beyond it (a text whose U+212A lower-cases to k): it only lets
    // the regex itself decide. It must never say no where the reference, or RE2, finds the needle.
    const asciiLower = (text: string) => text.replace(/[A-Z]/g, (char) => char.toLowerCase());
    const chars = fc.constantFrom('a', 'B', 'c', 'k', 'K', 's', 'S', '\u212a', '\u017f', '\u0130', 'i', 'I', '.', '*', '(', '[', '\\', '|', '-', '/', '$', ' ', '\n', '\ud800', 'é', 'É');
    const word = fc.array(chars, { maxLength: 40 }).map((parts) => parts.join(''));
    const needle = fc.array(fc.constantFrom('a', 'b', 'c', 'i', '.', '*', '(', '[', '\\', '|', '-', '/', '$', ' ', 'x'), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
    const property = (pad: string) =>
      fc.property(word, needle, (body, literal) => {
        const text = `${pad}${body}`;
        const found = containsLiteral(text, { anyOf: [literal], ignoreCase: true });
        const reference = asciiLower(text).includes(literal);
        if (reference) expect(found).toBe(true);
        if (RE2JS.compile(`(?i)${RE2JS.quote(literal)}`).matcher(text).find()) expect(found).toBe(true);
        // eslint-disable-next-line no-control-regex
        if (/^[\x00-\x7f]*$/.test(body) || pad !== '') expect(found).toBe(reference);
      });
    fc.assert(property(''), fuzzParameters(5000));
    // Texts past 256 Ki characters are searched with a native /literal/i, not a lower-cased copy.
    fc.assert(property('y'.repeat(300 * 1024)), fuzzParameters(100));
  });

  it('searches a long text (past the lower-cased copy) without case too', () => {
    const long = 'y'.repeat(300 * 1024);
    expect(containsLiteral(`${long} PreView`, { anyOf: ['preview'], ignoreCase: true })).toBe(true);
    expect(containsLiteral(`${long} PreVie`, { anyOf: ['preview'], ignoreCase: true })).toBe(false);
    expect(containsLiteral(`${long} PreView`, { anyOf: ['preview'], ignoreCase: false })).toBe(false);
  });

  it('compares ASCII case only for case-insensitive literals', () => {
    expect(containsLiteral('xx PREVIEW yy', { anyOf: ['preview'], ignoreCase: true })).toBe(true);
    expect(containsLiteral('xx PREVIEW yy', { anyOf: ['preview'], ignoreCase: false })).toBe(false);
    expect(containsLiteral('pre', { anyOf: ['preview'], ignoreCase: true })).toBe(false);
    expect(containsLiteral('a DRAFT', { anyOf: ['preview', 'draft'], ignoreCase: true })).toBe(true);
    expect(containsLiteral('a DRAFT', { anyOf: ['preview', 'draft'], ignoreCase: false })).toBe(false);
  });
});
