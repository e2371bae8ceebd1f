import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinedEntries, withEntry } from '../../src/core/objects.js';
import { fuzzParameters } from './fuzz-settings.js';

// withEntry stands for `{ ...object, [key]: value }` in the rule engine (a branch's variables
// and steps): the same own entries, whatever the key, __proto__ and the object's own keys
// included, and the same prototype.
const keys = fc.constantFrom('a', 'b', 'name', 'steps', '__proto__', 'constructor', '0', '10');

describe('withEntry', () => {
  it('has the entries of the spread literal, for any object and key', () => {
    fc.assert(
      fc.property(fc.dictionary(keys, fc.integer(), { maxKeys: 6 }), keys, fc.integer(), (object, key, value) => {
        const before = Object.entries(object);
        const fast = withEntry(object, key, value);
        const literal = { ...object, [key]: value };
        expect(Object.getPrototypeOf(fast)).toBe(Object.prototype);
        // In the same order: rules can see it (keys(steps), values(steps)).
        expect(Object.keys(fast)).toEqual(Object.keys(literal));
        for (const name of Object.keys(literal)) expect(Object.getOwnPropertyDescriptor(fast, name)).toEqual(Object.getOwnPropertyDescriptor(literal, name));
        // The original is untouched.
        expect(Object.entries(object)).toEqual(before);
      }),
      fuzzParameters(2000),
    );
  });

  it('an own __proto__ key stays an entry, not the prototype', () => {
    const object = JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}') as Record<string, unknown>;
    const copy = withEntry<unknown>(object, '__proto__', { polluted: 2 });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ polluted: 2 });
    expect((copy as { polluted?: number }).polluted).toBeUndefined();
  });

  it('joinedEntries has the entries of { ...head, ...fixed, ...tail }, in its order', () => {
    const dictionary = fc.dictionary(keys, fc.integer(), { maxKeys: 5 });
    fc.assert(
      fc.property(dictionary, dictionary, fc.option(dictionary, { nil: undefined }), (head, fixed, tail) => {
        const fast = joinedEntries(head, fixed, tail);
        const literal = { ...head, ...fixed, ...tail };
        expect(Object.getPrototypeOf(fast)).toBe(Object.prototype);
        expect(Object.keys(fast)).toEqual(Object.keys(literal));
        for (const name of Object.keys(literal)) expect(Object.getOwnPropertyDescriptor(fast, name)).toEqual(Object.getOwnPropertyDescriptor(literal, name));
      }),
      fuzzParameters(2000),
    );
  });
});
