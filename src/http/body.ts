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

// A cut at the cap can split a multi-byte character; in streaming mode the decoder holds the
// incomplete tail back instead of emitting a U+FFFD for a character the server sent whole.
function decodeUtf8(buffer: Buffer, truncated: boolean): string {
  const decoder = new TextDecoder('utf-8');
  return truncated ? decoder.decode(buffer, { stream: true }) : decoder.decode(buffer);
}
