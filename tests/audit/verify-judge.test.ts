import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/audit/verify.js';
import type { HttpResponse } from '../../src/core/http-types.js';
import type { ItemRoute } from '../../src/audit/types.js';

function answer(body: string, extra: Partial<HttpResponse> = {}): HttpResponse {
  const bytes = Buffer.byteLength(body);
  return { requestedUrl: 'http://127.0.0.1/x', url: 'http://127.0.0.1/x', status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' }, body, truncated: false, bytes, redirects: [], durationMs: 1, ...extra };
}

const restRoute: ItemRoute = { kind: 'rest', url: 'http://127.0.0.1/x', proof: { kind: 'json-id', field: 'id', id: '7' } };
const fileRoute: ItemRoute = { kind: 'file', url: 'http://127.0.0.1/x', proof: { kind: 'file' } };
const hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('judge: the digest of what a reachable route served', () => {
  it("is the sha256 of the text's UTF-8, for a page longer than one hashing slice with pairs across it", () => {
    // 64 Ki code units is the slice: the astral character's two code units are 65,535 and 65,536.
    const head = '{"id":7,"text":"';
    const body = `${head}${'é'.repeat(65_535 - head.length)}😀${'ü'.repeat(70_000)}"}`;
    expect(body.charCodeAt(65_535)).toBe(0xd83d);
    const verdict = judge(restRoute, answer(body), undefined);
    expect(verdict.verdict).toBe('reachable');
    expect(verdict.sha256).toBe(hex(Buffer.from(body, 'utf8')));
  });

  it('is the sha256 of the raw bytes when they were kept, not of their decoded text', () => {
    const raw = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x01]);
    const verdict = judge(fileRoute, answer(Buffer.from(raw).toString('utf8'), { headers: { 'content-type': 'image/png' }, rawBody: raw, bytes: raw.length }), undefined);
    expect(verdict.verdict).toBe('reachable');
    expect(verdict.sha256).toBe(hex(raw));
    expect(verdict.sha256).not.toBe(hex(Buffer.from(raw).toString('utf8')));
  });

  it('is not given for a route that did not prove the item', () => {
    const verdict = judge(restRoute, answer('{"id":8}'), undefined);
    expect(verdict.verdict).toBe('not-found');
    expect(verdict.sha256).toBeUndefined();
  });
});
