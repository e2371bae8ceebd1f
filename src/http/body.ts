import type { Readable } from 'node:stream';

export interface CappedBody {
  body: string;
  bytes: number;
  truncated: boolean;
  /** The bytes kept, when the caller asked for them. */
  raw?: Buffer;
}

/**
 * Reads at most `capBytes` of a response body, then destroys the stream so the rest is never
 * read (undici closes that connection): a scan of a site serving huge files keeps bounded memory.
 */
export async function readCappedBody(stream: Readable, capBytes: number, keepRaw = false): Promise<CappedBody> {
  const kept: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const room = capBytes - bytes;
    if (buffer.length > room) {
      if (room > 0) kept.push(buffer.subarray(0, room));
      bytes = capBytes;
      truncated = true;
      break;
    }
    kept.push(buffer);
    bytes += buffer.length;
  }
  if (truncated) stream.destroy();
  const buffer = Buffer.concat(kept, bytes);
  return { body: decodeUtf8(buffer, truncated), bytes, truncated, ...(keepRaw ? { raw: buffer } : {}) };
}

// A cut at the cap can split a multi-byte character: the incomplete tail is left out rather than
// decoded as U+FFFD for a character the server sent whole. (Not TextDecoder's stream mode: on
// megabyte bodies it goes through ICU and leaves the scanner's memory fragmented.)
function decodeUtf8(buffer: Buffer, truncated: boolean): string {
  const decoder = new TextDecoder('utf-8');
  return decoder.decode(truncated ? buffer.subarray(0, completeUtf8Length(buffer)) : buffer);
}

/** The length of `buffer` without a multi-byte UTF-8 sequence cut off at its end. */
export function completeUtf8Length(buffer: Uint8Array): number {
  let start = buffer.length;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last sequence.
  for (let back = 0; back < 3 && start > 0 && ((buffer[start - 1] ?? 0) & 0xc0) === 0x80; back += 1) start -= 1;
  if (start === 0) return buffer.length;
  const lead = buffer[start - 1] ?? 0;
  const expected = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  const present = buffer.length - (start - 1);
  return expected > present ? start - 1 : buffer.length;
}
