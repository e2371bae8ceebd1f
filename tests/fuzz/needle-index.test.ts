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
