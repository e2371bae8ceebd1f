import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256OfText } from '../../src/core/text-digest.js';
import { fuzzParameters } from '../fuzz/fuzz-settings.js';

const whole = (text: string): string => createHash('sha256').update(text).digest('hex');
const slice = 64 * 1024;

/**
 * The digest is fed a slice at a time (no buffer three times the text's size); it must be the
 * digest of the whole text's UTF-8 all the same, wherever a slice ends: between the halves of a
 * surrogate pair, on a lone surrogate, at the very end.
 */
describe('sha256OfText', () => {
  it('is the digest of the whole UTF-8 text for short texts and for texts of several slices', () => {
    for (const text of ['', 'a', 'é€😀', 'a'.repeat(slice), 'a'.repeat(slice + 1), 'ab'.repeat(3 * slice + 7)]) {
      expect(sha256OfText(text)).toBe(whole(text));
    }
  });

  it('keeps a surrogate pair whole where a slice would end inside it', () => {
    for (const at of [slice - 2, slice - 1, slice, 2 * slice - 1]) {
      const text = `${'a'.repeat(at)}😀${'b'.repeat(slice)}`;
      expect(sha256OfText(text)).toBe(whole(text));
    }
    // Lone halves stay lone halves (each encodes as U+FFFD), at a slice's end or not.
    const lone = `${'a'.repeat(slice - 1)}\ud83d${'b'.repeat(10)}\ude00${'c'.repeat(slice)}\ud83d`;
    expect(sha256OfText(lone)).toBe(whole(lone));
  });

  it('tells texts apart that differ in one character past the first slice', () => {
    const base = 'x'.repeat(2 * slice + 5);
    expect(sha256OfText(`${base}a`)).not.toBe(sha256OfText(`${base}b`));
  });

  it('matches the whole-text digest for any text around the slice boundary', () => {
    const piece = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('😀', '\ud83d', '\ude00', 'é', '€'));
    fc.assert(
      fc.property(fc.integer({ min: slice - 8, max: slice + 8 }), fc.array(piece, { maxLength: 8 }), (padding, pieces) => {
        const text = `${'p'.repeat(padding)}${pieces.join('')}${'q'.repeat(slice)}${pieces.join('')}`;
        return sha256OfText(text) === whole(text);
      }),
      fuzzParameters(200),
    );
  });
});
