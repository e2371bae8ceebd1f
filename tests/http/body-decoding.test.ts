import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeUtf8Length } from '../../src/http/body.js';
import { readChunks } from '../support/chunk-dispatcher.js';
import { fuzzParameters } from '../fuzz/fuzz-settings.js';

/**
 * Bodies are decoded chunk by chunk as they arrive (no whole-body Buffer). The text must be
 * exactly what decoding the bytes read in one piece gives: the same U+FFFD for the same invalid
 * bytes wherever the chunks split them, a byte order mark dropped only at the start, and a
 * character cut by the cap left out.
 */
function decodedAtOnce(bytes: Uint8Array, capBytes: number): string {
  const kept = bytes.subarray(0, Math.min(bytes.length, capBytes));
  const truncated = bytes.length > capBytes;
  return new TextDecoder('utf-8').decode(truncated ? kept.subarray(0, completeUtf8Length(kept)) : kept);
}

function chunked(bytes: Uint8Array, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    if (point > from) chunks.push(Buffer.from(bytes.subarray(from, point)));
    from = Math.max(from, point);
  }
  return chunks;
}

// Multi-byte characters, invalid and overlong sequences, lone continuation bytes, surrogates
// encoded as UTF-8 (invalid), a BOM, and ASCII.
const bytePieces = fc.constantFrom(
  [0x61], [0x0a], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbb, 0xbf],
  [0x80], [0xbf], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf8], [0xff], [0xc0, 0xaf],
);
const body = fc.array(bytePieces, { maxLength: 40 }).map((pieces) => Uint8Array.from(pieces.flat()));

describe('body decoding as chunks arrive (wire-exchange)', () => {
  it('gives the text of the bytes decoded at once, however they are chunked and capped', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.array(fc.nat(200), { maxLength: 12 }), fc.option(fc.nat(160), { nil: undefined }), async (bytes, cuts, cap) => {
        const capBytes = cap ?? Number.POSITIVE_INFINITY;
        const result = await readChunks(chunked(bytes, cuts), capBytes, true);
        expect(result.body).toBe(decodedAtOnce(bytes, capBytes));
        expect(result.truncated).toBe(bytes.length > capBytes);
        expect(result.bytes).toBe(Math.min(bytes.length, capBytes));
        expect([...(result.raw ?? [])]).toEqual([...bytes.subarray(0, result.bytes)]);
      }),
      fuzzParameters(2000),
    );
  });

  it('keeps a byte order mark split across chunks out of the text, and one later in the body in it', async () => {
    const result = await readChunks([Buffer.from([0xef]), Buffer.from([0xbb, 0xbf, 0x61]), Buffer.from([0xef, 0xbb, 0xbf])], 100);
    expect(result.body).toBe('a\ufeff');
  });
});
