import { expect, it } from 'vitest';
import { evaluate } from '../../src/engine/expression.js';
it('custom functions', () => {
  expect(evaluate("epoch('2031-01-01T00:00:00Z')", {})).toBe(1924992000);
  expect(evaluate("epoch('Wed, 01 Jan 2031 00:00:00 +0000')", {})).toBe(1924992000);
  expect(evaluate("epoch('nonsense')", {})).toBe(null);
  expect(evaluate('range(`3`, `6`)', {})).toEqual([3, 4, 5]);
  expect(evaluate("epoch('2031-01-01T00:00:00Z') > now()", {})).toBe(true);
  expect(evaluate("items[?epoch(date) > now()].id", { items: [{ id: 1, date: '2031-01-01' }, { id: 2, date: '2001-01-01' }] })).toEqual([1]);
});
