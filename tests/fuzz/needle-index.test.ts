import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NeedleIndex } from '../../src/engine/needle-index.js';
import { fuzzParameters } from './fuzz-settings.js';

// NeedleIndex answers `includes` for many needles from one regex scan per text
// (engine/needle-index.ts). A wrong "no" skips a regex that would have matched, and a finding is
// lost, so the property is exact agreement with String.prototype.includes, for texts and needles
// built from a small alphabet (overlaps, shared prefixes, needles inside needles are common) plus
// the characters a regex would read as syntax.
const alphabet = fc.constantFrom('a', 'b', 'ab', '-', '/', '.', '|', '(', '*', '\\', '[', '^', '$', 'é', '\ud83d\ude00');
const word = (max: number) => fc.array(alphabet, { minLength: 0, maxLength: max }).map((parts) => parts.join(''));

describe('NeedleIndex', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers every question as text.includes(needle) does, asked in any order and several times', () => {
    fc.assert(
      fc.property(fc.array(word(4), { minLength: 1, maxLength: 12 }), fc.array(word(30), { minLength: 1, maxLength: 4 }), (needles, texts) => {
        const index = new NeedleIndex();
        index.register(needles);
        for (const text of texts) {
          // Three rounds: the first two questions of a text go to includes, the rest to the scan.
          for (let round = 0; round < 3; round += 1) {
            for (const needle of needles) expect(index.includes(text, needle)).toBe(text.includes(needle));
          }
        }
      }),
      fuzzParameters(2000),
    );
  });

  it('answers as includes does when texts come back in any order, with needles registered in between', () => {
    fc.assert(
      fc.property(
        fc.array(word(4), { minLength: 1, maxLength: 10 }),
        fc.array(word(4), { minLength: 0, maxLength: 4 }),
        fc.array(word(30), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.integer({ min: 1, max: 3 }),
        (needles, later, texts, visits, registerAt, keep) => {
          // A small memory, so that texts are forgotten and scanned again as well as remembered.
          const index = new NeedleIndex(256 * 1024, 2048, undefined, undefined, keep, 64);
          index.register(needles);
          const asked = [...needles, ...later];
          visits.forEach((visit, at) => {
            if (at === registerAt % visits.length) index.register(later);
            const text = texts[visit % texts.length] as string;
            for (let round = 0; round < 3; round += 1) {
              for (const needle of asked) expect(index.includes(text, needle)).toBe(text.includes(needle));
            }
          });
        },
      ),
      fuzzParameters(1000),
    );
  });

  it('looks in the view of a text, and scans a text it remembers only once', () => {
    const views: string[] = [];
    const lowered = (text: string) => {
      views.push(text);
      return text.toLowerCase();
    };
    const index = new NeedleIndex(256 * 1024, 2048, lowered, (text, needle) => text.toLowerCase().includes(needle));
    index.register(['draft', 'preview', 'absent']);
    const pages = ['<a href="/DRAFT/1">', '<b>Preview</b>', 'nothing here'];
    const ask = (text: string) => ['draft', 'preview', 'absent'].map((needle) => [0, 1, 2].map(() => index.includes(text, needle)).at(-1));
    const first = pages.map(ask);
    expect(first).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, false],
    ]);
    // A page read again later (a fingerprinted page the rules read as a kept document) is
    // answered from its first scan: no new view, no new scan.
    expect(pages.map(ask)).toEqual(first);
    expect(views).toEqual(pages);
  });

  it('forgets the oldest texts past its count or size limit, and never remembers a text asked about only twice', () => {
    const views: string[] = [];
    const index = new NeedleIndex(256 * 1024, 2048, (text) => (views.push(text), text), undefined, 2, 30);
    index.register(['one', 'two']);
    const scanOf = (text: string) => [0, 1, 2].forEach(() => index.includes(text, 'one'));
    scanOf('one a');
    scanOf('two b');
    scanOf('one a'); // remembered
    scanOf('three'); // the third of two: "one a" is forgotten
    scanOf('one a');
    expect(views).toEqual(['one a', 'two b', 'three', 'one a']);
    views.length = 0;
    // 30 characters in all: a 25-character text leaves room for 5 more, not for 6.
    const long = 'one, two and a long tail.';
    scanOf(long);
    scanOf('two b');
    scanOf(long);
    scanOf('two bb');
    scanOf(long);
    expect(views).toEqual([long, 'two b', 'two bb', long]);
    views.length = 0;
    // Asked about twice, a text is answered by includes and not kept: the next time it comes
    // it is a new text, scanned at its third question.
    index.includes('two c', 'one');
    index.includes('two c', 'two');
    scanOf('three');
    scanOf('two c');
    expect(views).toEqual(['three', 'two c']);
  });

  it('finds a needle inside another and one overlapping another, at every position they start', () => {
    const index = new NeedleIndex();
    const needles = ['wp-content', 'content', 'wp-', 'tent/x', 'absent'];
    index.register(needles);
    const text = '<img src="/wp-content/x.png">';
    const asked = (needle: string) => [0, 1, 2].map(() => index.includes(text, needle)).at(-1);
    expect(needles.map(asked)).toEqual([true, true, true, true, false]);
  });

  it('looks for a needle registered after a text was scanned, and for one never registered, with includes', () => {
    const index = new NeedleIndex();
    index.register(['alpha', 'beta']);
    const text = 'alpha gamma delta';
    const scans = vi.spyOn(RegExp.prototype, 'exec');
    for (let round = 0; round < 3; round += 1) index.includes(text, 'beta'); // the third one scans
    const afterScan = scans.mock.calls.length;
    expect(afterScan).toBeGreaterThan(0);
    index.register(['gamma']);
    expect(index.includes(text, 'gamma')).toBe(true);
    expect(index.includes(text, 'delta')).toBe(true);
    expect(index.includes(text, 'beta')).toBe(false);
    expect(scans.mock.calls.length).toBe(afterScan); // the text is not scanned again
  });

  it('reads needles as literals, not as regex syntax', () => {
    const index = new NeedleIndex();
    const needles = ['a.c', '(x|y)', '[z]', 'q*', '\\d', '^s', 'e$', '/p/', 'b$'];
    index.register(needles);
    const text = 'abc x|y z qqq 5 s e /p/ b$';
    for (const needle of needles) {
      for (let round = 0; round < 3; round += 1) expect([needle, index.includes(text, needle)]).toEqual([needle, text.includes(needle)]);
    }
  });

  it('does not scan texts over its length limit, nor look for needles past its count limit', () => {
    const index = new NeedleIndex(10, 2);
    index.register(['one', 'two', 'three']);
    const scans = vi.spyOn(RegExp.prototype, 'exec');
    const long = 'three two one, and more than ten characters';
    for (let round = 0; round < 3; round += 1) expect([index.includes(long, 'one'), index.includes(long, 'two'), index.includes(long, 'three')]).toEqual([true, true, true]);
    expect(scans).not.toHaveBeenCalled();
    const short = 'three two';
    for (let round = 0; round < 3; round += 1) expect([index.includes(short, 'one'), index.includes(short, 'two'), index.includes(short, 'three')]).toEqual([false, true, true]);
    expect(scans).toHaveBeenCalled();
    // The scan looked for the two registered needles only: "three" was found by includes.
    const sources = new Set(scans.mock.instances.map((search) => (search as RegExp).source));
    expect([...sources].filter((source) => source.includes('one'))).toEqual(['one|two']);
  });
});
