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

it('url_encode, base64, json_encode, and the built-in lower and to_number', () => {
  expect(evaluate("url_encode('*[_type == \"post\" && a != b]')", {})).toBe('%2A%5B_type%20%3D%3D%20%22post%22%20%26%26%20a%20%21%3D%20b%5D');
  expect(evaluate("url_encode('a/b?c=d#e')", {})).toBe('a%2Fb%3Fc%3Dd%23e');
  expect(evaluate('url_encode(`42`)', {})).toBe('42');
  expect(evaluate("base64('admin:é')", {})).toBe('YWRtaW46w6k=');
  expect(evaluate('json_encode(q)', { q: { status: 'draft', ids: [1, 2] } })).toBe('{"status":"draft","ids":[1,2]}');
  expect(evaluate("json_encode('a\"b')", {})).toBe('"a\\"b"');
  expect(evaluate("lower('DRAFT')", {})).toBe('draft');
  expect(evaluate("to_number('12')", {})).toBe(12);
  expect(evaluate("to_number('twelve')", {})).toBe(null);
  expect(() => evaluate('url_encode(`[1]`)', {})).toThrow();
});

it('mask_token names a token by its first 4 characters and a hash, never more', () => {
  const token = 'CFPAT-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  const masked = evaluate('mask_token(t)', { t: token }) as string;
  expect(masked).toMatch(/^CFPA…#[0-9a-f]{8}$/);
  expect(masked).not.toContain(token.slice(4, 8));
  // The same token gives the same name; another token another one.
  expect(evaluate('mask_token(t)', { t: token })).toBe(masked);
  expect(evaluate('mask_token(t)', { t: `${token}x` })).not.toBe(masked);
  // A short value shows none of its characters.
  expect(evaluate("mask_token('abc123')", {})).toMatch(/^…#[0-9a-f]{8}$/);
  expect(evaluate('mask_token(`null`)', {})).toBe(null);
});
